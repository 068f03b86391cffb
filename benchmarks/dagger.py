"""Lesson 07's first experiment: compounding error of behaviour cloning, and DAgger.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/dagger.py          # about a minute on one core
    .venv/bin/python benchmarks/dagger.py --save   # also refresh the cached results lesson 07 loads

A nearest-neighbour driver cloned from 10 expert drives, then 4 DAgger rounds (10 drives each), beside the
same clone given as many expert moments as round 1 (size-matched) and a least-squares linear clone, each tested
on 200 fresh roads (the same roads and gusts for every policy of a seed); per-step error, share on the road and
the error of the cars still on the road, by horizon; 8 seeds, means with 95 % intervals and paired differences.
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
                               ("on_road", "share on the road", 2),
                               ("finishers_error", "per-step error of the cars still on the road", 3)):
        print(f"{label}, at horizons {result['horizons']}")
        for name, records in result[key].items():
            print(f"  {name:<18} " + "  ".join(f"{format_interval(r, digits):>22}" for r in records))
        for name, table in result["growth"].items():
            if key not in table:
                continue
            print(f"  {name + ' growth':<18} " + "  ".join(f"{format_interval(r, digits):>22}" for r in table[key])
                  + f"   (paired change since horizon {result['horizons'][0]})")
        for name, table in result["differences"].items():
            print(f"  {name:<18} " + "  ".join(f"{format_interval(r, digits):>22}" for r in table[key])
                  + "   (paired difference)")
    print("per-step error, paired change between horizons")
    for name, table in result["horizon_differences"].items():
        print(f"  {name:<8} " + "  ".join(f"{pair}: {format_interval(r, 3)}" for pair, r in table.items()))
    if "saved_to" in result:
        print(f"saved {result['saved_to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
