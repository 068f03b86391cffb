"""Lesson 04: data mixtures, the sweep's experiment and cache, the mixture widget, pooling."""

import json

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import exercise_controls  # noqa: E402

from causal_course.causal.fusion import inverse_variance_fusion  # noqa: E402
from causal_course.learners.mixtures import (  # noqa: E402
    interventional_share_of,
    mixture_episodes,
    mixture_kinds,
    mixture_sampler,
    off_record_episodes,
    random_exploration,
)
from causal_course.studies.cache import load_results  # noqa: E402
from causal_course.widgets.mixtures import mixture_summary, mixture_widget, render_mixture  # noqa: E402
from causal_course.worlds.dag_episodes import is_heldout  # noqa: E402


@pytest.mark.parametrize("share", [0.0, 0.25, 0.75, 1.0])
def test_mixture_share_and_kinds(share):
    batch = mixture_episodes(4000, np.random.default_rng(0), share, "expert")
    assert abs(interventional_share_of(batch.actions) - share) < 0.03
    interventional = (batch.actions > 0).any(axis=1)
    # interventional episodes are full expert logs; the rest only observe
    assert (np.sort(batch.actions[interventional], axis=1) == np.arange(1, 6)).all()
    assert (batch.actions[~interventional] == 0).all()
    assert not is_heldout(batch.weights).any()  # the training split, whatever the mixture


def test_every_label_comes_from_the_loggers_own_log():
    """The log holds everything behind its label: an observer's label is the regression strategy on its
    own five samples, an experimenter's the expert's choice; only the off-record expert differs."""
    from causal_course.learners.baselines import _association_choice, _sample_covariance, _slope_of_target
    from causal_course.worlds.dag_episodes import goal_from_logged_evidence, normalised_reward

    batch = mixture_episodes(3000, np.random.default_rng(1), 0.0, "expert")
    regression = _association_choice(_slope_of_target(_sample_covariance(batch.values), batch.target), batch.target)
    assert np.array_equal(batch.goal_action, regression)
    assert 0.55 < normalised_reward(batch.reward, batch.optimal_reward) < 0.8  # what 5 observations allow
    batch = mixture_episodes(3000, np.random.default_rng(1), 1.0, "expert")
    assert normalised_reward(batch.reward, batch.optimal_reward) > 0.99
    for mixing in ("episodes", "steps"):
        batch = mixture_episodes(2000, np.random.default_rng(2), 0.5, "expert", mixing)
        assert np.array_equal(batch.goal_action, goal_from_logged_evidence(batch.actions, batch.values, batch.target,
                                                                           np.random.default_rng(0)))
    off = off_record_episodes(3000, np.random.default_rng(3))
    assert (off.actions == 0).all()  # it logged only observations ...
    assert normalised_reward(off.reward, off.optimal_reward) > 0.99  # ... but chose from unlogged experiments


def test_logs_that_mix_both_within_each_episode():
    batch = mixture_episodes(5000, np.random.default_rng(4), 0.5, "expert", "steps")
    intervened = batch.actions > 0
    assert abs(intervened.mean() - 0.5) < 0.02  # the share is per step
    per_log = intervened.sum(axis=1)
    assert ((per_log > 0) & (per_log < 5)).mean() > 0.9  # almost every log mixes both
    for row in batch.actions:  # interventions never repeat a variable
        tried = row[row > 0]
        assert len(set(tried.tolist())) == len(tried)
    assert batch.source is None
    assert (mixture_episodes(500, np.random.default_rng(5), 0.0, mixing="steps").actions == 0).all()
    assert (np.sort(mixture_episodes(500, np.random.default_rng(5), 1.0, mixing="steps").actions, axis=1)
            == np.arange(1, 6)).all()


