"""Lesson 04's exercise 4.4 (a mixture of the experimenter's and the observer's logs, for an experiment): the solution
passes, the check is fast, and every stage of the check rejects its own plausible wrong answer with its own message.

Exercises 4.1 to 4.3 have theirs in tests/test_checks.py. Also: ``join_batches``, which the solution uses.
"""

import dataclasses
import time
from functools import partial

import numpy as np
import pytest
from test_checks import rejected as rejected_by
from test_checks import solved_functions
from test_checks import verdict as verdict_of

from causal_course.learners.mixtures import expert_goal_labels, mixture_episodes
from causal_course.worlds.dag_episodes import (
    EpisodeBatch,
    expert_episodes,
    goal_from_logged_evidence,
    join_batches,
    run_exploration,
)

LESSON = "04_data_mixtures"

verdict = partial(verdict_of, "4.4")
rejected = partial(rejected_by, "4.4")


@pytest.fixture(scope="module")
def solution(root):
    return solved_functions(root, LESSON)["make_batch"]




def _kinds(batch_size, rng, share):
    if not 0 <= share <= 1:
        raise ValueError(f"share must be between 0 and 1, got {share}")
    return rng.random(batch_size) < share


def _mixture(batch_size, rng, share, experimenter=expert_episodes, observer=None, kinds=_kinds):
    """The right mixture with one part replaced."""
    n = int(kinds(batch_size, rng, share).sum())
    observer = observer or (lambda m, rng: mixture_episodes(m, rng, 0.0))
    return join_batches(experimenter(n, rng), observer(batch_size - n, rng))


# ----------------------------------------------------------------------------- the solution, and the check's cost
def test_the_solution_and_the_package_mixture_pass_fast(solution):
    start = time.perf_counter()
    assert verdict(solution).passed
    assert time.perf_counter() - start < 2.0  # no training inside the check
    assert verdict(lambda n, rng, share: mixture_episodes(n, rng, share)).passed  # the package's own mixture


# ----------------------------------------------------------------------------- one wrong answer per stage
def test_a_batch_that_is_not_an_episode_batch_or_of_the_wrong_size():
    rejected(lambda n, rng, share: (_mixture(n, rng, share).actions, _mixture(n, rng, share).goal_action),
             "return an EpisodeBatch")
    rejected(lambda n, rng, share: join_batches(expert_episodes(n, rng), mixture_episodes(n, rng, 0.0)),
             "joining two full batches doubles it")

    def float_labels(n, rng, share):
        batch = _mixture(n, rng, share)
        return dataclasses.replace(batch, goal_action=batch.goal_action.astype(float))

    rejected(float_labels, "batch.goal_action should hold integers")

    def labels_of_another_batch(n, rng, share):  # labels that may name the target itself
        batch = _mixture(n, rng, share)
        return dataclasses.replace(batch, goal_action=np.roll(batch.goal_action, 1))

    rejected(labels_of_another_batch, "intervenes on the target itself")

    def one_based_targets(n, rng, share):
        batch = _mixture(n, rng, share)
        return dataclasses.replace(batch, target=batch.target + 1)

    rejected(one_based_targets, "out of range")


def test_a_batch_drawn_outside_the_given_rng():
    rejected(lambda n, rng, share: _mixture(n, np.random.default_rng(), share), "the same seed gave a different batch")
    rejected(lambda n, rng, share: _mixture(n, np.random.default_rng(0), share), "different seeds gave the same batch")

    def global_kinds(n, rng, share):
        return _mixture(n, rng, share, kinds=lambda n, rng, share: np.random.random(n) < share)

    rejected(global_kinds, "the same seed gave a different batch")


def test_logs_that_mix_steps_or_an_experimenter_with_repeats():
    rejected(lambda n, rng, share: mixture_episodes(n, rng, share, mixing="steps"), "some logs mix observe and do steps")
    rejected(lambda n, rng, share: mixture_episodes(n, rng, share, "random"), "some logs mix observe and do steps")

    def repeating(n, rng):  # five experiments on variables drawn at random, repeats allowed; labels from the log
        batch = expert_episodes(n, rng)
        actions = rng.integers(1, 6, size=batch.actions.shape)
        values = run_exploration(batch.weights, actions, rng)
        goal = goal_from_logged_evidence(actions, values, batch.target, rng)
        return dataclasses.replace(batch, actions=actions, values=values, goal_action=goal)

    rejected(lambda n, rng, share: _mixture(n, rng, share, experimenter=repeating),
             "should intervene on every variable once")


