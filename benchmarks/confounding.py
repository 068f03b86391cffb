"""Lesson 06's experiment: which feature does a learner generalise on after perfectly confounded training?

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/confounding.py          # about 4 minutes on 2 cores
    .venv/bin/python benchmarks/confounding.py --save   # also refresh the cached results lesson 06 loads

For each explanation (none, colour, shape, texture) and each share of perfectly confounded
training episodes, 8 seeds: the share of deconfounded test choices along each dimension (mean and
95 % interval over seeds), and the explanation's pull: the paired difference, seed by seed on the
same test scenes, in choices on the explained dimension against no explanation.
"""

from __future__ import annotations

import sys

from common import run_cached_experiment

from causal_course.studies.confounded_generalisation import confounding  # noqa: E402

RESULTS_NAME = "confounding_results"


def main() -> int:
    result = run_cached_experiment(__doc__.splitlines()[0], confounding, RESULTS_NAME)
    from causal_course.statistics import format_interval

    print(f"{len(result['seeds'])} seeds, {result['n_steps']} steps per model, {result['test_episodes']} test episodes; "
          f"share of deconfounded choices, mean [95 % interval]; took {result['sweep_seconds']:.0f} s")
    print(f"{'explanation':<12} {'confounded':>10} {'colour':>20} {'shape':>20} {'texture':>20} {'none':>20} "
          f"{'confounded acc.':>16} {'one-feature acc.':>17}")
    for row in result["conditions"]:
        cells = " ".join(f"{format_interval(row[k], 2):>20}" for k in ("colour", "shape", "texture", "none"))
        print(f"{row['explanation']:<12} {row['confounded_share']:>10.0%} {cells} {row['confounded_accuracy']['mean']:>16.3f} "
              f"{format_interval(row['single_feature_accuracy'], 3):>17}")
    print("\npull of the explanation on its own dimension: paired difference [95 % interval]")
    for row in result["pull"]:
        against_full = row.get("versus_fully_confounded")
        extra = f"   pull minus its pull at 100 %: {format_interval(against_full, 3)}" if against_full else ""
        print(f"explain {row['explanation']:<8} {row['confounded_share']:>5.0%} confounded: vs no explanation "
              f"{format_interval(row['versus_none'], 3)}{extra}")
    if "saved_to" in result:
        print(f"saved {result['saved_to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
