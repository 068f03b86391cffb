"""Every DAG on a few labelled variables, and their Markov equivalence classes.

Introduced in lesson 02 (experiments reveal structure). A DAG is an ``(n, n)`` boolean adjacency
matrix with ``adjacency[i, j]`` True for the edge ``i -> j`` (the course's ``weights[i, j]``
convention without the weights). Two DAGs are Markov equivalent, so that no amount of
observational data can tell them apart, exactly when they have the same skeleton and the same
v-structures (Verma and Pearl, 1990).
"""

from __future__ import annotations

import itertools

import numpy as np

MAX_VARIABLES = 4  # 543 DAGs on 4 variables; 29,281 on 5 would make exact posteriors slow


def _check_n_variables(n_variables) -> int:
    if isinstance(n_variables, bool) or not isinstance(n_variables, (int, np.integer)):
        raise TypeError(f"n_variables must be an integer from 1 to {MAX_VARIABLES}, got {type(n_variables).__name__}.")
    if not 1 <= n_variables <= MAX_VARIABLES:
        raise ValueError(f"n_variables must be from 1 to {MAX_VARIABLES} (every DAG is listed, and their number grows "
                         f"super-exponentially), got {n_variables}.")
    return int(n_variables)


def as_adjacency(adjacency, what: str = "adjacency") -> np.ndarray:
    """``adjacency`` as a square boolean matrix, or a clear error (lesson 02)."""
    array = np.asarray(adjacency)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise ValueError(f"{what} must be a square (n, n) matrix with {what}[i, j] for the edge i -> j, "
                         f"got shape {array.shape}.")
    if array.dtype != bool:
        if not np.all(np.isfinite(array.astype(float))):
            raise ValueError(f"{what} contains NaN or inf.")
        array = array != 0
    if np.any(np.diag(array)):
        raise ValueError(f"{what} has a self-loop (a True on its diagonal); a variable cannot cause itself here.")
    return array


def is_acyclic(adjacency) -> bool:
    """True when the directed graph has no directed cycle (lesson 02)."""
    remaining = as_adjacency(adjacency).copy()
    alive = np.ones(len(remaining), dtype=bool)
    while alive.any():
        sources = alive & ~remaining.any(axis=0)  # alive variables with no edge from an alive one
        if not sources.any():
            return False
        alive &= ~sources
        remaining[sources, :] = False
    return True


def all_dags(n_variables: int = 3) -> list[np.ndarray]:
    """Every DAG on ``n_variables`` labelled variables, fewest edges first (lesson 02).

    There are 1, 3, 25 and 543 of them on 1, 2, 3 and 4 variables.
    """
    n = _check_n_variables(n_variables)
    pairs = list(itertools.combinations(range(n), 2))
    dags = []
    for states in itertools.product((0, 1, -1), repeat=len(pairs)):  # no edge, i -> j, j -> i
        adjacency = np.zeros((n, n), dtype=bool)
        for (i, j), state in zip(pairs, states):
            if state == 1:
                adjacency[i, j] = True
            elif state == -1:
                adjacency[j, i] = True
        if is_acyclic(adjacency):
            dags.append(adjacency)
    dags.sort(key=lambda a: (int(a.sum()), tuple((-a.astype(int)).ravel())))
    return dags


def skeleton(adjacency) -> np.ndarray:
    """The undirected edges: a symmetric boolean matrix (lesson 02)."""
    adjacency = as_adjacency(adjacency)
    return adjacency | adjacency.T


def v_structures(adjacency) -> set[tuple[int, int, int]]:
    """Every ``(a, c, b)`` with ``a -> c <- b``, ``a < b`` and no edge between a and b (lesson 02)."""
    adjacency = as_adjacency(adjacency)
    linked = skeleton(adjacency)
    found = set()
    for c in range(len(adjacency)):
        parents = np.flatnonzero(adjacency[:, c])
        for a, b in itertools.combinations(parents, 2):
            if not linked[a, b]:
                found.add((int(a), c, int(b)))
    return found


def markov_equivalent(first, second) -> bool:
    """True when two DAGs imply the same conditional independences (lesson 02)."""
    first, second = as_adjacency(first, "first"), as_adjacency(second, "second")
    if first.shape != second.shape:
        raise ValueError(f"the two DAGs have different numbers of variables: {first.shape} and {second.shape}.")
    return bool(np.array_equal(skeleton(first), skeleton(second)) and v_structures(first) == v_structures(second))


def equivalence_classes(dags) -> list[list[int]]:
    """Group DAGs (a list of adjacency matrices) into Markov equivalence classes of indices (lesson 02).

    Classes come in the order of their first member; there are 11 classes among the 25 DAGs on
    3 variables.
    """
    classes: list[list[int]] = []
    for index, dag in enumerate(dags):
        for members in classes:
            if markov_equivalent(dags[members[0]], dag):
                members.append(index)
                break
        else:
            classes.append([index])
    return classes


def class_of(dags, classes) -> np.ndarray:
    """For each DAG, the index of its equivalence class (lesson 02)."""
    labels = np.empty(len(dags), dtype=int)
    for k, members in enumerate(classes):
        labels[members] = k
    return labels


def dag_label(adjacency, names=None) -> str:
    """A short text for a DAG, such as ``'A→B, B→C'`` (or ``'no edges'``) (lesson 02)."""
    adjacency = as_adjacency(adjacency)
    names = names or [chr(ord("A") + i) for i in range(len(adjacency))]
    edges = [f"{names[i]}→{names[j]}" for i, j in zip(*np.nonzero(adjacency))]
    return ", ".join(edges) if edges else "no edges"
