"""Lesson 04's headline demo: what an imitator learns from a mixture of experimenters' and observers' logs.

The curves come from a precomputed sweep (``benchmarks/mixtures.py --save``), so every control
redraws at once; the "retrain live" button trains the selected configuration with a progress bar
and adds the measured point to the plot.
"""

from __future__ import annotations

import numpy as np

from causal_course.viz.style import PALETTE

# what the widget offers: label -> condition of the sweep (causal_course.studies.mixtures.MIXTURE_CONDITIONS)
LOG_KINDS = {
    "all-or-nothing logs": "episodes",
    "logs that mix both": "steps",
    "logs tagged with their author": "tagged",
    "random experimenter": "random",
}
ASKED = ("untagged", "experimenter", "observer")


def _condition(results: dict, condition: str) -> dict:
    tables = results["conditions"]
    if condition not in tables:
        raise ValueError(f"no cached results for condition {condition!r}; available: {sorted(tables)}.")
    return tables[condition]


def _suffix(asked: str) -> str:
    if asked not in ASKED:
        raise ValueError(f"asked must be one of {ASKED}, got {asked!r}.")
    return "" if asked == "untagged" else f"_asked_{asked}"


def mixture_summary(results: dict, share: float, condition: str = "episodes", asked: str = "untagged") -> dict:
    """The cached figures (mean and 95 % interval over seeds) at one share of one condition (lesson 04).

    Keys without the ``_asked_...`` suffix: ``heldout_sampled``, ``critical_sampled``,
    ``heldout_greedy``, ``heldout_forced``, ``observe_share_sampled``, ... each ``{"mean", "low",
    "high", "values"}``. ``asked`` (tagged models only) selects the source tag the model was asked for.
    """
    shares = [float(s) for s in results["shares"]]
    matches = [i for i, s in enumerate(shares) if abs(s - share) < 1e-9]
    if not matches:
        raise ValueError(f"share {share} was not swept; the sweep has {shares}.")
    summary = _condition(results, condition)["summary"][matches[0]]
    if summary is None:
        raise ValueError(f"condition {condition!r} has no model at share {share:g} (no experimenter's log to ask for).")
    suffix = _suffix(asked)
    if suffix and condition != "tagged":
        raise ValueError("only models trained on tagged logs can be asked for a source; choose the tagged logs.")
    selected = {key[: len(key) - len(suffix)] if suffix else key: value for key, value in summary.items()
                if (key.endswith(suffix) if suffix else "_asked_" not in key)}
    if not selected:
        raise ValueError(f"at {share:.0%} every log has the same author, so the tag carries nothing to ask for; "
                         "see the untagged model.")
    return selected


def _curve(results: dict, condition: str, key: str):
    shares, means, lows, highs = [], [], [], []
    for share, summary in zip(results["shares"], _condition(results, condition)["summary"]):
        if summary is None or key not in summary:
            continue
        shares.append(100 * float(share))
        means.append(summary[key]["mean"])
        lows.append(summary[key]["low"] if summary[key]["low"] is not None else summary[key]["mean"])
        highs.append(summary[key]["high"] if summary[key]["high"] is not None else summary[key]["mean"])
    means, lows, highs = map(np.asarray, (means, lows, highs))
    return np.asarray(shares), means, np.vstack([means - lows, highs - means])


