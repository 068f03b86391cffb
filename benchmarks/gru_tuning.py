"""Lesson 03's architecture question made fairer: the GRU tuned at equal parameters and budget.

Usage (from the course folder, after `make setup`; each run is 5 seeds x 2,200 steps, about 6 minutes on one core):

    for lr in 0.001 0.002 0.005 0.01; do
      .venv/bin/python benchmarks/passive.py --architecture gru --checkpoints 2200 --threads 1 \\
          --learning-rate $lr --out build/gru/lr${lr}_w128_l1.json
    done
    .venv/bin/python benchmarks/passive.py --architecture gru --checkpoints 2200 --threads 1 --width 90 --layers 2 \\
        --out build/gru/lr0.005_w90_l2.json
    .venv/bin/python benchmarks/passive.py --architecture gru --checkpoints 2200 --threads 1 --width 72 --layers 3 \\
        --out build/gru/lr0.005_w72_l3.json
    .venv/bin/python benchmarks/gru_tuning.py [--save]      # the table; --save: the cache lesson 03 loads

Every configuration has about the transformer's 104k parameters (one GRU layer of width 128, two of 90, three
of 72) and its budget (2,200 steps of 256 episodes). Prints, per configuration, held-out and critical reward
(sampled, mean [95 % CI] over 5 seeds) and how often the GRU picks X0 on critical episodes, where X0 is the
only right answer, acting on its own and given the expert's experiments. Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from causal_course.paths import DATA_DIR
from causal_course.statistics import format_interval, interval_record

ROOT = Path(__file__).resolve().parent.parent
RESULTS_NAME = "gru_tuning_results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default=str(ROOT / "build" / "gru"))
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()
    files = sorted(Path(args.folder).glob("*.json"))
    if not files:
        print(f"no runs in {args.folder}: run the commands in this script's docstring first.", file=sys.stderr)
        return 2
    rows = []
    for path in files:
        data = json.loads(path.read_text())
        runs = data["runs"]
        sizes = {"width": 128, "n_layers": 1, **data.get("sizes", {})}
        rows.append({
            "learning_rate": data["learning_rate"], "width": sizes["width"], "n_layers": sizes["n_layers"],
            "n_parameters": data["n_parameters"], "steps": data["steps"], "seeds": [r["seed"] for r in runs],
            "heldout": interval_record([r["heldout"]["model"] for r in runs]),
            "critical": interval_record([r["critical"]["model"] for r in runs]),
            "critical_x0_share": interval_record([r["critical_choices"]["x0_share"] for r in runs]),
            "critical_x0_share_given_expert": interval_record([r["critical_choices"]["x0_share_given_expert"] for r in runs]),
        })
    rows.sort(key=lambda r: (r["n_layers"], r["learning_rate"]))
    print(f"{'lr':>6} {'width x layers':>15} {'params':>8} {'held-out':>24} {'critical':>24} {'X0 chosen (own)':>24} {'X0 (given expert)':>24}")
    for r in rows:
        print(f"{r['learning_rate']:>6g} {str(r['width']) + ' x ' + str(r['n_layers']):>15} {r['n_parameters']:>8,} "
              + "".join(f"{format_interval(r[k]):>25}" for k in ("heldout", "critical", "critical_x0_share",
                                                                "critical_x0_share_given_expert")))
    if args.save:
        path = DATA_DIR / f"{RESULTS_NAME}.json"
        path.write_text(json.dumps({"configurations": rows}, indent=1) + "\n")
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
