"""Lesson 03's relevance cues: the cue's mechanics, the cued expert, held-out combinations, the experiment."""

import numpy as np
import pytest

from causal_course import cues as C
from causal_course.episodes import best_goal_values, normalised_reward, sample_structures


def test_cues_hold_the_best_cause_never_the_target_and_two_or_three_variables():
    rng = np.random.default_rng(0)
    _, effects, target = sample_structures(4000, rng, "train")
    cue = C.sample_cues(effects, target, rng, "all")
    rows = np.arange(len(target))
    best = np.argmax(best_goal_values(effects, target), axis=1)
    assert (cue[rows, best] == 1).all() and (cue[rows, target] == 0).all()
    assert set(np.unique(cue.sum(axis=1))) == set(C.CUE_SIZES)
    # all 20 combinations occur ("all"), and "train" never draws one holding both X3 and X4
    combos = {tuple(np.nonzero(row)[0]) for row in cue}
    assert combos <= set(C.all_cue_combinations()) and len(combos) == 20
    train = C.sample_cues(effects, target, np.random.default_rng(1), "train")
    assert not C.is_heldout_cue(train).any()
    assert train[:, 3].any() and train[:, 4].any()  # each is cued in training, never both
    held = C.sample_cues(effects, target, np.random.default_rng(2), "heldout")
    possible = ~np.isin(target, C.HELDOUT_PAIR)
    assert C.is_heldout_cue(held[possible]).all() and (held[~possible] == -1).all()
    with pytest.raises(ValueError, match="split must be one of"):
        C.sample_cues(effects, target, rng, "test")


def test_the_cued_expert_experiments_only_on_cued_variables_and_loses_nothing():
    batch = C.cue_episodes(4000, np.random.default_rng(3), cued_share=0.5)
    cued = batch.cue.sum(axis=1) > 0
    assert 0.45 < cued.mean() < 0.55
    assert C.interventions_outside_cue(batch.actions, batch.cue) == 0.0
    # each cued variable exactly once, then observe
    for actions, cue in zip(batch.actions[cued][:200], batch.cue[cued][:200]):
        tried = actions[actions > 0] - 1
        assert sorted(tried.tolist()) == np.nonzero(cue)[0].tolist()
        assert (actions[len(tried):] == 0).all()
    assert (np.sort(batch.actions[~cued], axis=1) == np.arange(1, 6)).all()
    assert C.experiments_per_episode(batch.actions[cued]) < 3 < C.experiments_per_episode(batch.actions[~cued])
    assert normalised_reward(batch.reward[cued], batch.optimal_reward[cued]) > 0.99
    with pytest.raises(ValueError, match="cued_share must be between 0 and 1"):
        C.cue_episodes(10, np.random.default_rng(0), cued_share=50)


def test_metrics_count_only_cued_episodes():
    actions = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 1, 2]])
    cue = np.array([[1, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
    assert C.interventions_outside_cue(actions, cue) == 0.5  # do(X1) was outside the cue; row 2 has no cue
    assert C.experiments_per_episode(actions) == 3.5


def test_experiment_cues_contract():
    from causal_course.experiments import cues

    result = cues(seed=0, fast=True, n_steps=3, n_test=40)
    for key in ("heldout_combinations", "interventions_on_uncued_share", "steps_used"):
        assert key in result
    assert set(result["steps_used"]) >= {"heldout_combinations", "uncued", "cued_expert", "uncued_expert"}
    assert result["steps_used"]["uncued_expert"] == 5.0 and result["steps_used"]["cued_expert"] < 3
