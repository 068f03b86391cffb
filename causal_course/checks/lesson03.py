"""Checks for the graded exercises of lesson 03 (*Passive learning of active causal strategies*).

Each check draws episodes of the lesson's environment from a fixed seed and compares the
student's function with the environment's truth, stopping at the first failed property with a
specific message and a hint.
"""

from __future__ import annotations

import numpy as np

from causal_course.checks import CheckFailed, CheckResult, Exercise, as_number
from causal_course.worlds.dag_episodes import (
    expert_episodes,
    goal_reward,
    is_heldout,
    optimal_goal_action,
    random_dag_weights,
    random_goal_actions,
    run_exploration,
    sample_structures,
)
from causal_course.worlds.dag_episodes import normalised_reward as reference_normalised_reward

LESSON = "03_passive_causal_strategies"


def _goal_action(value, what: str) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise CheckFailed(f"{what} should be an integer goal action (0 to 9), got a bool.")
    try:
        number = int(np.asarray(value).reshape(()))
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should be one integer goal action (0 to 9), got {type(value).__name__}.") from None
    if number != np.asarray(value).reshape(()) or not 0 <= number <= 9:
        raise CheckFailed(f"{what} should be an integer from 0 to 9 (2 * j for +5, 2 * j + 1 for -5), got {value!r}.")
    return number


