"""Checks for the graded exercises of lesson 04 (*Data mixtures*)."""

from __future__ import annotations

import numpy as np

from causal_course.causal.fusion import inverse_variance_fusion as reference_fusion
from causal_course.checks import CheckFailed, CheckResult, Exercise, as_number
from causal_course.learners.mixtures import interventional_share_of, mixture_episodes
from causal_course.worlds.dag_episodes import (
    EpisodeBatch,
    _total_effects,
    goal_from_logged_evidence,
    goal_reward,
    is_heldout,
    optimal_goal_action,
)

LESSON = "04_data_mixtures"


# --------------------------------------------------------------------------------- 4.1
def check_mixture_kinds(mixture_kinds) -> CheckResult:
    kinds = np.asarray(mixture_kinds(20_000, 0.3, np.random.default_rng(41)))
    if kinds.shape != (20_000,) or kinds.dtype != bool:
        raise CheckFailed(f"return a boolean array with one entry per episode; got dtype {kinds.dtype}, shape {kinds.shape}.")
    if abs(kinds.mean() - 0.3) > 0.02:
        raise CheckFailed("with share 0.3, about 30 % of the episodes should be interventional. "
                          "Hint: compare rng.random(n_episodes) with the share.")
    again = np.asarray(mixture_kinds(20_000, 0.3, np.random.default_rng(41)))
    if not np.array_equal(kinds, again):
        raise CheckFailed("the same seed gave a different mixture. Hint: draw from the `rng` argument only.")
    if np.array_equal(kinds, np.asarray(mixture_kinds(20_000, 0.3, np.random.default_rng(42)))):
        raise CheckFailed("different seeds gave the same mixture: the episodes' kinds should be random.")
    if np.asarray(mixture_kinds(500, 0.0, np.random.default_rng(0))).any():
        raise CheckFailed("with share 0 no episode may be interventional.")
    if not np.asarray(mixture_kinds(500, 1.0, np.random.default_rng(0))).all():
        raise CheckFailed("with share 1 every episode must be interventional.")
    for bad in (1.5, -0.1, 75):
        try:
            mixture_kinds(10, bad, np.random.default_rng(0))
        except ValueError:
            continue
        except Exception as error:  # e.g. an `assert`: the right idea, the wrong kind of error
            raise CheckFailed(f"share {bad} raised {type(error).__name__}, not a ValueError. Hint: `raise "
                              "ValueError(...)` with a message naming the share; an `assert` is skipped when Python "
                              "runs with -O and says nothing about what is wrong.") from None
        raise CheckFailed(f"share {bad} should raise a ValueError (a share is a fraction between 0 and 1).")
    return CheckResult(True, "random, reproducible, and strict about its share.")


# --------------------------------------------------------------------------------- 4.2
def check_interventional_share(interventional_share) -> CheckResult:
    rng = np.random.default_rng(43)
    for share in (0.0, 0.4, 1.0):
        for exploration in ("expert", "random"):
            actions = mixture_episodes(400, rng, share, exploration).actions
            answer = as_number(interventional_share(actions.copy()), "interventional_share(actions)")
            truth = interventional_share_of(actions)
            if abs(answer - truth) > 1e-9:
                steps = float(np.mean(actions > 0))
                if abs(answer - steps) < 1e-9:
                    raise CheckFailed("you counted intervention *steps*; count *episodes* with at least one "
                                      "intervention. Hint: (actions > 0).any(axis=1).")
                raise CheckFailed("not the share of episodes that contain at least one intervention.")
    return CheckResult(True, "you can tell how interventional a log is.")


# --------------------------------------------------------------------------------- 4.3
def check_inverse_variance_fusion(inverse_variance_fusion) -> CheckResult:
    cases = [([0.52, 0.41], [0.05, 0.2]), ([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]), ([0.3], [0.1]),
             ([-0.2, 0.6, 0.1], [0.3, 0.1, 0.25])]
    for estimates, errors in cases:
        answer = inverse_variance_fusion(np.array(estimates), np.array(errors))
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            raise CheckFailed("return a pair (fused estimate, standard error).")
        estimate, error = (as_number(v, "inverse_variance_fusion(...)") for v in answer)
        truth, truth_error = reference_fusion(estimates, errors)
        if abs(estimate - truth) > 1e-9:
            if abs(estimate - float(np.mean(estimates))) < 1e-9 and len(set(errors)) > 1:
                raise CheckFailed("you took the plain mean; the more precise estimate must weigh more.")
            by_se = float(np.sum(np.array(estimates) / np.array(errors)) / np.sum(1 / np.array(errors)))
            if abs(estimate - by_se) < 1e-9:
                raise CheckFailed("weights are 1 / standard_error**2 (the inverse variance), not 1 / standard_error.")
            raise CheckFailed("the fused estimate is off. Hint: sum(w * estimate) / sum(w) with w = 1 / se**2.")
        if abs(error - truth_error) > 1e-9:
            weights = 1.0 / np.array(errors) ** 2
            if abs(error - 1.0 / np.sum(weights)) < 1e-9:
                raise CheckFailed("you returned the fused *variance* 1 / sum(w); the standard error is its square root.")
            raise CheckFailed("the fused standard error is off. Hint: 1 / sqrt(sum(w)); it is smaller than every "
                              "input's standard error.")
    return CheckResult(True, "fusion weighs each source by its precision, and the result is more precise than any.")


