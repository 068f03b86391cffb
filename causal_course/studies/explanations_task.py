"""Lesson 05's reproduction of *Tell me why!*'s headline: a task learned with explanations and not without.

The experimenting odd-one-out (:mod:`causal_course.worlds.odd_one_out_experiments`): 3 experiment
trials reveal a hidden rule dimension, a test trial uses it. Two agents of the same architecture
(:mod:`causal_course.learners.explanation_task`) learn from reward alone by REINFORCE, for the same
number of steps, one also predicting the explanation of each trial. Each condition's learning rate
and width are first tuned on a seed of its own (``explanation_task_tuning``), then both run on the
same evaluation seeds and the same test episodes, so the final test accuracies are compared paired.
"""

from __future__ import annotations

import time
from itertools import product

import numpy as np

from causal_course.config import budget
from causal_course.seeds import stream, stream_seed
from causal_course.statistics import interval_record, paired_difference
from causal_course.studies.common import _check_run
from causal_course.studies.records import ExplanationsTaskResult
from causal_course.validation import check_bool

CONDITIONS = {"with_explanations": True, "without_explanations": False}
N_STEPS = 2000
N_STEPS_FAST = 40
N_CHECKPOINTS = 8  # test accuracy at 0, 1/8, ..., 8/8 of the training steps
LEARNING_RATES = (1e-3, 3e-3, 1e-2)
WIDTHS = (32, 64)
N_TEST = 1000


def _difference_record(a, b) -> dict:
    """The paired difference ``a - b`` as JSON: mean, 95 % bounds (None for one seed), excludes_zero, values."""
    summary = paired_difference(a, b)
    record = interval_record(np.asarray(a) - np.asarray(b))
    return {**record, "excludes_zero": bool(summary["excludes_zero"])}


def _baselines(episodes, seed: int) -> dict:
    from causal_course.worlds.odd_one_out_experiments import (
        accuracy_at_test,
        elimination_picks,
        random_experiment_picks,
    )

    rng = stream(seed, "baseline_actions")
    n = len(episodes)
    random_picks = rng.integers(0, 4, size=(n, episodes.n_trials))
    any_unique = random_picks.copy()
    unique_objects = np.argsort(episodes.unique_dimension[:, -1] < 0, axis=1, kind="stable")[:, :3]  # the 3 unique ones
    any_unique[:, -1] = unique_objects[np.arange(n), rng.integers(0, 3, size=n)]
    return {"elimination": accuracy_at_test(episodes, elimination_picks(episodes)),
            "random_experiments_then_infer": accuracy_at_test(episodes, random_experiment_picks(episodes, rng)),
            "any_unique_object": accuracy_at_test(episodes, any_unique),
            "random": accuracy_at_test(episodes, random_picks)}


