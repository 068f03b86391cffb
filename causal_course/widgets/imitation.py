"""Lesson 07's demos: how many DAgger rounds, and which return to ask a return-conditioned driver for.

Both answer from cached results (``causal-course experiment dagger`` and ``return-conditioning``),
so a slider move redraws at once. The logic is in the pure ``render_*`` functions.
"""

from __future__ import annotations

import numpy as np

from causal_course.viz.style import PALETTE, interval_error_bars

CURVE_STYLE = {"expert": dict(color=PALETTE["black"], linestyle=":", marker="o"),
               "round 0": dict(color=PALETTE["vermillion"], linestyle="--", marker="s"),
               "clone size-matched": dict(color=PALETTE["orange"], linestyle="-.", marker="v"),
               "linear clone": dict(color=PALETTE["sky"], linestyle=":", marker="x")}
CURVE_LABEL = {"round 0": "nearest-neighbour clone (10 expert drives)", "expert": "expert",
               "clone size-matched": "nearest-neighbour clone, as many expert moments as round 1",
               "linear clone": "linear clone (10 expert drives; extrapolates)"}


def render_dagger(results: dict, rounds: int = 1):
    """Per-step error and share on the road against the horizon: cloning, DAgger after ``rounds`` rounds, expert,
    with 95 % intervals over seeds (lesson 07). The linear clone and (with ``rounds`` >= 1) the clone size-matched to
    round 1 are drawn too, where the results hold them."""
    from causal_course.viz.style import course_figure

    available = sorted(int(name.split()[1]) for name in results["per_step_error"] if name.startswith("round"))
    if rounds not in available:
        raise ValueError(f"rounds must be one of {available}, got {rounds!r}.")
    fig = course_figure(figsize=(10, 3.6), layout="constrained")
    error_ax, road_ax = fig.subplots(1, 2)
    horizons = results["horizons"]
    names = ["round 0", f"round {rounds}", "expert"] if rounds else ["round 0", "expert"]
    names += [name for name in (["clone size-matched"] if rounds else []) + ["linear clone"]
              if name in results["per_step_error"]]
    for name in names:
        label = CURVE_LABEL.get(name, f"DAgger after {rounds} round{'s' if rounds > 1 else ''}")
        style = CURVE_STYLE.get(name, dict(color=PALETTE["blue"], linestyle="-", marker="^"))
        for ax, key in ((error_ax, "per_step_error"), (road_ax, "on_road")):
            records = results[key][name]
            ax.errorbar(horizons, [r["mean"] for r in records], yerr=interval_error_bars(records), capsize=3, label=label, **style)
    error_ax.set_xlabel("horizon (steps driven)")
    error_ax.set_ylabel("per-step error |steering - expert's|")
    error_ax.set_title(f"mean and 95 % interval over {len(results['seeds'])} seeds", fontsize=10)
    road_ax.set_xlabel("horizon (steps driven)")
    road_ax.set_ylabel("share of cars still on the road")
    road_ax.set_ylim(-0.03, 1.05)
    road_ax.set_title(f"{results['data_sizes'][0]} labelled situations"
                      + (f"; {results['data_sizes'][rounds]} after {rounds} round(s)" if rounds else ""), fontsize=10)
    road_ax.legend(fontsize=7, loc="lower left")  # the road panel's lower left stays empty
    return fig


def dagger_widget(results: dict | None = None):
    """A slider for the number of DAgger rounds (lesson 07)."""
    import ipywidgets as widgets

    from causal_course.studies.cache import load_results
    from causal_course.widgets.wiring import interactive_figure

    results = results or load_results("dagger_results")
    n_rounds = max(int(name.split()[1]) for name in results["per_step_error"] if name.startswith("round"))
    slider = widgets.IntSlider(value=1, min=0, max=n_rounds, description="DAgger rounds", continuous_update=False,
                               style={"description_width": "initial"})
    box = interactive_figure(render_dagger, {"rounds": slider}, fixed={"results": results},
                             description="Drag: rounds of on-policy data labelled by the expert.",
                             cache_version=lambda: id(results))
    box.precompute([{"rounds": r} for r in range(n_rounds + 1)])
    return box


