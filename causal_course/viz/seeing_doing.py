"""Lesson 01 demos built from the tutoring model and the estimators: Simpson's paradox and
two passive learners, one reading an experimenter's log and one reading observational records.

Introduced in lesson 01 (*Seeing vs doing*).
"""

from __future__ import annotations

import numpy as np

from causal_course.viz.style import PALETTE
from causal_course.worlds.simpson import stratified_slopes
from causal_course.worlds.tutoring import SCORE, TUTORING


def render_simpson(X: np.ndarray):
    """Score against tutoring, one marker and line per motivation level, plus the pooled line (lesson 01)."""
    from causal_course.viz.style import course_figure

    result = stratified_slopes(X)
    fig = course_figure(figsize=(6.5, 4), layout="constrained")
    ax = fig.add_subplot()
    colours = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"], PALETTE["sky"]]
    markers = ["o", "s", "^", "D", "v"]
    for g, slope in enumerate(result["groups"]):
        rows = result["group"] == g
        x, y = X[rows, TUTORING], X[rows, SCORE]
        colour = colours[g % len(colours)]
        ax.scatter(x, y, s=10, alpha=0.35, color=colour, marker=markers[g % len(markers)])
        grid = np.linspace(x.min(), x.max(), 2)
        ax.plot(grid, y.mean() + slope * (grid - x.mean()), color=colour, linewidth=2.5,
                label=f"motivation {result['levels'][g]:g}: slope {slope:+.2f}")
    grid = np.linspace(X[:, TUTORING].min(), X[:, TUTORING].max(), 2)
    ax.plot(grid, X[:, SCORE].mean() + result["overall"] * (grid - X[:, TUTORING].mean()), color=PALETTE["black"],
            linestyle="--", linewidth=2.5, label=f"everyone pooled: slope {result['overall']:+.2f}")
    ax.set_xlabel("hours of tutoring")
    ax.set_ylabel("exam score")
    ax.set_title("Simpson's paradox: helps within each group, 'hurts' pooled")
    ax.legend(fontsize=8)
    return fig


def render_passive_learners(result: dict):
    """The two passive learners' estimates against sample size, with the truth (lesson 01)."""
    from causal_course.viz.style import course_figure

    fig = course_figure(figsize=(6.5, 3.8), layout="constrained")
    ax = fig.add_subplot()
    sizes = result["sample_sizes"]
    ax.errorbar(sizes, result["log_reader_mean"], yerr=result["log_reader_sd"], marker="o", capsize=3,
                color=PALETTE["blue"], label="reads an experimenter's log (interventional)")
    ax.errorbar(sizes, result["record_reader_mean"], yerr=result["record_reader_sd"], marker="s", capsize=3,
                linestyle=":", color=PALETTE["vermillion"], label="reads observational records")
    ax.axhline(result["true_effect"], color=PALETTE["black"], linestyle="--", label="true causal effect")
    ax.set_xscale("log")
    ax.set_xlabel("number of students in the data")
    ax.set_ylabel("estimated effect of 1 h tutoring")
    ax.set_title("Passive is not observational")
    ax.legend(fontsize=8)
    return fig
