"""Lesson 03's relevance cues: the cue's mechanics, the cued expert, held-out combinations, the experiment."""

import numpy as np
import pytest
from conftest import exercise_controls  # noqa: E402

from causal_course.worlds import cues as C
from causal_course.worlds.dag_episodes import best_goal_values, normalised_reward, sample_structures


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
    from causal_course.studies.cues import cues

    result = cues(seed=0, fast=True, n_steps=3, n_test=40)
    for key in ("heldout_combinations", "interventions_on_uncued_share", "steps_used"):
        assert key in result
    assert set(result["steps_used"]) >= {"heldout_combinations", "uncued", "cued_expert", "uncued_expert"}
    assert result["steps_used"]["uncued_expert"] == 5.0 and result["steps_used"]["cued_expert"] < 3


def test_cue_editor_replays_an_episode_under_the_cue_you_tick():
    import matplotlib

    matplotlib.use("Agg")
    from causal_course.learners.models import build_model
    from causal_course.widgets.cue_editor import cue_editor, play_with_cue, render_cue_play

    model = build_model(seed=0)
    episodes = C.cue_episodes(6, np.random.default_rng(7), cued_share=1.0, cue_split="heldout")
    target = int(episodes.target[0])
    record = play_with_cue(model, episodes, 0, [v for v in range(5) if v != target][:2], seed=1)
    assert record["actions"].shape == (5,) and set(record["reward"]) == {"model", "optimal"}
    again = play_with_cue(model, episodes, 0, [v for v in range(5) if v != target][:2], seed=1)
    assert np.array_equal(record["actions"], again["actions"])  # same episode, seed and cue: same play
    fig = render_cue_play(record)
    assert "experiments" in fig.axes[1].get_title()
    with pytest.raises(ValueError, match="may not hold the target"):
        play_with_cue(model, episodes, 0, [target])
    with pytest.raises(ValueError, match="episode must be between"):
        play_with_cue(model, episodes, 99, [])
    box = cue_editor(model, episodes)
    first = box.figure.value
    box.controls["episode"].value = 1  # loads that episode's own cue into the boxes
    assert [box.controls[f"X{i}"].value for i in range(5)] == [bool(v) for v in episodes.cue[1]]
    assert box.figure.value != first
    exercise_controls(box)