def render_mixture(results: dict, share_percent: int = 50, logs: str = "all-or-nothing logs",
                   asked: str = "untagged", live_points=()):
    """Reward against the interventional share for one kind of training logs, and how the model explores (lesson 04).

    ``logs`` is a key of :data:`LOG_KINDS`; ``asked`` the source tag the model is asked to act as
    (only for tagged logs). ``live_points`` holds ``(share, logs, asked, heldout, critical)`` from
    live retraining.
    """
    from causal_course.viz.style import course_figure

    if logs not in LOG_KINDS:
        raise ValueError(f"logs must be one of {list(LOG_KINDS)}, got {logs!r}.")
    condition = LOG_KINDS[logs]
    if condition != "tagged":
        asked = "untagged"  # only tagged logs teach the model what a tag means
    share = share_percent / 100.0
    suffix = _suffix(asked)
    fig = course_figure(figsize=(10, 4.6))
    curve_ax, explore_ax = fig.subplots(1, 2, width_ratios=[1.7, 1])
    fig.subplots_adjust(left=0.065, right=0.99, bottom=0.34, top=0.9, wspace=0.25)  # fixed: faster than a layout engine
    lines = (("heldout_sampled", "held-out (its own experiments)", "blue", "o", "-"),
             ("critical_sampled", "critical (its own experiments)", "vermillion", "s", "--"),
             ("heldout_forced", "held-out (given the expert's experiments)", "green", "^", ":"))
    for key, label, colour, marker, style in lines:
        x, mean, error = _curve(results, condition, key + suffix)
        curve_ax.errorbar(x, mean, yerr=error, color=PALETTE[colour], marker=marker, linestyle=style, capsize=3,
                          label=label)
    baselines = results.get("baselines", {})
    for name, label, style in (("heldout_regression_5_samples", "regression on its 5 observations", "-."),
                               ("heldout_correlational", "correlational (5 observations)", ":")):
        if name in baselines:
            curve_ax.axhline(baselines[name]["mean"], color=PALETTE["black"], linestyle=style, linewidth=1, label=label)
    for point_share, point_logs, point_asked, heldout, critical in live_points:
        if point_logs == logs and point_asked == asked:
            curve_ax.scatter([100 * point_share], [heldout], marker="*", s=220, color=PALETTE["black"], zorder=5)
            curve_ax.scatter([100 * point_share], [critical], marker="*", s=220, color=PALETTE["orange"], zorder=5)
    if any(p[1] == logs and p[2] == asked for p in live_points):
        curve_ax.scatter([], [], marker="*", s=120, color=PALETTE["black"], label="retrained live: held-out")
        curve_ax.scatter([], [], marker="*", s=120, color=PALETTE["orange"], label="retrained live: critical")
    curve_ax.axvline(100 * share, color="grey", linewidth=6, alpha=0.3)
    curve_ax.set_xticks(100 * np.asarray(results["shares"], dtype=float))
    what = "steps that intervene" if condition == "steps" else "logs written by an experimenter"
    curve_ax.set_xlabel(f"{what} in the passive data (%)")
    curve_ax.set_ylabel("normalised reward")
    curve_ax.set_ylim(-0.1, 1.05)
    try:
        summary = mixture_summary(results, share, condition, asked)
        title = (f"{share_percent}%, {logs}" + ("" if asked == "untagged" else f", asked as {asked}")
                 + f": held-out {summary['heldout_sampled']['mean']:.2f} "
                 f"[{_bound(summary['heldout_sampled'], 'low')}, {_bound(summary['heldout_sampled'], 'high')}]")
    except ValueError as error:
        summary, title = None, str(error)
    curve_ax.set_title(title, fontsize=9)
    curve_ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.6, -0.2), ncol=3)  # below: never over a curve
    kinds = ["observe steps\nin its data", "model observes\n(sampled)", "model observes\n(greedy)"]
    if condition == "random":
        data_observe = (1.0 - share) + share / 6.0
    else:
        data_observe = 1.0 - share
    heights = [data_observe,
               summary["observe_share_sampled"]["mean"] if summary else np.nan,
               summary["observe_share_greedy"]["mean"] if summary else np.nan]
    explore_ax.bar(kinds, heights, color=[PALETTE["sky"], PALETTE["blue"], PALETTE["purple"]],
                   hatch=["", "//", ".."], edgecolor="black")
    explore_ax.set_ylim(0, 1.05)
    explore_ax.set_ylabel("share of exploration steps")
    explore_ax.set_title("how often the model just observes", fontsize=9)
    explore_ax.tick_params(axis="x", labelsize=8)
    return fig


def _bound(record: dict, key: str) -> str:
    return "n/a" if record[key] is None else f"{record[key]:.2f}"


def mixture_widget(results: dict, retrain_steps: int | None = None):
    """Share slider, kind of training logs, the source asked for, and a "retrain live" button (lesson 04)."""
    import ipywidgets as widgets

    from causal_course.config import budget
    from causal_course.studies.mixtures import (
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
        "logs": widgets.Dropdown(options=list(LOG_KINDS), value="all-or-nothing logs", description="training logs"),
        "asked": widgets.ToggleButtons(options=list(ASKED), value="untagged", description="ask it to act as"),
    }
    box = interactive_figure(render_mixture, controls, fixed={"results": results, "live_points": live_points},
                             cache_version=lambda: len(live_points))
    # Draw every position once now (a few seconds), so the controls answer at once.
    box.precompute({"share_percent": int(round(100 * s)), "logs": logs, "asked": asked}
                   for logs in LOG_KINDS for s in results["shares"]
                   for asked in (ASKED if LOG_KINDS[logs] == "tagged" else ("untagged",)))
    button = widgets.Button(description="retrain live", icon="refresh", tooltip=f"train this mixture for {steps} steps")
    log = widgets.Output()

    def retrain(_):
        from causal_course.learners.evaluation import make_test_sets

        share = controls["share_percent"].value / 100.0
        logs = controls["logs"].value
        condition = LOG_KINDS[logs]
        asked = controls["asked"].value if condition == "tagged" else "untagged"
        button.disabled = True
        try:
            with log:
                log.clear_output()
                print(f"training on {logs} at {share:.0%}, {steps} steps ...")
                model, history = train_mixture_model(share, condition, seed=100 + len(live_points), n_steps=steps,
                                                     progress=True)
                n_test = budget(500, MIXTURE_TEST_EPISODES_FAST)
                source = None if asked == "untagged" else asked
                scores = evaluate_mixture_model(model, make_test_sets(n_test, np.random.default_rng(7)), seed=0,
                                                asked=(source,))
                suffix = _suffix(asked)
                heldout, critical = scores["heldout_sampled" + suffix], scores["critical_sampled" + suffix]
                live_points.append((share, logs, asked, heldout, critical))
                box.redraw()
                print(f"done in {history.train_seconds:.0f} s: held-out {heldout:.2f}, critical {critical:.2f} "
                      "(stars on the plot)")
        except Exception as error:  # keep the widget usable and say what went wrong
            with log:
                print(f"training failed: {type(error).__name__}: {error}")
        finally:
            button.disabled = False

    button.on_click(retrain)
    display_box = widgets.VBox([box, widgets.HBox([button]), log])
    display_box.redraw = box.redraw
    display_box.figure = box.figure
    display_box.controls = controls
    display_box.retrain = retrain
    display_box.live_points = live_points
    return display_box