def explanations_task(seed: int = 0, fast: bool = False, n_seeds: int | None = None, n_steps: int | None = None,
                      n_test: int | None = None, tune: bool = True, progress: bool = False) -> ExplanationsTaskResult:
    """Lesson 05: test accuracy with and without explanations at equal steps, paired over seeds (``experiment explanations-task``).

    ``tune=False`` skips the tuning runs and uses each condition's first grid point
    (learning rate 1e-3, width 32) instead.
    """
    from causal_course.learners.explanation_task import (
        ExplanationTaskConfig,
        evaluate_agent,
        train_explanation_task,
    )
    from causal_course.worlds.odd_one_out_experiments import experiment_episodes

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds, n_steps=n_steps, n_test=n_test, progress=progress)
    tune = check_bool(tune, "tune")
    n_seeds = n_seeds or budget(8, 2, fast)
    n_steps = n_steps if n_steps is not None else budget(N_STEPS, N_STEPS_FAST, fast)
    n_test = n_test if n_test is not None else budget(N_TEST, 200, fast)
    grid = list(product(budget(LEARNING_RATES, LEARNING_RATES[1:2], fast), budget(WIDTHS, WIDTHS[:1], fast)))
    checkpoints = sorted({round(n_steps * k / N_CHECKPOINTS) for k in range(N_CHECKPOINTS + 1)})
    seeds = [seed + k for k in range(n_seeds)]

    def say(text):
        if progress:
            print(text, flush=True)

    # 1. tuning: each condition's learning rate and width, on a seed of its own, at the same step budget
    tuning_seed = stream_seed(seed, "explanation_task_tuning")
    tuning_test = experiment_episodes(n_test, stream(tuning_seed, "explanation_task_test"))
    tuning, chosen = {}, {}
    for name, explanations in CONDITIONS.items():
        rows = []
        for learning_rate, width in (grid if tune else grid[:1]):
            config = ExplanationTaskConfig(explanations=explanations, n_steps=n_steps, learning_rate=learning_rate,
                                           width=width)
            run = train_explanation_task(config, tuning_seed, tuning_test, checkpoints)
            curve = [run["curve"][step] for step in checkpoints]
            rows.append({"learning_rate": learning_rate, "width": width, "final": round(curve[-1], 4),
                         "mean_over_checkpoints": round(float(np.mean(curve)), 4)})
            say(f"tuning {name}: {rows[-1]}")
        best = max(rows, key=lambda row: (row["final"], row["mean_over_checkpoints"]))
        tuning[name] = rows
        chosen[name] = {"learning_rate": best["learning_rate"], "width": best["width"]}

    # 2. evaluation: the same seeds and test episodes for both conditions
    per_seed = {name: {"curves": [], "final": [], "seconds": [], "experiment_accuracy": [],
                       "explained_rule_before_test": []} for name in CONDITIONS}
    baselines_per_seed = []
    for s in seeds:
        test = experiment_episodes(n_test, stream(s, "explanation_task_test"))
        baselines_per_seed.append(_baselines(test, s))
        for name, explanations in CONDITIONS.items():
            config = ExplanationTaskConfig(explanations=explanations, n_steps=n_steps, **chosen[name])
            start = time.perf_counter()
            run = train_explanation_task(config, s, test, checkpoints)
            scores = evaluate_agent(run["model"], test)
            values = per_seed[name]
            values["curves"].append([run["curve"][step] for step in checkpoints])
            values["final"].append(scores["test_accuracy"])
            values["seconds"].append(run["train_seconds"])
            values["experiment_accuracy"].append(scores["experiment_accuracy"])
            values["explained_rule_before_test"].append(scores["explained_rule_before_test"])
            say(f"seed {s} {name}: test accuracy {scores['test_accuracy']:.3f} "
                f"({run['train_seconds']:.1f} s training, {time.perf_counter() - start:.1f} s with tests)")

    conditions = {}
    for name, values in per_seed.items():
        curves = np.asarray(values["curves"])
        conditions[name] = {
            **chosen[name],
            "curve": [interval_record(curves[:, k]) for k in range(len(checkpoints))],
            "final": interval_record(values["final"]),
            "experiment_accuracy": interval_record(values["experiment_accuracy"]),
            "train_seconds": interval_record(values["seconds"], digits=2),
        }
    baselines = {key: interval_record([row[key] for row in baselines_per_seed]) for key in baselines_per_seed[0]}
    return ExplanationsTaskResult.from_json({
        "seeds": seeds, "n_steps": n_steps, "batch_size": ExplanationTaskConfig().batch_size,
        "n_experiments": ExplanationTaskConfig().n_experiments, "test_episodes": n_test, "steps": checkpoints,
        "with_explanations": conditions["with_explanations"],
        "without_explanations": conditions["without_explanations"],
        "explained_rule_before_test": interval_record(per_seed["with_explanations"]["explained_rule_before_test"]),
        "difference": _difference_record(per_seed["with_explanations"]["final"],
                                         per_seed["without_explanations"]["final"]),
        "baselines": baselines, "tuning_seed": tuning_seed, "tuning": tuning})
