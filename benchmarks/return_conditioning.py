"""Lesson 07's second experiment: return-conditioned imitation from drives of mixed quality.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/return_conditioning.py          # about a minute on 2 cores
    .venv/bin/python benchmarks/return_conditioning.py --save   # also refresh the cached results lesson 07 loads

Drives by an expert, a noisy, a poor and a random driver, labelled with their returns; cloning all of
them, cloning the best quarter, and a return-conditioned driver asked for several returns; in a world
where returns reflect skill and one where calm weather (luck) also raises them; 3 seeds.
"""

from __future__ import annotations

import sys

from common import run_cached_experiment

from causal_course.studies.imitation import return_conditioning  # noqa: E402

RESULTS_NAME = "return_conditioning_results"


def main() -> int:
    result = run_cached_experiment(__doc__.splitlines()[0], return_conditioning, RESULTS_NAME)
    print(f"{result['n_seeds']} seeds, {result['test_drives']} test drives each, return over 200 steps "
          f"(mean ± standard error); took {result['sweep_seconds']:.0f} s")
    for world, rows in result["worlds"].items():
        print(f"{world} world; data: " + ", ".join(f"{d} {r:.0f}" for d, r in rows["data"].items()))
        for name in ["expert", "clone all", "clone best 25%"] + [f"asked {a}" for a in result["asked"]]:
            print(f"  {name:<16} {rows[name]:6.1f} ± {rows[name + '_se']:.1f}")
    if "saved_to" in result:
        print(f"saved {result['saved_to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
