"""Lesson 05's figure of the experimenting odd-one-out: learning curves with and without explanations.

Introduced in lesson 05. Takes the plain result of ``causal-course experiment explanations-task``
(or its cache, ``explanations_task_results``) and returns a matplotlib Figure; nothing is trained.
"""

from __future__ import annotations

import numpy as np

from causal_course.validation import invalid
from causal_course.viz.style import PALETTE, course_figure

CONDITIONS = {"with_explanations": ("with explanations", PALETTE["blue"], "-", "o"),
              "without_explanations": ("without explanations", PALETTE["vermillion"], "--", "s")}
BASELINES = {"elimination": ("elimination (ceiling)", "-", "grey"),
             "random_experiments_then_infer": ("random experiments, exact inference", "-.", "black"),
             "any_unique_object": ("any unique object", ":", "black"),
             "random": ("random", (0, (5, 5)), "black")}


def plot_explanation_task(result) -> object:
    """Left: test accuracy against training steps (mean and 95 % interval over seeds); right: each seed's final pair (lesson 05)."""
    result = dict(result)
    missing = [key for key in ("steps", "with_explanations", "without_explanations", "baselines") if key not in result]
    if missing:
        raise invalid("result", "an explanations-task result (causal-course experiment explanations-task --json)",
                      f"a dict without {missing}", 'load it with load_results("explanations_task_results")')
    fig = course_figure(figsize=(10.0, 3.8))
    curves, pairs = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
    steps = np.asarray(result["steps"])
    for name, (label, colour, style, marker) in CONDITIONS.items():
        curve = result[name]["curve"]
        mean = np.array([point["mean"] for point in curve])
        curves.plot(steps, mean, style, color=colour, marker=marker, label=label)
        if curve[0]["low"] is not None:
            curves.fill_between(steps, [p["low"] for p in curve], [p["high"] for p in curve], color=colour, alpha=0.2)
    for name, (label, style, colour) in BASELINES.items():
        if name in result["baselines"]:
            curves.axhline(result["baselines"][name]["mean"], color=PALETTE.get(colour, colour), linestyle=style,
                           linewidth=1.2, label=label)
    curves.set(xlabel="training steps (128 episodes each)", ylabel="test-trial accuracy", ylim=(0, 1.05),
               title="Learning from reward, 95 % intervals over seeds")
    curves.legend(fontsize=7, loc="center right")
    with_values = result["with_explanations"]["final"]["values"]
    without_values = result["without_explanations"]["final"]["values"]
    for a, b in zip(without_values, with_values):
        pairs.plot([0, 1], [a, b], color=PALETTE["black"], alpha=0.4, marker="o")
    pairs.set(xticks=[0, 1], xticklabels=["without", "with"], xlim=(-0.3, 1.3), ylim=(0, 1.05),
              ylabel="final test-trial accuracy", title="Each seed, paired")
    fig.tight_layout()
    return fig
