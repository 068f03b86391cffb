"""Widget logic is pure render functions: tested here without a browser."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import exercise_controls  # noqa: E402

from causal_course.studies.seeing_doing import compare_passive_learners  # noqa: E402
from causal_course.viz.seeing_doing import render_passive_learners, render_simpson  # noqa: E402
from causal_course.widgets.confounding import confounding_summary, confounding_widget, render_confounding  # noqa: E402
from causal_course.widgets.start_here import coin_flip_widget, render_coin_flips, running_heads_proportion  # noqa: E402
from causal_course.worlds.simpson import simpson_data, stratified_slopes  # noqa: E402


def test_coin_flips_render_and_converge():
    fig = render_coin_flips(500, seed=1)
    proportion = running_heads_proportion(5000, seed=1)
    assert abs(proportion[-1] - 0.5) < 0.03
    assert fig.axes[0].get_title().startswith("500 flips")
    assert render_coin_flips(500, seed=1).axes[0].get_title() == fig.axes[0].get_title()
    with pytest.raises(ValueError, match="at least 1"):
        running_heads_proportion(0, seed=0)


def test_confounding_bias_grows_when_observing_and_vanishes_when_intervening():
    observe = [confounding_summary(s, "observe", n_samples=4000)["bias"] for s in (0.0, 1.0, 2.0)]
    intervene = [confounding_summary(s, "intervene", n_samples=4000)["bias"] for s in (0.0, 1.0, 2.0)]
    assert abs(observe[0]) < 0.1 and observe[0] < observe[1] < observe[2]
    assert observe[2] > 0.5
    assert all(abs(b) < 0.1 for b in intervene)


def test_confounding_render_changes_with_controls():
    a = render_confounding(0.0, "observe")
    b = render_confounding(2.0, "observe")
    c = render_confounding(2.0, "intervene")
    titles = [fig.axes[1].get_title() for fig in (a, b, c)]
    assert len(set(titles)) == 3
    assert "do(tutoring)" in [t.get_text() for t in c.axes[0].texts]
    with pytest.raises(ValueError, match="mode must be one of"):
        confounding_summary(1.0, "watch")


def test_widget_wiring_redraws_on_change():
    import ipywidgets as widgets

    from causal_course.widgets.wiring import interactive_figure

    calls = []

    def render(strength, mode, n_samples):
        calls.append((strength, mode, n_samples))
        return f"figure {len(calls)}"

    controls = {"strength": widgets.FloatSlider(value=1.0), "mode": widgets.ToggleButtons(options=["a", "b"])}
    box = interactive_figure(render, controls, fixed={"n_samples": 7})
    assert calls == [(1.0, "a", 7)]  # drawn once at start
    controls["strength"].value = 0.5
    controls["mode"].value = "b"
    assert calls[1:] == [(0.5, "a", 7), (0.5, "b", 7)]
    assert box.children[0].children == (controls["strength"], controls["mode"])
    assert box.figure.value == "figure 3"


def test_widget_shows_the_figure_as_an_image_with_alt_text_and_reports_errors():
    import ipywidgets as widgets

    from causal_course.widgets.wiring import interactive_figure

    slider = widgets.IntSlider(value=50, min=1, max=100)
    box = interactive_figure(render_coin_flips, {"n_flips": slider}, fixed={"seed": 0})
    first = box.figure.value
    assert first.startswith('<img src="data:image/png;base64,') and 'alt="50 flips' in first
    slider.value = 80
    assert box.figure.value != first and 'alt="80 flips' in box.figure.value
    broken = interactive_figure(lambda n: 1 / 0, {"n": widgets.IntSlider()})
    assert "Could not draw" in broken.figure.value and "division by zero" in broken.figure.value


def test_lesson_widgets_build_headless():
    box = confounding_widget(n_samples=200)
    slider, toggle = box.children[0].children
    slider.value = 1.7
    toggle.value = "intervene"
    assert exercise_controls(box) >= 4
    coin = coin_flip_widget()
    coin.children[1].children[0].value = 10
    assert exercise_controls(coin) >= 2


def test_simpson_flips_the_sign():
    X = simpson_data(3000, np.random.default_rng(0))
    result = stratified_slopes(X)
    assert result["overall"] < 0
    assert all(abs(s - 0.5) < 0.1 for s in result["groups"])
    assert len(render_simpson(X).axes[0].lines) == len(result["groups"]) + 1
    with pytest.raises(ValueError, match="discrete confounder"):
        stratified_slopes(np.random.default_rng(0).normal(size=(100, 3)))


def test_passive_log_reader_recovers_the_effect_and_record_reader_does_not():
    result = compare_passive_learners(sample_sizes=(100, 3000), n_repeats=5, rng=np.random.default_rng(0))
    assert abs(result["log_reader_mean"][-1] - result["true_effect"]) < 0.1
    assert result["record_reader_mean"][-1] - result["true_effect"] > 0.3
    assert len(render_passive_learners(result).axes[0].lines) >= 1
