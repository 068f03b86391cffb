"""Lesson 06's confounded experimenting odd-one-out (issue 16, item 3): the task, true explanations, the study, the CLI."""

import json

import numpy as np
import pytest

from causal_course.cli import main
from causal_course.learners.confounded_experiments import train_confounded_experiments
from causal_course.learners.explanation_task import ExperimentingAgent, ExplanationTaskConfig, play
from causal_course.studies.records import RECORDS, ConfoundedExperimentsResult
from causal_course.torch_setup import torch
from causal_course.worlds.odd_one_out_confounded_experiments import (
    ambiguous_test_episodes,
    confounded_experiment_episodes,
    deconfounded_test_episodes,
    expert_picks,
    explanation_targets,
    explanation_text,
    pick_shares_at_test,
    trial_feedback,
)


def alone(objects: np.ndarray) -> np.ndarray:
    """Independently of the module: (..., 4, 3) no other object of the trial shares this value."""
    count = np.zeros(objects.shape, dtype=int)
    for k in range(objects.shape[-2]):
        count += objects == objects[..., k:k + 1, :]
    return count == 1


@pytest.fixture(scope="module")
def train():
    return confounded_experiment_episodes(2000, np.random.default_rng(5))


def test_training_trials_are_all_confounded(train):
    unique = alone(train.objects)
    assert train.objects.shape == (2000, 4, 4, 3)
    assert (unique[..., 0].sum(-1) == 1).all() and (unique[..., 1].sum(-1) == 1).all()
    assert (unique[..., 0] == unique[..., 1]).all()  # the colour-unique object IS the shape-unique object
    assert (unique[..., 2].sum(-1) == 1).all() and not (unique[..., 2] & unique[..., 0]).any()
    assert set(np.unique(train.rule)) == {0, 1, 2}


def test_test_trials_are_deconfounded():
    rng = np.random.default_rng(6)
    test = deconfounded_test_episodes(1000, rng)
    unique = alone(test.objects)
    assert (unique.sum(-1) <= 1).all()  # no object unique in two dimensions: colour and shape point apart
    assert (unique.sum(-2) == 1).all()
    assert set(np.unique(test.rule)) == {0, 1}
    ambiguous = ambiguous_test_episodes(1000, rng)
    unique = alone(ambiguous.objects)
    assert (unique[:, :-1, :, 0] == unique[:, :-1, :, 1]).all()  # experiments confounded
    assert (unique[:, -1].sum(-1) <= 1).all() and set(np.unique(ambiguous.rule)) == {0, 1}


def test_the_expert_is_right_where_it_can_be(train):
    assert trial_feedback(train, expert_picks(train))[:, -1].all()
    test = deconfounded_test_episodes(500, np.random.default_rng(7))
    assert pick_shares_at_test(test, expert_picks(test))["right"] == 1.0
    ambiguous = ambiguous_test_episodes(2000, np.random.default_rng(8))
    shares = pick_shares_at_test(ambiguous, expert_picks(ambiguous))
    assert shares["colour"] == 1.0 and 0.4 < shares["right"] < 0.6  # it cannot know, it tie-breaks on colour


@pytest.mark.parametrize("explained", [0, 1])
def test_explanations_are_true_and_the_condition_only_breaks_ties(train, explained):
    rng = np.random.default_rng(9)
    for picks in (expert_picks(train), rng.integers(0, 4, size=(len(train), train.n_trials))):
        targets = explanation_targets(train, picks, explained)
        unique = alone(train.objects)
        rows = np.arange(len(train))[:, None]
        picked_unique = unique[rows, np.arange(train.n_trials)[None, :], picks]  # (n, trials, 3)
        named = targets["picked"]
        said = named < 3
        assert picked_unique[said, named[said]].all()  # "it is unique in its d" is true
        assert not picked_unique[~said].any()  # "unique in nothing" is true
        odd = np.argmax(unique[rows, np.arange(train.n_trials)[None, :], :, train.rule[:, None]], axis=-1)
        odd_unique = unique[rows, np.arange(train.n_trials)[None, :], odd]
        assert odd_unique[np.arange(len(train)), :, targets["rule"]].all()  # the odd one is unique in the named d
        pair = train.rule < 2
        assert (targets["rule"][pair] == explained).all() and (targets["rule"][~pair] == 2).all()
        other = explanation_targets(train, picks, 1 - explained)
        assert ((named == other["picked"]) | (picked_unique[..., 0] & picked_unique[..., 1])).all()


