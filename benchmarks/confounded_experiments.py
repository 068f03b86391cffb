"""Lesson 06's confounded experimenting odd-one-out: which feature a passive experimenter generalises on, per explanation.

Usage (from the course folder, after `make setup`; one CPU thread):

    .venv/bin/python benchmarks/confounded_experiments.py          # a few minutes on one core
    .venv/bin/python benchmarks/confounded_experiments.py --save   # also refresh causal_course/data/confounded_experiments_results.json

8 seeds x 3 conditions (explanations name colour, name shape, none), each cloning the elimination
expert's logs of 600 batches of 128 perfectly confounded episodes (colour and shape single out the
same object in every trial). Printed: per condition and test set the shares of test picks on the
object unique in colour / shape / texture / nothing and of right picks (95 % intervals), the paired
differences of the colour share against "none", the measured training time, the expert's shares.
"""

from __future__ import annotations

import sys

from common import run_cached_experiment

from causal_course.statistics import format_interval  # noqa: E402
from causal_course.studies.confounded_experiments import SHARES, confounded_experiments  # noqa: E402

RESULTS_NAME = "confounded_experiments_results"


def main() -> int:
    result = run_cached_experiment(__doc__.splitlines()[0],
                                   lambda seed, fast: confounded_experiments(seed=seed, fast=fast, progress=True),
                                   RESULTS_NAME)
    print(f"\n{len(result['seeds'])} seeds, {result['n_steps']} steps of {result['batch_size']} episodes, "
          f"{result['test_episodes']} test episodes per seed and test set; took {result['sweep_seconds']:.0f} s")
    for test in result["test_sets"]:
        print(f"\n{test} test episodes: share of test picks on the object unique in ...")
        print(f"{'condition':<16}" + "".join(f"{share:>26}" for share in SHARES))
        rows = {**result["conditions"], "expert": result["baselines"]["elimination_expert"]}
        for name, condition in rows.items():
            print(f"{name:<16}" + "".join(f"{format_interval(condition[test][share]):>26}" for share in SHARES))
        for name, difference in result["differences"][test].items():
            print(f"paired difference of the colour share, {name}: {format_interval(difference)}, "
                  f"excludes 0: {difference['excludes_zero']}; per seed {difference['values']}")
    for name, condition in result["conditions"].items():
        print(f"{name}: right on confounded training-like episodes {format_interval(condition['train_accuracy'])}; "
              f"training {format_interval(condition['train_seconds'])} s per run")
    if "saved_to" in result:
        print(f"saved {result['saved_to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