def test_source_tags_say_who_wrote_each_log():
    from causal_course.learners.models import SOURCES, encode_episodes

    batch = mixture_episodes(3000, np.random.default_rng(6), 0.25, tagged=True)
    experimenter = (batch.actions > 0).any(axis=1)
    assert np.array_equal(batch.source, np.where(experimenter, SOURCES.index("experimenter"), SOURCES.index("observer")))
    tokens = encode_episodes(batch.actions, batch.values, batch.target, batch.source).numpy()
    untagged = encode_episodes(batch.actions, batch.values, batch.target).numpy()
    # the tag sits in the start token only, and differs between the two kinds of log
    assert np.array_equal(tokens[:, 1:], untagged[:, 1:])
    start = tokens[:, 0] - untagged[:, 0]
    assert (start[experimenter] != start[~experimenter][0]).any(axis=1).all()
    asked = encode_episodes(batch.actions[:4], batch.values[:4], batch.target[:4], "experimenter").numpy()
    assert np.array_equal(asked[:, 0], tokens[np.nonzero(experimenter)[0][0], 0][None].repeat(4, axis=0))
    with pytest.raises(ValueError, match="source must be one of"):
        encode_episodes(batch.actions[:2], batch.values[:2], batch.target[:2], "scientist")
    with pytest.raises(ValueError, match="source tags need mixing='episodes'"):
        mixture_episodes(10, np.random.default_rng(0), 0.5, mixing="steps", tagged=True)


def test_random_experimenter_repeats_and_observes():
    actions = random_exploration(5000, np.random.default_rng(2))
    assert set(np.unique(actions)) == set(range(6))
    batch = mixture_episodes(2000, np.random.default_rng(3), 1.0, "random")
    assert 0.95 < interventional_share_of(batch.actions) <= 1.0  # 5 random steps: almost always some intervention
    from causal_course.worlds.dag_episodes import normalised_reward

    # it picks from its own haphazard evidence: better than observing, worse than the expert
    assert 0.6 < normalised_reward(batch.reward, batch.optimal_reward) < 0.9


def test_mixture_validation():
    with pytest.raises(ValueError, match="between 0 and 1"):
        mixture_kinds(10, 75, np.random.default_rng(0))
    with pytest.raises(ValueError, match="experimenter must be one of"):
        mixture_sampler(0.5, "lazy")
    with pytest.raises(ValueError, match="mixing must be one of"):
        mixture_sampler(0.5, mixing="tokens")
    with pytest.raises(ValueError, match="non-empty"):
        interventional_share_of(np.zeros((0, 5)))
    sampler = mixture_sampler(0.5)
    assert len(sampler(64, np.random.default_rng(0))) == 64


def test_fusion():
    estimate, error = inverse_variance_fusion([1.0, 3.0], [1.0, 1.0])
    assert estimate == pytest.approx(2.0) and error == pytest.approx(1 / np.sqrt(2))
    estimate, _ = inverse_variance_fusion([0.0, 10.0], [0.1, 10.0])
    assert estimate < 0.01
    with pytest.raises(ValueError, match="positive"):
        inverse_variance_fusion([1.0], [0.0])


@pytest.fixture(scope="module")
def cached():
    return load_results("mixtures_results")


def test_cached_sweep_is_complete(cached):
    assert cached["shares"] == [0.0, 0.25, 0.5, 0.75, 1.0] and len(cached["seeds"]) >= 5
    assert set(cached["conditions"]) == {"episodes", "steps", "tagged", "random"} and "off_record" in cached
    for condition, table in cached["conditions"].items():
        assert len(table["summary"]) == len(table["per_seed"]) == 5
        for summary, runs in zip(table["summary"], table["per_seed"]):
            if summary is None:
                assert condition == "tagged" and runs is None
                continue
            assert len(runs) == len(cached["seeds"])
            record = summary["heldout_sampled"]
            assert record["low"] <= record["mean"] <= record["high"]
            assert record["mean"] == pytest.approx(np.mean([run["heldout_sampled"] for run in runs]), abs=1e-3)
    assert cached["heldout"]["asked_experimenter"][1] is not None


def test_mixture_render_changes_with_the_controls(cached):
    a = render_mixture(cached, 25, "all-or-nothing logs")
    b = render_mixture(cached, 75, "all-or-nothing logs")
    c = render_mixture(cached, 75, "logs that mix both")
    d = render_mixture(cached, 25, "logs tagged with their author", "experimenter")
    titles = {fig.axes[0].get_title() for fig in (a, b, c, d)}
    assert len(titles) == 4
    live = render_mixture(cached, 75, "all-or-nothing logs", live_points=[(0.75, "all-or-nothing logs", "untagged", 0.5, 0.3)])
    assert any("retrained live" in t.get_text() for t in live.axes[0].get_legend().get_texts())
    with pytest.raises(ValueError, match="was not swept"):
        mixture_summary(cached, 0.6)
    from causal_course.studies.mixtures import mixture_values

    with pytest.raises(ValueError, match="no model at share 0"):
        mixture_values(cached, "tagged", 0.0, "heldout_sampled")
    with pytest.raises(ValueError, match="only models trained on tagged logs"):
        mixture_summary(cached, 0.5, "episodes", "experimenter")
    # nothing to ask for at 0 %: the figure says so instead of failing
    empty = render_mixture(cached, 0, "logs tagged with their author", "experimenter")
    assert "no model" in empty.axes[0].get_title()
    same = render_mixture(cached, 100, "logs tagged with their author", "experimenter")
    assert "nothing to ask for" in same.axes[0].get_title()