def test_explanation_text_and_feedback_in_play(train):
    text = explanation_text(train, expert_picks(train), 1, 0, train.n_trials - 1)
    assert text.startswith("correct") and ("shape" in text or "texture" in text)
    model = ExperimentingAgent(16)
    with torch.no_grad():
        played = play(model, train, rng=np.random.default_rng(0))
    assert (played["feedback"].astype(bool) == trial_feedback(train, played["picks"])).all()


def test_bad_input_is_refused(train):
    with pytest.raises(ValueError, match="explained"):
        explanation_targets(train, expert_picks(train), 3)
    with pytest.raises(ValueError, match="picks"):
        trial_feedback(train, np.full((len(train), 4), 4))
    with pytest.raises(ValueError, match="explained"):
        train_confounded_experiments(ExplanationTaskConfig(objective="imitation", n_steps=1), 0, "texture")
    with pytest.raises(ValueError, match="imitation"):
        train_confounded_experiments(ExplanationTaskConfig(objective="reinforce", n_steps=1), 0, "colour")
    with pytest.raises(ValueError, match="n_episodes"):
        confounded_experiment_episodes(-1, np.random.default_rng(0))


@pytest.fixture(scope="module")
def fast_result():
    from causal_course.studies.confounded_experiments import confounded_experiments

    return confounded_experiments(seed=3, fast=True, n_steps=5, n_test=50)


def test_study_fast_round_trip(fast_result):
    data = fast_result.to_json()
    assert RECORDS["confounded-experiments"] is ConfoundedExperimentsResult
    assert ConfoundedExperimentsResult.from_json(json.loads(json.dumps(data))).to_json() == data
    assert data["seeds"] == [3, 4] and set(data["conditions"]) == {"explain_colour", "explain_shape", "none"}
    for test in ("deconfounded", "ambiguous"):
        colour = {name: np.array(data["conditions"][name][test]["colour"]["values"]) for name in data["conditions"]}
        difference = data["differences"][test]["explain_shape - none"]
        assert np.allclose(difference["values"], colour["explain_shape"] - colour["none"], atol=1e-4)
        shares = [data["conditions"]["none"][test][share]["values"] for share in ("colour", "shape", "texture",
                                                                                   "nothing")]
        assert np.allclose(np.sum(shares, axis=0), 1.0, atol=1e-3)


def test_study_refuses_bad_input():
    from causal_course.studies.confounded_experiments import confounded_experiments

    with pytest.raises(ValueError, match="n_seeds"):
        confounded_experiments(n_seeds=0)


def test_cli_json_keys(capsys):
    assert main(["experiment", "confounded-experiments", "--fast", "--seeds", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["experiment"] == "confounded-experiments" and len(data["seeds"]) == 2
    assert set(data["differences"]["deconfounded"]) == {"explain_colour - none", "explain_shape - none",
                                                        "explain_colour - explain_shape"}
    assert {"mean", "low", "high", "excludes_zero", "values"} <= set(data["differences"]["ambiguous"]["explain_colour - none"])


def test_figure(fast_result):
    import matplotlib

    matplotlib.use("Agg")
    from causal_course.viz.confounded_experiments import plot_confounded_experiments

    figure = plot_confounded_experiments(fast_result)
    assert len(figure.axes) == 2
    with pytest.raises(ValueError, match="confounded-experiments"):
        plot_confounded_experiments({"steps": []})
