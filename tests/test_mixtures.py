"""Lesson 04: data mixtures, the sweep's experiment and cache, the mixture widget, data fusion."""

import json

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from causal_course.episodes import is_heldout  # noqa: E402
from causal_course.fusion import inverse_variance_fusion  # noqa: E402
from causal_course.mixtures import (  # noqa: E402
    interventional_share_of,
    mixture_episodes,
    mixture_kinds,
    mixture_sampler,
    random_exploration,
)
from causal_course.pretrained import load_results  # noqa: E402
from causal_course.widgets.mixtures import mixture_summary, mixture_widget, render_mixture  # noqa: E402


@pytest.mark.parametrize("share", [0.0, 0.25, 0.75, 1.0])
def test_mixture_share_and_kinds(share):
    batch = mixture_episodes(4000, np.random.default_rng(0), share, "expert")
    assert abs(interventional_share_of(batch.actions) - share) < 0.03
    interventional = (batch.actions > 0).any(axis=1)
    # interventional episodes are full expert logs; the rest only observe
    assert (np.sort(batch.actions[interventional], axis=1) == np.arange(1, 6)).all()
    assert (batch.actions[~interventional] == 0).all()
    assert not is_heldout(batch.weights).any()  # the training split, whatever the mixture


def test_goal_labels_are_the_experts_in_every_kind_of_episode():
    for share, exploration in ((0.0, "expert"), (1.0, "random")):
        batch = mixture_episodes(3000, np.random.default_rng(1), share, exploration)
        from causal_course.episodes import normalised_reward

        assert normalised_reward(batch.reward, batch.optimal_reward) > 0.99


def test_random_experimenter_repeats_and_observes():
    actions = random_exploration(5000, np.random.default_rng(2))
    assert set(np.unique(actions)) == set(range(6))
    batch = mixture_episodes(2000, np.random.default_rng(3), 1.0, "random")
    assert 0.95 < interventional_share_of(batch.actions) <= 1.0  # 5 random steps: almost always some intervention


def test_mixture_validation():
    with pytest.raises(ValueError, match="between 0 and 1"):
        mixture_kinds(10, 75, np.random.default_rng(0))
    with pytest.raises(ValueError, match="exploration must be one of"):
        mixture_sampler(0.5, "lazy")
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


def test_cached_sweep_is_complete_and_rises_with_the_share(cached):
    assert cached["shares"] == [0.0, 0.25, 0.5, 0.75, 1.0] and len(cached["seeds"]) == 3
    for exploration in ("expert", "random"):
        table = cached["by_exploration"][exploration]
        for key in ("heldout_sampled", "critical_sampled", "heldout_forced", "observe_share_sampled"):
            assert len(table[key]) == len(table[f"{key}_se"]) == 5
    heldout = np.array(cached["heldout"])
    assert heldout[-1] > heldout[0] + 0.2  # all-interventional data teach far more than none
    assert cached["heldout"] == cached["by_exploration"]["expert"]["heldout_sampled"]


def test_mixture_render_changes_with_the_controls(cached):
    a = render_mixture(cached, 25, "expert")
    b = render_mixture(cached, 75, "expert")
    c = render_mixture(cached, 75, "random")
    titles = {fig.axes[0].get_title() for fig in (a, b, c)}
    assert len(titles) == 3
    live = render_mixture(cached, 75, "expert", live_points=[(0.75, "expert", 0.5, 0.3)])
    assert any("retrained live" in t.get_text() for t in live.axes[0].get_legend().get_texts())
    with pytest.raises(ValueError, match="was not swept"):
        mixture_summary(cached, 0.6)


def test_mixture_widget_slider_and_live_retraining(cached):
    box = mixture_widget(cached, retrain_steps=3)
    first = box.figure.value
    box.controls["share_percent"].value = 100
    assert box.figure.value != first
    before = box.figure.value
    box.retrain(None)  # a tiny live training adds a point and redraws
    assert len(box.live_points) == 1 and box.live_points[0][:2] == (1.0, "expert")
    assert box.figure.value != before


def test_experiment_mixtures_fast_contract():
    from causal_course.experiments import mixtures

    result = mixtures(seed=0, fast=True, shares=[0.0, 1.0], n_seeds=2, n_steps=3, n_test=30)
    assert set(["shares", "heldout", "heldout_se", "critical", "critical_se"]) <= set(result)
    assert len(result["heldout"]) == len(result["heldout_se"]) == 2
    json.dumps(result)