def test_the_wrong_share():
    inverted = lambda n, rng, share: _mixture(n, rng, share, kinds=lambda n, rng, share: rng.random(n) >= share)
    rejected(inverted, "not the observer's")

    def one_coin(n, rng, share):
        return _mixture(n, rng, share, kinds=lambda n, rng, share: np.full(n, rng.random() < share))

    rejected(one_coin, "the whole batch came from one logger")
    squared = lambda n, rng, share: _mixture(n, rng, share, kinds=lambda n, rng, share: rng.random(n) < share ** 2)
    rejected(squared, "far off, beyond chance")


def test_shares_0_and_1_not_exact():
    def at_least_one_experimenter(n, rng, share):
        kinds = lambda n, rng, share: (rng.random(n) < share) | (np.arange(n) == 0)
        return _mixture(n, rng, share, kinds=kinds)

    rejected(at_least_one_experimenter, "with share 0 every log must be the observer's")

    def at_least_one_observer(n, rng, share):
        kinds = lambda n, rng, share: (rng.random(n) < share) & (np.arange(n) > 0)
        return _mixture(n, rng, share, kinds=kinds)

    rejected(at_least_one_observer, "with share 1 every log must be the experimenter's")


def test_labels_that_their_own_log_does_not_justify():
    def off_record(m, rng):  # observations, labelled by the expert's unlogged experiments (Section 6)
        batch = mixture_episodes(m, rng, 0.0)
        return dataclasses.replace(batch, goal_action=expert_goal_labels(batch.weights, batch.effects, batch.target, rng))

    rejected(lambda n, rng, share: _mixture(n, rng, share, observer=off_record), "the off-record expert")

    def random_labels(m, rng):  # a random goal for each log, never on its target
        batch = mixture_episodes(m, rng, 0.0)
        variable = (batch.target + rng.integers(1, 5, size=m)) % 5
        return dataclasses.replace(batch, goal_action=2 * variable + rng.integers(0, 2, size=m))

    rejected(lambda n, rng, share: _mixture(n, rng, share, observer=random_labels),
             "observer's logs carry a goal label their five observations do not justify")

    def wrong_sign(m, rng):  # the experimenter's variable, the opposite direction
        batch = expert_episodes(m, rng)
        return dataclasses.replace(batch, goal_action=batch.goal_action ^ 1)

    rejected(lambda n, rng, share: _mixture(n, rng, share, experimenter=wrong_sign),
             "experimenter's logs carry a goal label")


def test_structures_from_another_batch_or_held_out():
    def other_structures(m, rng):
        batch, other = expert_episodes(m, rng), expert_episodes(m, rng)
        return dataclasses.replace(batch, weights=other.weights, effects=other.effects, worlds=other.worlds)

    rejected(lambda n, rng, share: _mixture(n, rng, share, experimenter=other_structures),
             "not the ones the logs were run on")
    rejected(lambda n, rng, share: _mixture(n, rng, share, experimenter=lambda m, rng: expert_episodes(m, rng, "heldout"),
                                            observer=lambda m, rng: mixture_episodes(m, rng, 0.0, split="heldout")),
             "held-out structures")


def test_a_share_outside_0_and_1_not_rejected_clearly():
    rejected(lambda n, rng, share: _mixture(n, rng, share, kinds=lambda n, rng, share: rng.random(n) < share),
             "share 1.5 should raise a ValueError")

    def asserts(n, rng, share):
        assert 0 <= share <= 1
        return _mixture(n, rng, share)

    rejected(asserts, "raised AssertionError, not a ValueError")

    def silent(n, rng, share):
        if not 0 <= share <= 1:
            raise ValueError()
        return _mixture(n, rng, share)

    rejected(silent, "a ValueError without a message")

    def percentages(n, rng, share):  # 75 taken as a percentage
        share = share / 100 if share > 1.5 else share
        return _mixture(n, rng, share)

    rejected(percentages, "share 75 should raise a ValueError")


# ----------------------------------------------------------------------------- join_batches
def test_join_batches_keeps_every_field_in_order_and_refuses_a_mix():
    rng = np.random.default_rng(0)
    first, second = expert_episodes(3, rng), mixture_episodes(4, rng, 0.0)
    joined = join_batches(first, second)
    assert isinstance(joined, EpisodeBatch) and len(joined) == 7
    for name in ("weights", "effects", "target", "actions", "values", "goal_action"):
        assert np.array_equal(getattr(joined, name), np.concatenate([getattr(first, name), getattr(second, name)]))
    assert np.array_equal(joined.worlds.noise_sd, np.concatenate([first.worlds.noise_sd, second.worlds.noise_sd]))
    assert joined.source is None and joined.cue is None
    assert len(join_batches(expert_episodes(0, rng), second)) == 4
    tagged = mixture_episodes(2, rng, 0.5, tagged=True)
    with pytest.raises(ValueError, match="all with source or all without"):
        join_batches(first, tagged)
    with pytest.raises(TypeError, match="EpisodeBatch"):
        join_batches(first, "logs")
