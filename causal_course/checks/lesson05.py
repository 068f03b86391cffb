"""Checks for the graded exercises of lesson 05 (*Explanations as auxiliary objectives*)."""

from __future__ import annotations

import numpy as np

from causal_course.checks import CheckFailed, CheckResult, Exercise, as_number
from causal_course.checks.intervals import paired_interval_mistake
from causal_course.learners.explanations import explanation_targets
from causal_course.worlds.dag_episodes import expert_episodes

LESSON = "05_explanations"


# --------------------------------------------------------------------------------- 5.1
def check_justification_step(justification_step) -> CheckResult:
    batch = expert_episodes(300, np.random.default_rng(51), "all")
    truth = explanation_targets(batch, "justification")["step"]
    for b in range(len(batch)):
        answer = justification_step(batch.actions[b].copy(), int(batch.goal_action[b]))
        if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, np.integer)):
            raise CheckFailed(f"return the step as an int (0 to 4), got {type(answer).__name__}.")
        if answer != truth[b]:
            if answer == batch.goal_action[b] // 2:
                raise CheckFailed("you returned the chosen *variable*; return the *step* at which it was intervened "
                                  "on. Hint: the step s with actions[s] == variable + 1.")
            if answer == truth[b] + 1:
                raise CheckFailed("off by one. Hint: steps are counted from 0, like the rows of `actions`.")
            raise CheckFailed("not the step that intervened on the chosen variable (goal_action // 2).")
    return CheckResult(True, "you find the experiment that justifies each choice.")


# --------------------------------------------------------------------------------- 5.2
def check_step_effect_classes(step_effect_classes) -> CheckResult:
    batch = expert_episodes(200, np.random.default_rng(52), "all")
    truth = explanation_targets(batch, "step_effects")["classes"]
    for b in range(len(batch)):
        for step in range(batch.actions.shape[1]):
            if batch.actions[b, step] == 0:
                continue  # an observation is no experiment
            readings = batch.values[b, step]
            answer = np.asarray(step_effect_classes(readings.copy()))
            if answer.shape != (5,):
                raise CheckFailed(f"return one class per variable (shape (5,)), got shape {answer.shape}.")
            expected = truth[b, step]
            if not np.array_equal(answer, expected):
                if np.array_equal(answer, 2 - expected):
                    raise CheckFailed("lowered and raised are swapped: 0 = lowered, 1 = left, 2 = raised.")
                if np.array_equal(answer, np.sign(readings).astype(int) + 1):
                    raise CheckFailed("a variable the experiment left alone still reads a little noise (sd 0.1): "
                                      "compare with half the intervention, +-2.5, not with 0.")
                raise CheckFailed("not the class of each reading: below -2.5 lowered (0), above +2.5 raised (2), "
                                  "otherwise left (1). The intervened variable reads 5, so it counts as raised.")
    return CheckResult(True, "your explanations say what each experiment did, read off the log.")


# --------------------------------------------------------------------------------- 5.3
def check_episodes_to_reach(episodes_to_reach) -> CheckResult:
    episodes = np.array([100, 200, 400, 800])
    rewards = np.array([0.2, 0.5, 0.7, 0.9])
    cases = [(0.5, 200.0), (0.6, 300.0), (0.8, 600.0), (0.1, 100.0), (0.9, 800.0)]
    for level, expected in cases:
        answer = as_number(episodes_to_reach(episodes.copy(), rewards.copy(), level), "episodes_to_reach")
        if abs(answer - expected) > 1e-6:
            if level == 0.6 and abs(answer - 400) < 1e-6:
                raise CheckFailed("interpolate linearly between the two checkpoints around the level, "
                                  "rather than taking the first checkpoint at or above it.")
            raise CheckFailed(f"wrong number of episodes for level {level}. Hint: find the first checkpoint at or "
                              "above the level, then interpolate linearly from the one before it.")
    never = episodes_to_reach(episodes, rewards, 0.95)
    if never is not None and not (isinstance(never, float) and np.isnan(never)):
        raise CheckFailed("when the curve never reaches the level, return None (or nan), not a number of episodes.")
    bumpy = np.array([0.2, 0.7, 0.6, 0.9])
    answer = as_number(episodes_to_reach(episodes, bumpy, 0.65), "episodes_to_reach on a bumpy curve")
    if abs(answer - (100 + 100 * (0.65 - 0.2) / 0.5)) > 1e-6:
        raise CheckFailed("use the *first* time the curve reaches the level, even if it dips afterwards.")
    return CheckResult(True, "you can read a learning curve's data efficiency.")


# --------------------------------------------------------------------------------- 5.4
def _as_interval(answer, what: str) -> tuple[float, float, float]:
    if isinstance(answer, dict) or not hasattr(answer, "__len__") or len(answer) != 3:
        raise CheckFailed(f"{what}: return three numbers (mean, low, high), got {type(answer).__name__}.")
    return tuple(as_number(v, what) for v in answer)


def check_paired_interval(paired_interval) -> CheckResult:
    rng = np.random.default_rng(54)
    for n in (8, 5, 12, 3):
        seed_effect = rng.normal(0.8, 0.1, n)  # what a seed shares between the two conditions
        a = seed_effect + rng.normal(0.03, 0.02, n)
        b = seed_effect + rng.normal(0.0, 0.02, n)
        as_given = (a.tolist(), b.tolist()) if n % 2 else (a.copy(), b.copy())  # lists too: cached values are lists
        mean, low, high = _as_interval(paired_interval(*as_given), "paired_interval")
        mistake = paired_interval_mistake(mean, low, high, a, b)
        if mistake:
            raise CheckFailed(mistake)
    return CheckResult(True, "you compare two conditions the way the course does: paired by seed, with a t interval.")


EXERCISES = [
    Exercise("5.1", LESSON, "justification_step", "Which experiment justifies the choice", 3, check_justification_step),
    Exercise("5.2", LESSON, "step_effect_classes", "What an experiment did", 3, check_step_effect_classes),
    Exercise("5.3", LESSON, "episodes_to_reach", "Data efficiency from a learning curve", 4, check_episodes_to_reach),
    Exercise("5.4", LESSON, "paired_interval", "A paired interval over seeds", 4, check_paired_interval),
]
