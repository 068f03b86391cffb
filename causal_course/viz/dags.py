"""Drawing causal DAGs with networkx + matplotlib: a layered layout, bent edges, weights as labels.

Introduced in lesson 01; used by every lesson that shows a causal graph.
"""

from __future__ import annotations

import math

import networkx as nx

from causal_course.viz.style import PALETTE


def layered_layout(graph: nx.DiGraph) -> dict:
    """Positions that put causes left of their effects: one column per topological generation.

    Lone nodes in consecutive columns zig-zag up and down so that an edge that skips a column
    (``A -> C`` beside ``A -> B -> C``) does not run hidden behind the middle node.
    """
    positions = {}
    generations = list(nx.topological_generations(graph))
    for column, generation in enumerate(generations):
        generation = sorted(generation, key=str)
        if len(generation) == 1 and len(generations) > 2:
            positions[generation[0]] = (float(column), 0.4 if column % 2 == 0 else -0.4)
            continue
        for row, node in enumerate(generation):
            positions[node] = (float(column), -(row - (len(generation) - 1) / 2.0))
    return positions


def edge_bend(positions: dict, source, target, clearance: float = 0.3, rad: float = 0.3) -> float:
    """Curvature for drawing ``source -> target`` (lesson 01): 0 for a straight arrow, or ``±rad`` when the
    straight line would pass within ``clearance`` of another node, bending away from it, so an arrow never
    seems to run through a variable it does not touch.

    The sign follows matplotlib's ``arc3`` connection style: positive bends to the right of the
    direction of travel.
    """
    (x0, y0), (x1, y1) = positions[source], positions[target]
    dx, dy = x1 - x0, y1 - y0
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return 0.0
    for node, (x, y) in positions.items():
        if node in (source, target):
            continue
        along = ((x - x0) * dx + (y - y0) * dy) / length2
        if not 0.0 < along < 1.0:
            continue
        if math.hypot(x - (x0 + along * dx), y - (y0 + along * dy)) < clearance:
            left_of_travel = dx * (y - y0) - dy * (x - x0) > 0
            return rad if left_of_travel else -rad
    return 0.0


def _label_margin(label: str, font_size: float, direction=(1.0, 0.0)) -> float:
    """Points between a node's centre and where an arrow in ``direction`` (in points) leaves its label box,
    plus a small gap, so arrows stop at the box whatever their angle."""
    padding = 0.5 * font_size  # the label box's padding
    half_width, half_height = 0.3 * font_size * len(label) + padding, 0.5 * font_size + padding
    dx, dy = abs(direction[0]), abs(direction[1])
    norm = math.hypot(dx, dy) or 1.0
    reach = min(half_width / (dx / norm) if dx else math.inf, half_height / (dy / norm) if dy else math.inf)
    return reach + 4.0


def draw_dag(model_or_graph, ax=None, intervened=None, title: str | None = None, positions=None,
             font_size: float = 9.0):
    """Draw a causal DAG with its edge weights; intervened variables are orange squares marked ``do`` (lesson 01).

    ``model_or_graph`` is a :class:`~causal_course.causal.scm.LinearGaussianSCM` (its ``do`` variables are
    shown as intervened) or a networkx DiGraph. ``intervened`` adds variables (names) to mark.
    Positive weights are solid blue arrows, negative ones dashed vermillion, each labelled with
    its value, so colour is never the only cue. Returns the matplotlib Axes.
    """
    if hasattr(model_or_graph, "graph") and hasattr(model_or_graph, "intervened"):
        graph = model_or_graph.graph
        marked = {model_or_graph.names[i] for i in model_or_graph.intervened}
    elif isinstance(model_or_graph, nx.DiGraph):
        graph = model_or_graph
        marked = set()
    else:
        raise TypeError(
            f"draw_dag needs a LinearGaussianSCM or a networkx.DiGraph, got {type(model_or_graph).__name__}."
        )
    unknown = set(intervened or ()) - set(graph.nodes)
    if unknown:
        raise ValueError(f"cannot mark unknown variables {sorted(map(str, unknown))}; the graph has {list(graph.nodes)}.")
    marked |= set(intervened or ())
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4, 3))
    positions = positions or layered_layout(graph)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    # points per data unit along x and y, so arrows can stop at the label boxes whatever their angle
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    points_per_x = ax.bbox.width * 72.0 / ax.figure.dpi / (x_high - x_low)
    points_per_y = ax.bbox.height * 72.0 / ax.figure.dpi / (y_high - y_low)
    labels = {n: (f"do({n})" if n in marked else str(n)) for n in graph.nodes}
    for node in graph.nodes:
        box = (dict(boxstyle="square,pad=0.5", facecolor=PALETTE["orange"], edgecolor="black", linewidth=2.0)
               if node in marked else
               dict(boxstyle="round,pad=0.5", facecolor=PALETTE["sky"], edgecolor="black", linewidth=1.0))
        x, y = positions[node]
        ax.text(x, y, labels[node], ha="center", va="center", fontsize=font_size, bbox=box, zorder=3)
    for source, target, weight in graph.edges(data="weight", default=1.0):
        negative = weight < 0
        # an edge that would pass through another variable is drawn as an arc around it
        connection = f"arc3,rad={edge_bend(positions, source, target)}"
        direction = ((positions[target][0] - positions[source][0]) * points_per_x,
                     (positions[target][1] - positions[source][1]) * points_per_y)
        nx.draw_networkx_edges(
            graph, positions, edgelist=[(source, target)], ax=ax, arrows=True, arrowsize=16, width=2.0,
            edge_color=PALETTE["vermillion"] if negative else PALETTE["blue"],
            style="dashed" if negative else "solid", connectionstyle=connection,
            min_source_margin=_label_margin(labels[source], font_size, direction),
            min_target_margin=_label_margin(labels[target], font_size, direction),
        )
        nx.draw_networkx_edge_labels(graph, positions, edge_labels={(source, target): f"{weight:+.2g}"},
                                     font_size=font_size - 1, ax=ax, connectionstyle=connection)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax
