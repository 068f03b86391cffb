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
    assert len(dagger["seeds"]) >= 8
    assert dagger["growth"]["round 0"]["per_step_error"][-1]["low"] > 0  # cloning's errors compound (paired)
    for record in dagger["differences"]["round 1 - round 0"]["per_step_error"][1:]:
        assert record["excludes_zero"] and record["high"] < 0  # one DAgger round lowers the error
    rc = load_results("return_conditioning_results")
    assert len(rc["seeds"]) >= 8 and rc["compared"] == 190
    steady, lucky, between = rc["differences"]["steady"], rc["differences"]["lucky"], rc["differences"]["lucky - steady"]
    assert steady["asked 190 - clone all"]["steady"]["low"] > 0  # return-conditioning beats cloning everyone
    assert lucky["expected 190 - asked 190"]["calm+stormy"]["low"] > 0  # the fix beats it in the lucky world
    assert lucky["expected 190 - asked 190"]["steady"]["low"] > 0  # the label swap, same data: luck in the labels
    assert between["asked 190"]["steady"]["high"] < 0  # lucky data lose on the same test days
    assert not between["expected 190"]["steady"]["excludes_zero"]  # and not once the labels are expected returns
    assert not between["clone all"]["steady"]["excludes_zero"]  # cloning without labels: no detectable change there
    assert dagger["differences"]["round 1 - clone size-matched"]["per_step_error"][-1]["high"] < 0  # equal data
    assert dagger["per_step_error"]["linear clone"][-1]["mean"] < 1e-6  # a learner that extrapolates: no compounding


