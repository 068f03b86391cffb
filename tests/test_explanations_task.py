"""Lesson 05's experimenting odd-one-out (issue 16, item 3): the task, its explanations, the learner, the study, the CLI."""

import json

import numpy as np
import pytest

from causal_course.cli import main
from causal_course.learners.explanation_task import (
    ExperimentingAgent,
    ExplanationTaskConfig,
    play,
    train_explanation_task,
)
from causal_course.studies.records import ExplanationsTaskResult
from causal_course.torch_setup import torch
from causal_course.worlds.odd_one_out import DIMENSIONS, N_DIMENSIONS
from causal_course.worlds.odd_one_out_experiments import (
    accuracy_at_test,
    elimination_picks,
    experiment_episodes,
    explanation_targets,
    explanation_text,
    random_experiment_picks,
    trial_feedback,
)


def unique_in(objects: np.ndarray) -> np.ndarray:
    """Independently of the module: (n, trials, 4) the dimension each object is unique in, -1 for none, -2 for two."""
    n, trials, k, dims = objects.shape
    same = objects[:, :, :, None, :] == objects[:, :, None, :, :]  # (n, trials, 4, 4, dims)
    alone = same.sum(axis=3) == 1  # (n, trials, 4, dims): no other object shares the value
    count = alone.sum(axis=-1)
    return np.where(count == 0, -1, np.where(count == 1, np.argmax(alone, axis=-1), -2))


@pytest.fixture(scope="module")
def episodes():
    return experiment_episodes(3000, np.random.default_rng(3))


def test_every_trial_is_deconfounded_and_the_rule_is_a_dimension(episodes):
    assert episodes.objects.shape == (3000, 4, 4, 3) and episodes.n_trials == 4
    assert set(np.unique(episodes.rule)) == {0, 1, 2}
    truth = unique_in(episodes.objects)
    assert np.array_equal(truth, episodes.unique_dimension)
    # one object unique in colour only, one in shape only, one in texture only, one in none, in every trial
    assert np.array_equal(np.sort(truth, axis=2), np.broadcast_to([-1, 0, 1, 2], truth.shape))
    # the rule is hidden from the objects: every object position holds the answer about equally often
    assert np.all(np.abs(np.bincount(episodes.answer[:, -1], minlength=4) / 3000 - 0.25) < 0.04)


def test_the_feedback_says_whether_the_pick_is_unique_in_the_rule_dimension(episodes):
    picks = np.random.default_rng(0).integers(0, 4, size=(3000, 4))
    feedback = trial_feedback(episodes, picks)
    rows = np.arange(3000)[:, None]
    truth = unique_in(episodes.objects)[rows, np.arange(4)[None, :], picks] == episodes.rule[:, None]
    assert np.array_equal(feedback, truth) and 0.2 < feedback.mean() < 0.3
    assert accuracy_at_test(episodes, episodes.answer) == 1.0


def test_explanations_are_true_statements_about_the_episode(episodes):
    picks = np.random.default_rng(1).integers(0, 4, size=(3000, 4))
    targets = explanation_targets(episodes, picks)
    truth = unique_in(episodes.objects)[np.arange(3000)[:, None], np.arange(4)[None, :], picks]
    assert np.array_equal(targets["rule"], episodes.rule)
    assert np.array_equal(targets["picked"], np.where(truth == -1, N_DIMENSIONS, truth))
    feedback = trial_feedback(episodes, picks)
    for episode in range(40):
        for trial in range(4):
            text = explanation_text(episodes, picks, episode, trial)
            assert text.startswith("correct") == bool(feedback[episode, trial])
            assert text.endswith(DIMENSIONS[episodes.rule[episode]])
            dimension = truth[episode, trial]
            if not feedback[episode, trial]:
                assert (f"unique in its {DIMENSIONS[dimension]}" in text) if dimension >= 0 else "in nothing" in text


def test_the_baselines_use_the_feedback_correctly(episodes):
    assert accuracy_at_test(episodes, elimination_picks(episodes)) == 1.0
    picks = random_experiment_picks(episodes, np.random.default_rng(2))
    feedback, truth = trial_feedback(episodes, picks), unique_in(episodes.objects)
    dimension = truth[np.arange(3000)[:, None], np.arange(4)[None, :], picks]
    # the test pick never contradicts what the experiments showed
    ruled_out = ((dimension[:, :-1] == dimension[:, -1:]) & ~feedback[:, :-1]).any(axis=1)
    known = feedback[:, :-1].any(axis=1)
    assert not ruled_out.any() and feedback[known, -1].all()
    assert 0.85 < accuracy_at_test(episodes, picks) < 0.92  # 3 random experiments leave some episodes ambiguous
    one = experiment_episodes(2000, np.random.default_rng(4), n_experiments=1)
    assert 0.6 < accuracy_at_test(one, elimination_picks(one)) < 0.73  # one experiment: 1/3 + 2/3 * 1/2


