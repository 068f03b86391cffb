"""Lesson 05's demos: learning curves with and without explanations, and the explanation weight lambda.

Both read the cached results of ``benchmarks/explanations.py --save``, so the slider answers at once.
"""

from __future__ import annotations

import numpy as np

from causal_course.viz.style import PALETTE

KIND_LABELS = {"none": "no explanation", "effects": "explain: effects on the target",
               "justification": "explain: which experiment justifies", "step_effects": "explain: what each experiment did"}
KIND_STYLES = {"none": ("black", "o", "-"), "effects": ("blue", "s", "--"), "justification": ("green", "^", ":"),
               "step_effects": ("vermillion", "D", "-.")}


def render_explanation_curves(results: dict, group: str = "critical"):
    """Reward against training episodes for every kind of explanation (lesson 05)."""
    from causal_course.viz.style import course_figure

    fig = course_figure(figsize=(7, 3.8))
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.14, top=0.9)
    ax = fig.add_subplot()
    episodes = np.asarray(results["episodes"]) / 1000
    for kind, curve in results["curves"].items():
        colour, marker, style = KIND_STYLES.get(kind, ("purple", "o", "-"))
        ax.errorbar(episodes, curve[group], yerr=curve[f"{group}_se"], color=PALETTE[colour], marker=marker,
                    linestyle=style, capsize=3, label=KIND_LABELS.get(kind, kind))
    ax.set_xlabel("training episodes (thousands)")
    ax.set_ylabel("normalised reward")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title(f"{'critical episodes' if group == 'critical' else 'held-out structures'}: "
                 f"mean ± SE over {len(results['seeds'])} seeds, lambda = {results['lambda']:g}")
    ax.legend(fontsize=8, loc="lower right")
    return fig


def render_lambda(results: dict, lam: float = 1.0):
    """Learning curves at explanation weight ``lam`` against none, and final reward against lambda (lesson 05)."""
    from causal_course.viz.style import course_figure

    sweep = results["lambda_sweep"]
    lambdas = [float(v) for v in sweep["lambdas"]]
    matches = [i for i, v in enumerate(lambdas) if abs(v - lam) < 1e-9]
    if not matches:
        raise ValueError(f"lambda {lam} was not swept; the sweep has {lambdas}.")
    i = matches[0]
    episodes = np.asarray(results["episodes"]) / 1000
    fig = course_figure(figsize=(10, 3.6))
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.15, top=0.88, wspace=0.25)
    curve_ax, sweep_ax = fig.subplots(1, 2)
    for group, colour, marker in (("heldout", "blue", "o"), ("critical", "vermillion", "s")):
        curve_ax.errorbar(episodes, sweep[f"{group}_curve"][0], yerr=sweep[f"{group}_curve_se"][0], color=PALETTE[colour],
                          marker=marker, linestyle=":", capsize=3, alpha=0.6, label=f"{group}, no explanation")
        curve_ax.errorbar(episodes, sweep[f"{group}_curve"][i], yerr=sweep[f"{group}_curve_se"][i], color=PALETTE[colour],
                          marker=marker, linestyle="-", capsize=3, label=f"{group}, lambda = {lam:g}")
        positions = np.arange(len(lambdas)) + (-0.2 if group == "heldout" else 0.2)
        sweep_ax.bar(positions, sweep[group], 0.4, yerr=sweep[f"{group}_se"], capsize=3, color=PALETTE[colour],
                     hatch="" if group == "heldout" else "//", edgecolor="white", label=group)
    sweep_ax.axvspan(i - 0.45, i + 0.45, color="grey", alpha=0.2)
    curve_ax.set_xlabel("training episodes (thousands)")
    curve_ax.set_ylabel("normalised reward")
    curve_ax.set_ylim(-0.05, 1.05)
    curve_ax.set_title(f"explanation '{sweep['kind']}', weight lambda = {lam:g}")
    curve_ax.legend(fontsize=7, loc="lower right")
    sweep_ax.set_xticks(np.arange(len(lambdas)), [f"{v:g}" for v in lambdas])
    sweep_ax.set_xlabel("explanation weight lambda")
    sweep_ax.set_ylim(0, 1.05)
    sweep_ax.set_title(f"after {results['episodes'][-1] // 1000}k episodes: held-out {sweep['heldout'][i]:.2f}, "
                       f"critical {sweep['critical'][i]:.2f}")
    sweep_ax.legend(fontsize=8, loc="lower right")
    return fig


def lambda_widget(results: dict):
    """A slider over the swept explanation weights, wired to :func:`render_lambda` (lesson 05)."""
    import ipywidgets as widgets

    from causal_course.widgets.wiring import interactive_figure

    lambdas = [float(v) for v in results["lambda_sweep"]["lambdas"]]
    controls = {"lam": widgets.SelectionSlider(options=lambdas, value=1.0 if 1.0 in lambdas else lambdas[0],
                                               description="explanation weight lambda")}
    box = interactive_figure(render_lambda, controls, fixed={"results": results}, cache_version=lambda: 0)
    box.precompute({"lam": v} for v in lambdas)
    return box
