"""Lesson 07's first experiment: compounding error of behaviour cloning, and DAgger.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/dagger.py          # about a minute on 2 cores
    .venv/bin/python benchmarks/dagger.py --save   # also refresh the cached results lesson 07 loads

A nearest-neighbour driver cloned from 10 expert drives, then 4 DAgger rounds (10 drives each),
each tested on 200 fresh roads; per-step error and share on the road by horizon; 3 seeds.
"""

from __future__ import annotations

import sys

from common import run_cached_experiment

from causal_course.studies.imitation import dagger  # noqa: E402

RESULTS_NAME = "dagger_results"


def main() -> int:
    result = run_cached_experiment(__doc__.splitlines()[0], dagger, RESULTS_NAME)
    print(f"{result['n_seeds']} seeds, mean ± standard error; labelled situations per round {result['data_sizes']}; "
          f"took {result['sweep_seconds']:.0f} s")
    for key, label in (("per_step_error", "per-step error |steering - expert's|"), ("on_road", "share on the road")):
        print(f"{label} at horizon " + " ".join(f"{h:>13}" for h in result["horizons"]))
        for name, values in result[key].items():
            cells = " ".join(f"{v:6.3f} ± {se:.3f}" for v, se in zip(values, result[key + "_se"][name]))
            print(f"  {name:<10} {cells}")
    if "saved_to" in result:
        print(f"saved {result['saved_to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
