"""Lesson 05's comparison: explanations as an auxiliary objective, at equal training budgets.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/explanations.py          # about 15 minutes on 2 cores
    .venv/bin/python benchmarks/explanations.py --save   # also refresh the cached results lesson 05 loads

Held-out and critical reward at several training budgets for each kind of explanation (weight
1) and without; then a sweep of the weight lambda for one kind. 3 seeds, mean ± standard error.
"""

from __future__ import annotations

import sys

from common import run_cached_experiment

from causal_course.studies.explanations import explanations  # noqa: E402

RESULTS_NAME = "explanations_results"


def main() -> int:
    result = run_cached_experiment(__doc__.splitlines()[0], explanations, RESULTS_NAME)
    print(f"{len(result['seeds'])} seeds, {result['test_episodes']} test episodes; mean ± standard error; "
          f"took {result['sweep_seconds']:.0f} s")
    print(f"{'explanation':<14} " + " ".join(f"{f'{s} steps ({e // 1000}k ep.)':>28}" for s, e in zip(result['steps'], result['episodes'])))
    for kind, curve in result["curves"].items():
        for group in ("heldout", "critical"):
            print(f"{kind + ' ' + group:<24} " + " ".join(
                f"{m:>12.3f} ± {se:.3f}{'':>7}" for m, se in zip(curve[group], curve[f"{group}_se"])))
    sweep = result["lambda_sweep"]
    print(f"\nlambda sweep ({sweep['kind']}), after {result['steps'][-1]} steps")
    for i, lam in enumerate(sweep["lambdas"]):
        print(f"  lambda {lam:<5} held-out {sweep['heldout'][i]:.3f} ± {sweep['heldout_se'][i]:.3f}   "
              f"critical {sweep['critical'][i]:.3f} ± {sweep['critical_se'][i]:.3f}")
    if "saved_to" in result:
        print(f"saved {result['saved_to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
