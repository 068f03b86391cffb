"""Lesson 06's experiment: which feature does a learner generalise on after perfectly confounded training?

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/confounding.py          # about 2 minutes on 2 cores
    .venv/bin/python benchmarks/confounding.py --save   # also refresh the cached results lesson 06 loads

For each explanation (none, colour, shape, texture) and each share of perfectly confounded
training episodes, 3 seeds: the share of deconfounded test choices along each dimension.
"""

from __future__ import annotations

import sys

from common import run_cached_experiment

from causal_course.studies.confounded_generalisation import confounding  # noqa: E402

RESULTS_NAME = "confounding_results"


def main() -> int:
    result = run_cached_experiment(__doc__.splitlines()[0], confounding, RESULTS_NAME)
    print(f"{len(result['seeds'])} seeds, {result['n_steps']} steps per model, {result['test_episodes']} test episodes; "
          f"share of deconfounded choices, mean ± standard error; took {result['sweep_seconds']:.0f} s")
    print(f"{'explanation':<12} {'confounded':>10} {'colour':>14} {'shape':>14} {'texture':>14} {'none':>14} {'train acc.':>10}")
    for row in result["conditions"]:
        cells = " ".join(f"{row[k]:>7.2f} ± {row[k + '_se']:.2f}" for k in ("colour", "shape", "texture", "none"))
        print(f"{row['explanation']:<12} {row['confounded_share']:>10.0%} {cells} {row['confounded_accuracy']:>10.2f}")
    if "saved_to" in result:
        print(f"saved {result['saved_to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
