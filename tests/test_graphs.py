import matplotlib

matplotlib.use("Agg")

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from causal_course.graphs import draw_dag, layered_layout, random_weights, weights_to_graph  # noqa: E402
from causal_course.scm import LinearGaussianSCM  # noqa: E402
from causal_course.tutoring import tutoring_scm  # noqa: E402


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