def test_every_interval_lesson_07_quotes_is_in_a_cached_result():
    """Every "mean [low, high]" in the lesson's text is a record of the cached results it names."""
    import json
    import re
    from pathlib import Path

    from causal_course.statistics import format_interval

    quoted = set()
    root = Path(__file__).resolve().parent.parent
    notebook = json.loads((root / "notebooks" / "07_from_passive_to_active.ipynb").read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            quoted |= set(re.findall(r"[−-]?\d+\.\d+ \[[−-]?\d+\.\d+, [−-]?\d+\.\d+\]", "".join(cell["source"])))
    cached = set()

    def collect(value):
        if isinstance(value, dict) and {"mean", "low", "high"} <= set(value) and value["low"] is not None:
            cached.update(format_interval(value, digits) for digits in (1, 2, 3))
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(dict(load_results("dagger_results")))
    collect(dict(load_results("return_conditioning_results")))
    assert len(quoted) >= 10, quoted  # the lesson quotes its figures with their intervals
    missing = sorted(q for q in quoted if q.replace("−", "-") not in cached)
    assert not missing, f"lesson 07 quotes intervals no cached result holds: {missing}"


def test_lesson_07_records_round_once():
    """The cached records keep their numbers unrounded, so an interval printed from a record is the interval of its
    per-seed values: no last digit changed by rounding twice (stored, then printed)."""
    from causal_course.statistics import mean_with_interval

    checked = 0

    def check(value):
        nonlocal checked
        if isinstance(value, dict) and {"mean", "low", "high", "values"} <= set(value) and value["low"] is not None:
            again = mean_with_interval(value["values"])
            for digits in (1, 2, 3):
                for key in ("mean", "low", "high"):
                    scaled = abs(again[key]) * 10 ** digits
                    if abs(scaled - np.floor(scaled) - 0.5) < 1e-6:  # an exact tie may round either way
                        continue
                    assert float(f"{value[key]:.{digits}f}") == float(f"{again[key]:.{digits}f}"), (key, digits, value)
            checked += 1
        elif isinstance(value, dict):
            for item in value.values():
                check(item)
        elif isinstance(value, list):
            for item in value:
                check(item)

    for name in ("dagger_results", "return_conditioning_results"):
        check(dict(load_results(name)))
    assert checked > 100


def test_linear_clone_and_size_matched_clone():
    """The expert steers linearly in (y, h, curvature): a least-squares clone recovers it, off its data too; the
    size-matched clone has as many labelled moments as round 1."""
    from causal_course.learners.imitation import LinearPolicy, linear_cloning

    demonstrations = lk.drive(lk.expert_policy, 3, 50, np.random.default_rng(0))
    far = np.array([[0.9, 0.05, -1.0], [-0.7, -0.02, 0.5]])  # offsets the expert never had
    assert np.allclose(linear_cloning(demonstrations)(far), lk.expert_policy(far), atol=1e-6)
    with pytest.raises(ValueError, match="more situations than features"):
        LinearPolicy(np.zeros((2, 3)), np.zeros(2))
    study = dagger_study(seed=2, rounds=1, n_demonstrations=5, n_test=20, horizons=(10, 50))
    assert {"linear clone", "clone size-matched", "round 1"} <= set(study.curves)
    assert max(study.curves["linear clone"]["per_step_error"]) < 1e-6
    assert all(len(curve["finishers_error"]) == 2 for curve in study.curves.values())


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


def _hand_data(returns, drivers, steps_per_drive=2, to_go=None, weather=None):
    """A MixedData with ``steps_per_drive`` steps per drive, for hand-worked cases."""
    from causal_course.learners.imitation import MixedData

    n = len(returns) * steps_per_drive
    return MixedData(features=np.zeros((n, 3)), actions=np.zeros(n),
                     returns_to_go=np.zeros(n) if to_go is None else np.asarray(to_go, dtype=float),
                     driver=np.repeat(drivers, steps_per_drive), drive_return=np.repeat(np.asarray(returns, float),
                                                                                        steps_per_drive),
                     drive=np.repeat(np.arange(len(returns)), steps_per_drive),
                     step=np.tile(np.arange(steps_per_drive), len(returns)),
                     weather=np.zeros(n) if weather is None else np.repeat(weather, steps_per_drive),
                     horizon=steps_per_drive)


def test_per_drive_returns_keep_tied_drives():
    """Four drives with returns 10, 10, 10, 50 (two steps each): the top quarter is the 50 drive only, and the mean
    return is 20, where averaging unique returns (the old summary) gave 30."""
    data = _hand_data([10.0, 10.0, 10.0, 50.0], ["poor", "poor", "expert", "expert"], weather=[1, 2, 1, 2])
    per_drive, drivers = data.per_drive()
    assert per_drive.tolist() == [10.0, 10.0, 10.0, 50.0] and per_drive.mean() == 20.0
    assert drivers.tolist() == ["poor", "poor", "expert", "expert"]
    assert data.per_drive_weather().tolist() == [1, 2, 1, 2]
    assert data.best_drives(0.25).tolist() == [False] * 6 + [True] * 2
    mixed = mixed_demonstrations(np.random.default_rng(0), {"expert": 2, "poor": 3}, horizon=20)
    assert len(mixed.per_drive()[0]) == 5 and sorted(set(mixed.drive.tolist())) == [0, 1, 2, 3, 4]


def test_expected_returns_by_hand():
    """Three poor drives of two steps and one expert drive. Poor drive 0 earns 1 and 1 (to go: 2, 1), drive 1 earns
    1 and 0 (to go: 1, 0), drive 2 earns 0.5 and leaves the road (to go: 0.5, then no step in the data). The poor
    driver's expected return to go is (2 + 1 + 0.5) / 3 = 7/6 at step 0 and (1 + 0 + 0) / 3 = 1/3 at step 1 (the drive
    that left counts 0), per remaining step 7/12 and 1/3. The expert, alone in its group, keeps its own labels."""
    from causal_course.learners.imitation import MixedData

    rate = [1.0, 1.0, 0.5, 0.0, 0.25, 0.9, 0.8]  # the return still to come per remaining step (2 steps, then 1)
    data = MixedData(features=np.zeros((7, 3)), actions=np.zeros(7), returns_to_go=np.array(rate),
                     driver=np.array(["poor"] * 5 + ["expert"] * 2), drive_return=np.array([2, 2, 1, 1, .5, 1.8, 1.8]),
                     drive=np.array([0, 0, 1, 1, 2, 3, 3]), step=np.array([0, 1, 0, 1, 0, 0, 1]),
                     weather=np.zeros(7), horizon=2)
    expected = data.with_expected_returns()
    assert np.allclose(expected.returns_to_go, [7 / 12, 1 / 3, 7 / 12, 1 / 3, 7 / 12, 0.9, 0.8])
    assert np.array_equal(expected.actions, data.actions) and np.array_equal(expected.drive, data.drive)
    assert np.array_equal(data.returns_to_go, rate)  # the original is unchanged


def test_expected_returns_remove_the_days_luck():
    """In a lucky world (calm and stormy days), a poor driver's realised labels split by weather; its expected labels
    do not depend on the day: at every step, calm-day and stormy-day drives get the same label."""
    data = mixed_demonstrations(np.random.default_rng(3), {"expert": 4, "poor": 6}, horizon=60, gusts=(0.0005, 0.0055))
    poor = data.driver == "poor"
    calm, stormy = poor & (data.weather == 0.0005), poor & (data.weather == 0.0055)
    first = data.step == 0
    assert data.returns_to_go[calm & first].mean() > data.returns_to_go[stormy & first].mean() + 0.05
    expected = data.with_expected_returns()
    assert np.allclose(expected.returns_to_go[calm & first], expected.returns_to_go[stormy & first])
    assert expected.returns_to_go[poor & first][0] == pytest.approx(data.returns_to_go[poor & first].mean())


def test_the_two_worlds_share_drivers_roads_and_random_draws():
    """The controlled comparison: the same generator gives the same roads and steering noise in either weather, and
    each kind of driver drives equally often in each weather."""
    kinds = {"expert": 4, "random": 4}
    steady = mixed_demonstrations(np.random.default_rng(7), kinds, horizon=30, gusts=(0.003,))
    lucky = mixed_demonstrations(np.random.default_rng(7), kinds, horizon=30, gusts=(0.0005, 0.0055))
    first = (steady.step == 0), (lucky.step == 0)
    assert np.array_equal(steady.features[first[0]], lucky.features[first[1]])  # the same roads, and the same start
    random_steady, random_lucky = first[0] & (steady.driver == "random"), first[1] & (lucky.driver == "random")
    assert np.array_equal(steady.actions[random_steady], lucky.actions[random_lucky])  # the same steering noise
    for name in kinds:
        weather = lucky.per_drive_weather()[lucky.per_drive()[1] == name]
        assert sorted(weather.tolist()) == [0.0005, 0.0005, 0.0055, 0.0055]
    assert set(steady.weather.tolist()) == {0.003}
    with pytest.raises(ValueError, match="gust levels"):
        mixed_demonstrations(np.random.default_rng(0), kinds, horizon=5, gusts=())


def test_a_constant_feature_does_not_decide_the_neighbours():
    """A column that is constant in the data (the weather of a steady world, 0.003 everywhere) has a spread of a
    rounding error, not 0; it must not be blown up into the only feature that counts."""
    features = np.column_stack([np.arange(6.0), np.full(6, 0.003)])
    policy = NearestNeighbourPolicy(features, np.arange(6.0), k=1)
    assert policy(np.array([[2.1, 0.0055], [4.2, 0.0005]])).tolist() == [2.0, 4.0]


def test_studies_report_per_seed_values_and_paired_differences():
    from causal_course.studies.imitation import dagger, return_conditioning

    result = dagger(seed=1, fast=True, n_seeds=2, rounds=1)
    assert result["seeds"] == [1, 2] and len(result["per_step_error"]["round 1"]) == len(result["horizons"])
    record = result["differences"]["round 1 - round 0"]["per_step_error"][-1]
    assert len(record["values"]) == 2 and {"low", "high", "excludes_zero"} <= set(record)
    values = [a - b for a, b in zip(result["per_step_error"]["round 1"][-1]["values"],
                                    result["per_step_error"]["round 0"][-1]["values"])]
    assert record["values"] == pytest.approx(values, abs=2e-4)  # paired: seed by seed
    rc = return_conditioning(seed=0, fast=True, n_seeds=2, asked=[100, 190])
    assert rc["asked"] == [100, 190] and set(rc["worlds"]) == {"steady", "lucky"}
    assert rc["drivers"] == {"expert": 10, "noisy": 10, "poor": 10, "random": 10}
    for world in ("steady", "lucky"):
        assert set(rc["data"][world]) == {"expert", "noisy", "poor", "random"}  # all four demonstrators, each world
        for name in ("expert", "clone all", "clone best 25%", "asked 100", "asked 190", "expected 190"):
            assert set(rc["returns"][world][name]) == {"calm", "steady", "stormy", "calm+stormy"}
            assert len(rc["returns"][world][name]["stormy"]["values"]) == 2
    assert set(rc["data"]["lucky"]["poor"]) == {"all", "calm", "stormy"} and set(rc["data"]["steady"]["poor"]) == {
        "all", "steady"}
    assert rc["data"]["lucky"]["poor"]["calm"]["mean"] > rc["data"]["lucky"]["poor"]["stormy"]["mean"] + 40  # luck
    # the same test days for both worlds: the expert, who learns nothing, scores the same
    assert rc["returns"]["steady"]["expert"] == rc["returns"]["lucky"]["expert"]
    assert {"asked 100 - clone all", "expected 190 - asked 190"} <= set(rc["differences"]["lucky"])
    assert set(rc["differences"]["lucky - steady"]) >= {"asked 190", "expected 190", "expected 190 - asked 190"}
    mixed = rc["returns"]["lucky"]["asked 190"]
    assert mixed["calm+stormy"]["values"] == pytest.approx(
        [(c + s) / 2 for c, s in zip(mixed["calm"]["values"], mixed["stormy"]["values"])], abs=0.01)


def test_lesson_07_records_are_strict():
    from causal_course.studies.records import DaggerStudyResult, ReturnConditioningResult

    for name, record in (("dagger_results", DaggerStudyResult), ("return_conditioning_results", ReturnConditioningResult)):
        data = {key: value for key, value in dict(load_results(name)).items() if key != "sweep_seconds"}
        assert record.from_json(data).to_json() == data
        with pytest.raises(ValueError, match=r"missing \['differences'\]"):
            record.from_json({k: v for k, v in data.items() if k != "differences"})
        with pytest.raises(ValueError, match=r"unknown \['seed'\]"):
            record.from_json({**data, "seed": 0})  # the old single-seed key
