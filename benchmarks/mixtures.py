"""Lesson 04's sweep: what an imitator learns from mixtures of experimenters' and observers' logs.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/mixtures.py                       # the whole sweep, 5 seeds (about 50 minutes on 2 cores)
    .venv/bin/python benchmarks/mixtures.py --save                # also refresh the cached results lesson 04 loads
    # the same in two processes of one thread each (about twice as fast on 2 cores):
    .venv/bin/python benchmarks/mixtures.py --seed 0 --n-seeds 3 --threads 1 --out build/mix_a.json &
    .venv/bin/python benchmarks/mixtures.py --seed 3 --n-seeds 2 --threads 1 --out build/mix_b.json
    .venv/bin/python benchmarks/mixtures.py --merge build/mix_a.json build/mix_b.json --save

Shares 0, 25, 50, 75 and 100 %; conditions: all-or-nothing logs ("episodes"), logs that mix
observation and intervention ("steps"), logs tagged with their author ("tagged", asked to act as
experimenter or observer), a random experimenter ("random"), and the off-record expert; each
model trained by causal_course.studies.mixtures.train_mixture_model. Prints mean [95 % CI] over seeds
and the paired differences the lesson draws conclusions from.

The cached sweep was made with the two one-thread processes above. The same seeds give exactly the same
numbers only with the same number of threads: PyTorch sums in a different order with 2 threads, which
nudges training (seed 0 at 0 %: 0.574 with one thread, 0.564 with two, measured on the test episodes of release 0.2.0;
well inside the seed-to-seed spread).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from common import write_results

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from causal_course.statistics import format_interval, paired_difference  # noqa: E402
from causal_course.studies.mixtures import merge_mixtures, mixture_values, mixtures  # noqa: E402

RESULTS_NAME = "mixtures_results"


def cell(record) -> str:
    if record is None:
        return "-"
    if record["low"] is None:
        return f"{record['mean']:.3f}"
    return f"{record['mean']:.3f} [{record['low']:.3f}, {record['high']:.3f}]"


def report(result: dict) -> None:
    print(f"{len(result['seeds'])} seeds {result['seeds']}, {result['n_steps']} steps "
          f"({result['episodes_per_model']:,} episodes) per model, {result['test_episodes']} test episodes; "
          "mean [95 % CI] over seeds")
    base = result["baselines"]
    print("baselines on the same episodes: " + "; ".join(
        f"{k} {cell(v)}" for k, v in base.items()))
    keys = ("heldout_sampled", "critical_sampled", "heldout_greedy", "heldout_forced", "observe_share_sampled")
    for condition, table in result["conditions"].items():
        variants = [""] + (["_asked_experimenter", "_asked_observer"] if condition == "tagged" else [])
        for suffix in variants:
            print(f"\n{condition}{suffix.replace('_', ' ')}")
            print(f"{'share':>6} " + "".join(f"{k:>28}" for k in keys))
            for share, summary in zip(result["shares"], table["summary"]):
                if summary is None:
                    print(f"{share:>6.0%}  (no model: nothing to ask for)")
                    continue
                print(f"{share:>6.0%} " + "".join(f"{cell(summary.get(k + suffix)):>28}" for k in keys))
    if "off_record" in result:
        summary = result["off_record"]["summary"]
        print("\noff-record expert (observations logged, labels from unlogged experiments): "
              + "; ".join(f"{k} {cell(summary[k])}" for k in keys))
    # paired differences the lesson quotes
    if len(result["seeds"]) > 1:
        print("\npaired differences (per seed, same test episodes), mean [95 % CI]:")
        reg = [run["heldout_regression_5_samples"] for run in result["baselines_per_seed"]]
        observer = mixture_values(result, "episodes", 0.0, "heldout_sampled")
        print("  0 % (observers only) minus regression on 5 observations, held-out:",
              format_interval(paired_difference(observer, reg)),
              "| greedy:", format_interval(paired_difference(mixture_values(result, "episodes", 0.0, "heldout_greedy"), reg)))
        if "off_record" in result:
            off = [run["heldout_sampled"] for run in result["off_record"]["per_seed"]]
            print("  off-record expert minus observer (0 %), held-out:", format_interval(paired_difference(off, observer)))
        interior = [s for s in result["shares"] if s not in (0.0, 1.0)]
        if "tagged" in result["conditions"] and 1.0 in result["shares"]:
            full = mixture_values(result, "episodes", 1.0, "heldout_sampled")
            for share in interior:
                asked = mixture_values(result, "tagged", share, "heldout_sampled_asked_experimenter")
                untagged = mixture_values(result, "episodes", share, "heldout_sampled")
                print(f"  {share:.0%} tagged, asked as experimenter, minus 100 % experimenters:",
                      format_interval(paired_difference(asked, full)),
                      "| minus the untagged model at the same share:",
                      format_interval(paired_difference(asked, untagged)))
        if "steps" in result["conditions"]:
            for share in interior:
                print(f"  {share:.0%}: logs that mix both minus all-or-nothing logs, held-out:",
                      format_interval(paired_difference(mixture_values(result, "steps", share, "heldout_sampled"),
                                                        mixture_values(result, "episodes", share, "heldout_sampled"))))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="the first seed")
    parser.add_argument("--n-seeds", type=int, default=None, help="number of seeds (default 5)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads per process")
    parser.add_argument("--conditions", nargs="+", default=None)
    parser.add_argument("--out", default=None, help="also write the result to this JSON file")
    parser.add_argument("--merge", nargs="+", default=None, help="merge sweeps over disjoint seeds instead of running")
    parser.add_argument("--save", action="store_true", help="refresh the cached results lesson 04 loads")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.merge:
        result = merge_mixtures([json.loads(open(path).read()) for path in args.merge])
    else:
        result = mixtures(seed=args.seed, fast=False, n_seeds=args.n_seeds, conditions=args.conditions,
                          n_threads=args.threads)
        result["sweep_seconds"] = round(time.perf_counter() - start, 1)
    report(result)
    write_results(result, RESULTS_NAME, args.out, args.save)
    return 0


if __name__ == "__main__":
    sys.exit(main())
