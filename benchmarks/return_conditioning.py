"""Lesson 07's second experiment: return-conditioned imitation from drives of mixed quality, luck, and a fix.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/return_conditioning.py          # two to three minutes on one core (more when it is busy)
    .venv/bin/python benchmarks/return_conditioning.py --save   # also refresh the cached results lesson 07 loads

Ten drives each by an expert, a noisy, a poor and a random driver, labelled with their returns, in two worlds
that differ only in the weather: every day steady (gusts of sd 0.003), or half the days calm (0.0005) and half
stormy (0.00421, so that the gust variance averages the steady world's). Cloning everyone, cloning the best quarter of drives, a return-conditioned driver asked for several
returns, and the same driver conditioned on each kind of driver's *expected* return (the fix for luck); every
policy tested on the same 40 calm, 40 steady and 40 stormy days; 8 seeds, means with 95 % intervals and the
paired differences the lesson draws.
"""

from __future__ import annotations

import sys

from common import run_cached_experiment

from causal_course.statistics import format_interval  # noqa: E402
from causal_course.studies.imitation import return_conditioning  # noqa: E402

RESULTS_NAME = "return_conditioning_results"


def main() -> int:
    result = run_cached_experiment(__doc__.splitlines()[0], return_conditioning, RESULTS_NAME)
    weathers = list(result["weather"]) + ["calm+stormy"]
    print(f"{len(result['seeds'])} seeds, {result['test_drives']} test days per weather, return over 200 steps, "
          f"mean [95 % interval]; took {result['sweep_seconds']:.0f} s")
    for world, days in result["worlds"].items():
        print(f"\n{world} world (days: {', '.join(days)}); the demonstrators' mean returns:")
        for driver, table in result["data"][world].items():
            shares = ", ".join(f"{k} {v['mean']:.2f}" for k, v in result["best_quarter"][world][driver].items())
            print(f"  {driver:<8} " + "  ".join(f"{k} {format_interval(v, 1)}" for k, v in table.items())
                  + f"   share of the best quarter: {shares}")
        print(f"  {'tested on':<16} " + "".join(f"{w:>24}" for w in weathers))
        for name, table in result["returns"][world].items():
            print(f"  {name:<16} " + "".join(f"{format_interval(table[w], 1):>24}" for w in weathers))
        for name, table in result["differences"][world].items():
            print(f"  {name:<30} " + "".join(f"{format_interval(table[w], 1):>24}" for w in weathers))
    print("\nlucky world minus steady world (paired by seed, same test days):")
    for name, table in result["differences"]["lucky - steady"].items():
        print(f"  {name:<30} " + "".join(f"{format_interval(table[w], 1):>24}" for w in weathers))
    print("  the demonstrators' mean return in the data: "
          + ", ".join(f"{d} {format_interval(r, 1)}" for d, r in result["data_differences"].items()))
    print("\na policy's paired change between kinds of test day:")
    for world, rows in result["day_differences"].items():
        for name, table in rows.items():
            print(f"  {world:<7} {name:<28} " + "  ".join(f"{k}: {format_interval(r, 1)}" for k, r in table.items()))
    print("\nshare of the neighbours steered by on stormy test days, by the driver who supplied them:")
    for world, rows in result["neighbour_sources"].items():
        for name, table in rows.items():
            print(f"  {world:<7} {name:<14} " + "  ".join(f"{d} {format_interval(r, 3)}" for d, r in table.items()))
    if "saved_to" in result:
        print(f"saved {result['saved_to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
