"""Lesson 07: the lane-keeping task, its expert, behaviour cloning, DAgger, return-conditioning, widgets, checks."""

import numpy as np
import pytest
from conftest import exercise_controls  # noqa: E402

from causal_course.checks import find_exercise, run_check
from causal_course.learners.imitation import (
    NearestNeighbourPolicy,
    ReturnConditionedPolicy,
    achieved_return,
    behaviour_cloning,
    dagger_round,
    dagger_study,
    driver_policy,
    errors_by_horizon,
    mixed_demonstrations,
    rewards_of,
)
from causal_course.studies.cache import load_results
from causal_course.worlds import lane_keeping as lk


def test_the_expert_keeps_its_lane_and_doing_nothing_does_not():
    rng = np.random.default_rng(0)
    expert = lk.drive(lk.expert_policy, 50, 200, rng)
    assert expert.on_road.all() and np.abs(expert.observations[..., 0]).max() < 0.2
    assert np.array_equal(expert.actions, expert.expert_actions) and lk.per_step_error(expert) == 0
    idle = lk.drive(lambda o: np.zeros(len(o)), 50, 200, rng)
    assert idle.on_road[:, -1].mean() < 0.2
    assert np.all(np.diff(lk.survival(idle)) <= 0)
    # rewards stop once a car has left the road, and returns are their sums
    assert np.all(rewards_of(idle)[~idle.on_road] == 0) and np.allclose(idle.returns, idle.rewards.sum(axis=1))


def test_drive_is_reproducible_and_validates():
    a = lk.drive(lk.expert_policy, 3, 20, np.random.default_rng(5))
    b = lk.drive(lk.expert_policy, 3, 20, np.random.default_rng(5))
    assert np.array_equal(a.observations, b.observations)
    with pytest.raises(ValueError, match="NaN"):
        lk.drive(lambda o: np.full(len(o), np.nan), 2, 5, np.random.default_rng(0))
    with pytest.raises(ValueError, match="roads must have shape"):
        lk.drive(lk.expert_policy, 2, 5, np.random.default_rng(0), roads=np.zeros((3, 5)))
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        lk.drive(lk.expert_policy, 2, 5, 0)


def test_returns_to_go_by_hand():
    assert np.allclose(lk.returns_to_go([1.0, 0.5, 0.0, 2.0]), [3.5, 2.5, 2.0, 2.0])
    assert lk.returns_to_go(np.ones((2, 3))).tolist() == [[3, 2, 1], [3, 2, 1]]


def test_nearest_neighbour_policy():
    features = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
    policy = NearestNeighbourPolicy(features, np.array([1.0, 2.0, 3.0, 4.0]), k=1)
    assert policy(features).tolist() == [1.0, 2.0, 3.0, 4.0]
    assert NearestNeighbourPolicy(features, np.arange(4.0), k=4)(np.zeros((1, 2)))[0] == pytest.approx(1.5)
    with pytest.raises(ValueError, match="at least k"):
        NearestNeighbourPolicy(features[:2], np.arange(2.0), k=5)


def test_dagger_round_adds_expert_labels_on_the_learners_states():
    rng = np.random.default_rng(1)
    demonstrations = lk.drive(lk.expert_policy, 4, 100, rng)
    features, labels = demonstrations.observations[demonstrations.on_road], demonstrations.actions[demonstrations.on_road]
    clone = behaviour_cloning(demonstrations)
    new_policy, new_features, new_labels = dagger_round(clone, features, labels, rng, n_drives=5, horizon=100)
    assert len(new_policy) == len(new_labels) > len(labels)
    added = new_features[len(features):]
    assert np.allclose(new_labels[len(labels):], lk.expert_policy(added))
    assert np.abs(added[:, 0]).max() > np.abs(features[:, 0]).max()  # the learner went where the expert did not


def test_errors_compound_for_cloning_and_not_after_dagger():
    study = dagger_study(seed=3, rounds=1, n_demonstrations=8, n_test=60, horizons=(10, 100, 200))
    cloning, after, expert = study.curves["round 0"], study.curves["round 1"], study.curves["expert"]
    assert cloning["per_step_error"][2] > 2 * cloning["per_step_error"][0]
    assert cloning["on_road"][2] < 0.8
    assert max(after["per_step_error"]) < 0.5 * cloning["per_step_error"][2] and min(after["on_road"]) > 0.95
    assert expert["per_step_error"] == [0.0, 0.0, 0.0] and study.data_sizes[1] > study.data_sizes[0]
    drives = lk.drive(lk.expert_policy, 5, 30, np.random.default_rng(0))
    assert errors_by_horizon(drives, [10, 30])["on_road"] == [1.0, 1.0]