def test_mixture_widget_controls_and_live_retraining(cached):
    box = mixture_widget(cached, retrain_steps=3)
    first = box.figure.value
    box.controls["share_percent"].value = 100
    assert box.figure.value != first
    box.controls["logs"].value = "logs tagged with their author"
    box.controls["share_percent"].value = 25
    before = box.figure.value
    box.controls["asked"].value = "experimenter"
    assert box.figure.value != before
    before = box.figure.value
    box.retrain(None)  # a tiny live training adds a point and redraws
    assert len(box.live_points) == 1 and box.live_points[0][:3] == (0.25, "logs tagged with their author", "experimenter")
    assert box.figure.value != before
    exercise_controls(box)


def test_a_failed_retraining_says_why_and_leaves_the_button_usable(cached, monkeypatch, capsys):
    import causal_course.studies.mixtures as module

    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(module, "train_mixture_model", broken)
    box = mixture_widget(cached, retrain_steps=3)
    box.retrain(None)
    button = box.children[1].children[0]
    assert not button.disabled and box.live_points == []
    # outside a kernel the Output widget captures nothing, so the message reaches stdout
    assert "training failed: RuntimeError: out of memory" in capsys.readouterr().out + str(box.children[2].outputs)


def test_experiment_mixtures_fast_contract():
    from causal_course.studies.mixtures import merge_mixtures, mixtures

    result = mixtures(seed=0, fast=True, shares=[0.0, 0.5, 1.0], n_seeds=2, n_steps=3, n_test=30)
    assert set(result["heldout"]) == {"episodes", "steps", "tagged", "random", "asked_experimenter"}
    assert len(result["heldout"]["episodes"]) == 3 and result["heldout"]["asked_experimenter"][0] is None
    assert result["heldout"]["steps"][0] == result["heldout"]["episodes"][0]  # the same loggers at 0 %
    assert {"heldout_regression_5_samples", "critical_causal_inference"} <= set(result["baselines"])
    json.loads(json.dumps(result.to_json(), allow_nan=False))
    other = mixtures(seed=2, fast=True, shares=[0.0, 0.5, 1.0], n_seeds=1, n_steps=3, n_test=30)
    merged = merge_mixtures([result, other])
    assert merged["seeds"] == [0, 1, 2] and len(merged["conditions"]["tagged"]["per_seed"][1]) == 3
    # seeds are independent: merging seeds {0, 1} and {2} is the sweep over seeds {0, 1, 2}, value for value
    direct = mixtures(seed=0, fast=True, shares=[0.0, 0.5, 1.0], n_seeds=3, n_steps=3, n_test=30)
    assert merged["conditions"] == direct["conditions"] and merged["heldout"] == direct["heldout"]
    values = merged["heldout"]["episodes"][2]["values"]
    assert merged["heldout"]["episodes"][2]["mean"] == pytest.approx(sum(values) / 3, abs=1e-4)
    with pytest.raises(ValueError, match="unknown condition"):
        mixtures(fast=True, conditions=["everything"], n_steps=1)