def test_bad_input_is_refused_with_a_fix(episodes):
    with pytest.raises(ValueError, match="picks"):
        trial_feedback(episodes, np.zeros((10, 4), dtype=int))  # not one row per episode
    with pytest.raises(ValueError, match="picks"):
        trial_feedback(episodes, np.zeros((3000, 5), dtype=int))  # more trials than the episodes have
    with pytest.raises(ValueError, match="picks"):
        trial_feedback(episodes, np.zeros((3000, 4)))  # not integers
    with pytest.raises(ValueError, match="between 0 and 3"):
        trial_feedback(episodes, np.full((3000, 4), 4))
    with pytest.raises(ValueError, match="n_experiments"):
        experiment_episodes(5, np.random.default_rng(0), n_experiments=-1)
    with pytest.raises(TypeError, match="Generator"):
        experiment_episodes(5, 0)
    with pytest.raises(ValueError, match="objective"):
        ExplanationTaskConfig(objective="bandit")
    with pytest.raises(ValueError, match="learning_rate"):
        ExplanationTaskConfig(learning_rate=0.0)
    with pytest.raises(TypeError, match="ExplanationTaskConfig"):
        train_explanation_task({"n_steps": 5}, seed=0)
    with pytest.raises(ValueError, match="checkpoint"):
        train_explanation_task(ExplanationTaskConfig(n_steps=5), seed=0, checkpoints=[10])


def test_the_explanation_heads_never_change_how_the_agent_acts(episodes):
    torch.manual_seed(0)
    model = ExperimentingAgent(width=16)
    before = play(model, episodes)["picks"]
    with torch.no_grad():
        model.explain_rule.weight.add_(5.0)
        model.explain_picked.bias.add_(-3.0)
    assert np.array_equal(before, play(model, episodes)["picks"])


def test_training_is_reproducible_and_calls_back_at_checkpoints():
    test = experiment_episodes(100, np.random.default_rng(5))
    calls = []
    config = ExplanationTaskConfig(n_steps=6, batch_size=16, width=16)
    first = train_explanation_task(config, 1, test, checkpoints=[0, 3], callback=lambda step, model: calls.append(step))
    second = train_explanation_task(config, 1, test, checkpoints=[0, 3])
    assert calls == [0, 3, 6] and list(first["curve"]) == [0, 3, 6] and first["curve"] == second["curve"]
    assert first["train_seconds"] > 0


@pytest.fixture(scope="module")
def fast_result():
    return __import__("causal_course.studies.explanations_task", fromlist=["x"]).explanations_task(seed=0, fast=True)


def test_the_study_in_fast_mode_returns_a_record_that_round_trips(fast_result):
    data = fast_result.to_json()
    assert ExplanationsTaskResult.from_json(json.loads(json.dumps(data))).to_json() == data
    assert data["experiment"] == "explanations-task" and len(data["seeds"]) == 2
    for name in ("with_explanations", "without_explanations"):
        condition = data[name]
        assert len(condition["curve"]) == len(data["steps"]) and condition["curve"][-1]["values"] == condition["final"]["values"]
        assert all(value > 0 for value in condition["train_seconds"]["values"])
    with_values = np.array(data["with_explanations"]["final"]["values"])
    without_values = np.array(data["without_explanations"]["final"]["values"])
    assert np.allclose(data["difference"]["values"], with_values - without_values, atol=1e-3)
    assert data["baselines"]["elimination"]["mean"] == 1.0 and set(data["tuning"]) == {"with_explanations",
                                                                                     "without_explanations"}


def test_the_command_line_prints_the_curves_and_the_paired_difference(capsys):
    assert main(["experiment", "explanations-task", "--fast", "--seeds", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"with_explanations", "without_explanations", "difference", "steps", "baselines"} <= set(data)
    assert {"mean", "low", "high", "values", "excludes_zero"} <= set(data["difference"])
    assert {"curve", "final", "train_seconds"} <= set(data["with_explanations"])
    assert len(data["difference"]["values"]) == 2


def test_the_figure_draws_both_curves_and_refuses_other_results(fast_result):
    from causal_course.viz.explanation_task import plot_explanation_task

    fig = plot_explanation_task(fast_result)
    curves, pairs = fig.axes
    labels = [line.get_label() for line in curves.get_lines()]
    assert "with explanations" in labels and "without explanations" in labels and "elimination (ceiling)" in labels
    assert len(pairs.get_lines()) == len(fast_result["seeds"])
    with pytest.raises(ValueError, match="explanations-task result"):
        plot_explanation_task({"steps": [0]})
