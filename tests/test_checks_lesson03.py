"""Lesson 03's experiment exercise (3.7): the solution passes, and every stage of its check rejects its own
plausible wrong answer with its own message, so that no stage can be weakened unnoticed. The check never trains
a model; a test says it stays fast."""

import dataclasses
import time
from functools import partial

import numpy as np
import pytest
from test_checks import rejected as rejected_by
from test_checks import solved_functions
from test_checks import verdict as verdict_of

from causal_course.worlds.dag_episodes import (
    EpisodeBatch,
    expert_episodes,
    goal_from_logged_evidence,
    optimal_goal_action,
    run_exploration,
    sample_worlds,
)

LESSON = "03_passive_causal_strategies"
FIXED = np.arange(1, 6)

verdict = partial(verdict_of, "3.7")
rejected = partial(rejected_by, "3.7")


@pytest.fixture(scope="module")
def solution(root):
    return solved_functions(root, LESSON)["fixed_order_batch"]




def batch_of(actions, rng, split="train", labels="logged"):
    """Logs of ``actions`` (one row, repeated) on ``split`` structures, labelled as ``labels`` says."""
    worlds, target = sample_worlds(len(actions), rng, split)
    values = run_exploration(worlds, actions, rng)
    goal = {"logged": lambda: goal_from_logged_evidence(actions, values, target),
            "optimal": lambda: optimal_goal_action(worlds.effects, target)}[labels]()
    return EpisodeBatch(worlds.weights, worlds.effects, target, actions, values, goal, worlds)


def fixed(n):
    return np.tile(FIXED, (n, 1))


def test_the_solution_passes_and_makes_the_protocol_s_logs(solution):
    result = verdict(solution)
    assert result.passed, result.message
    batch = solution(50, np.random.default_rng(0))
    assert (batch.actions == FIXED).all() and batch.values.shape == (50, 5, 5)


def test_the_check_is_fast(solution):
    start = time.perf_counter()
    verdict(solution)
    assert time.perf_counter() - start < 5.0  # no training inside: the check only judges the batches


def test_a_tuple_instead_of_a_batch():
    def as_tuple(batch_size, rng):
        b = batch_of(fixed(batch_size), rng)
        return b.weights, b.effects, b.target, b.actions, b.values, b.goal_action

    rejected(as_tuple, "returned a tuple")


def test_a_fixed_number_of_episodes():
    rejected(lambda batch_size, rng: batch_of(fixed(256), rng), "use the batch_size argument")


def test_float_actions():
    def float_actions(batch_size, rng):
        return dataclasses.replace(batch_of(fixed(batch_size), rng), actions=fixed(batch_size).astype(float))

    rejected(float_actions, "batch.actions should hold integers")


def test_held_out_structures_in_the_training_logs():
    rejected(lambda batch_size, rng: batch_of(fixed(batch_size), rng, split="all"), "held out for the test")


def test_actions_off_by_one():
    rejected(lambda batch_size, rng: batch_of(fixed(batch_size) - 1, rng), "off by one")


def test_the_expert_s_random_order():
    rejected(lambda batch_size, rng: expert_episodes(batch_size, rng, "train"), "not in the protocol's order")


def test_the_protocol_with_an_observe_step():
    def observes_first(batch_size, rng):
        actions = fixed(batch_size)
        actions[:, 0] = 0
        return batch_of(actions, rng)

    rejected(observes_first, "not the fixed protocol")


def test_actions_overwritten_without_running_them():
    def overwritten(batch_size, rng):
        return dataclasses.replace(expert_episodes(batch_size, rng, "train"), actions=fixed(batch_size))

    rejected(overwritten, "run_exploration(worlds, actions, rng)")


def test_values_from_other_structures():
    def other_worlds(batch_size, rng):
        batch = batch_of(fixed(batch_size), rng)
        other = batch_of(fixed(batch_size), rng)
        return dataclasses.replace(batch, values=other.values)

    rejected(other_worlds, "do not match these structures")


def test_optimal_labels_from_the_true_effects():
    rejected(lambda batch_size, rng: batch_of(fixed(batch_size), rng, labels="optimal"), "the optimal actions")


def test_labels_from_experiments_that_were_not_logged():
    def relabelled(batch_size, rng):
        batch = batch_of(fixed(batch_size), rng)
        again = run_exploration(batch.worlds, batch.actions, rng)  # the same protocol, run again off the record
        return dataclasses.replace(batch, goal_action=goal_from_logged_evidence(batch.actions, again, batch.target))

    rejected(relabelled, "other experiments than the ones logged")


def test_best_actions_with_another_tie_break():
    def last_best(batch_size, rng):  # a best action read off the true effects, preferring the last of equals
        batch = batch_of(fixed(batch_size), rng)
        on_target = batch.effects[np.arange(batch_size), :, batch.target].copy()
        on_target[np.arange(batch_size), batch.target] = 0.0
        variable = 4 - np.argmax(np.abs(on_target[:, ::-1]), axis=1)
        sign = on_target[np.arange(batch_size), variable] < 0
        return dataclasses.replace(batch, goal_action=2 * variable + sign)

    rejected(last_best, "equally large effects")


def test_random_labels():
    def random_labels(batch_size, rng):
        batch = batch_of(fixed(batch_size), rng)
        variable = (batch.target + rng.integers(1, 5, size=batch_size)) % 5
        return dataclasses.replace(batch, goal_action=2 * variable + rng.integers(0, 2, size=batch_size))

    rejected(random_labels, "not the expert's choice from the logged experiments")


def test_labels_on_the_target():
    def on_target(batch_size, rng):
        batch = batch_of(fixed(batch_size), rng)
        return dataclasses.replace(batch, goal_action=2 * batch.target)

    rejected(on_target, "intervene on the target itself")


def test_an_unseeded_generator():
    rejected(lambda batch_size, rng: batch_of(fixed(batch_size), np.random.default_rng()), "the same seed gave different")


def test_a_generator_of_its_own():
    rejected(lambda batch_size, rng: batch_of(fixed(batch_size), np.random.default_rng(0)), "two different seeds")


def test_numpy_s_global_random_state():
    def global_state(batch_size, rng):
        batch = batch_of(fixed(batch_size), rng)
        np.random.random()  # e.g. a shuffle through np.random: same rng, same batch, but not from rng alone
        return batch

    rejected(global_state, "global random state")


def test_the_check_leaves_numpy_s_global_random_state_as_it_was(solution):
    state = np.random.get_state()
    verdict(solution)
    after = np.random.get_state()
    assert np.array_equal(state[1], after[1]) and state[2:] == after[2:]  # it seeds np.random only for a moment


def test_the_global_state_stage_is_skipped_for_a_function_the_grader_runs_in_another_process(solution):
    """In the grader the function runs in the submission's process and checks run in threads: watching this process's
    np.random would judge the wrong process and race with other submissions' checks (seen: 1 of 60 solution copies
    lost 3.7's points in benchmarks/grading.py)."""
    from causal_course.grading.grader import _StudentFunction

    def global_state(batch_size, rng):
        np.random.random()  # would fail the stage in the notebook
        return solution(batch_size, rng)

    global_state.runs_in_another_process = True
    assert verdict(global_state).passed
    assert _StudentFunction.runs_in_another_process is True
