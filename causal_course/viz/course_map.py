"""The course map (lesson 00): the lessons as boxes, an arrow wherever one lesson's idea feeds another's.

The boxes come from the lesson registry (:data:`causal_course.lessons.LESSONS`); the arrows and their
labels are declared here (:data:`EDGES`), and so is the layout, by hand, in rows read top to bottom
(:data:`POSITIONS`). The same figure opens lesson 00, heads the README (``docs/course_map.png``,
written by ``scripts/course_map.py``) and shows on the course site.
"""

from __future__ import annotations

import hashlib
import json
import textwrap

import networkx as nx

from causal_course.lessons import LESSONS
from causal_course.viz.style import PALETTE, course_figure

# (from, to, why): lesson `from` supplies an idea that lesson `to` builds on; the label says which.
EDGES = (
    (0, 1, "setup and\nconventions"),
    (1, 2, "interventions\ncut arrows"),
    (1, 3, "passive is not\nobservational"),
    (2, 3, "experiments\norient edges"),
    (3, 4, "logs of experimenters\nand observers"),
    (3, 5, "add an\nexplanation head"),
    (5, 6, "explanations\npick a feature"),
    (3, 7, "imitators\nthat act"),
    (4, 7, "source tags ~\nreturn-conditioning"),
    (3, 8, "a language model\nreads experiments"),
    (7, 8, "on-policy data,\nRLHF"),
)

# Edges to lessons being written: drawn once the registry lists both ends (none at present).
PLANNED_EDGES = ()

# lesson -> (x, y) of its box's centre, in inches from the top-left of the drawing area; rows from the top.
POSITIONS = {
    0: (3.7, 0.45),
    1: (1.55, 1.85), 2: (5.85, 1.85),
    3: (3.7, 3.45),
    4: (1.35, 5.05), 5: (6.05, 5.05),
    7: (2.8, 6.65), 6: (6.05, 6.65),
    8: (5.0, 8.05),
}
# label positions that differ from an edge's midpoint (so that no label meets another, or a box)
LABEL_AT = {(3, 7): (3.25, 5.05), (3, 8): (4.39, 5.9)}
SPAN = 7.4  # the drawing's width in inches before scaling to ``width``

BOX_WIDTH, BOX_HEIGHT, WRAP = 2.5, 0.72, 24


def course_edges(lessons=LESSONS) -> tuple:
    """The map's edges for the registered ``lessons`` (lesson 00): :data:`EDGES`, plus each planned edge whose
    two lessons are registered."""
    numbers = {entry.number for entry in lessons}
    return EDGES + tuple(edge for edge in PLANNED_EDGES if edge[0] in numbers and edge[1] in numbers)


def course_map_graph(lessons=LESSONS, edges=None) -> nx.DiGraph:
    """The course map as a networkx DiGraph (lesson 00): a node per lesson (its number, with ``title`` and
    ``question``) and an edge per declared link (with its ``label``).

    Raises ``ValueError`` when an edge names a lesson the registry does not hold, when a lesson has no place
    in :data:`POSITIONS`, or when the links form a cycle.
    """
    edges = course_edges(lessons) if edges is None else tuple(edges)
    graph = nx.DiGraph()
    for entry in lessons:
        if entry.number not in POSITIONS:
            raise ValueError(f"lesson {entry.code} ({entry.slug}) has no place on the course map: add it to "
                             "POSITIONS in causal_course/viz/course_map.py")
        graph.add_node(entry.number, title=entry.title, question=entry.question, code=entry.code)
    for source, target, label in edges:
        unknown = [number for number in (source, target) if number not in graph]
        if unknown:
            raise ValueError(f"the course-map edge {source:02d} -> {target:02d} ({label!r}) names lesson "
                             f"{unknown[0]:02d}, which is not in the lesson registry (causal_course/lessons.py); "
                             f"the lessons are {sorted(graph)}")
        graph.add_edge(source, target, label=label)
    if not nx.is_directed_acyclic_graph(graph):
        raise ValueError(f"the course-map edges form a cycle: {nx.find_cycle(graph)}")
    return graph


