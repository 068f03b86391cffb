"""Lesson 05's study: explanations as an auxiliary objective, learning curves and a lambda sweep.
"""

from __future__ import annotations

import numpy as np

from causal_course.config import budget
from causal_course.seeds import stream
from causal_course.studies.common import (
    TEST_EPISODES_FAST,
    _check_list,
    _check_run,
    _check_test_sets,
    _same,
)
from causal_course.studies.records import ExplanationsResult
from causal_course.validation import (
    check_choice,
    check_n_samples,
    check_non_negative_number,
    check_positive_count,
)

# Lesson 05: explanations as an auxiliary objective, compared at equal training budgets.
EXPLANATION_STEPS = 900


EXPLANATION_CHECKPOINTS = (150, 300, 600, 900)


EXPLANATION_STEPS_FAST = 30


EXPLANATION_CHECKPOINTS_FAST = (15, 30)


EXPLANATION_KINDS = ("none", "effects", "justification", "step_effects")


EXPLANATION_LAMBDAS = (0.0, 0.1, 0.3, 1.0, 3.0)


def train_with_explanation(kind: str, lam: float, seed: int, n_steps: int, checkpoints, test_sets: dict,
                           progress: bool = False) -> list:
    """Lesson 05: train with an explanation head (``kind``, weight ``lam``); held-out and critical reward at each checkpoint."""
    from causal_course.learners.evaluation import evaluate_agent, model_agent
    from causal_course.learners.explanations import loss_with_explanations
    from causal_course.learners.models import build_model
    from causal_course.learners.training import train_behaviour_cloning

    check_choice(kind, EXPLANATION_KINDS, "kind")
    check_non_negative_number(lam, "lam", 1.0)
    _check_run(seed, progress=progress)
    check_n_samples(n_steps, "n_steps")
    checkpoints = _check_list(checkpoints, "checkpoints", lambda step: check_positive_count(step, "each checkpoint", 100),
                              "[150, 300]")
    _check_test_sets(test_sets, ("heldout", "critical"))
    model = build_model("transformer", seed=seed, explanation=None if kind == "none" else kind)

    def checkpoint(model, step):
        return {"step": step, **{name: evaluate_agent(model_agent(model, seed=seed), test_sets[name],
                                                      stream(seed, "model_actions"))
                                 for name in ("heldout", "critical")}}

    history = train_behaviour_cloning(model, n_steps, np.random.default_rng(seed), progress=progress,
                                      loss_fn=loss_with_explanations(lam), callback=checkpoint,
                                      callback_at=set(checkpoints))
    for point in history.checkpoints:
        point["seconds"] = round(history.seconds[point["step"] - 1], 2)
    return history.checkpoints


def explanations(seed: int = 0, fast: bool = False, kinds=None, lambdas=None, sweep_kind: str = "effects",
                 n_seeds: int | None = None, n_test: int | None = None, progress: bool = False) -> ExplanationsResult:
    """Lesson 05: learning curves with and without explanations, and a sweep of the weight lambda (``experiment explanations``)."""
    from causal_course.learners.evaluation import make_test_sets
    from causal_course.statistics import mean_and_standard_error

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds, n_test=n_test, progress=progress)
    kinds = _check_list(EXPLANATION_KINDS if kinds is None else kinds, "kinds",
                        lambda kind: check_choice(kind, EXPLANATION_KINDS, "each kind"), "['none', 'effects']")
    lambdas = _check_list(EXPLANATION_LAMBDAS if lambdas is None else lambdas, "lambdas",
                          lambda lam: _same(lam, check_non_negative_number(lam, "each lambda", 1.0)), "[0.0, 1.0]")
    check_choice(sweep_kind, EXPLANATION_KINDS, "sweep_kind")
    n_seeds = n_seeds or budget(3, 2, fast)
    n_steps = budget(EXPLANATION_STEPS, EXPLANATION_STEPS_FAST, fast)
    checkpoints = list(budget(EXPLANATION_CHECKPOINTS, EXPLANATION_CHECKPOINTS_FAST, fast))
    n_test = n_test if n_test is not None else budget(1000, TEST_EPISODES_FAST, fast)
    seeds = [seed + k for k in range(n_seeds)]
    tests = {s: make_test_sets(n_test, stream(s, "test_episodes")) for s in seeds}
    runs = {}

    def run(kind, lam):
        key = ("none", 0.0) if kind == "none" or lam == 0 else (kind, float(lam))
        if key not in runs:
            runs[key] = [train_with_explanation(key[0], key[1], s, n_steps, checkpoints, tests[s], progress)
                         for s in seeds]
        return runs[key]

    def summary(curves, group):
        stats = [mean_and_standard_error([curve[i][group] for curve in curves]) for i in range(len(checkpoints))]
        return [round(m, 4) for m, _ in stats], [round(se, 4) for _, se in stats]

    result = {"experiment": "explanations", "seeds": seeds, "steps": checkpoints,
              "episodes": [256 * s for s in checkpoints], "lambda": 1.0, "test_episodes": n_test, "curves": {}}
    for kind in kinds:
        curves = run(kind, 1.0)
        entry = {"seconds": [round(float(np.mean([c[i]["seconds"] for c in curves])), 1) for i in range(len(checkpoints))]}
        for group in ("heldout", "critical"):
            entry[group], entry[f"{group}_se"] = summary(curves, group)
        result["curves"][kind] = entry
    sweep = {"kind": sweep_kind, "lambdas": lambdas}
    for group in ("heldout", "critical"):
        finals = [summary(run(sweep_kind, lam), group) for lam in lambdas]
        sweep[group] = [f[0][-1] for f in finals]
        sweep[f"{group}_se"] = [f[1][-1] for f in finals]
        sweep[f"{group}_curve"] = [f[0] for f in finals]
        sweep[f"{group}_curve_se"] = [f[1] for f in finals]
    result["lambda_sweep"] = sweep
    return ExplanationsResult.from_json(result)