def test_cached_sweep_supports_what_lesson_04_says(cached):
    """Each claim of lesson 04, checked against the cached sweep it prints (regenerating it re-checks them)."""
    from functools import partial

    from causal_course.statistics import paired_difference
    from causal_course.studies.mixtures import mixture_values

    shares = cached["shares"]
    seeds = partial(mixture_values, cached)

    regression = [run["heldout_regression_5_samples"] for run in cached["baselines_per_seed"]]
    # 1. observers teach the observers' strategy, a little less well at the lesson's budget: below it both greedy and
    # sampled (both intervals exclude 0), greedy by less
    greedy = paired_difference(seeds("episodes", 0.0, "heldout_greedy"), regression)
    sampled = paired_difference(seeds("episodes", 0.0, "heldout_sampled"), regression)
    assert greedy["excludes_zero"] and sampled["excludes_zero"]
    assert sampled["mean"] < greedy["mean"] < 0
    # 2. a quarter of experimenters' logs teaches the model to use experiments
    for share in (0.25, 0.5, 0.75, 1.0):
        assert np.mean(seeds("episodes", share, "heldout_forced")) > 0.95
    # 3. it gathers evidence as often as its data did; 4. greedy never experiments and falls with the share
    for share in shares:
        assert abs(np.mean(seeds("episodes", share, "observe_share_sampled")) - (1 - share)) < 0.05
    assert np.mean(seeds("episodes", 0.75, "heldout_greedy")) < np.mean(seeds("episodes", 0.25, "heldout_greedy"))
    # 5. logs that mix both teach less than all-or-nothing logs at every interior share
    for share in (0.25, 0.5, 0.75):
        diff = paired_difference(seeds("steps", share, "heldout_sampled"), seeds("episodes", share, "heldout_sampled"))
        assert diff["excludes_zero"] and diff["mean"] < 0
    # ... and at 25 % they also teach less well how to read the expert's experiments (Think! 2.1, point 4)
    forced = paired_difference(seeds("steps", 0.25, "heldout_forced"), seeds("episodes", 0.25, "heldout_forced"))
    assert forced["excludes_zero"] and forced["mean"] < 0
    # greedy on logs that mix both, 75 %: observes always and ends below the correlational strategy in every
    # seed (the lesson says the paired interval includes 0, so it must not exclude it either way)
    correlational = [run["heldout_correlational"] for run in cached["baselines_per_seed"]]
    greedy_mixed = seeds("steps", 0.75, "heldout_greedy")
    assert all(g < c for g, c in zip(greedy_mixed, correlational))
    assert not paired_difference(greedy_mixed, correlational)["excludes_zero"]
    # 6. a random experimenter teaches little
    assert np.mean(seeds("random", 1.0, "heldout_sampled")) < 0.75
    # source tags: asked as experimenter at 25 %, it recovers most of the 100 % reward (a loss of about 0.04 whose
    # interval excludes 0), and gains against untagged
    asked = seeds("tagged", 0.25, "heldout_sampled_asked_experimenter")
    full = seeds("episodes", 1.0, "heldout_sampled")
    against_full = paired_difference(asked, full)
    assert against_full["excludes_zero"] and -0.08 < against_full["mean"] < 0
    assert np.mean(asked) > 0.9 * np.mean(full)
    gain = paired_difference(asked, seeds("episodes", 0.25, "heldout_sampled"))
    assert gain["excludes_zero"] and gain["mean"] > 0.15
    # asked as observer: like the 0 % model at 25 %, worse at 50 % (shown), not shown at 75 %
    observers = seeds("episodes", 0.0, "heldout_sampled")
    as_observer = {share: paired_difference(seeds("tagged", share, "heldout_sampled_asked_observer"), observers)
                   for share in (0.25, 0.5, 0.75)}
    assert not as_observer[0.25]["excludes_zero"]
    assert as_observer[0.5]["excludes_zero"] and as_observer[0.5]["mean"] < 0
    assert not as_observer[0.75]["excludes_zero"] and as_observer[0.75]["mean"] < as_observer[0.5]["mean"]
    # the observer curve: the gap to the observers' strategy shrinks at every checkpoint, yet at four times the budget
    # the model is still below it (both intervals exclude 0)
    curve = load_results("observer_curve_results")
    for kind in ("sampled", "greedy"):
        gaps = [paired_difference(row[f"heldout_{kind}"]["values"], curve["observer_strategy"]["values"])
                for row in curve["curve"]]
        assert all(later["mean"] > earlier["mean"] for earlier, later in zip(gaps, gaps[1:]))
        assert gaps[-1]["excludes_zero"] and gaps[-1]["mean"] < 0
    agreement = [row["agrees_with_observer_greedy"]["mean"] for row in curve["curve"]]
    assert agreement == sorted(agreement) and len(set(agreement)) == len(agreement)
    # the off-record expert's imitator: below even the honest observer's imitator
    off = [run["heldout_sampled"] for run in cached["off_record"]["per_seed"]]
    below = paired_difference(off, seeds("episodes", 0.0, "heldout_sampled"))
    assert below["excludes_zero"] and below["mean"] < 0
