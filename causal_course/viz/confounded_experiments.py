"""Lesson 06's figure of the confounded experimenting odd-one-out: which feature each condition follows at test.

Introduced in lesson 06. Takes the plain result of ``causal-course experiment confounded-experiments``
(or its cache, ``confounded_experiments_results``) and returns a matplotlib Figure; nothing is trained.
"""

from __future__ import annotations

import numpy as np

from causal_course.validation import invalid
from causal_course.viz.style import PALETTE, course_figure

CONDITIONS = {"explain_colour": ("explain colour", PALETTE["blue"]),
              "explain_shape": ("explain shape", PALETTE["vermillion"]),
              "none": ("no explanation", PALETTE["black"])}
TESTS = {"deconfounded": "deconfounded episodes\n(own experiments can tell)",
         "ambiguous": "ambiguous episodes\n(confounded experiments)"}


def _interval(axis, x, record, colour):
    low = record["low"] if record["low"] is not None else record["mean"]
    high = record["high"] if record["high"] is not None else record["mean"]
    axis.errorbar([x], [record["mean"]], yerr=[[record["mean"] - low], [high - record["mean"]]], fmt="o",
                  color=colour, capsize=4, markersize=7)


def plot_confounded_experiments(result) -> object:
    """Left: share of colour-following test picks per condition and test set (seeds as dots, 95 % intervals); right: paired differences against no explanation (lesson 06)."""
    result = dict(result)
    missing = [key for key in ("conditions", "differences", "test_sets") if key not in result]
    if missing:
        raise invalid("result", "a confounded-experiments result (causal-course experiment confounded-experiments --json)",
                      f"a dict without {missing}", 'load it with load_results("confounded_experiments_results")')
    fig = course_figure(figsize=(10.0, 3.8))
    shares, differences = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})
    rng = np.random.default_rng(0)  # horizontal jitter of the seed dots only
    for t, test in enumerate(TESTS):
        for c, (name, (label, colour)) in enumerate(CONDITIONS.items()):
            x = t * 4 + c
            record = result["conditions"][name][test]["colour"]
            shares.scatter(x + rng.uniform(-0.15, 0.15, len(record["values"])), record["values"], color=colour,
                           alpha=0.35, s=14)
            _interval(shares, x, record, colour)
            if t == 0:
                shares.plot([], [], "o", color=colour, label=label)
    shares.set(xticks=[1, 5], xticklabels=list(TESTS.values()), ylim=(-0.02, 1.02),
               ylabel="share of test picks on the colour-unique object",
               title="What the passive experimenter follows at test")
    shares.legend(fontsize=7, loc="upper center")
    labels = []
    for k, (test, rows) in enumerate(result["differences"].items()):
        for j, (name, record) in enumerate(rows.items()):
            x = k * (len(rows) + 1) + j
            colour = CONDITIONS[name.split(" - ")[0]][1]
            _interval(differences, x, record, colour)
            labels.append((x, name.replace("explain_", "").replace(" - ", " − ")))
        differences.text(k * (len(rows) + 1) + (len(rows) - 1) / 2, 1.0, test, transform=differences.get_xaxis_transform(),
                         ha="center", va="bottom", fontsize=8)
    differences.axhline(0, color=PALETTE["black"], linewidth=0.8)
    differences.set(xticks=[x for x, _ in labels], xticklabels=[text for _, text in labels],
                    ylabel="difference of the colour shares")
    differences.set_title("Paired differences, 95 % intervals", pad=16)
    differences.tick_params(axis="x", labelsize=7, labelrotation=35)
    fig.tight_layout()
    return fig
