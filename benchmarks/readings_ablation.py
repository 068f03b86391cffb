"""Lesson 03's ablation: does the goal token's re-reading of the target's values matter? 8 seeds, paired.

Usage (from the course folder, after `make setup`). Seeds 0-4 are the cached runs of
`benchmarks/passive.py --save` (2 threads) and `benchmarks/passive.py --no-readings --checkpoints 800 1600 2200
--threads 1 --save`; seeds 5-7 are run here with one thread each (about 5 minutes on one core):

    .venv/bin/python benchmarks/passive.py --seeds 5 6 7 --checkpoints 2200 --threads 1 --out build/ablation/read.json
    .venv/bin/python benchmarks/passive.py --no-readings --seeds 5 6 7 --checkpoints 2200 --threads 1 \\
        --out build/ablation/noread.json
    .venv/bin/python benchmarks/readings_ablation.py [--save]    # the table; --save: the cache lesson 03 loads

Both models are the lesson-03 transformer with the same seeds, data, budget (2,200 steps) and test episodes; the
only difference is whether the goal token carries the target's readings (``reads_target``), apart from the number
of threads of seeds 0-4 (2 with readings, 1 without: PyTorch then sums in another order, a tiny nudge to training). Prints, per seed and
as mean [95 % CI] over seeds, held-out and critical reward and how often the model picks X0 on critical episodes,
and the paired difference. Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_NAME = "readings_ablation_results"


def _per_seed(run: dict) -> dict:
    return {"seed": run["seed"], "heldout": run["heldout"]["model"], "critical": run["critical"]["model"],
            "critical_x0_share": run["critical_choices"]["x0_share"],
            "critical_x0_share_given_expert": run["critical_choices"]["x0_share_given_expert"],
            "explores_every_variable": run["model_exploration"]["all_variables_share"]}


def main() -> int:
    from causal_course.paths import DATA_DIR
    from causal_course.statistics import format_interval, mean_with_interval, paired_difference
    from causal_course.studies.cache import load_results

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--with-readings", default=str(ROOT / "build" / "ablation" / "read.json"))
    parser.add_argument("--without-readings", default=str(ROOT / "build" / "ablation" / "noread.json"))
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()

    cached = load_results("passive_results")
    conditions = {}
    for name, key, extra in (("with_readings", "transformer", args.with_readings),
                             ("without_readings", "transformer_no_readings", args.without_readings)):
        runs = list(cached[key]["runs"])
        path = Path(extra)
        if path.exists():
            runs += json.loads(path.read_text())["runs"]
        else:
            print(f"note: {path} not found; {name} has only the cached seeds")
        conditions[name] = {run["seed"]: _per_seed(run) for run in runs}
    seeds = sorted(set(conditions["with_readings"]) & set(conditions["without_readings"]))
    if len(seeds) < 2:
        print("error: fewer than 2 seeds in both conditions; run the commands in this script's docstring.",
              file=sys.stderr)
        return 2

    metrics = ("heldout", "critical", "critical_x0_share", "critical_x0_share_given_expert", "explores_every_variable")
    print(f"{len(seeds)} seeds ({', '.join(map(str, seeds))}), paired; with readings / without")
    for seed in seeds:
        a, b = conditions["with_readings"][seed], conditions["without_readings"][seed]
        print(f"  seed {seed}: " + "; ".join(f"{m} {a[m]:.3f} / {b[m]:.3f}" for m in metrics))
    summary = {}
    for metric in metrics:
        with_values = [conditions["with_readings"][s][metric] for s in seeds]
        without_values = [conditions["without_readings"][s][metric] for s in seeds]
        summary[metric] = {"with_readings": mean_with_interval(with_values),
                           "without_readings": mean_with_interval(without_values),
                           "difference": paired_difference(with_values, without_values)}
        diff = summary[metric]["difference"]
        print(f"{metric:<18} with {format_interval(summary[metric]['with_readings'])}  without "
              f"{format_interval(summary[metric]['without_readings'])}  difference {format_interval(diff)} "
              f"({'interval excludes 0' if diff['excludes_zero'] else 'interval includes 0: no difference shown'})")
    if args.save:
        path = DATA_DIR / f"{RESULTS_NAME}.json"
        path.write_text(json.dumps({"seeds": seeds, "per_seed": {name: [values[s] for s in seeds]
                                                                 for name, values in conditions.items()},
                                    "summary": summary}, indent=1) + "\n")
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
