"""Lesson 04's headline demo: the share of interventional data in the passive training set.

The curves come from a precomputed sweep (``benchmarks/mixtures.py --save``), so moving the
slider redraws at once; the "retrain live" button trains the selected configuration with a
progress bar and adds the measured point to the plot.
"""

from __future__ import annotations

import numpy as np

from causal_course.plotting import PALETTE


def _row(results: dict, exploration: str) -> dict:
    tables = results["by_exploration"]
    if exploration not in tables:
        raise ValueError(f"no cached results for {exploration!r} exploration; available: {sorted(tables)}.")
    return tables[exploration]


def mixture_summary(results: dict, share: float, exploration: str = "expert") -> dict:
    """The cached figures at one interventional share (a fraction, one of the sweep's shares) (lesson 04)."""
    shares = [float(s) for s in results["shares"]]
    matches = [i for i, s in enumerate(shares) if abs(s - share) < 1e-9]
    if not matches:
        raise ValueError(f"share {share} was not swept; the sweep has {shares}.")
    i, table = matches[0], _row(results, exploration)
    keys = ("heldout_sampled", "critical_sampled", "heldout_greedy", "heldout_forced", "critical_forced",
            "observe_share_sampled", "observe_share_greedy")
    return {key: table[key][i] for key in keys if key in table} | {
        f"{key}_se": table[f"{key}_se"][i] for key in keys if f"{key}_se" in table}


def render_mixture(results: dict, share_percent: int = 50, exploration: str = "expert", live_points=()):
    """Reward against the interventional share, and how the model explores at the selected share (lesson 04).

    ``live_points`` is a sequence of ``(share, exploration, heldout, critical)`` from live retraining.
    """
    from causal_course.plotting import course_figure

    share = share_percent / 100.0
    summary = mixture_summary(results, share, exploration)
    table = _row(results, exploration)
    x = 100 * np.asarray(results["shares"], dtype=float)
    fig = course_figure(figsize=(10, 3.6))
    curve_ax, explore_ax = fig.subplots(1, 2, width_ratios=[1.7, 1])
    fig.subplots_adjust(left=0.065, right=0.99, bottom=0.2, top=0.9, wspace=0.25)  # fixed: faster than a layout engine
    lines = (("heldout_sampled", "held-out (own experiments)", "blue", "o", "-"),
             ("critical_sampled", "critical (own experiments)", "vermillion", "s", "--"),
             ("heldout_forced", "held-out (given the expert's experiments)", "green", "^", ":"))
    for key, label, colour, marker, style in lines:
        curve_ax.errorbar(x, table[key], yerr=table[f"{key}_se"], color=PALETTE[colour], marker=marker,
                          linestyle=style, capsize=3, label=label)
    for point_share, point_exploration, heldout, critical in live_points:
        if point_exploration == exploration:
            curve_ax.scatter([100 * point_share], [heldout], marker="*", s=220, color=PALETTE["black"], zorder=5)
            curve_ax.scatter([100 * point_share], [critical], marker="*", s=220, color=PALETTE["orange"], zorder=5)
    if any(p[1] == exploration for p in live_points):
        curve_ax.scatter([], [], marker="*", s=120, color=PALETTE["black"], label="retrained live: held-out")
        curve_ax.scatter([], [], marker="*", s=120, color=PALETTE["orange"], label="retrained live: critical")
    curve_ax.axvline(100 * share, color="grey", linewidth=6, alpha=0.3)
    curve_ax.set_xticks(x)
    curve_ax.set_xlabel(f"interventional episodes in the passive data (%), {exploration} exploration")
    curve_ax.set_ylabel("normalised reward")
    curve_ax.set_ylim(-0.1, 1.05)
    curve_ax.set_title(f"{share_percent}% interventional: held-out {summary['heldout_sampled']:.2f} "
                       f"± {summary['heldout_sampled_se']:.2f}, critical {summary['critical_sampled']:.2f} "
                       f"± {summary['critical_sampled_se']:.2f}")
    curve_ax.legend(fontsize=7, loc="best")
    kinds = ["observe steps\nin its data", "model observes\n(sampled)", "model observes\n(greedy)"]
    data_observe = 1.0 - share if exploration == "expert" else (1.0 - share) + share / 6.0
    heights = [data_observe, summary["observe_share_sampled"], summary.get("observe_share_greedy", np.nan)]
    explore_ax.bar(kinds, heights, color=[PALETTE["sky"], PALETTE["blue"], PALETTE["purple"]],
                   hatch=["", "//", ".."], edgecolor="black")
    explore_ax.set_ylim(0, 1.05)
    explore_ax.set_ylabel("share of exploration steps")
    explore_ax.set_title("how often the model just observes")
    explore_ax.tick_params(axis="x", labelsize=8)
    return fig


def mixture_widget(results: dict, retrain_steps: int | None = None):
    """Slider for the interventional share, exploration toggle, and a "retrain live" button (lesson 04)."""
    import ipywidgets as widgets

    from causal_course.config import budget
    from causal_course.experiments import (
        MIXTURE_STEPS,
        MIXTURE_STEPS_FAST,
        MIXTURE_TEST_EPISODES_FAST,
        evaluate_mixture_model,
        train_mixture_model,
    )
    from causal_course.widgets.wiring import interactive_figure

    live_points: list = []
    steps = retrain_steps if retrain_steps is not None else budget(MIXTURE_STEPS, MIXTURE_STEPS_FAST)
    controls = {
        "share_percent": widgets.IntSlider(value=50, min=0, max=100, step=25, description="interventional %",
                                           continuous_update=False),
        "exploration": widgets.ToggleButtons(options=["expert", "random"], value="expert", description="explorer"),
    }
    box = interactive_figure(render_mixture, controls, fixed={"results": results, "live_points": live_points},
                             cache_version=lambda: len(live_points))
    # Draw every slider position once now (about a second), so moving the slider answers at once.
    box.precompute({"share_percent": int(round(100 * s)), "exploration": e}
                   for e in controls["exploration"].options for s in results["shares"])
    button = widgets.Button(description="retrain live", icon="refresh", tooltip=f"train this mixture for {steps} steps")
    log = widgets.Output()

    def retrain(_):
        from causal_course.evaluation import make_test_sets

        share = controls["share_percent"].value / 100.0
        exploration = controls["exploration"].value
        button.disabled = True
        with log:
            log.clear_output()
            print(f"training on {share:.0%} interventional episodes ({exploration} exploration), {steps} steps ...")
            model, history = train_mixture_model(share, exploration, seed=100 + len(live_points), n_steps=steps,
                                                 progress=True)
            n_test = budget(500, MIXTURE_TEST_EPISODES_FAST)
            scores = evaluate_mixture_model(model, make_test_sets(n_test, np.random.default_rng(7)), seed=0)
            live_points.append((share, exploration, scores["heldout_sampled"], scores["critical_sampled"]))
            box.redraw()
            print(f"done in {history.train_seconds:.0f} s: held-out {scores['heldout_sampled']:.2f}, "
                  f"critical {scores['critical_sampled']:.2f} (stars on the plot)")
        button.disabled = False

    button.on_click(retrain)
    display_box = widgets.VBox([box, widgets.HBox([button]), log])
    display_box.redraw = box.redraw
    display_box.figure = box.figure
    display_box.controls = controls
    display_box.retrain = retrain
    display_box.live_points = live_points
    return display_box
