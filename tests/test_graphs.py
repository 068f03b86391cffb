import matplotlib

matplotlib.use("Agg")

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from causal_course.causal.graphs import random_weights, weights_to_graph  # noqa: E402
from causal_course.causal.scm import LinearGaussianSCM  # noqa: E402
from causal_course.viz.dags import draw_dag, edge_bend, layered_layout  # noqa: E402
from causal_course.worlds.tutoring import tutoring_scm  # noqa: E402


def test_random_weights_are_acyclic_with_allowed_values():
    rng = np.random.default_rng(0)
    seen_orders = set()
    for _ in range(50):
        weights = random_weights(5, rng)
        assert set(np.unique(weights)) <= {-1.0, 0.0, 1.0}
        graph = weights_to_graph(weights)
        assert nx.is_directed_acyclic_graph(graph)
        seen_orders.add(tuple(nx.topological_sort(graph)))
    assert len(seen_orders) > 10  # the causal order is random, not always X0, X1, ...


def test_random_weights_reproducible_and_validated():
    a = random_weights(4, np.random.default_rng(3))
    assert np.array_equal(a, random_weights(4, np.random.default_rng(3)))
    with pytest.raises(ValueError, match="positive integer"):
        random_weights(0, np.random.default_rng(0))
    with pytest.raises(TypeError, match="Generator"):
        random_weights(3, 42)


def test_layout_puts_causes_left_of_effects():
    model = tutoring_scm()
    positions = layered_layout(model.graph)
    assert positions["motivation"][0] < positions["tutoring"][0] < positions["score"][0]


def test_draw_dag_shows_weights_and_intervened_nodes():
    fig = Figure()
    ax = fig.add_subplot()
    draw_dag(tutoring_scm().do({"tutoring": 1.0}), ax=ax, title="t")
    texts = [t.get_text() for t in ax.texts]
    assert "do(tutoring)" in texts and "motivation" in texts
    assert "+0.5" in texts  # the edge tutoring -> score keeps its weight
    assert "+0.8" not in texts  # the edge into tutoring is cut by do


def test_draw_dag_rejects_bad_input():
    with pytest.raises(TypeError, match="LinearGaussianSCM"):
        draw_dag([[0, 1], [0, 0]])
    with pytest.raises(ValueError, match="unknown"):
        draw_dag(LinearGaussianSCM.from_weights(np.zeros((2, 2))), intervened=["Q"], ax=Figure().add_subplot())


def _drawn_arrows(ax, positions):
    """``(source, target, outline)`` of each drawn arrow: its outline in data units (curves flattened), from near
    the source to the tip; source and target are the nodes nearest its two ends."""
    from matplotlib.patches import FancyArrowPatch

    ax.figure.canvas.draw()
    arrows = []
    for patch in ax.patches:
        if not isinstance(patch, FancyArrowPatch):
            continue
        path = np.concatenate(patch.get_path().to_polygons(closed_only=False))
        start, tip = path[0], path[np.argmax(np.hypot(*(path - path[0]).T))]
        source = min(positions, key=lambda n: np.hypot(*(np.array(positions[n]) - start)))
        target = min(positions, key=lambda n: np.hypot(*(np.array(positions[n]) - tip)))
        arrows.append((source, target, path))
    return arrows


def _arrow_distances(ax, positions):
    """For each drawn arrow: the smallest distance (data units) from its path to a node it does not touch."""
    distances = {}
    for source, target, path in _drawn_arrows(ax, positions):
        others = [np.array(p) for n, p in positions.items() if n not in (source, target)]
        distances[(source, target)] = min(np.hypot(*(path - o).T).min() for o in others)
    return distances


def test_an_arrow_never_runs_through_a_variable_it_does_not_touch():
    # seen in lesson 03's episode inspector: X0 -> X3 ran straight through X1
    weights = np.zeros((5, 5))
    for i, j in [(0, 1), (0, 2), (0, 3), (1, 3), (2, 3)]:
        weights[i, j] = 1.0
    graph = weights_to_graph(weights, [f"X{i}" for i in range(5)])
    positions = layered_layout(graph)
    assert edge_bend(positions, "X0", "X3") != 0.0
    assert all(edge_bend(positions, u, v) == 0.0 for u, v in graph.edges if (u, v) != ("X0", "X3"))
    fig = Figure(figsize=(4, 3))
    ax = draw_dag(graph, ax=fig.add_subplot())
    distances = _arrow_distances(ax, positions)
    assert len(distances) == graph.number_of_edges()
    assert min(distances.values()) > 0.15, distances
    # the straight drawing would have touched X1
    straight = np.array(positions["X1"]) - np.array(positions["X0"])
    direction = np.array(positions["X3"]) - np.array(positions["X0"])
    assert abs(direction[0] * straight[1] - direction[1] * straight[0]) / np.hypot(*direction) < 0.15


def test_edge_bend_bends_away_from_the_node_in_the_way():
    positions = {"A": (0.0, 0.0), "B": (1.0, 0.1), "C": (2.0, 0.0)}
    assert edge_bend(positions, "A", "C") > 0  # B is left of travel (above): bend right (down)
    positions["B"] = (1.0, -0.1)
    assert edge_bend(positions, "A", "C") < 0
    positions["B"] = (1.0, 1.0)
    assert edge_bend(positions, "A", "C") == 0.0


def test_diagonal_arrows_stop_at_the_label_box_not_short_of_it():
    # the margins once assumed every arrow left a label sideways: diagonal arrows of the tutoring DAG
    # (lesson 01) were stubs under their weight labels
    model = tutoring_scm()
    positions = layered_layout(model.graph)
    fig = Figure(figsize=(4, 3))
    ax = draw_dag(model, ax=fig.add_subplot())
    ratios = []
    for source, target, path in _drawn_arrows(ax, positions):
        tip = path[np.argmax(np.hypot(*(path - path[0]).T))]
        centres = np.hypot(*(np.array(positions[target]) - np.array(positions[source])))
        ratios.append(np.hypot(*(tip - path[0])) / centres)
    assert len(ratios) == 3 and min(ratios) > 0.6, ratios