WEATHER_COLOURS = {"calm": PALETTE["sky"], "steady": PALETTE["green"], "stormy": PALETTE["vermillion"],
                   "calm+stormy": PALETTE["purple"]}


def own_weather(results: dict, world: str) -> str:
    """The test weather of ``world``'s own days: ``"steady"``, or ``"calm+stormy"`` for a world of several (lesson 07)."""
    days = results["worlds"][world]
    return days[0] if len(days) == 1 else "calm+stormy"


def render_return_conditioning(results: dict, asked: int = 190, world: str = "steady"):
    """Return achieved against return asked for (conditioned on realised and on expected returns) beside the clones
    and the expert, on the world's own days; and each policy on calm, steady and stormy days (lesson 07).

    Every bar and point is a mean over seeds with its 95 % interval (``causal-course experiment return-conditioning``).
    """
    from causal_course.viz.style import course_figure

    if world not in results["worlds"]:
        raise ValueError(f"world must be one of {list(results['worlds'])}, got {world!r}.")
    if asked not in results["asked"]:
        raise ValueError(f"asked must be one of {results['asked']}, got {asked!r}.")
    rows, weather = results["returns"][world], own_weather(results, world)
    fig = course_figure(figsize=(11, 4.0), layout="constrained")
    curve_ax, days_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
    asked_values = results["asked"]
    for kind, label, style in (("asked", "conditioned on the drive's return", dict(color=PALETTE["blue"], marker="o")),
                               ("expected", "conditioned on the driver's expected return (fix)",
                                dict(color=PALETTE["green"], marker="D"))):
        records = [rows[f"{kind} {a}"][weather] for a in asked_values]
        curve_ax.errorbar(asked_values, [r["mean"] for r in records], yerr=interval_error_bars(records), capsize=3, label=label, **style)
    curve_ax.plot(asked_values, asked_values, color="0.6", linewidth=0.8, label="achieved = asked")
    for name, style in (("expert", dict(color=PALETTE["black"], linestyle=":")),
                        ("clone all", dict(color=PALETTE["vermillion"], linestyle="--")),
                        ("clone best 25%", dict(color=PALETTE["purple"], linestyle="-."))):
        record = rows[name][weather]
        curve_ax.axhline(record["mean"], label=f"{name}: {record['mean']:.0f}", linewidth=1.5, **style)
        if record["low"] is not None:  # its 95 % interval over seeds, as a band
            curve_ax.axhspan(record["low"], record["high"], color=style["color"], alpha=0.12, linewidth=0)
    chosen = rows[f"asked {asked}"][weather]
    curve_ax.plot([asked], [chosen["mean"]], marker="*", markersize=16, color=PALETTE["orange"],
                  markeredgecolor="black", linestyle="none", label=f"asked {asked}: achieved {chosen['mean']:.0f}")
    curve_ax.set_xlabel("return asked for (200 steps; 200 = always on the centre line)")
    curve_ax.set_ylabel(f"return achieved on {weather} test days")
    curve_ax.set_title(f"trained in the {world} world; mean and 95 % interval over {len(results['seeds'])} seeds",
                       fontsize=10)
    curve_ax.legend(fontsize=7, loc="upper left")
    names = ["clone all", "clone best 25%", f"asked {asked}", f"expected {asked}", "expert"]
    days = [w for w in ("calm", "steady", "stormy") if w in rows["expert"]]
    width = 0.8 / len(days)
    for j, day in enumerate(days):
        records = [rows[name][day] for name in names]
        days_ax.bar(np.arange(len(names)) + (j - (len(days) - 1) / 2) * width, [r["mean"] for r in records], width,
                    yerr=interval_error_bars(records), capsize=2,
                    color=WEATHER_COLOURS[day], label=f"{day} test days")
    days_ax.set_xticks(np.arange(len(names)))
    days_ax.set_xticklabels([n.replace("expected", "fix:\nexpected").replace("asked", "return-\nconditioned,\nasked")
                             for n in names], fontsize=7)
    days_ax.set_ylabel("return achieved")
    days_ax.set_ylim(0, 205)
    days_ax.set_title("the same policies on calm, steady and stormy days", fontsize=10)
    days_ax.legend(fontsize=7, loc="lower left")
    return fig


