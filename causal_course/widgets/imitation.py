"""Lesson 07's demos: how many DAgger rounds, and which return to ask a return-conditioned driver for.

Both answer from cached results (``causal-course experiment dagger`` and ``return-conditioning``),
so a slider move redraws at once. The logic is in the pure ``render_*`` functions.
"""

from __future__ import annotations

import numpy as np

from causal_course.viz.style import PALETTE

CURVE_STYLE = {"expert": dict(color=PALETTE["black"], linestyle=":", marker="o"),
               "round 0": dict(color=PALETTE["vermillion"], linestyle="--", marker="s")}


def render_dagger(results: dict, rounds: int = 1):
    """Per-step error and share on the road against the horizon: cloning, DAgger after ``rounds`` rounds, expert (lesson 07)."""
    from causal_course.viz.style import course_figure

    available = sorted(int(name.split()[1]) for name in results["per_step_error"] if name.startswith("round"))
    if rounds not in available:
        raise ValueError(f"rounds must be one of {available}, got {rounds!r}.")
    fig = course_figure(figsize=(10, 3.6), layout="constrained")
    error_ax, road_ax = fig.subplots(1, 2)
    horizons = results["horizons"]
    names = ["round 0", f"round {rounds}", "expert"] if rounds else ["round 0", "expert"]
    for name in names:
        label = {"round 0": "behaviour cloning (expert's drives only)", "expert": "expert"}.get(
            name, f"DAgger after {rounds} round{'s' if rounds > 1 else ''}")
        style = CURVE_STYLE.get(name, dict(color=PALETTE["blue"], linestyle="-", marker="^"))
        for ax, key in ((error_ax, "per_step_error"), (road_ax, "on_road")):
            mean, se = np.asarray(results[key][name]), np.asarray(results[key + "_se"][name])
            ax.errorbar(horizons, mean, yerr=se, capsize=3, label=label, **style)
    error_ax.set_xlabel("horizon (steps driven)")
    error_ax.set_ylabel("per-step error |steering - expert's|")
    error_ax.set_title("errors compound for the clone, not after DAgger", fontsize=10)
    road_ax.set_xlabel("horizon (steps driven)")
    road_ax.set_ylabel("share of cars still on the road")
    road_ax.set_ylim(-0.03, 1.05)
    road_ax.set_title(f"{results['data_sizes'][0]} labelled situations"
                      + (f"; {results['data_sizes'][rounds]} after {rounds} round(s)" if rounds else ""), fontsize=10)
    error_ax.legend(fontsize=8)
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


def render_return_conditioning(results: dict, asked: int = 190, world: str = "steady"):
    """Return achieved against return asked for, beside the clones and the expert (lesson 07)."""
    from causal_course.viz.style import course_figure

    if world not in results["worlds"]:
        raise ValueError(f"world must be one of {list(results['worlds'])}, got {world!r}.")
    if asked not in results["asked"]:
        raise ValueError(f"asked must be one of {results['asked']}, got {asked!r}.")
    rows = results["worlds"][world]
    fig = course_figure(figsize=(7.5, 3.8), layout="constrained")
    ax = fig.subplots()
    asked_values = results["asked"]
    achieved = [rows[f"asked {a}"] for a in asked_values]
    errors = [rows[f"asked {a}_se"] for a in asked_values]
    ax.errorbar(asked_values, achieved, yerr=errors, color=PALETTE["blue"], marker="o", capsize=3,
                label="return-conditioned driver")
    ax.plot(asked_values, asked_values, color="0.6", linewidth=0.8, label="achieved = asked")
    for name, style in (("expert", dict(color=PALETTE["black"], linestyle=":")),
                        ("clone all", dict(color=PALETTE["vermillion"], linestyle="--")),
                        ("clone best 25%", dict(color=PALETTE["purple"], linestyle="-."))):
        ax.axhline(rows[name], label=f"{name}: {rows[name]:.0f}", linewidth=1.5, **style)
    chosen = rows[f"asked {asked}"]
    ax.plot([asked], [chosen], marker="*", markersize=16, color=PALETTE["orange"], markeredgecolor="black",
            label=f"asked {asked}: achieved {chosen:.0f} ± {rows[f'asked {asked}_se']:.0f}")
    ax.set_xlabel("return asked for (200 steps; 200 = always on the centre line)")
    ax.set_ylabel("return achieved")
    ax.set_title(f"{world} world: " + ("returns reflect skill" if world == "steady" else
                                       "calm weather (luck) also raised some returns"), fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    return fig


def return_conditioning_widget(results: dict | None = None):
    """Sliders for the return asked for and the world (lesson 07)."""
    import ipywidgets as widgets

    from causal_course.studies.cache import load_results
    from causal_course.widgets.wiring import interactive_figure

    results = results or load_results("return_conditioning_results")
    asked = widgets.SelectionSlider(options=results["asked"], value=results["asked"][-1], description="return asked",
                                    continuous_update=False, style={"description_width": "initial"})
    world = widgets.ToggleButtons(options=list(results["worlds"]), value="steady", description="world")
    box = interactive_figure(render_return_conditioning, {"asked": asked, "world": world}, fixed={"results": results},
                             description="Ask the driver for a return; switch to the world where luck counts.",
                             cache_version=lambda: id(results))
    box.precompute([{"asked": a, "world": w} for a in results["asked"] for w in results["worlds"]])
    return box


def render_offsets(drives_by_name: dict, n_cars: int = 8):
    """The lateral offset of a few cars along their drives, one panel per driver, lane edges at ±1 (lesson 07)."""
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
        ax.set_title(f"{name}: {off:.0%} of {len(drives.on_road)} cars left the road", fontsize=9)
    axes[0].set_ylabel("offset y (dashed: lane edges)")
    return fig
