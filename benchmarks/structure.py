"""Lesson 02's experiment: posterior entropy over the 25 DAGs against samples, for three experimenters.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/structure.py          # about 100 s on 2 cores
    .venv/bin/python benchmarks/structure.py --save   # also refresh the cached results lesson 02 loads

Every DAG on 3 variables is the hidden world in turn (random weights and noise scales), learned in
rounds of 5 samples by observing only, by random single-variable experiments, and by the most
informative experiment; 3 seeds, mean ± standard error over seeds.
"""

from __future__ import annotations

import sys

from common import run_cached_experiment

from causal_course.studies.structure import structure  # noqa: E402

RESULTS_NAME = "structure_results"


def main() -> int:
    result = run_cached_experiment(__doc__.splitlines()[0], structure, RESULTS_NAME)
    print(f"{result['n_seeds']} seeds x {result['n_dags']} true DAGs, rounds of {result['batch_size']} samples; "
          f"posterior entropy in bits (log2 25 = 4.64 before any data), mean ± standard error; "
          f"took {result['sweep_seconds']:.0f} s")
    print(f"{'samples':>7} " + " ".join(f"{s:>16}" for s in result["entropy"]))
    for k, n in enumerate(result["samples"]):
        print(f"{n:>7} " + " ".join(f"{result['entropy'][s][k]:>9.2f} ± {result['entropy_se'][s][k]:.2f}"
                                    for s in result["entropy"]))
    for key, label in (("true_dag", "mass on the true DAG"), ("true_class", "mass on its class")):
        print(f"{label:<22}" + " ".join(f"{s}: {result[key][s]:.2f} ± {result[key + '_se'][s]:.2f}"
                                        for s in result[key]))
    if "saved_to" in result:
        print(f"saved {result['saved_to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