def course_map_fingerprint(lessons=LESSONS, edges=None) -> str:
    """A hash of what the course map shows (lesson 00): titles, edges, labels and layout. ``docs/course_map.png``
    records it, so a test can tell when the committed picture is out of date with the registry."""
    graph = course_map_graph(lessons, edges)
    content = {"boxes": [[n, graph.nodes[n]["title"], POSITIONS[n]] for n in sorted(graph)],
               "edges": sorted([s, t, graph.edges[s, t]["label"]] for s, t in graph.edges),
               "labels": sorted([list(k), list(v)] for k, v in LABEL_AT.items()),
               "box": [BOX_WIDTH, BOX_HEIGHT, WRAP]}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]


def render_course_map(lessons=LESSONS, edges=None, width: float = SPAN):
    """The course map (lesson 00): one box per registered lesson (its number and short title), an arrow
    labelled with the idea it carries wherever one lesson feeds another.

    ``lessons`` defaults to the registry and ``edges`` to :func:`course_edges`; an edge to an unknown lesson
    raises ``ValueError``. The layout is fixed by hand (:data:`POSITIONS`), rows read top to bottom. Returns a
    matplotlib Figure ``width`` inches wide that shows itself in a notebook.
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    graph = course_map_graph(lessons, edges)
    top = min(POSITIONS[n][1] for n in graph) - BOX_HEIGHT / 2 - 0.15
    bottom = max(POSITIONS[n][1] for n in graph) + BOX_HEIGHT / 2 + 0.15
    fig = course_figure(figsize=(width, width * (bottom - top) / SPAN))
    ax = fig.add_axes([0.0, 0.0, 1.0, 1.0])
    ax.set_xlim(0.0, SPAN)
    ax.set_ylim(bottom, top)
    ax.set_axis_off()
    ax.set_title("The course map: the lessons as boxes, an arrow from each lesson to each lesson that builds on its idea")
    ax.title.set_visible(False)  # the title is the alt text only

    boxes = {}
    for number in graph:
        x, y = POSITIONS[number]
        start = number == 0
        box = FancyBboxPatch((x - BOX_WIDTH / 2, y - BOX_HEIGHT / 2), BOX_WIDTH, BOX_HEIGHT,
                             boxstyle="round,pad=0.02,rounding_size=0.12", linewidth=1.4,
                             facecolor="white" if start else "#EAF4FB",
                             edgecolor=PALETTE["black"] if start else PALETTE["blue"],
                             linestyle="--" if start else "-", zorder=2)
        ax.add_patch(box)
        boxes[number] = box
        label = textwrap.fill(f"{graph.nodes[number]['code']} · {graph.nodes[number]['title']}", WRAP)
        ax.text(x, y, label,
                ha="center", va="center", fontsize=10, fontweight="bold", zorder=3, linespacing=1.15)

    for source, target in graph.edges:
        arrow = FancyArrowPatch(POSITIONS[source], POSITIONS[target], patchA=boxes[source], patchB=boxes[target],
                                arrowstyle="-|>,head_length=0.5,head_width=0.25", mutation_scale=12,
                                shrinkA=2, shrinkB=2,
                                color=PALETTE["black"],
                                linewidth=1.2, zorder=1)
        ax.add_patch(arrow)
        (x0, y0), (x1, y1) = POSITIONS[source], POSITIONS[target]
        lx, ly = LABEL_AT.get((source, target), ((x0 + x1) / 2, (y0 + y1) / 2))
        ax.text(lx, ly, graph.edges[source, target]["label"], ha="center", va="center", fontsize=8.5,
                fontstyle="italic", color="#333333", zorder=4, linespacing=1.1,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
    return fig
