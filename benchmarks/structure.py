"""Lesson 02's experiment: posterior entropy over the 25 DAGs against samples, for three experimenters.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/structure.py          # about 3 minutes (181 s, one process, shared 2-core machine)
    .venv/bin/python benchmarks/structure.py --save   # also refresh the cached results lesson 02 loads

Every DAG on 3 variables is the hidden world in turn (random weights and noise scales), learned in
rounds of 5 samples by observing only, by random single-variable experiments, and by the most
informative experiment, all three on the same hidden worlds; 8 seeds, mean with its 95 % interval
over seeds, and the paired differences (most informative minus random, random minus observing).
"""

from __future__ import annotations

import sys

from common import run_cached_experiment

from causal_course.studies.structure import format_tables, structure  # noqa: E402

RESULTS_NAME = "structure_results"


def main() -> int:
    result = run_cached_experiment(__doc__.splitlines()[0], structure, RESULTS_NAME)
    print(format_tables(result))
    print(f"took {result['sweep_seconds']:.0f} s")
    if "saved_to" in result:
        print(f"saved {result['saved_to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
