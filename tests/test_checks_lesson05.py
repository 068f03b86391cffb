"""Lesson 05's exercise checks: every stage of every check rejects its own plausible wrong answer.

One test per plausible wrong answer, each asserting the check's own message for it, so that no stage
of checks 5.1 to 5.5 can be weakened unnoticed (the solutions passing is tests/test_checks.py's job).
Exercise 5.5's loss is also judged as the grader sees it: its value comes back from the submission's
process through the grading codec, a tensor that still requires gradients as one, a detached one as an array.
"""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from test_checks import rejected, solved_functions

from causal_course.checks import find_exercise, run_check
from causal_course.grading.worker import decode, encode
from causal_course.statistics import t_quantile_95

LESSON = "05_explanations"


@pytest.fixture(scope="module")
def solution(root):
    return solved_functions(root, LESSON)



# ----------------------------------------------------------------------------- 5.1
def _first_step_of(variable_of):
    """A justification_step that looks for the step of ``variable_of(goal_action)``."""
    def answer(actions, goal_action):
        return int(np.nonzero(np.asarray(actions) == variable_of(goal_action) + 1)[0][0])
    return answer


@pytest.mark.parametrize("wrong, message", [
    (lambda actions, goal: np.float64(_first_step_of(lambda g: g // 2)(actions, goal)), "return the step as an int"),
    (lambda actions, goal: _first_step_of(lambda g: g // 2)(actions, goal) == 0, "return the step as an int"),
    (lambda actions, goal: goal // 2, "you returned the chosen *variable*"),
    (lambda actions, goal: _first_step_of(lambda g: g // 2)(actions, goal) + 1, "off by one"),
    (lambda actions, goal: int(np.argmax(np.asarray(actions) == goal // 2)), "not the step that intervened"),
])
def test_justification_step_mistakes_are_caught(wrong, message):
    rejected("5.1", wrong, message)


# ----------------------------------------------------------------------------- 5.2
@pytest.mark.parametrize("wrong, message", [
    (lambda r: np.digitize(r, [-2.5, 2.5])[:4], "shape (5,)"),
    (lambda r: int(np.sum(r > 2.5)), "shape (5,)"),
    (lambda r: 2 - np.digitize(r, [-2.5, 2.5]), "swapped"),
    (lambda r: np.sign(r).astype(int) + 1, "not with 0"),
    (lambda r: np.where(r > 5, 2, np.where(r < -5, 0, 1)), "otherwise left"),
])
def test_step_effect_class_mistakes_are_caught(wrong, message):
    rejected("5.2", lambda readings: wrong(np.asarray(readings)), message)


# ----------------------------------------------------------------------------- 5.3
def _reach(episodes, rewards, level, interpolate=True, first=True, never=None):
    """episodes_to_reach with one part changed: no interpolation, the last crossing, a number when never reached."""
    episodes, rewards = np.asarray(episodes, dtype=float), np.asarray(rewards, dtype=float)
    above = np.nonzero(rewards >= level)[0]
    if above.size == 0:
        return never
    if not first:  # the last time the curve comes up to the level
        crossings = [k for k in above if k == 0 or rewards[k - 1] < level]
        k = int(crossings[-1])
    else:
        k = int(above[0])
    if k == 0 or not interpolate:
        return float(episodes[k])
    fraction = (level - rewards[k - 1]) / (rewards[k] - rewards[k - 1])
    return float(episodes[k - 1] + fraction * (episodes[k] - episodes[k - 1]))


@pytest.mark.parametrize("wrong, message", [
    (lambda e, r, level: (_reach(e, r, level), level), "should be a single number"),
    (lambda e, r, level: _reach(e, r, level, interpolate=False), "interpolate linearly"),
    (lambda e, r, level: int(np.argmax(np.asarray(r) >= level)), "wrong number of episodes for level 0.5"),
    (lambda e, r, level: _reach(e, r, level, never=float(e[-1])), "return None"),
    (lambda e, r, level: _reach(e, r, level, first=False), "the *first* time"),
])
def test_episodes_to_reach_mistakes_are_caught(wrong, message):
    rejected("5.3", wrong, message)


def test_episodes_to_reach_may_say_never_with_nan(solution):
    def with_nan(episodes, rewards, level):
        answer = solution["episodes_to_reach"](episodes, rewards, level)
        return float("nan") if answer is None else answer

    assert run_check(find_exercise("5.3"), with_nan).passed


# ----------------------------------------------------------------------------- 5.4 (the stages test_checks.py leaves out)
def _interval(differences, quantile, spread, centre=None):
    mean = float(np.mean(differences)) if centre is None else centre
    return mean, mean - quantile * spread, mean + quantile * spread


@pytest.mark.parametrize("wrong, message", [
    (lambda a, b: {"mean": 0.0, "low": 0.0, "high": 0.0}, "return three numbers"),
    (lambda a, b: _interval(a - b, 2.0, 0.1, centre=float(np.median(a - b))), "the mean is not the mean"),
    (lambda a, b: _interval(a - b, t_quantile_95(len(a) - 1), (np.std(a, ddof=1) + np.std(b, ddof=1)) / np.sqrt(len(a))),
     "treats the two conditions as independent"),
    (lambda a, b: _interval(a - b, 1.5 * t_quantile_95(len(a) - 1), np.std(a - b, ddof=1) / np.sqrt(len(a))),
     "should be mean ± t_quantile_95(n - 1)"),
])
def test_paired_interval_stages_are_reached(wrong, message):
    rejected("5.4", lambda a, b: wrong(np.asarray(a, dtype=float), np.asarray(b, dtype=float)), message)


# ----------------------------------------------------------------------------- 5.5
def _cross_entropy(logits, classes, valid, **options):
    return F.cross_entropy(logits[valid].reshape(-1, 3), classes[valid].reshape(-1), **options)


def _per_entry(logits, classes):
    """Cross-entropy of every variable of every step, shape (n, steps, 5)."""
    return F.cross_entropy(logits.permute(0, 3, 1, 2), classes, reduction="none")


def _per_episode(logits, classes, valid):
    kept = valid.any(dim=1)
    return ((_per_entry(logits, classes).mean(-1) * valid).sum(1)[kept] / valid.sum(1)[kept]).mean()


WRONG_LOSSES = {
    "item": (lambda l, c, v: _cross_entropy(l, c, v).item(), "still carries its gradient"),
    "detach": (lambda l, c, v: _cross_entropy(l, c, v).detach(), "still carries its gradient"),
    "numpy": (lambda l, c, v: np.float32(_cross_entropy(l, c, v).detach().numpy()), "still carries its gradient"),
    "mse_of_argmax": (lambda l, c, v: F.mse_loss(l[v].argmax(-1).float(), c[v].float()), "still carries its gradient"),
    "no_reduction": (lambda l, c, v: _cross_entropy(l, c, v, reduction="none"), "one number for the whole batch"),
    "sum": (lambda l, c, v: _cross_entropy(l, c, v, reduction="sum"), "you summed where you should average"),
    "zeroed_not_left_out": (lambda l, c, v: (_per_entry(l, c) * v[..., None]).mean(), "still divided by every step"),
    "mse_of_expected_class": (lambda l, c, v: F.mse_loss((l[v].softmax(-1) * torch.arange(3.0)).sum(-1), c[v].float()),
                              "squared error on the class numbers"),
    "mse_on_scores": (lambda l, c, v: F.mse_loss(l[v], F.one_hot(c[v], 3).float()), "squared error on the class"),
    "nll_of_scores": (lambda l, c, v: F.nll_loss(l[v].reshape(-1, 3), c[v].reshape(-1)), "expects log-probabilities"),
    "softmax_over_variables": (lambda l, c, v: -(l.log_softmax(dim=2).gather(-1, c[..., None])[v]).mean(),
                               "wrong axis"),
    "softmax_over_steps": (lambda l, c, v: -(l.log_softmax(dim=1).gather(-1, c[..., None])[v]).mean(), "wrong axis"),
    "classes_swapped": (lambda l, c, v: _cross_entropy(l, 2 - c, v), "should be about 0"),
    "label_smoothing": (lambda l, c, v: _cross_entropy(l, c, v, label_smoothing=0.1), "should be about 0"),
    "no_mask": (lambda l, c, v: F.cross_entropy(l.reshape(-1, 3), c.reshape(-1)), "valid is False"),
    "mask_inverted": (lambda l, c, v: _cross_entropy(l, c, ~v), "valid is False"),
    "per_episode_mean": (_per_episode, "averaged within each episode"),
    "class_weights": (lambda l, c, v: _cross_entropy(l, c, v, weight=torch.tensor([1.0, 0.5, 1.0])),
                      "not the mean cross-entropy"),
}


@pytest.mark.parametrize("name", WRONG_LOSSES)
def test_explanation_loss_mistakes_are_caught(name):
    wrong, message = WRONG_LOSSES[name]
    rejected("5.5", wrong, message)


def through_the_grader(function):
    """``function`` as the grader calls it: its value travels back through the submission process's codec."""
    return lambda *args: decode(json.loads(json.dumps(encode(function(*args)))))


def test_explanation_loss_is_judged_alike_in_the_grader(solution):
    answer = solution["step_effects_loss"]
    assert run_check(find_exercise("5.5"), through_the_grader(answer)).passed
    rejected("5.5", through_the_grader(lambda *args: answer(*args).detach()), "still carries its gradient")
    rejected("5.5", through_the_grader(WRONG_LOSSES["no_mask"][0]), "valid is False")


def test_explanation_loss_solution_trains_the_head_and_leaves_observations_alone(solution):
    """The properties the check states, on the solution: the gradient reaches the experiment steps' scores only."""
    rng = np.random.default_rng(0)
    logits = torch.tensor(rng.normal(size=(4, 5, 5, 3)), dtype=torch.float32, requires_grad=True)
    classes = torch.tensor(rng.integers(0, 3, (4, 5, 5)))
    valid = torch.tensor(rng.random((4, 5)) < 0.5)
    valid[0, 0], valid[0, 1] = True, False
    solution["step_effects_loss"](logits, classes, valid).backward()
    assert (logits.grad[~valid] == 0).all() and (logits.grad[valid].abs().sum(-1) > 0).all()
