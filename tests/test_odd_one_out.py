"""Lesson 06: the odd-one-out task, the learner, the experiment and the widget."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import exercise_controls  # noqa: E402

from causal_course.learners.odd_one_out import (  # noqa: E402
    OddOneOutNet,
    choose,
    evaluate_odd_one_out,
    explanation_classes,
    train_odd_one_out,
)
from causal_course.studies.cache import load_results  # noqa: E402
from causal_course.widgets.odd_one_out import choice_widget, render_choice_shares  # noqa: E402
from causal_course.worlds.odd_one_out import (  # noqa: E402
    N_DIMENSIONS,
    choice_shares,
    confounded_episodes,
    deconfounded_episodes,
    encode_objects,
    explained_feature,
    unique_dimensions,
)


def unique_mask(objects, dimension):
    column = objects[:, dimension]
    return np.array([np.sum(column == v) == 1 for v in column])


def test_confounded_training_scenes():
    objects, odd = confounded_episodes(500, np.random.default_rng(0), 1.0)
    for scene, answer in zip(objects, odd):
        for d in range(N_DIMENSIONS):
            assert unique_mask(scene, d).tolist() == [k == answer for k in range(4)]
    assert len(set(odd.tolist())) == 4  # the odd one's position is shuffled


def test_partly_confounded_scenes_have_one_unique_feature():
    objects, odd = confounded_episodes(2000, np.random.default_rng(1), 0.0)
    counts = [sum(unique_mask(scene, d)[answer] for d in range(N_DIMENSIONS)) for scene, answer in zip(objects, odd)]
    assert set(counts) == {1}
    with pytest.raises(ValueError, match="between 0 and 1"):
        confounded_episodes(5, np.random.default_rng(0), 1.5)


def test_deconfounded_scenes_pull_the_features_apart():
    objects, unique_dimension = deconfounded_episodes(300, np.random.default_rng(2))
    for scene, dims in zip(objects, unique_dimension):
        assert sorted(dims.tolist()) == [-1, 0, 1, 2]
        for k in range(4):
            unique_in = [d for d in range(N_DIMENSIONS) if unique_mask(scene, d)[k]]
            assert unique_in == ([] if dims[k] == -1 else [dims[k]])
    assert encode_objects(objects).shape == (300, 4, 18)
    assert encode_objects(objects).sum(axis=2).max() == 3


def test_explanations_are_true_at_every_confounded_share():
    """The explanation names a dimension in which the odd object really is unique, whatever the share."""
    for share in (1.0, 0.75, 0.5, 0.0):
        objects, odd = confounded_episodes(1500, np.random.default_rng(7), share)
        for preferred in range(N_DIMENSIONS):
            dimension, value = explained_feature(objects, odd, preferred)
            for scene, answer, d, v in zip(objects, odd, dimension, value):
                assert unique_mask(scene, d)[answer], "a false explanation"
                assert scene[answer, d] == v
                if unique_mask(scene, preferred)[answer]:
                    assert d == preferred  # the tie (unique in several dimensions) goes to the preferred one
            classes = explanation_classes(objects, odd, preferred)
            assert np.array_equal(classes // 6, dimension) and np.array_equal(classes % 6, value)
        if share == 1.0:
            assert np.all(dimension == N_DIMENSIONS - 1)
        if share == 0.0:
            assert set(dimension.tolist()) == {0, 1, 2}  # the single unique dimension, not the preferred one


def test_explanation_ties_by_hand():
    # object 2 is unique in colour (value 4) and texture (value 5), not in shape (it shares value 0 with object 0)
    scene = np.array([[[1, 0, 2], [1, 3, 2], [4, 0, 5], [1, 3, 2]]])
    assert unique_dimensions(scene, np.array([2])).tolist() == [[True, False, True]]
    assert [a.tolist() for a in explained_feature(scene, np.array([2]), 2)] == [[2], [5]]  # preferred and true
    assert [a.tolist() for a in explained_feature(scene, np.array([2]), 0)] == [[0], [4]]
    assert [a.tolist() for a in explained_feature(scene, np.array([2]), 1)] == [[0], [4]]  # shape is false: first true one
    with pytest.raises(ValueError, match="unique in none"):
        explained_feature(scene, np.array([1]), 0)  # object 1 is unique in nothing
    with pytest.raises(ValueError, match="preferred"):
        explained_feature(scene, np.array([2]), 3)
    with pytest.raises(ValueError, match="one odd index per scene"):
        unique_dimensions(scene, np.array([2, 1]))


def test_choice_shares():
    unique_dimension = np.array([[0, 1, 2, -1], [2, -1, 0, 1]])
    shares = choice_shares(np.array([0, 1]), unique_dimension)
    assert shares == {"colour": 0.5, "shape": 0.0, "texture": 0.0, "none": 0.5}


def test_explanation_steers_generalisation():
    """Small budget, loose margins: naming a feature pulls most test choices onto it."""
    for explanation, index in (("colour", "colour"), ("texture", "texture")):
        model = train_odd_one_out(explanation, 1.0, seed=0, n_steps=200)
        scores = evaluate_odd_one_out(model, np.random.default_rng(3), 600)
        assert scores["confounded_accuracy"] > 0.95
        assert scores[index] > 0.6, scores
    with pytest.raises(ValueError, match="explanation must be one of"):
        OddOneOutNet(explanation="smell")


def test_training_is_reproducible():
    a = train_odd_one_out("none", 1.0, seed=4, n_steps=20)
    b = train_odd_one_out("none", 1.0, seed=4, n_steps=20)
    objects, _ = deconfounded_episodes(50, np.random.default_rng(5))
    assert np.array_equal(choose(a, objects), choose(b, objects))


def test_cached_results_and_widget():
    results = load_results("confounding_results")
    assert results["explanations"] == ["none", "colour", "shape", "texture"] and len(results["seeds"]) >= 8
    perfectly = {row["explanation"]: row for row in results["conditions"] if row["confounded_share"] == 1.0}
    for dimension in ("colour", "shape", "texture"):
        assert perfectly[dimension][dimension]["mean"] > 0.6  # the measured effect the lesson describes
        assert len(perfectly[dimension][dimension]["values"]) == len(results["seeds"])
    assert max(perfectly["none"][d]["mean"] for d in ("colour", "shape", "texture")) < 0.6
    for row in results["pull"]:  # the lesson's claim: the explanation pulls at every share, as a paired interval
        assert row["versus_none"]["excludes_zero"] and row["versus_none"]["low"] > 0, row
    titles = {render_choice_shares(results, e, 1.0).axes[0].get_title() for e in results["explanations"]}
    assert len(titles) == 4
    with pytest.raises(ValueError, match="no cached condition"):
        render_choice_shares(results, "colour", 0.3)
    box = choice_widget(results)
    first = box.figure.value
    box.children[0].children[0].value = "shape"
    assert box.figure.value != first
    exercise_controls(box)


def test_experiment_confounding_contract():
    from causal_course.studies.confounded_generalisation import confounding

    result = confounding(seed=0, fast=True, n_steps=5, n_test=50)
    assert result["explanations"] == ["none", "colour", "shape", "texture"]
    assert len(result["conditions"]) == 4 * len(result["confounded_shares"])
    for row in result["conditions"]:
        for k in range(len(result["seeds"])):  # per seed, the choices add up to 1
            total = sum(row[key]["values"][k] for key in ("colour", "shape", "texture", "none"))
            assert total == pytest.approx(1.0, abs=1e-3)
    rows = {(row["explanation"], row["confounded_share"]): row for row in result["conditions"]}
    for pull in result["pull"]:  # the paired difference is the per-seed difference of the two conditions
        mine = rows[pull["explanation"], pull["confounded_share"]][pull["explanation"]]["values"]
        none = rows["none", pull["confounded_share"]][pull["explanation"]]["values"]
        assert pull["versus_none"]["values"] == pytest.approx(np.subtract(mine, none).tolist(), abs=2e-4)
        assert ("versus_fully_confounded" in pull) == (pull["confounded_share"] != 1.0)
        if "versus_fully_confounded" in pull:  # the change in pull: this share's pull minus the pull at 100 %
            full = next(p for p in result["pull"] if p["explanation"] == pull["explanation"] and p["confounded_share"] == 1.0)
            expected = np.subtract(pull["versus_none"]["values"], full["versus_none"]["values"])
            assert pull["versus_fully_confounded"]["values"] == pytest.approx(expected.tolist(), abs=3e-4)
    for row in result["conditions"]:
        assert 0.0 <= row["single_feature_accuracy"]["mean"] <= 1.0