# --------------------------------------------------------------------------------- 3.1
def check_expert_goal_choice(expert_goal_choice) -> CheckResult:
    batch = expert_episodes(300, np.random.default_rng(31), "all")
    # Make some episodes observe at one step, so the function must skip observations.
    rng = np.random.default_rng(32)
    actions = batch.actions.copy()
    observe_rows = rng.random(len(batch)) < 0.3
    actions[observe_rows, rng.integers(0, 5, size=observe_rows.sum())] = 0
    values = run_exploration(batch.weights, actions, rng)
    from causal_course.worlds.dag_episodes import estimated_effects, goal_from_estimates

    expected = goal_from_estimates(estimated_effects(actions, values), batch.target, rng)
    for b in range(len(batch)):
        target = int(batch.target[b])
        answer = _goal_action(expert_goal_choice(actions[b].copy(), values[b].copy(), target),
                              "expert_goal_choice(actions, values, target)")
        if answer // 2 == target:
            raise CheckFailed("your choice intervenes on the target itself; only other variables are allowed.")
        if answer != expected[b]:
            effect = values[b][:, target] / 5.0
            if answer // 2 == expected[b] // 2:
                raise CheckFailed(
                    "right variable, wrong sign. Hint: if do(X_j = +5) lowered the target, choose do(X_j = -5), "
                    "that is action 2 * j + 1."
                )
            experiments = (actions[b] > 0) & (actions[b] - 1 != target)  # the evidence: not the target's own step
            strongest_step = int(np.flatnonzero(experiments)[np.argmax(np.abs(effect[experiments]))])
            chosen_step = np.nonzero(actions[b] == answer // 2 + 1)[0]
            if answer // 2 == strongest_step != actions[b, strongest_step] - 1:
                raise CheckFailed(
                    "you returned the strongest experiment's step number as the variable. Hint: the variable "
                    "intervened on at a step is actions[step] - 1."
                )
            if chosen_step.size and abs(effect[chosen_step[0]]) < abs(effect[strongest_step]):
                raise CheckFailed(
                    "you did not choose the variable whose intervention moved the target most. Hint: compare "
                    "|value of the target| across the steps that intervened, skipping observe steps (action 0) "
                    "and the step that intervened on the target."
                )
            raise CheckFailed(
                "you chose a variable this episode never intervened on, so its logs hold no evidence for it. "
                "Hint: the expert chooses among the variables it experimented on; the intervened variable at a "
                "step is actions[step] - 1, and the evidence is values[step, target]."
            )
    return CheckResult(True, "you pick the expert's goal from its own interventions, sign included.")


# --------------------------------------------------------------------------------- 3.2
def check_correlational_choice(correlational_choice) -> CheckResult:
    rng = np.random.default_rng(33)
    weights, _, target = sample_structures(200, rng, "all")
    observations = run_exploration(weights, np.zeros((200, 20), dtype=np.int64), rng)
    for b in range(200):
        values = observations[b]
        t = int(target[b])
        answer = _goal_action(correlational_choice(values.copy(), t), "correlational_choice(values, target)")
        if answer // 2 == t:
            raise CheckFailed("your choice intervenes on the target itself; only other variables are allowed.")
        correlation = np.corrcoef(values.T)[:, t]
        correlation[t] = 0.0
        best = int(np.argmax(np.abs(correlation)))
        expected = 2 * best + (correlation[best] < 0)
        if answer != expected:
            if answer // 2 == best:
                raise CheckFailed("right variable, wrong sign. Hint: a negative correlation suggests do(X_j = -5).")
            covariance = np.cov(values.T)[:, t]
            covariance[t] = 0.0
            if answer // 2 == int(np.argmax(np.abs(covariance))):
                raise CheckFailed(
                    "you used the covariance; the strategy uses the correlation (covariance divided by both "
                    "standard deviations), so that variables with large spread do not win by scale alone."
                )
            raise CheckFailed(
                "not the variable most correlated with the target. Hint: np.corrcoef(values.T)[:, target] gives "
                "every variable's correlation with the target; skip the target itself."
            )
    return CheckResult(True, "your correlational strategy matches: strongest correlation with the target, its sign.")


# --------------------------------------------------------------------------------- 3.3
def check_normalised_reward(normalised_reward) -> CheckResult:
    rng = np.random.default_rng(34)
    weights, effects, target = sample_structures(4000, rng, "all")
    optimal = goal_reward(effects, target, optimal_goal_action(effects, target))
    score = as_number(normalised_reward(optimal.copy(), optimal.copy()), "normalised_reward(optimal, optimal)")
    if abs(score - 1.0) > 1e-9:
        raise CheckFailed("the optimal agent should score exactly 1.")
    random_reward = goal_reward(effects, target, random_goal_actions(target, rng))
    score = as_number(normalised_reward(random_reward.copy(), optimal.copy()), "normalised_reward(random, optimal)")
    if abs(score) > 0.05:
        raise CheckFailed(
            "a random agent should score about 0. Hint: random choice already has expected reward 0 here, "
            "so divide the mean reward by the mean optimal reward and subtract nothing."
        )
    half = np.where(rng.random(len(target)) < 0.5, optimal, -optimal)
    truth = reference_normalised_reward(half, optimal)
    score = as_number(normalised_reward(half.copy(), optimal.copy()), "normalised_reward")
    if abs(score - truth) > 1e-9:
        per_episode = float(np.mean(half / np.where(optimal == 0, np.nan, optimal)))
        if abs(score - per_episode) < 1e-6:
            raise CheckFailed("you averaged per-episode ratios; the course normalises the mean reward by the mean optimum.")
        raise CheckFailed("not mean(reward) / mean(optimal reward). Hint: np.mean(reward) / np.mean(optimal).")
    return CheckResult(True, "optimal scores 1, random about 0, and everything else in between.")


# --------------------------------------------------------------------------------- 3.4
def _cases():
    cancelling = np.zeros((5, 5))
    cancelling[0, 1], cancelling[0, 2], cancelling[2, 1] = 1.0, -1.0, 1.0  # effects cancel: still an ancestor
    indirect = np.zeros((5, 5))
    indirect[0, 3], indirect[3, 4], indirect[4, 1] = 1.0, -1.0, 1.0
    long_chain = np.zeros((5, 5))
    long_chain[0, 2], long_chain[2, 3], long_chain[3, 4], long_chain[4, 1] = 1.0, 1.0, 1.0, 1.0
    reverse = np.zeros((5, 5))
    reverse[1, 0], reverse[0, 2] = 1.0, 1.0
    common_cause = np.zeros((5, 5))
    common_cause[2, 0], common_cause[2, 1] = 1.0, 1.0
    return [
        (cancelling, True, "an ancestor whose two paths cancel (total effect 0) is still an ancestor: use the edges, "
                           "not the total effect"),
        (indirect, True, "X0 reaches X1 through X3 and X4: follow paths of any length, not just direct edges"),
        (long_chain, True, "X0 reaches X1 only by a path of four edges (X0 -> X2 -> X3 -> X4 -> X1): follow paths "
                           "of any length, up to n - 1 edges"),
        (reverse, False, "here X1 causes X0, not the other way round: weights[i, j] is the edge i -> j"),
        (common_cause, False, "X0 and X1 share a cause (X2) but neither is an ancestor of the other"),
    ]


def check_x0_ancestor_of_x1(x0_ancestor_of_x1) -> CheckResult:
    for weights, expected, hint in _cases():
        answer = x0_ancestor_of_x1(weights.copy())
        if not isinstance(answer, (bool, np.bool_)):
            raise CheckFailed(f"return True or False, got {type(answer).__name__}.")
        if bool(answer) != expected:
            raise CheckFailed(f"wrong on a hand-made graph. Hint: {hint}.")
    weights = random_dag_weights(1000, np.random.default_rng(35))
    truth = is_heldout(weights)
    for b in range(len(weights)):
        if bool(x0_ancestor_of_x1(weights[b].copy())) != truth[b]:
            raise CheckFailed("wrong on some random DAGs. Hint: X0 is an ancestor of X1 if a directed path of edges "
                              "(non-zero weights) leads from X0 to X1.")
    return CheckResult(True, "the held-out predicate is right, including indirect and cancelling paths.")


# --------------------------------------------------------------------------------- 3.5
def _actions(value, what: str) -> np.ndarray:
    try:
        actions = np.asarray(value)
    except Exception:  # noqa: BLE001 - anything that is not array-like
        raise CheckFailed(f"{what} should return 5 integer actions, got {type(value).__name__}.") from None
    if actions.shape != (5,) or not np.issubdtype(actions.dtype, np.integer):
        raise CheckFailed(f"{what} should return 5 integer actions (an array of shape (5,)), got dtype "
                          f"{actions.dtype}, shape {actions.shape}.")
    if actions.min() < 0 or actions.max() > 5:
        raise CheckFailed(f"{what}: actions are 0 (observe) or i + 1 for do(X_i = 5), so 0 to 5; got {actions.tolist()}.")
    return actions


def check_cued_exploration(cued_exploration) -> CheckResult:
    rng = np.random.default_rng(36)
    first_seen = {}
    for trial in range(300):
        size = 2 + trial % 2
        cued = np.sort(rng.choice(5, size=size, replace=False))
        cue = np.zeros(5, dtype=int)
        cue[cued] = 1
        actions = _actions(cued_exploration(cue.copy(), rng), "cued_exploration(cue, rng)")
        tried = actions[actions > 0] - 1
        if set(tried.tolist()) - set(cued.tolist()):
            raise CheckFailed("you experimented on a variable the cue did not mark. Hint: the point of a cue is to "
                              "save experiments; observe (action 0) on the steps left over.")
        if sorted(tried.tolist()) != cued.tolist():
            raise CheckFailed("each cued variable should be intervened on exactly once (no repeats, none skipped).")
        if (actions[:size] == 0).any():
            raise CheckFailed("do the experiments first and observe afterwards: interventions on the first steps.")
        first_seen.setdefault(size, []).append(int(actions[0]) - 1 == cued[0])
    if min(np.mean(v) for v in first_seen.values()) > 0.8:
        raise CheckFailed("the cued variables always come in the same order. Hint: shuffle them with rng, e.g. "
                          "rng.permutation(cued_variables).")
    for seed in range(1, 11):  # 6 orders of 3 cued variables: a global generator repeats by chance 1 in 6^10
        a = _actions(cued_exploration(np.array([0, 1, 1, 0, 1]), np.random.default_rng(seed)), "cued_exploration")
        b = _actions(cued_exploration(np.array([0, 1, 1, 0, 1]), np.random.default_rng(seed)), "cued_exploration")
        if not np.array_equal(a, b):
            raise CheckFailed("the same seed gave different actions. Hint: draw only from the `rng` argument.")
    uncued = _actions(cued_exploration(np.zeros(5, dtype=int), np.random.default_rng(3)), "cued_exploration")
    if sorted(uncued.tolist()) != [1, 2, 3, 4, 5]:
        raise CheckFailed("without a cue (all zeros) the expert experiments on all five variables once each.")
    return CheckResult(True, "only the cued variables, each once, in a random order, then observe.")


# --------------------------------------------------------------------------------- 3.6
def check_observer_goal_choice(observer_goal_choice) -> CheckResult:
    rng = np.random.default_rng(37)
    weights, _, target = sample_structures(300, rng, "all")
    observations = run_exploration(weights, np.zeros((300, 5), dtype=np.int64), rng)
    from causal_course.worlds.dag_episodes import goal_from_logged_evidence

    expected = goal_from_logged_evidence(np.zeros((300, 5), dtype=np.int64), observations, target)
    for b in range(300):
        values, t = observations[b], int(target[b])
        answer = _goal_action(observer_goal_choice(values.copy(), t), "observer_goal_choice(values, target)")
        if answer // 2 == t:
            raise CheckFailed("your choice intervenes on the target itself; only other variables are allowed.")
        if answer == expected[b]:
            continue
        covariance = np.cov(values.T)
        if answer // 2 == expected[b] // 2:
            raise CheckFailed("right variable, wrong sign. Hint: a negative slope suggests do(X_j = -5).")
        correlation = np.corrcoef(values.T)[:, t]
        correlation[t] = 0.0
        if answer // 2 == int(np.argmax(np.abs(correlation))):
            raise CheckFailed("you ranked by the correlation (or divided by sd(X_j), which ranks the same); the "
                              "observer uses the slope, cov(X_j, target) / var(X_j), which is in the units of an "
                              "effect.")
        reverse = covariance[:, t] / covariance[t, t]
        reverse[t] = 0.0
        if answer // 2 == int(np.argmax(np.abs(reverse))):
            raise CheckFailed("you ranked by the covariance (or divided it by the target's variance, which ranks "
                              "the same); the slope of the target on X_j divides by var(X_j), the variable you "
                              "would intervene on.")
        raise CheckFailed("not the steepest slope of the target on another variable. Hint: with c = np.cov(values.T), "
                          "the slopes are c[:, target] / np.diag(c).")
    return CheckResult(True, "your observer picks the steepest slope, sign included.")


# --------------------------------------------------------------------------------- 3.7
FIXED_ORDER = np.arange(1, 6)  # do(X0 = 5), do(X1 = 5), ..., do(X4 = 5): the fixed protocol's actions


def _episode_batch(make_batch, batch_size: int, seed: int):
    from causal_course.worlds.dag_episodes import EpisodeBatch

    batch = make_batch(batch_size, np.random.default_rng(seed))
    if isinstance(batch, tuple):
        raise CheckFailed("fixed_order_batch returned a tuple; return one EpisodeBatch(weights, effects, target, "
                          "actions, values, goal_action, worlds), as expert_episodes does.")
    if not isinstance(batch, EpisodeBatch):
        raise CheckFailed(f"fixed_order_batch should return an EpisodeBatch (as expert_episodes does), got "
                          f"{type(batch).__name__}.")
    return batch


def _shapes(batch, n: int) -> None:
    expected = {"weights": (n, 5, 5), "effects": (n, 5, 5), "target": (n,), "actions": (n, 5),
                "values": (n, 5, 5), "goal_action": (n,)}
    for name, shape in expected.items():
        array = np.asarray(getattr(batch, name))
        if array.shape != shape:
            raise CheckFailed(f"batch.{name} has shape {array.shape}; for {n} episodes it should be {shape}.")
    for name in ("target", "actions", "goal_action"):
        if not np.issubdtype(np.asarray(getattr(batch, name)).dtype, np.integer):
            raise CheckFailed(f"batch.{name} should hold integers (codes), got dtype {np.asarray(getattr(batch, name)).dtype}.")
    if np.asarray(batch.goal_action).min() < 0 or np.asarray(batch.goal_action).max() > 9:
        raise CheckFailed("goal actions are 2 * j (do(X_j = +5)) or 2 * j + 1 (do(X_j = -5)), so 0 to 9.")


def _same_batch(a, b) -> bool:
    return all(np.array_equal(np.asarray(getattr(a, name)), np.asarray(getattr(b, name)))
               for name in ("weights", "target", "actions", "values", "goal_action"))


def check_fixed_order_batch(fixed_order_batch) -> CheckResult:
    from causal_course.worlds.dag_episodes import goal_from_logged_evidence, total_effects

    n = 400
    batch = _episode_batch(fixed_order_batch, n, 55)
    sizes = {len(np.asarray(batch.target)), len(np.asarray(_episode_batch(fixed_order_batch, 7, 56).target))}
    if sizes != {n, 7}:
        raise CheckFailed(f"asked for {n} and then 7 episodes, got {sorted(sizes)}. Hint: use the batch_size "
                          "argument, do not fix the number of episodes.")
    _shapes(batch, n)
    weights, actions, values = (np.asarray(batch.weights, dtype=float), np.asarray(batch.actions),
                                np.asarray(batch.values, dtype=float))
    target = np.asarray(batch.target)
    if is_heldout(weights).any():
        raise CheckFailed("some structures have X0 as an ancestor of X1: those are held out for the test. Hint: "
                          "draw the training structures, split \"train\".")
    if not np.allclose(np.asarray(batch.effects, dtype=float), total_effects(weights)):
        raise CheckFailed("batch.effects are not the total effects of batch.weights. Hint: pass worlds.effects from "
                          "the same worlds as the weights.")
    if not (actions == FIXED_ORDER).all():
        if (actions == FIXED_ORDER - 1).all():
            raise CheckFailed("off by one: action 0 observes; do(X_i = 5) is action i + 1, so the protocol's "
                              "actions are 1, 2, 3, 4, 5.")
        if (np.sort(actions, axis=1) == FIXED_ORDER).all():
            raise CheckFailed("every variable once, but not in the protocol's order: these are the expert's "
                              "random orders. This experimenter always does X0 first, then X1, ..., X4 last.")
        raise CheckFailed("the logged actions are not the fixed protocol: every episode should read 1, 2, 3, 4, 5 "
                          "(do(X0 = 5) first, do(X4 = 5) last), no observe steps.")
    steps = np.arange(5)
    if not np.allclose(values[:, steps, steps], 5.0):
        raise CheckFailed("at step s the protocol sets X_s to 5, but values[:, s, s] is not 5 everywhere. Hint: "
                          "the values must be what was seen after *your* actions: run_exploration(worlds, actions, rng).")
    predicted = 5.0 * np.asarray(batch.effects, dtype=float)  # after do(X_s = 5), X_k is about 5 * effect(s -> k)
    if np.mean(np.abs(values - predicted)) > 0.3:
        raise CheckFailed("the values seen do not match these structures: after do(X_s = 5) each X_k should be "
                          "about 5 times the total effect of X_s on X_k. Hint: run the exploration in the same "
                          "worlds the weights come from.")
    if (np.asarray(batch.goal_action) // 2 == target).any():
        raise CheckFailed("some goal actions intervene on the target itself; only other variables are allowed.")
    expected = goal_from_logged_evidence(actions, values, target)
    goal = np.asarray(batch.goal_action)
    if not np.array_equal(goal, expected):
        optimal = optimal_goal_action(np.asarray(batch.effects, dtype=float), target)
        if np.array_equal(goal, optimal):
            raise CheckFailed("your labels are the optimal actions, read off the true effects, which no log holds. "
                              "The expert's label is the strongest effect it saw in its own logged experiments "
                              "(Section 8, condition 1: the log holds everything behind the label).")
        effects = np.asarray(batch.effects, dtype=float)
        if np.all(goal_reward(effects, target, goal) >= goal_reward(effects, target, optimal) - 1e-9):
            raise CheckFailed("every label is a best action, but where two variables have equally large effects some "
                              "labels differ from what the logged experiments show: do they come from the true effects, "
                              "or from other experiments than the ones logged? The label must come from these actions "
                              "and values alone.")
        raise CheckFailed("the goal labels are not the expert's choice from the logged experiments. Hint: "
                          "goal_from_logged_evidence(actions, values, target).")
    again = _episode_batch(fixed_order_batch, n, 55)
    if not _same_batch(batch, again):
        raise CheckFailed("the same seed gave different batches. Hint: draw everything from the `rng` argument, "
                          "not from np.random or a generator made without a seed.")
    if _same_batch(batch, _episode_batch(fixed_order_batch, n, 57)):
        raise CheckFailed("two different seeds gave the same batch: you make your own generator. Hint: use the "
                          "`rng` argument, which training passes in fresh for every step.")
    passed = CheckResult(True, "fixed-order logs on training structures, the expert's labels from its own "
                               "experiments, and reproducible from rng alone.")
    if getattr(fixed_order_batch, "runs_in_another_process", False):  # the grader: np.random here is not the function's
        return passed
    state = np.random.get_state()
    try:
        np.random.seed(58)
        before = np.random.get_state()
        _episode_batch(fixed_order_batch, 20, 59)
        after = np.random.get_state()
    finally:
        np.random.set_state(state)
    if not (np.array_equal(before[1], after[1]) and before[2:] == after[2:]):
        raise CheckFailed("fixed_order_batch draws from numpy's global random state (np.random). Hint: draw "
                          "only from the `rng` argument.")
    return passed


EXERCISES = [
    Exercise("3.1", LESSON, "expert_goal_choice", "The expert's goal choice", 3, check_expert_goal_choice),
    Exercise("3.2", LESSON, "correlational_choice", "The correlational strategy", 2, check_correlational_choice),
    Exercise("3.3", LESSON, "normalised_reward", "Normalised reward", 2, check_normalised_reward),
    Exercise("3.4", LESSON, "x0_ancestor_of_x1", "The held-out split", 3, check_x0_ancestor_of_x1),
    Exercise("3.5", LESSON, "cued_exploration", "The cued expert's experiments", 2, check_cued_exploration),
    Exercise("3.6", LESSON, "observer_goal_choice", "The observer's honest choice", 3, check_observer_goal_choice),
    Exercise("3.7", LESSON, "fixed_order_batch", "An experiment of your own: a fixed protocol", 3,
             check_fixed_order_batch),
]