def test_mixed_data_and_return_conditioning():
    data = mixed_demonstrations(np.random.default_rng(2), {"expert": 4, "poor": 4, "random": 4})
    assert set(np.unique(data.driver)) == {"expert", "poor", "random"}
    means = {d: data.drive_return[data.driver == d].mean() for d in ("expert", "poor", "random")}
    assert means["expert"] > means["poor"] > means["random"]
    assert np.all(data.returns_to_go >= 0) and np.all(data.returns_to_go <= 1.0 + 1e-9)  # reward per remaining step
    policy = ReturnConditionedPolicy(data)
    with pytest.raises(RuntimeError, match="start"):
        policy(np.zeros((2, 3)))
    low = achieved_return(policy.start(60, 20), 20, 200, seed=4).mean()
    high = achieved_return(policy.start(190, 20), 20, 200, seed=4).mean()
    assert high > low + 40  # it does what it is asked
    with pytest.raises(ValueError, match="unknown driver"):
        driver_policy("stunt")


def test_cached_results_meet_the_lessons_claims():
    dagger = load_results("dagger_results")
    cloning = dagger["per_step_error"]["round 0"]
    assert cloning[-1] > 3 * cloning[0]  # compounding
    assert max(dagger["per_step_error"]["round 1"]) < 0.1 * max(cloning)
    rc = load_results("return_conditioning_results")["worlds"]
    skill, luck = rc["steady"], rc["lucky"]
    assert skill["asked 190"] - skill["asked 190_se"] > skill["clone all"] + skill["clone all_se"]
    assert luck["asked 190"] < skill["asked 190"] - 20


def test_widgets_render_and_respond():
    from causal_course.widgets.imitation import (
        dagger_widget,
        render_dagger,
        render_offsets,
        render_return_conditioning,
        return_conditioning_widget,
    )

    results = load_results("dagger_results")
    assert render_dagger(results, 0).axes and render_dagger(results, 2).axes
    with pytest.raises(ValueError, match="rounds must be one of"):
        render_dagger(results, 99)
    widget = dagger_widget(results)
    first = widget.figure.value
    widget.children[1].children[0].value = 3
    assert widget.figure.value != first and "data:image/png" in widget.figure.value
    exercise_controls(widget)
    rc = load_results("return_conditioning_results")
    with pytest.raises(ValueError, match="world must be one of"):
        render_return_conditioning(rc, 190, "sunny")
    box = return_conditioning_widget(rc)
    before = box.figure.value
    box.children[1].children[1].value = "lucky"
    assert box.figure.value != before
    exercise_controls(box)
    drives = lk.drive(lk.expert_policy, 3, 20, np.random.default_rng(0))
    assert render_offsets({"expert": drives}).axes


def _verdict(exercise_id, answer):
    return run_check(find_exercise(exercise_id), answer)


def test_checks_catch_the_usual_mistakes():
    assert "so far" in _verdict("7.1", lambda r: np.cumsum(np.asarray(r, float), axis=-1)).message
    assert "every step" in _verdict("7.2", lambda a, e, m: float(np.abs(np.asarray(a) - e).mean())).message
    assert "absolute" in _verdict("7.2", lambda a, e, m: float((np.asarray(a) - e)[np.asarray(m)].mean())).message
    assert "came back" in _verdict("7.3", lambda y: (np.abs(np.asarray(y)) <= 1).mean(axis=0)).message

    def learner_labels(policy, features, labels, rng):
        drives = lk.drive(policy, 10, 200, rng)
        return (np.concatenate([features, drives.observations[drives.on_road]]),
                np.concatenate([labels, drives.actions[drives.on_road]]))

    assert "learner's own actions" in _verdict("7.4", learner_labels).message

    def replaces(policy, features, labels, rng):
        drives = lk.drive(policy, 10, 200, rng)
        return drives.observations[drives.on_road], drives.expert_actions[drives.on_road]

    assert "keep the old data" in _verdict("7.4", replaces).message


def test_per_drive_returns_keep_tied_drives():
    """Four drives with returns 10, 10, 10, 50 (two steps each): the top quarter is the 50 drive only, and the mean
    return is 20, where averaging unique returns (the old summary) gave 30."""
    from causal_course.learners.imitation import MixedData

    returns = np.repeat([10.0, 10.0, 10.0, 50.0], 2)
    data = MixedData(features=np.zeros((8, 3)), actions=np.zeros(8), returns_to_go=np.zeros(8),
                     driver=np.repeat(["poor", "poor", "expert", "expert"], 2), drive_return=returns,
                     drive=np.repeat([0, 1, 2, 3], 2))
    per_drive, drivers = data.per_drive()
    assert per_drive.tolist() == [10.0, 10.0, 10.0, 50.0] and per_drive.mean() == 20.0
    assert drivers.tolist() == ["poor", "poor", "expert", "expert"]
    assert data.best_drives(0.25).tolist() == [False] * 6 + [True] * 2
    mixed = mixed_demonstrations(np.random.default_rng(0), {"expert": 2, "poor": 3}, horizon=20)
    assert len(mixed.per_drive()[0]) == 5 and sorted(set(mixed.drive.tolist())) == [0, 1, 2, 3, 4]
