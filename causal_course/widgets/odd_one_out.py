"""Lesson 06's demo: which explanation, how confounded the training data, and what the learner picks.

Reads the cached results of ``benchmarks/confounding.py --save``; every setting is drawn ahead,
so the controls answer at once.
"""

from __future__ import annotations

import numpy as np

from causal_course.viz.style import PALETTE, interval_error_bars
from causal_course.worlds.odd_one_out import DIMENSIONS

CHOICE_LABELS = ("colour", "shape", "texture", "none")
COLOURS = ("vermillion", "blue", "green", "black")
HATCHES = ("", "//", "..", "xx")


def _condition(results: dict, explanation: str, confounded_share: float) -> dict:
    for row in results["conditions"]:
        if row["explanation"] == explanation and abs(row["confounded_share"] - confounded_share) < 1e-9:
            return row
    raise ValueError(f"no cached condition with explanation {explanation!r} and confounded share {confounded_share}; "
                     f"explanations {results['explanations']}, shares {results['confounded_shares']}.")


def render_choice_shares(results: dict, explanation: str = "none", confounded_share: float = 1.0):
    """Bars: where the learner's deconfounded choices go; lines: the explained feature's share vs confounding (lesson 06).

    Means over seeds with their 95 % intervals; dots are the single seeds.
    """
    from causal_course.viz.style import course_figure

    row = _condition(results, explanation, confounded_share)
    fig = course_figure(figsize=(10, 3.6))
    fig.subplots_adjust(left=0.07, right=0.99, bottom=0.16, top=0.88, wspace=0.28)
    bar_ax, line_ax = fig.subplots(1, 2)
    for k, label in enumerate(CHOICE_LABELS):
        bar_ax.bar(k, row[label]["mean"], yerr=interval_error_bars([row[label]]), capsize=4, color=PALETTE[COLOURS[k]],
                   hatch=HATCHES[k], edgecolor="white")
        seeds = row[label]["values"]
        bar_ax.scatter(k + np.linspace(-0.25, 0.25, len(seeds)), seeds, s=9, color="black", zorder=3)
    bar_ax.axhline(1 / 3, color="grey", linestyle=":", linewidth=1)
    bar_ax.set_xticks(range(4), [f"unique in\n{label}" if label != "none" else "unique in\nnothing" for label in CHOICE_LABELS])
    bar_ax.set_ylim(0, 1.05)
    bar_ax.set_ylabel("share of test choices")
    explained = "no explanation" if explanation == "none" else f"explanations name {explanation}"
    bar_ax.set_title(f"{explained}; {confounded_share:.0%} confounded ({len(seeds)} seeds)")
    shares = [float(s) for s in results["confounded_shares"]]
    for d, dimension in enumerate(DIMENSIONS):
        records = [_condition(results, dimension, s)[dimension] for s in shares]
        line_ax.errorbar(100 * np.asarray(shares), [r["mean"] for r in records], yerr=interval_error_bars(records), color=PALETTE[COLOURS[d]], marker="osD"[d],
                         linestyle=["-", "--", ":"][d], capsize=3, label=f"explain {dimension}: picks {dimension}")
    line_ax.axvline(100 * confounded_share, color="grey", linewidth=6, alpha=0.3)
    line_ax.axhline(1 / 3, color="grey", linestyle=":", linewidth=1)
    line_ax.set_xlabel("perfectly confounded training episodes (%)")
    line_ax.set_ylabel("share of choices on the explained feature")
    line_ax.set_ylim(0, 1.05)
    line_ax.set_title("how strongly the explanation steers")
    line_ax.legend(fontsize=8, loc="lower right")
    return fig


def choice_widget(results: dict):
    """Explanation toggle and confounding slider wired to :func:`render_choice_shares` (lesson 06)."""
    import ipywidgets as widgets

    from causal_course.widgets.wiring import interactive_figure

    shares = sorted(float(s) for s in results["confounded_shares"])
    controls = {
        "explanation": widgets.ToggleButtons(options=list(results["explanations"]), value="none",
                                             description="explanations name"),
        "confounded_share": widgets.SelectionSlider(options=shares, value=max(shares),
                                                    description="perfectly confounded share"),
    }
    box = interactive_figure(render_choice_shares, controls, fixed={"results": results}, cache_version=lambda: 0)
    box.precompute({"explanation": e, "confounded_share": s} for e in results["explanations"] for s in shares)
    return box
