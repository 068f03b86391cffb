"""Figures of lesson 02: every DAG by equivalence class, posteriors over DAGs, entropy curves, blickets.

Introduced in lesson 02 (experiments reveal structure). Every function takes plain results and
returns a matplotlib Figure (or draws on given Axes), so the figures are tested without a kernel.
"""

from __future__ import annotations

import numpy as np

from causal_course.causal.dags import dag_label
from causal_course.viz.style import PALETTE

NAMES = ("A", "B", "C")
TRIANGLE = {"A": (0.0, 1.0), "B": (-0.9, -0.4), "C": (0.9, -0.4)}
STRATEGY_STYLE = {
    "observe": dict(color=PALETTE["black"], linestyle=":", marker="o", label="observe only"),
    "random": dict(color=PALETTE["blue"], linestyle="--", marker="s", label="random experiments"),
    "greedy": dict(color=PALETTE["vermillion"], linestyle="-", marker="^", label="most informative experiment"),
}


def draw_small_dag(adjacency, ax, names=NAMES, intervened=(), highlight: bool = False) -> None:
    """A DAG on three variables in a fixed triangle, without weights, so DAGs compare at a glance (lesson 02)."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(names)
    graph.add_edges_from((names[i], names[j]) for i, j in zip(*np.nonzero(adjacency)))
    positions = {name: TRIANGLE[name] for name in names} if tuple(names) == NAMES else nx.circular_layout(graph)
    for name in names:
        marked = name in intervened
        box = dict(boxstyle="square,pad=0.3" if marked else "circle,pad=0.25",
                   facecolor=PALETTE["orange"] if marked else PALETTE["sky"], edgecolor="black",
                   linewidth=1.6 if marked else 0.8)
        ax.text(*positions[name], f"do({name})" if marked else name, ha="center", va="center", fontsize=8, bbox=box,
                zorder=3)
    nx.draw_networkx_edges(graph, positions, ax=ax, arrows=True, arrowsize=12, width=1.6,
                           edge_color=PALETTE["blue"], min_source_margin=11, min_target_margin=11)
    ax.set_xlim(-1.5, 1.5)
    ax.set_ylim(-1.0, 1.5)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(highlight)
        spine.set_linewidth(2.5)
        spine.set_edgecolor(PALETTE["vermillion"])


def _pack_classes(classes, width: int) -> list[list[int]]:
    """First-fit decreasing: rows of at most ``width`` DAGs, no class split across rows."""
    rows: list[list[int]] = []
    for k in sorted(range(len(classes)), key=lambda k: -len(classes[k])):
        for row in rows:
            if sum(len(classes[c]) for c in row) + len(classes[k]) <= width:
                row.append(k)
                break
        else:
            rows.append([k])
    return rows


def render_all_dags(space, width: int = 6):
    """All DAGs of ``space`` (a :class:`~causal_course.causal.structure_learning.DagSpace`), grouped by equivalence class (lesson 02)."""
    from causal_course.viz.style import course_figure

    rows = _pack_classes(space.classes, width)
    fig = course_figure(figsize=(1.55 * width, 1.6 * len(rows)), layout="constrained")
    axes = fig.subplots(len(rows), width, squeeze=False)
    shades = ("#f2f2f2", "#dcdcdc")
    for r, row in enumerate(rows):
        column = 0
        for position, k in enumerate(row):
            for member in space.classes[k]:
                ax = axes[r, column]
                draw_small_dag(space.dags[member], ax)
                ax.set_facecolor(shades[position % 2])
                ax.set_title(f"class {k + 1}: {dag_label(space.dags[member])}", fontsize=6.5)
                column += 1
        for ax in axes[r, column:]:
            ax.set_axis_off()
    fig.suptitle(f"All {len(space)} DAGs on 3 variables in {len(space.classes)} Markov equivalence classes "
                 "(shaded blocks; same class = same skeleton and v-structures)", fontsize=10)
    return fig


class PosteriorBars:
    """Bars of a posterior over every DAG, ordered by equivalence class, the true DAG hatched (lesson 02).

    Built once on ``ax``; :meth:`update` only changes the heights and texts, so a widget can
    redraw it many times quickly (creating the 25 labelled ticks is the slow part).
    """

    def __init__(self, space, ax, true_index: int | None = None):
        self.space, self.ax, self.true_index = space, ax, true_index
        self.order = [member for members in space.classes for member in members]
        x = np.arange(len(self.order))
        colours = [PALETTE["vermillion"] if i == true_index else PALETTE["blue"] for i in self.order]
        self.bars = ax.bar(x, np.zeros(len(x)), color=colours, edgecolor="black", linewidth=0.4)
        if true_index is not None:
            self.bars[self.order.index(true_index)].set_hatch("//")
            ax.text(0.99, 0.97, "hatched red bar: the true DAG", transform=ax.transAxes, ha="right", va="top",
                    fontsize=7)
        self.mass_labels, start = [], 0
        for k, members in enumerate(space.classes):
            end = start + len(members)
            if k % 2 == 0:
                ax.axvspan(start - 0.5, end - 0.5, color="0.92", zorder=0)
            self.mass_labels.append(ax.text((start + end - 1) / 2, 0.0, "", ha="center", fontsize=7))
            start = end
        # one edge per line, not rotated: rotated labels would double the widget's redraw time
        ax.set_xticks(x)
        ax.set_xticklabels([dag_label(space.dags[i]).replace(", ", "\n") if space.dags[i].any() else "none"
                            for i in self.order], fontsize=6)
        ax.set_xlim(-0.6, len(x) - 0.4)
        ax.set_ylim(0, 1.1)
        ax.set_ylabel("posterior probability")

    def update(self, posterior, title: str = "") -> None:
        posterior = np.asarray(posterior, dtype=float)
        for bar, index in zip(self.bars, self.order):
            bar.set_height(posterior[index])
        for label, members in zip(self.mass_labels, self.space.classes):
            mass = posterior[members].sum()
            label.set_text(f"{mass:.2f}" if mass >= 0.05 else "")
            label.set_y(min(mass, 1.0) + 0.02)
        self.ax.set_title(title or "posterior over DAGs (shaded blocks: equivalence classes, numbers: class mass)",
                          fontsize=9)


def draw_posterior(space, posterior, ax, true_index: int | None = None, title: str = "") -> PosteriorBars:
    """Draw :class:`PosteriorBars` for ``posterior`` on ``ax`` (lesson 02)."""
    bars = PosteriorBars(space, ax, true_index)
    bars.update(posterior, title)
    return bars


def render_posteriors(space, posteriors: dict, true_index: int | None = None):
    """One posterior panel per entry of ``posteriors`` (title -> probabilities) (lesson 02)."""
    from causal_course.viz.style import course_figure

    fig = course_figure(figsize=(10, 3.2 * len(posteriors)), layout="constrained")
    axes = fig.subplots(len(posteriors), 1, squeeze=False)[:, 0]
    for ax, (title, posterior) in zip(axes, posteriors.items()):
        draw_posterior(space, posterior, ax, true_index, title)
    return fig


def render_entropy_curves(result: dict):
    """Posterior entropy (bits) against samples, one line per strategy, mean with its 95 % interval over seeds
    (lesson 02).

    ``result`` is what :func:`causal_course.studies.structure.structure` returns (or its cached JSON).
    """
    from causal_course.viz.style import course_figure

    fig = course_figure(figsize=(6.5, 3.6), layout="constrained")
    ax = fig.subplots()
    samples = np.asarray(result["samples"])
    for strategy, records in result["entropy"].items():
        mean = np.array([r["mean"] for r in records], dtype=float)
        low = np.array([r["mean"] if r["low"] is None else r["low"] for r in records], dtype=float)
        high = np.array([r["mean"] if r["high"] is None else r["high"] for r in records], dtype=float)
        style = STRATEGY_STYLE[strategy]
        ax.plot(samples, mean, markersize=4, **style)
        ax.fill_between(samples, low, high, color=style["color"], alpha=0.2)
    ax.axhline(np.log2(25), color="0.5", linewidth=0.8)
    ax.text(samples[-1], np.log2(25) - 0.05, "no data: log2(25) = 4.64 bits", ha="right", va="top", fontsize=7)
    ax.set_xlabel("samples collected")
    ax.set_ylabel("posterior entropy (bits)")
    ax.set_ylim(bottom=0)
    n_seeds = len(result["seeds"])
    ax.set_title(f"How fast experiments pin down the DAG ({n_seeds} seeds, shaded: 95 % interval)", fontsize=10)
    ax.legend(fontsize=8)
    return fig


def render_information_gains(labels, gains, title: str = "expected information gain of the next experiment"):
    """Bars of expected information gain (bits) per candidate experiment; the best one hatched (lesson 02)."""
    from causal_course.viz.style import course_figure

    fig = course_figure(figsize=(5, 2.8), layout="constrained")
    ax = fig.subplots()
    gains = np.asarray(gains, dtype=float)
    bars = ax.bar(labels, gains, color=PALETTE["blue"], edgecolor="black")
    best = int(np.argmax(gains))
    bars[best].set_color(PALETTE["vermillion"])
    bars[best].set_hatch("//")
    bars[best].set_edgecolor("black")
    for x, g in enumerate(gains):
        ax.text(x, g + 0.02, f"{g:.2f}", ha="center", fontsize=8)
    ax.set_ylabel("bits")
    ax.set_title(title + " (hatched: the best)", fontsize=9)
    return fig


def render_blicket_posteriors(rules, panels: dict, true_rule=None):
    """Posterior over blicket rules, one panel per stage (title -> probabilities) (lesson 02)."""
    from causal_course.viz.style import course_figure

    fig = course_figure(figsize=(10, 2.6 * len(panels)), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    labels = [rule.label(list(NAMES)) for rule in rules]
    for ax, (title, posterior) in zip(axes, panels.items()):
        colours = [PALETTE["vermillion"] if rule == true_rule else PALETTE["blue"] for rule in rules]
        bars = ax.bar(range(len(rules)), posterior, color=colours, edgecolor="black", linewidth=0.4)
        if true_rule in rules:
            bars[rules.index(true_rule)].set_hatch("//")
        ax.set_xticks(range(len(rules)))
        ax.set_xticklabels(labels, rotation=30, ha="right", fontsize=7)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("probability")
        ax.set_title(title + ("  (hatched red: the true rule)" if true_rule in rules else ""), fontsize=9)
    return fig