# --------------------------------------------------------------------------------- 4.4
_FIELDS = (("weights", (5, 5), "f"), ("effects", (5, 5), "f"), ("target", (), "iu"), ("actions", (5,), "iu"),
           ("values", (5, 5), "f"), ("goal_action", (), "iu"))


def _batch(make_batch, batch_size: int, seed: int, share: float) -> EpisodeBatch:
    """``make_batch(batch_size, rng, share)`` as an :class:`EpisodeBatch` of the right shapes, or a CheckFailed."""
    batch = make_batch(batch_size, np.random.default_rng(seed), share)
    if not isinstance(batch, EpisodeBatch):
        raise CheckFailed(f"return an EpisodeBatch (what expert_episodes, mixture_episodes and join_batches return); "
                          f"got {type(batch).__name__}.")
    for name, shape, kinds in _FIELDS:
        value = np.asarray(getattr(batch, name))
        if value.shape != (batch_size, *shape):
            hint = (" Hint: each of the batch_size logs comes from *one* logger; joining two full batches doubles it."
                    if value.shape[:1] == (2 * batch_size,) else "")
            raise CheckFailed(f"with batch_size={batch_size}, batch.{name} should have shape {(batch_size, *shape)}; "
                              f"got {value.shape}.{hint}")
        if value.dtype.kind not in kinds:
            raise CheckFailed(f"batch.{name} should hold {'integers' if kinds == 'iu' else 'floats'}; got dtype "
                              f"{value.dtype}.")
    target, goal = np.asarray(batch.target), np.asarray(batch.goal_action)
    if not (((target >= 0) & (target < 5)).all() and ((goal >= 0) & (goal < 10)).all()
            and ((np.asarray(batch.actions) >= 0) & (np.asarray(batch.actions) <= 5)).all()):
        raise CheckFailed("some target, action or goal action is out of range (targets 0-4, actions 0-5, goal actions "
                          "0-9). Hint: build the batch from the course's episodes; do not compute codes yourself.")
    if (goal // 2 == target).any():
        raise CheckFailed("some goal label intervenes on the target itself. Hint: keep each log's label with its log.")
    return batch


def _same(a: EpisodeBatch, b: EpisodeBatch) -> bool:
    return all(np.array_equal(getattr(a, name), getattr(b, name)) for name, _, _ in _FIELDS)


def _runs_on_its_structures(batch: EpisodeBatch, experimenter: np.ndarray) -> bool:
    """Effects are the weights' total effects, and each experiment's readings are about 5 x the effects it shows."""
    weights, effects = np.asarray(batch.weights, dtype=float), np.asarray(batch.effects, dtype=float)
    if not np.allclose(effects, _total_effects(weights)):
        return False
    rows = np.flatnonzero(experimenter)
    if len(rows) == 0:
        return True
    actions = np.asarray(batch.actions)[rows] - 1  # the variable each step set to 5
    expected = 5.0 * effects[rows[:, None], actions]  # (n, steps, 5)
    return float(np.mean(np.abs(np.asarray(batch.values, dtype=float)[rows] - expected))) < 0.5


def check_make_batch(make_batch) -> CheckResult:
    batch = _batch(make_batch, 300, 61, 0.5)
    if not _same(batch, _batch(make_batch, 300, 61, 0.5)):
        raise CheckFailed("the same seed gave a different batch. Hint: draw everything (which logger, the episodes) "
                          "from the `rng` argument, never from np.random or a generator of your own.")
    if _same(batch, _batch(make_batch, 300, 62, 0.5)):
        raise CheckFailed("different seeds gave the same batch: a generator with a fixed seed inside? Use `rng`.")
    actions = np.asarray(batch.actions)
    observer = (actions == 0).all(axis=1)
    experimenter = (np.sort(actions, axis=1) == np.arange(1, 6)).all(axis=1)
    if not (observer | experimenter).all():
        if ((actions == 0).any(axis=1) & (actions > 0).any(axis=1)).any():
            raise CheckFailed("some logs mix observe and do steps. Here each log is written wholly by one logger: "
                              "the experimenter (every variable once) or the observer (five observations).")
        raise CheckFailed("the experimenter's logs should intervene on every variable once (expert_episodes), "
                          "not at random or with repeats.")
    n_large, share = 5000, 0.3
    share_seen = interventional_share_of(_batch(make_batch, n_large, 64, share).actions)
    if abs(share_seen - share) > 4.5 * np.sqrt(share * (1 - share) / n_large):
        if share_seen in (0.0, 1.0):
            raise CheckFailed("with share 0.3 the whole batch came from one logger. Hint: draw the logger of *each* "
                              "log (rng.random(batch_size) < share, as in exercise 4.1), not one coin for the batch.")
        if abs(share_seen - (1 - share)) < 0.03:
            raise CheckFailed("with share 0.3 about 70 % of the logs were the experimenter's: `share` is the "
                              "experimenter's share (the interventional share), not the observer's.")
        raise CheckFailed(f"with share 0.3, about 30 % of a large batch's logs should be the experimenter's; that is "
                          f"far off, beyond chance ({n_large} logs). Hint: each log is the experimenter's with "
                          "probability `share`, independently.")
    if not (_batch(make_batch, 300, 63, 0.0).actions == 0).all():
        raise CheckFailed("with share 0 every log must be the observer's: no intervention at all.")
    if not (_batch(make_batch, 300, 63, 1.0).actions > 0).all():
        raise CheckFailed("with share 1 every log must be the experimenter's.")
    labels = goal_from_logged_evidence(batch.actions, batch.values, batch.target, np.random.default_rng(0))
    wrong = labels != np.asarray(batch.goal_action)
    if wrong[experimenter].any():
        raise CheckFailed("some of the experimenter's logs carry a goal label its own experiments do not justify. "
                          "Hint: keep each episode's fields together (the label, target and values of one log).")
    if wrong[observer].any():
        effects, target = _total_effects(np.asarray(batch.weights, dtype=float)), np.asarray(batch.target)
        earned = goal_reward(effects, target, np.asarray(batch.goal_action))[observer]  # never on the target (_batch)
        best = goal_reward(effects, target, optimal_goal_action(effects, target))[observer]
        if np.mean(earned >= best - 1e-9) > 0.9:  # the best choice nearly always: labels from unlogged experiments
            raise CheckFailed("the observer's logs carry the expert's choice as their label: the off-record expert of "
                              "Section 6, whose labels its log cannot justify. Use the observer's own choice "
                              "(mixture_episodes(n, rng, 0.0)).")
        raise CheckFailed("some of the observer's logs carry a goal label their five observations do not justify. "
                          "Hint: use the observer's logs as mixture_episodes(n, rng, 0.0) writes them.")
    if not _runs_on_its_structures(batch, experimenter):
        raise CheckFailed("the structures (weights, effects) are not the ones the logs were run on. Hint: join whole "
                          "episodes (join_batches), not fields from different batches.")
    if is_heldout(np.asarray(batch.weights)).any():
        raise CheckFailed("some logs are on held-out structures: training data come from the training structures "
                          "only (the default split of expert_episodes and mixture_episodes).")
    for bad in (1.5, -0.1, 75):
        try:
            make_batch(10, np.random.default_rng(0), bad)
        except ValueError as error:
            if not str(error).strip():
                raise CheckFailed(f"share {bad} raised a ValueError without a message: say what is wrong, e.g. "
                                  "ValueError(f'share must be between 0 and 1, got {share}').") from None
            continue
        except Exception as error:
            raise CheckFailed(f"share {bad} raised {type(error).__name__}, not a ValueError. Hint: `raise "
                              "ValueError(...)` naming the share (or reuse your mixture_kinds from 4.1).") from None
        raise CheckFailed(f"share {bad} should raise a ValueError (a share is a fraction between 0 and 1).")
    return CheckResult(True, "whole logs from one logger each, in the share asked for, every label its own "
                             "logger's, reproducible from `rng`, and strict about its share.")


EXERCISES = [
    Exercise("4.1", LESSON, "mixture_kinds", "Which episodes are interventional", 3, check_mixture_kinds),
    Exercise("4.2", LESSON, "interventional_share", "How interventional is a log", 3, check_interventional_share),
    Exercise("4.3", LESSON, "inverse_variance_fusion", "Pooling estimates by precision", 4, check_inverse_variance_fusion),
    Exercise("4.4", LESSON, "make_batch", "More interventional data: what does the model learn?", 4, check_make_batch),
]
