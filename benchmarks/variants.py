"""Benchmark for lesson 03's identifiability caveat: every baseline on every environment variant.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/variants.py            # 5 seeds, 2000 test episodes per set
    .venv/bin/python benchmarks/variants.py --save     # also refresh the cached table lesson 03 loads

No model is trained (that is `benchmarks/passive.py --env NAME`), so this takes about a minute.
For each seed, fresh test structures of each variant; every agent acts on the same episodes.
Prints mean [95 % CI] over seeds. Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from causal_course.paths import DATA_DIR
from causal_course.statistics import format_interval, mean_with_interval
from causal_course.studies.passive import BASELINE_NAMES, baselines_by_env
from causal_course.worlds.dag_episodes import ENVIRONMENTS

RESULTS_NAME = "variants_results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--test-episodes", type=int, default=2000)
    parser.add_argument("--save", action="store_true", help="write causal_course/data/variants_results.json")
    args = parser.parse_args()
    start = time.perf_counter()
    runs = [baselines_by_env(seed=s, n_test=args.test_episodes) for s in args.seeds]
    groups = ("heldout", "critical")
    print(f"every baseline on every environment variant: {len(args.seeds)} seeds, {args.test_episodes} test "
          f"episodes per set; normalised reward, mean [95 % CI] over seeds ({time.perf_counter() - start:.0f} s)")
    table = {}
    for env in ENVIRONMENTS:
        print(f"\n{env}")
        print(f"  {'baseline':<22}" + "".join(f"{g:>24}" for g in groups))
        table[env] = {}
        for name in BASELINE_NAMES:
            cells = {g: mean_with_interval([run["envs"][env][g][name] for run in runs]) for g in groups}
            table[env][name] = {g: {k: cells[g][k] for k in ("mean", "low", "high", "values")} for g in groups}
            print(f"  {name:<22}" + "".join(f"{format_interval(cells[g]):>24}" for g in groups))
    if args.save:
        path = DATA_DIR / f"{RESULTS_NAME}.json"
        path.write_text(json.dumps({"seeds": args.seeds, "test_episodes": args.test_episodes,
                                    "envs": list(ENVIRONMENTS), "baselines": list(BASELINE_NAMES),
                                    "table": table}, indent=1) + "\n")
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
