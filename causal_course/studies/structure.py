"""Lesson 02's study: posterior entropy against samples for observing, random and greedy experiments.
"""

from __future__ import annotations

import numpy as np

from causal_course.config import budget
from causal_course.studies.common import (
    _check_list,
    _check_run,
    _mean_se,
)
from causal_course.studies.records import StructureResult
from causal_course.validation import (
    check_integer,
    check_positive_count,
)

STRUCTURE_ROUNDS, STRUCTURE_ROUNDS_FAST = 12, 6


STRUCTURE_SIMULATIONS, STRUCTURE_SIMULATIONS_FAST = 64, 16


def structure(seed: int = 0, fast: bool = False, n_seeds: int = 3, batch_size: int = 5, n_rounds: int | None = None,
              n_simulations: int | None = None, dag_indices=None, progress: bool = False) -> StructureResult:
    """Lesson 02: posterior entropy against samples for observing, random and greedy experiments.

    For each of ``n_seeds`` seeds (``seed``, ``seed + 1``, ...) and each true DAG on 3 variables
    (all 25; a spread of 5 in fast mode), a world with random weights and noise scales is learned
    by each strategy in rounds of ``batch_size`` samples. Returns the mean and standard error
    over seeds of the entropy (bits) after each round, and the final posterior mass on the true
    DAG and on its equivalence class.
    """
    from causal_course.causal.experiment_design import STRATEGIES, run_strategy
    from causal_course.causal.scm import random_linear_gaussian_scm
    from causal_course.causal.structure_learning import DagSpace

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds, progress=progress)
    batch_size = check_positive_count(batch_size, "batch_size", 5)
    if n_rounds is not None:
        check_positive_count(n_rounds, "n_rounds", STRUCTURE_ROUNDS)
    if n_simulations is not None:
        check_positive_count(n_simulations, "n_simulations", STRUCTURE_SIMULATIONS)
    n_rounds = n_rounds or budget(STRUCTURE_ROUNDS, STRUCTURE_ROUNDS_FAST, fast)
    n_simulations = n_simulations or budget(STRUCTURE_SIMULATIONS, STRUCTURE_SIMULATIONS_FAST, fast)
    space = DagSpace(3)
    if dag_indices is None:
        dag_indices = budget(range(len(space)), [0, 1, 6, 12, 24], fast)
    dag_indices = _check_list(dag_indices, "dag_indices",
                              lambda k: check_integer(k, "each DAG index", 0, len(space) - 1,
                                                      expected=f"an index into the {len(space)} DAGs on 3 variables "
                                                               f"(0 to {len(space) - 1})",
                                                      fix=f"pick indices from range({len(space)})"), "[6, 12]")
    per_seed = {s: {"entropy": [], "true_dag": [], "true_class": []} for s in STRATEGIES}
    for offset in range(n_seeds):
        rng = np.random.default_rng(seed + offset)
        runs = {s: [] for s in STRATEGIES}
        for index in dag_indices:
            world = random_linear_gaussian_scm(space.dags[index], rng, names=["A", "B", "C"])
            for strategy in STRATEGIES:
                runs[strategy].append(run_strategy(world, strategy, n_rounds, rng, batch_size, n_simulations, space))
        for strategy in STRATEGIES:
            per_seed[strategy]["entropy"].append(np.mean([r["entropy"] for r in runs[strategy]], axis=0))
            per_seed[strategy]["true_dag"].append(np.mean([r["true_dag"][-1] for r in runs[strategy]]))
            per_seed[strategy]["true_class"].append(np.mean([r["true_class"][-1] for r in runs[strategy]]))

    result = {"experiment": "structure", "seed": seed, "n_seeds": n_seeds, "n_dags": len(dag_indices),
              "batch_size": batch_size, "samples": [batch_size * r for r in range(n_rounds + 1)],
              "entropy": {}, "entropy_se": {}, "true_dag": {}, "true_dag_se": {}, "true_class": {},
              "true_class_se": {}}
    for strategy in STRATEGIES:
        for key in ("entropy", "true_dag", "true_class"):
            result[key][strategy], result[key + "_se"][strategy] = _mean_se(per_seed[strategy][key])
    return StructureResult.from_json(result)
