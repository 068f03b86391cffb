"""DAG helpers: random DAG weights and their networkx graphs (drawing is :mod:`causal_course.viz.dags`).

Introduced in lesson 01; used by every lesson that shows a causal graph.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from causal_course.validation import check_finite_array, check_positive_count, check_rng, check_square, invalid


def random_weights(n_variables: int, rng: np.random.Generator, weight_values=(-1.0, 0.0, 1.0)) -> np.ndarray:
    """Weights of a random DAG on ``n_variables`` (lesson 01).

    The variables are put in a random order; every edge that goes forward in that order gets a
    weight drawn uniformly from ``weight_values`` (0 means no edge). So the matrix is strictly
    upper-triangular after a random permutation of the variables.
    """
    rng = check_rng(rng)
    n_variables = check_positive_count(n_variables, "n_variables", 3)
    values = check_finite_array(weight_values, "weight_values")
    if values.ndim != 1 or values.size == 0:
        raise invalid("weight_values", "a non-empty list of finite numbers", repr(weight_values),
                      "pass for instance weight_values=(-1.0, 0.0, 1.0)")
    upper = np.triu(rng.choice(values, size=(n_variables, n_variables)), k=1)
    order = rng.permutation(n_variables)
    weights = np.zeros((n_variables, n_variables))
    weights[np.ix_(order, order)] = upper
    return weights


def weights_to_graph(weights, names=None) -> nx.DiGraph:
    """A networkx DiGraph with a ``weight`` on each edge ``i -> j`` where ``weights[i, j] != 0`` (lesson 01)."""
    weights = check_square(weights, "weights")
    if names is None:
        names = [f"X{i}" for i in range(weights.shape[0])]
    names = list(names)
    if len(names) != weights.shape[0] or len(set(names)) != len(names):
        raise invalid("names", f"{weights.shape[0]} different names, one per row of weights",
                      f"{len(names)} names with {len(set(names))} different", "give each variable its own name")
    graph = nx.DiGraph()
    graph.add_nodes_from(names)
    for i, j in zip(*np.nonzero(weights)):
        graph.add_edge(names[i], names[j], weight=float(weights[i, j]))
    return graph