def render_luck_differences(results: dict):
    """The paired differences lesson 07 draws, each with its 95 % interval, on each kind of test day (lesson 07).

    A difference is shown (a filled marker) only where its interval excludes 0.
    """
    from causal_course.viz.style import course_figure

    differences, compared = results["differences"], str(results["compared"])
    rows = [(group, name) for group in (*results["worlds"], "lucky - steady") for name in differences[group]
            if compared in name.split()]  # the comparisons at the compared ask
    weathers = ["calm", "steady", "stormy", "calm+stormy"]
    fig = course_figure(figsize=(9.5, 0.55 * len(rows) + 1.4), layout="constrained")
    ax = fig.subplots()
    for i, (group, name) in enumerate(rows):
        for j, weather in enumerate(weathers):
            record = differences[group][name][weather]
            y = i + (j - 1.5) * 0.18
            ax.errorbar([record["mean"]], [y], xerr=interval_error_bars([record]),
                        color=WEATHER_COLOURS[weather], marker="o", capsize=2, linestyle="none",
                        markerfacecolor=WEATHER_COLOURS[weather] if record["excludes_zero"] else "white")
    for weather in weathers:  # the legend's markers filled, whatever the first row shows
        ax.errorbar([], [], xerr=[], color=WEATHER_COLOURS[weather], marker="o", linestyle="none",
                    label=f"{weather} test days")
    ax.axvline(0, color="0.4", linewidth=1)
    ax.set_yticks(np.arange(len(rows)))
    ax.set_yticklabels([f"{group} world: {name}" if group != "lucky - steady" else f"lucky minus steady world: {name}"
                        for group, name in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("paired difference in return: mean, 95 % interval over seeds (hollow: the interval includes 0)")
    ax.set_title(f"the comparisons at asked {results['compared']}, {len(results['seeds'])} seeds, same test days",
                 fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def return_conditioning_widget(results: dict | None = None):
    """Sliders for the return asked for and the world the driver learned in (lesson 07)."""
    import ipywidgets as widgets

    from causal_course.studies.cache import load_results
    from causal_course.widgets.wiring import interactive_figure

    results = results or load_results("return_conditioning_results")
    asked = widgets.SelectionSlider(options=results["asked"], value=results["compared"], description="return asked",
                                    continuous_update=False, style={"description_width": "initial"})
    world = widgets.ToggleButtons(options=list(results["worlds"]), value="steady", description="trained in the world")
    box = interactive_figure(render_return_conditioning, {"asked": asked, "world": world}, fixed={"results": results},
                             description="Ask the driver for a return; switch to the world where luck counts.",
                             cache_version=lambda: id(results))
    box.precompute([{"asked": a, "world": w} for a in results["asked"] for w in results["worlds"]])
    return box


def render_offsets(drives_by_name: dict, n_cars: int = 8):
    """The lateral offset of the first ``n_cars`` cars along their drives, one panel per driver, lane edges at ±1; the
    title counts the cars that left the road among all of them (lesson 07)."""
    from causal_course.viz.style import course_figure

    fig = course_figure(figsize=(4.2 * len(drives_by_name), 3.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(drives_by_name), sharey=True))
    for ax, (name, drives) in zip(axes, drives_by_name.items()):
        offsets = drives.observations[:n_cars, :, 0].copy()
        offsets[~drives.on_road[:n_cars]] = np.nan  # stop drawing a car once it has left the road
        ax.plot(offsets.T, color=PALETTE["blue"], linewidth=1.0, alpha=0.8)
        for edge in (-1, 1):
            ax.axhline(edge, color=PALETTE["vermillion"], linestyle="--", linewidth=1.2)
        ax.set_ylim(-1.5, 1.5)
        ax.set_xlabel("step")
        off = 1 - drives.on_road[:, -1].mean()
        shown = min(n_cars, len(drives.on_road))
        ax.set_title(f"{name}: {off:.0%} of {len(drives.on_road)} cars left the road ({shown} drawn)", fontsize=9)
    axes[0].set_ylabel("offset y (dashed: lane edges)")
    return fig
