"""Lesson 07's first experiment: compounding error of behaviour cloning, and DAgger.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/dagger.py          # about a minute on one core
    .venv/bin/python benchmarks/dagger.py --save   # also refresh the cached results lesson 07 loads

A nearest-neighbour driver cloned from 10 expert drives, then 4 DAgger rounds (10 drives each),
each tested on 200 fresh roads (the same roads and gusts for every policy of a seed); per-step error
and share on the road by horizon; 8 seeds, means with 95 % intervals and paired differences between rounds.
"""

from __future__ import annotations

import sys

from common import run_cached_experiment

from causal_course.statistics import format_interval  # noqa: E402
from causal_course.studies.imitation import dagger  # noqa: E402

RESULTS_NAME = "dagger_results"


def main() -> int:
    result = run_cached_experiment(__doc__.splitlines()[0], dagger, RESULTS_NAME)
    print(f"{len(result['seeds'])} seeds, {result['test_drives']} test drives each, mean [95 % interval]; "
          f"labelled situations per round {result['data_sizes']}; took {result['sweep_seconds']:.0f} s")
    for key, label, digits in (("per_step_error", "per-step error |steering - expert's|", 3),
                               ("on_road", "share on the road", 2)):
        print(f"{label}, at horizons {result['horizons']}")
        for name, records in result[key].items():
            print(f"  {name:<18} " + "  ".join(f"{format_interval(r, digits):>22}" for r in records))
        for name, table in result["growth"].items():
            print(f"  {name + ' growth':<18} " + "  ".join(f"{format_interval(r, digits):>22}" for r in table[key])
                  + f"   (paired change since horizon {result['horizons'][0]})")
        for name, table in result["differences"].items():
            print(f"  {name:<18} " + "  ".join(f"{format_interval(r, digits):>22}" for r in table[key])
                  + "   (paired difference)")
    if "saved_to" in result:
        print(f"saved {result['saved_to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
