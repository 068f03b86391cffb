"""Lesson 02's study: posterior entropy against samples for observing, random and greedy experiments.
"""

from __future__ import annotations

import numpy as np

from causal_course.config import budget
from causal_course.seeds import stream
from causal_course.statistics import interval_record, paired_record
from causal_course.studies.common import (
    _check_list,
    _check_run,
)
from causal_course.studies.records import StructureResult
from causal_course.validation import (
    check_integer,
    check_positive_count,
)

STRUCTURE_ROUNDS, STRUCTURE_ROUNDS_FAST = 12, 6


STRUCTURE_SIMULATIONS, STRUCTURE_SIMULATIONS_FAST = 64, 16


STRUCTURE_SEEDS, STRUCTURE_SEEDS_FAST = 8, 3


# the paired comparisons the lesson draws: (a, b) reads "a minus b", over the same seeds and hidden worlds
STRUCTURE_PAIRS = (("greedy", "random"), ("random", "observe"))


def structure(seed: int = 0, fast: bool = False, n_seeds: int | None = None, batch_size: int = 5,
              n_rounds: int | None = None, n_simulations: int | None = None, dag_indices=None,
              progress: bool = False) -> StructureResult:
    """Lesson 02: posterior entropy against samples for observing, random and greedy experiments.

    For each of ``n_seeds`` seeds (``seed``, ``seed + 1``, ...; 8 by default, 3 in fast mode) and
    each true DAG on 3 variables (all 25; a spread of 5 in fast mode), a world with random weights
    and noise scales is drawn, and every strategy learns *that same world* in rounds of
    ``batch_size`` samples, so the strategies compare paired by seed and world. A seed's value is
    the mean over its worlds. Returns interval records over seeds (per-seed ``values``, ``mean``,
    95 % ``low``/``high``) of the entropy (bits) after each round and of the final posterior mass on
    the true DAG and on its equivalence class, and in ``differences`` the paired differences
    ``"greedy - random"`` and ``"random - observe"`` of each (with ``excludes_zero``).

    The worlds of a seed come from its ``structure_worlds`` stream, each strategy's choices and
    samples from a stream of its own (:mod:`causal_course.seeds`), so adding a strategy changes
    no other strategy's figures.
    """
    from causal_course.causal.experiment_design import STRATEGIES, run_strategy
    from causal_course.causal.scm import random_linear_gaussian_scm
    from causal_course.causal.structure_learning import DagSpace

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds, progress=progress)
    n_seeds = n_seeds if n_seeds is not None else budget(STRUCTURE_SEEDS, STRUCTURE_SEEDS_FAST, fast)
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
    seeds = [seed + offset for offset in range(n_seeds)]
    keys = ("entropy", "true_dag", "true_class")
    per_seed = {s: {key: [] for key in keys} for s in STRATEGIES}  # strategy -> key -> one value (or curve) per seed
    for run_seed in _progress(seeds, progress):
        worlds_rng = stream(run_seed, "structure_worlds")
        worlds = [random_linear_gaussian_scm(space.dags[index], worlds_rng, names=["A", "B", "C"])
                  for index in dag_indices]
        for strategy in STRATEGIES:
            rng = stream(run_seed, f"structure_{strategy}")
            runs = [run_strategy(world, strategy, n_rounds, rng, batch_size, n_simulations, space) for world in worlds]
            per_seed[strategy]["entropy"].append(np.mean([r["entropy"] for r in runs], axis=0))
            per_seed[strategy]["true_dag"].append(np.mean([r["true_dag"][-1] for r in runs]))
            per_seed[strategy]["true_class"].append(np.mean([r["true_class"][-1] for r in runs]))

    def summary(values):  # a curve (one record per round) or a single record
        values = np.asarray(values)
        return [interval_record(values[:, k]) for k in range(values.shape[1])] if values.ndim == 2 \
            else interval_record(values)

    def difference(a, b):
        a, b = np.asarray(a), np.asarray(b)
        return [paired_record(a[:, k], b[:, k]) for k in range(a.shape[1])] if a.ndim == 2 else paired_record(a, b)

    return StructureResult(
        seeds=seeds, n_dags=len(dag_indices), batch_size=batch_size,
        samples=[batch_size * r for r in range(n_rounds + 1)],
        entropy={s: summary(per_seed[s]["entropy"]) for s in STRATEGIES},
        true_dag={s: summary(per_seed[s]["true_dag"]) for s in STRATEGIES},
        true_class={s: summary(per_seed[s]["true_class"]) for s in STRATEGIES},
        differences={f"{a} - {b}": {key: difference(per_seed[a][key], per_seed[b][key]) for key in keys}
                     for a, b in STRUCTURE_PAIRS})


def _progress(seeds, show: bool):
    if not show:
        return seeds
    from tqdm.auto import tqdm

    return tqdm(seeds, desc="seeds")


def format_tables(result) -> str:
    """The study's figures as text: entropy curves and final masses, mean [95 % interval] over seeds, and the
    paired differences (``causal-course experiment structure``, ``benchmarks/structure.py``) (lesson 02)."""
    from causal_course.statistics import format_interval

    result = dict(result)
    strategies, samples = list(result["entropy"]), result["samples"]
    lines = [f"experiment structure: seeds {result['seeds']}, {result['n_dags']} hidden worlds per seed (one per "
             f"true DAG), rounds of {result['batch_size']} samples; mean [95 % interval] over seeds",
             "", "Posterior entropy (bits; log2 25 = 4.64 before any data)",
             f"{'samples':>7}  " + "".join(f"{s:<22}" for s in strategies)]
    for k, n in enumerate(samples):
        lines.append(f"{n:>7}  " + "".join(f"{format_interval(result['entropy'][s][k]):<22}" for s in strategies))
    lines += ["", f"After {samples[-1]} samples"]
    for key, label in (("true_dag", "mass on the true DAG"), ("true_class", "mass on its class")):
        lines.append(f"{label:<22}" + "".join(f"{s}: {format_interval(result[key][s]):<24}" for s in strategies))
    lines += ["", "Paired differences (same seeds, same hidden worlds); entropy: negative = the first learns more"]
    for pair, rows in result["differences"].items():
        lines.append(f"{pair}:")
        lines.append(f"  {'samples':>7}  entropy difference")
        for k, n in enumerate(samples[1:], start=1):
            record = rows["entropy"][k]
            lines.append(f"  {n:>7}  {format_interval(record):<26}{'excludes 0' if record['excludes_zero'] else ''}")
        for key, label in (("true_dag", "mass on the true DAG"), ("true_class", "mass on its class")):
            record = rows[key]
            lines.append(f"  {label:<24}{format_interval(record):<26}{'excludes 0' if record['excludes_zero'] else ''}")
    return "\n".join(lines)
