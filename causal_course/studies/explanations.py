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
    invalid,
)

# Lesson 05: explanations as an auxiliary objective, compared at equal training budgets.
EXPLANATION_STEPS = 900


EXPLANATION_CHECKPOINTS = (150, 300, 600, 900)


EXPLANATION_STEPS_FAST = 30


EXPLANATION_CHECKPOINTS_FAST = (15, 30)


EXPLANATION_KINDS = ("none", "logged_effects", "justification", "step_effects", "answer")


NORMALISED = "+normalised"  # a condition "KIND+normalised": the explanation loss divided by its value at chance


EXPLANATION_CONDITIONS = ("none", "logged_effects", "justification", "step_effects", "step_effects" + NORMALISED,
                          "answer")


EXPLANATION_SEEDS = 8  # the course's rule for a comparison a lesson draws a conclusion from


def parse_condition(condition: str) -> tuple[str, bool]:
    """``"step_effects+normalised"`` -> ``("step_effects", True)``; a clear error for an unknown one (lesson 05)."""
    if not isinstance(condition, str):
        raise invalid("each condition", f"a string such as 'justification' or 'step_effects{NORMALISED}'",
                      repr(condition), "name an explanation kind, optionally followed by '+normalised'", TypeError)
    kind, normalised = (condition[:-len(NORMALISED)], True) if condition.endswith(NORMALISED) else (condition, False)
    check_choice(kind, EXPLANATION_KINDS, "the explanation kind of a condition")
    if kind == "none" and normalised:
        raise invalid("each condition", "an explanation kind to normalise", f"'none{NORMALISED}'",
                      "write 'none': without an explanation there is no loss to normalise")
    return kind, normalised


def train_with_explanation(kind: str, lam: float, seed: int, n_steps: int, checkpoints, test_sets: dict,
                           progress: bool = False, normalised: bool = False) -> list:
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
                                      loss_fn=loss_with_explanations(lam, normalised), callback=checkpoint,
                                      callback_at=set(checkpoints))
    for point in history.checkpoints:
        point["seconds"] = round(history.seconds[point["step"] - 1], 2)
    return history.checkpoints


def explanations(seed: int = 0, fast: bool = False, conditions=None, lam: float = 1.0, n_seeds: int | None = None,
                 n_test: int | None = None, progress: bool = False) -> ExplanationsResult:
    """Lesson 05: learning curves with and without explanations at equal budgets (``experiment explanations``).

    Seed ``s`` of every condition trains from the same initial weights and data stream and is tested
    on the same episodes (stream ``test_episodes`` of ``s``), so conditions compare paired:
    ``curves`` holds interval records over seeds at each checkpoint, ``versus_none`` the paired
    difference of each condition's final reward against no explanation.
    """
    from causal_course.learners.evaluation import make_test_sets

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds, n_test=n_test, progress=progress)
    conditions = _check_list(EXPLANATION_CONDITIONS if conditions is None else conditions, "conditions",
                             lambda condition: _same(condition, parse_condition(condition)),
                             f"['none', 'justification', 'step_effects{NORMALISED}']")
    lam = check_non_negative_number(lam, "lam", 1.0)
    if "none" not in conditions:
        conditions = ["none", *conditions]  # the reference every condition is compared with
    n_seeds = n_seeds or budget(EXPLANATION_SEEDS, 2, fast)
    n_steps = budget(EXPLANATION_STEPS, EXPLANATION_STEPS_FAST, fast)
    checkpoints = list(budget(EXPLANATION_CHECKPOINTS, EXPLANATION_CHECKPOINTS_FAST, fast))
    n_test = n_test if n_test is not None else budget(1000, TEST_EPISODES_FAST, fast)
    seeds = [seed + k for k in range(n_seeds)]
    tests = {s: make_test_sets(n_test, stream(s, "test_episodes")) for s in seeds}
    runs = {}
    for condition in conditions:
        kind, normalised = parse_condition(condition)
        runs[condition] = [train_with_explanation(kind, lam, s, n_steps, checkpoints, tests[s], progress, normalised)
                           for s in seeds]

    per_seed = {condition: {group: [[curve[i][group] for curve in runs[condition]] for i in range(len(checkpoints))]
                            for group in ("heldout", "critical")} for condition in conditions}
    seconds = {condition: [[curve[i]["seconds"] for curve in runs[condition]] for i in range(len(checkpoints))]
               for condition in conditions}
    return _summarise({"experiment": "explanations", "seeds": seeds, "steps": checkpoints,
                       "episodes": [256 * s for s in checkpoints], "lambda": lam, "test_episodes": n_test,
                       "conditions": conditions}, per_seed, seconds)


def _summarise(settings: dict, per_seed: dict, seconds: dict) -> ExplanationsResult:
    """The result from per-seed rewards ``per_seed[condition][group][checkpoint] = [one value per seed]``."""
    from causal_course.statistics import interval_record, paired_record

    result = {**settings, "curves": {}, "versus_none": {}}
    for condition in settings["conditions"]:
        entry = {"seconds": [round(float(np.mean(values)), 1) for values in seconds[condition]]}
        for group in ("heldout", "critical"):
            entry[group] = [interval_record(values) for values in per_seed[condition][group]]
        result["curves"][condition] = entry
        if condition != "none":
            result["versus_none"][condition] = {group: paired_record(per_seed[condition][group][-1],
                                                                     per_seed["none"][group][-1])
                                                for group in ("heldout", "critical")}
    return ExplanationsResult.from_json(result)


def merge_explanations(parts) -> ExplanationsResult:
    """One comparison from comparisons over disjoint seeds, run with the same settings (lesson 05)."""
    from collections.abc import Mapping

    from causal_course.validation import invalid

    if not isinstance(parts, (list, tuple)) or not parts or not all(isinstance(p, Mapping) for p in parts):
        raise invalid("parts", "a non-empty list of explanations() results", repr(parts)[:40],
                      "pass the runs to merge, e.g. [explanations(seed=0, n_seeds=4), explanations(seed=4, n_seeds=4)]",
                      TypeError)
    first = parts[0]
    for part in parts[1:]:
        for key in ("steps", "lambda", "test_episodes", "conditions"):
            if part[key] != first[key]:
                raise invalid("parts", f"runs with the same {key}", f"{first[key]} and {part[key]}",
                              f"cannot merge runs with different {key}: rerun them with the same settings")
    seeds = [s for part in parts for s in part["seeds"]]
    if len(set(seeds)) != len(seeds):
        raise invalid("parts", "runs over disjoint seeds", seeds, "run each part from another first seed (--seed)")
    settings = {key: first[key] for key in ("experiment", "steps", "episodes", "lambda", "test_episodes", "conditions")}
    settings["seeds"] = seeds
    checkpoints = range(len(first["steps"]))
    per_seed = {condition: {group: [[v for part in parts for v in part["curves"][condition][group][i]["values"]]
                                    for i in checkpoints] for group in ("heldout", "critical")}
                for condition in first["conditions"]}
    seconds = {condition: [[part["curves"][condition]["seconds"][i] for part in parts for _ in part["seeds"]]
                           for i in checkpoints] for condition in first["conditions"]}
    return _summarise(settings, per_seed, seconds)
