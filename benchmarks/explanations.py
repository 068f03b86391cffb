"""Lesson 05's comparison: explanations as an auxiliary objective, at equal training budgets.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/explanations.py --save      # 8 seeds; about 40 minutes on one core
    # or in two one-thread lanes over disjoint seeds, then merged (about 20 minutes on 2 cores):
    .venv/bin/python benchmarks/explanations.py --seed 0 --n-seeds 4 --threads 1 --out build/expl_a.json
    .venv/bin/python benchmarks/explanations.py --seed 4 --n-seeds 4 --threads 1 --out build/expl_b.json
    .venv/bin/python benchmarks/explanations.py --merge build/expl_a.json build/expl_b.json --save

Held-out and critical reward at several training budgets for each condition (no explanation, the
explanations of lesson 05 at weight 1, one of them with its loss normalised to chance, and the
privileged answer supervision), mean and 95 % interval over seeds; then each condition's final
reward against no explanation as a paired difference (same seeds, same test episodes).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from common import write_results

from causal_course.statistics import format_interval  # noqa: E402
from causal_course.studies.explanations import explanations, merge_explanations  # noqa: E402

RESULTS_NAME = "explanations_results"


def report(result) -> None:
    print(f"{len(result['seeds'])} seeds, {result['test_episodes']} test episodes, lambda {result['lambda']:g}; "
          f"mean [95 % interval]" + (f"; took {result['sweep_seconds']:.0f} s" if "sweep_seconds" in result else ""))
    print(f"{'condition':<34} " + " ".join(f"{f'{s} steps ({e // 1000}k ep.)':>22}"
                                          for s, e in zip(result["steps"], result["episodes"])))
    for condition, curve in result["curves"].items():
        for group in ("heldout", "critical"):
            print(f"{condition + ' ' + group:<34} " + " ".join(f"{format_interval(r, 3):>22}" for r in curve[group]))
    print(f"\nfinal reward minus no explanation, paired by seed (after {result['steps'][-1]} steps)")
    for condition, groups in result["versus_none"].items():
        print(f"  {condition:<28} held-out {format_interval(groups['heldout'], 3):<26} "
              f"critical {format_interval(groups['critical'], 3)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="the first seed")
    parser.add_argument("--n-seeds", type=int, default=None, help="number of seeds (default 8)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own)")
    parser.add_argument("--out", default=None, help="also write the result to this JSON file")
    parser.add_argument("--merge", nargs="+", default=None, help="merge runs over disjoint seeds instead of running")
    parser.add_argument("--save", action="store_true", help="refresh the cached results lesson 05 loads")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.merge:
        parts = [json.loads(open(path).read()) for path in args.merge]
        result = merge_explanations([{k: v for k, v in part.items() if k != "sweep_seconds"} for part in parts]).to_json()
        result["sweep_seconds"] = round(sum(part.get("sweep_seconds", 0.0) for part in parts), 1)
    else:
        if args.threads:
            import torch

            torch.set_num_threads(args.threads)
        result = explanations(seed=args.seed, fast=False, n_seeds=args.n_seeds).to_json()
        result["sweep_seconds"] = round(time.perf_counter() - start, 1)
    report(result)
    write_results(result, RESULTS_NAME, args.out, args.save)
    return 0


if __name__ == "__main__":
    sys.exit(main())
