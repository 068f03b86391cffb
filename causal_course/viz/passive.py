"""Static result figures of lessons 03 onwards: methods compared across test sets, learning curves.

Introduced in lesson 03. Every function takes plain results (dicts of numbers) and returns a
matplotlib Figure, so the figures are tested without training anything.
"""

from __future__ import annotations

import numpy as np

from causal_course.viz.style import PALETTE, interval_error_bars

GROUPS = ("in_distribution", "heldout", "critical")
GROUP_LABELS = {"in_distribution": "in-distribution", "heldout": "held-out", "critical": "critical"}
METHOD_LABELS = {
    "model": "model (sampled)",
    "model_greedy": "model (greedy)",
    "optimal": "optimal",
    "causal_inference": "causal inference",
    "correlational": "correlational",
    "regression_5_samples": "regression, 5 obs.",
    "regression_unlimited": "regression, unlimited obs.",
    "memorising": "memorising",
    "random": "random",
}


def summarise_runs(runs: list, methods, groups=GROUPS) -> dict:
    """``{group: {method: (mean, half-width of the 95 % CI)}}`` over runs (seeds) of ``experiment passive`` (lesson 03).

    The half-width is 0 for a single run (no interval).
    """
    from causal_course.statistics import mean_with_interval

    def cell(values):
        summary = mean_with_interval(values)
        return summary["mean"], 0.0 if np.isnan(summary["half_width"]) else summary["half_width"]

    return {g: {m: cell([run[g][m] for run in runs]) for m in methods if m in runs[0][g]} for g in groups}


def render_method_comparison(runs: list, methods=("model", "causal_inference", "correlational",
                                                  "regression_5_samples", "memorising", "random"),
                             title: str = "Normalised reward (random = 0, optimal = 1)"):
    """Grouped bars: each method on each test set, mean and 95 % CI over runs (lesson 03)."""
    from causal_course.viz.style import course_figure

    summary = summarise_runs(runs, methods)
    methods = [m for m in methods if m in summary[GROUPS[0]]]
    colours = [PALETTE[c] for c in ("blue", "green", "vermillion", "orange", "purple", "black", "sky", "yellow")]
    hatches = ["", "//", "..", "xx", "\\\\", "--", "++", "oo"]
    fig = course_figure(figsize=(9, 3.8), layout="constrained")
    ax = fig.add_subplot()
    width = 0.8 / len(methods)
    for k, method in enumerate(methods):
        means = [summary[g][method][0] for g in GROUPS]
        errors = [summary[g][method][1] for g in GROUPS]
        positions = np.arange(len(GROUPS)) + (k - (len(methods) - 1) / 2) * width
        ax.bar(positions, means, width, yerr=errors, capsize=3, color=colours[k % len(colours)],
               hatch=hatches[k % len(hatches)], edgecolor="white", label=METHOD_LABELS.get(method, method))
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xticks(np.arange(len(GROUPS)), [GROUP_LABELS[g] for g in GROUPS])
    ax.set_ylabel("normalised reward")
    ax.set_ylim(-0.2, 1.15)
    ax.set_title(f"{title}; {len(runs)} run(s), error bars = 95 % CI")
    ax.legend(fontsize=8, ncol=3, loc="upper right")
    return fig


def render_learning_curves(curves: dict, groups=("heldout", "critical"), reference: dict | None = None):
    """Normalised reward against training time, one line per group, mean and 95 % CI over seeds (lesson 03).

    ``curves`` is ``{"seconds": [...], group: [[reward per budget] per seed], ...}``;
    ``reference`` maps a label to a horizontal line (for instance the correlational baseline).
    """
    from causal_course.viz.style import course_figure

    fig = course_figure(figsize=(6.5, 3.8), layout="constrained")
    ax = fig.add_subplot()
    styles = {"heldout": ("blue", "o", "-"), "critical": ("vermillion", "s", "--"), "in_distribution": ("green", "^", ":")}
    for group in groups:
        colour, marker, line = styles.get(group, ("black", "o", "-"))
        from causal_course.statistics import over_seeds

        summary = over_seeds(curves[group])
        mean, half = summary["mean"], np.nan_to_num(summary["half_width"])  # one seed: no interval drawn
        ax.errorbar(curves["seconds"], mean, yerr=half, color=PALETTE[colour], marker=marker, linestyle=line,
                    capsize=3, label=GROUP_LABELS.get(group, group))
    for k, (label, value) in enumerate((reference or {}).items()):
        ax.axhline(value, color=PALETTE["black"], linestyle=[":", "-."][k % 2], linewidth=1, label=label)
    ax.set_xlabel("training time on 2 CPU cores (s)")
    ax.set_ylabel("normalised reward")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Interactive test after passive training ({len(np.asarray(curves[groups[0]]))} seeds, 95 % CI)")
    ax.legend(fontsize=8, loc="lower right")
    return fig


VARIANT_LABELS = {"standard": "standard\n(equal noise)", "unequal-noise": "unequal noise",
                  "confounded": "hidden confounder"}


def render_variant_comparison(table: dict, group: str = "heldout",
                              methods=("causal_inference", "regression_unlimited", "regression_5_samples",
                                       "correlational", "memorising")):
    """Grouped bars: baselines on each environment variant, mean and 95 % CI over seeds (lesson 03).

    ``table`` is ``{env: {method: {group: {"mean", "low", "high"}}}}`` as saved by
    ``benchmarks/variants.py --save``.
    """
    from causal_course.viz.style import course_figure

    envs = list(table)
    colours = [PALETTE[c] for c in ("green", "blue", "sky", "vermillion", "black")]
    hatches = ["//", "", "..", "xx", "--"]
    fig = course_figure(figsize=(9, 3.8), layout="constrained")
    ax = fig.add_subplot()
    width = 0.8 / len(methods)
    for k, method in enumerate(methods):
        cells = [table[env][method][group] for env in envs]
        means = np.array([c["mean"] for c in cells])
        errors = interval_error_bars(cells)
        positions = np.arange(len(envs)) + (k - (len(methods) - 1) / 2) * width
        ax.bar(positions, means, width, yerr=errors, capsize=3, color=colours[k % len(colours)],
               hatch=hatches[k % len(hatches)], edgecolor="white", label=METHOD_LABELS.get(method, method))
        for x, m in zip(positions, means):
            ax.text(x, max(m, 0) + 0.03, f"{m:.2f}", ha="center", fontsize=7, rotation=90)
    ax.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xticks(np.arange(len(envs)), [VARIANT_LABELS.get(e, e) for e in envs])
    ax.set_ylabel(f"normalised reward ({GROUP_LABELS.get(group, group)})")
    ax.set_ylim(-0.2, 1.3)
    n_seeds = len(next(iter(next(iter(table.values())).values()))[group].get("values", []))
    ax.set_title(f"Observing vs experimenting in each variant; {n_seeds} seeds, error bars = 95 % CI")
    ax.legend(fontsize=8, ncol=3, loc="upper right")
    return fig
