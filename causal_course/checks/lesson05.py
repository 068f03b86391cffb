"""Checks for the graded exercises of lesson 05 (*Explanations as auxiliary objectives*)."""

from __future__ import annotations

import numpy as np

from causal_course.checks import CheckFailed, CheckResult, Exercise, as_number
from causal_course.checks.intervals import paired_interval_mistake
from causal_course.learners.explanations import N_EFFECT_CLASSES, explanation_targets, step_effects_loss
from causal_course.torch_setup import torch
from causal_course.worlds.dag_episodes import expert_episodes

LESSON = "05_explanations"


# --------------------------------------------------------------------------------- 5.1
def check_justification_step(justification_step) -> CheckResult:
    batch = expert_episodes(300, np.random.default_rng(51), "all")
    truth = explanation_targets(batch, "justification")["step"]
    answers = []
    for b in range(len(batch)):
        answer = justification_step(batch.actions[b].copy(), int(batch.goal_action[b]))
        if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, np.integer)):
            raise CheckFailed(f"return the step as an int (0 to 4), got {type(answer).__name__}.")
        answers.append(int(answer))
    answers = np.array(answers)
    wrong = answers != truth
    if wrong.any():  # judged over every episode: a step can equal the variable (or the step after) by chance
        if np.array_equal(answers[wrong], batch.goal_action[wrong] // 2):
            raise CheckFailed("you returned the chosen *variable*; return the *step* at which it was intervened "
                              "on. Hint: the step s with actions[s] == variable + 1.")
        if np.array_equal(answers[wrong], truth[wrong] + 1):
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


# --------------------------------------------------------------------------------- 5.5
def _step_effects_case(rng: np.random.Generator, n: int = 7, steps: int = 5) -> tuple:
    """Scores, classes and an experiment mask of ``n`` episodes; episodes hold different numbers of experiments."""
    logits = torch.tensor(rng.normal(0.0, 2.0, (n, steps, 5, N_EFFECT_CLASSES)), dtype=torch.float32)
    classes = torch.tensor(rng.integers(0, N_EFFECT_CLASSES, (n, steps, 5)), dtype=torch.long)
    valid = torch.tensor(rng.random((n, steps)) < np.linspace(0.2, 0.9, n)[:, None])
    valid[0], valid[1] = False, True  # an episode of observations only, one of experiments only
    valid[2, 0] = True
    return logits, classes, valid


AXIS_HINT = ("Hint: the classes (lowered, left, raised) are the last axis (dim=-1), not the episodes, the steps or the "
             "variables; F.cross_entropy wants them as the columns of a 2-D input, logits.reshape(-1, 3).")


def _loss_value(function, logits, classes, valid) -> float:
    """Call the learner's loss on copies; its value, after checking that it is one number that can train."""
    answer = function(logits.clone().requires_grad_(True), classes.clone(), valid.clone())
    if not isinstance(answer, torch.Tensor) or not answer.requires_grad:
        got = type(answer).__name__ if not isinstance(answer, torch.Tensor) else "a tensor without a gradient"
        raise CheckFailed(f"return the loss as a torch tensor that still carries its gradient, got {got}: training "
                          "calls loss.backward() on it. Hint: compute it with torch (F.cross_entropy or "
                          "log_softmax), with no .item(), float(), .detach(), .numpy() or argmax on the way.")
    if answer.numel() != 1:
        raise CheckFailed(f"return one number for the whole batch, got shape {tuple(answer.shape)}. Hint: average the "
                          "cross-entropy over every variable of every experiment step (F.cross_entropy averages "
                          "unless told reduction='none').")
    value = float(answer.detach().reshape(()))
    if not np.isfinite(value):
        raise CheckFailed(f"the loss is {value}. Hint: an average over no entries, or the log of 0: use log_softmax "
                          "or F.cross_entropy rather than the log of a softmax.")
    return value


def check_step_effects_loss(step_effects_loss_answer) -> CheckResult:
    rng = np.random.default_rng(55)
    logits, classes, valid = _step_effects_case(rng)
    value = _loss_value(step_effects_loss_answer, logits, classes, valid)
    uniform = _loss_value(step_effects_loss_answer, torch.zeros_like(logits), classes, valid)
    if abs(uniform - np.log(N_EFFECT_CLASSES)) > 1e-4:
        _diagnose_uniform(uniform, classes, valid)
    shifted = logits + torch.tensor(rng.normal(0.0, 3.0, (*logits.shape[:-1], 1)), dtype=torch.float32)
    if abs(_loss_value(step_effects_loss_answer, shifted, classes, valid) - value) > 1e-4 * max(1.0, abs(value)):
        raise CheckFailed("the softmax runs over the wrong axis: moving a variable's 3 scores by the same amount, "
                          "which leaves its probabilities alone, changed the loss. " + AXIS_HINT)
    perfect = _loss_value(step_effects_loss_answer, 30.0 * torch.nn.functional.one_hot(classes, N_EFFECT_CLASSES),
                          classes, valid)
    if abs(perfect) > 1e-3:
        raise CheckFailed(f"when the scores put all the probability on the logged class the loss should be about 0, "
                          f"got {perfect:.3g}. Hint: pair each variable's 3 scores with that variable's own class "
                          "(0 lowered, 1 left, 2 raised), as step_effect_classes (exercise 5.2) gives them, and use "
                          "plain cross-entropy.")
    scrambled = torch.where(valid[..., None, None], logits, torch.tensor(rng.normal(0.0, 5.0, logits.shape),
                                                                          dtype=torch.float32))
    if abs(_loss_value(step_effects_loss_answer, scrambled, classes, valid) - value) > 1e-4 * max(1.0, abs(value)):
        raise CheckFailed("the loss depends on the scores at steps where valid is False. Those steps were "
                          "observations, and an observation is no experiment: it did nothing to explain. Hint: keep "
                          "only the experiment steps, logits[valid] and classes[valid], before the cross-entropy.")
    for case in range(3):
        logits, classes, valid = _step_effects_case(rng, n=5 + 3 * case)
        value = _loss_value(step_effects_loss_answer, logits, classes, valid)
        expected = float(step_effects_loss(logits, classes, valid))
        if abs(value - expected) > 1e-4 * max(1.0, abs(expected)):
            per_episode = _per_episode_mean(logits, classes, valid)
            if abs(value - per_episode) < 1e-4 * max(1.0, abs(per_episode)):
                raise CheckFailed("you averaged within each episode, then over episodes: an episode with one "
                                  "experiment then weighs as much as one with five. Hint: average over every "
                                  "variable of every experiment step of the batch together.")
            raise CheckFailed("not the mean cross-entropy over every variable of every experiment step. Hint: the mean, "
                              "over those entries, of -log(the softmax probability of the logged class).")
    return CheckResult(True, "your explanation loss is zero when the head is right, log 3 when its scores say nothing, ignores the "
                             "observations and can be trained.")


def _diagnose_uniform(uniform: float, classes, valid) -> None:
    """Why the loss of scores that say nothing (all 0) is not log 3: a sum, a mask that still divides by all, MSE."""
    entries = int(valid.sum()) * classes.shape[-1]
    everything = classes.numel()
    share = float(valid.float().mean())
    close = lambda a, b: abs(a - b) < 1e-3 * max(1.0, abs(b))  # noqa: E731
    log3 = float(np.log(N_EFFECT_CLASSES))
    if any(close(uniform, k * log3) for k in (entries, everything, int(valid.sum()), valid.shape[0])):
        raise CheckFailed("the loss grows with the size of the batch: you summed where you should average. Hint: a "
                          "mean over every variable of every experiment step, so that the loss of scores that say nothing is log 3 "
                          "whatever the batch.")
    if close(uniform, share * log3):
        raise CheckFailed("you zeroed the observation steps but still divided by every step, so the loss shrinks "
                          "with the share of observations. Hint: average over the experiment steps only "
                          "(logits[valid], classes[valid]).")
    mse = [float(((1.0 - classes[mask].float()) ** 2).mean()) for mask in (valid, torch.ones_like(valid))]
    if any(close(uniform, m) for m in mse) or close(uniform, 1.0 / N_EFFECT_CLASSES):
        raise CheckFailed("this looks like a squared error on the class numbers. The classes are names (lowered, "
                          "left, raised), not quantities: 'raised' is not twice 'left'. Hint: cross-entropy of the "
                          "3 scores against the class, F.cross_entropy.")
    if any(close(uniform, np.log(size)) for size in (*classes.shape, int(valid.sum())) if size != N_EFFECT_CLASSES):
        raise CheckFailed("the softmax runs over the wrong axis: at scores that are all 0 the loss is the log of "
                          "another axis's length, not log 3. " + AXIS_HINT)
    if close(uniform, 0.0):
        raise CheckFailed("at scores that say nothing (all 0) the loss is 0, but chance should cost log 3. Hint: "
                          "F.nll_loss expects log-probabilities; take log_softmax first, or use F.cross_entropy.")
    raise CheckFailed(f"when all scores are 0 (every class equally likely) the loss should be log 3, the loss of a "
                      f"head that says nothing; got {uniform:.4f}. Hint: the mean of -log(probability of the logged "
                      "class).")


def _per_episode_mean(logits, classes, valid) -> float:
    """The wrong average of check 5.5: each episode's mean cross-entropy, then the mean over episodes."""
    losses = torch.nn.functional.cross_entropy(logits.permute(0, 3, 1, 2), classes, reduction="none").mean(-1)
    kept = valid.any(dim=1)
    per_episode = (losses * valid).sum(1)[kept] / valid.sum(1)[kept]
    return float(per_episode.mean())


EXERCISES = [
    Exercise("5.1", LESSON, "justification_step", "Which experiment justifies the choice", 3, check_justification_step),
    Exercise("5.2", LESSON, "step_effect_classes", "What an experiment did", 3, check_step_effect_classes),
    Exercise("5.3", LESSON, "episodes_to_reach", "Data efficiency from a learning curve", 4, check_episodes_to_reach),
    Exercise("5.4", LESSON, "paired_interval", "A paired interval over seeds", 4, check_paired_interval),
    Exercise("5.5", LESSON, "step_effects_loss", "The explanation loss", 4, check_step_effects_loss),
]
