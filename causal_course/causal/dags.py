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

from causal_course.validation import (
    check_acyclic,
    check_integer,
    check_square,
    has_cycle,
    invalid,
    short_repr,
)

MAX_VARIABLES = 4  # 543 DAGs on 4 variables; 29,281 on 5 would make exact posteriors slow


def _check_n_variables(n_variables) -> int:
    return check_integer(n_variables, "n_variables", 1, MAX_VARIABLES,
                         expected=f"an integer from 1 to {MAX_VARIABLES} (every DAG is listed, and their number grows "
                                  "super-exponentially)", fix="pass n_variables=3")


def as_adjacency(adjacency, what: str = "adjacency") -> np.ndarray:
    """``adjacency`` as a square boolean matrix without self-loops, or a clear error (lesson 02).

    Any directed graph passes (cycles too: see :func:`is_acyclic`); :func:`as_dag` also
    refuses cycles.
    """
    array = np.asarray(adjacency)
    if array.dtype != bool:
        array = check_square(array, what) != 0
    else:
        check_square(array, what)
    if np.any(np.diag(array)):
        loop = int(np.flatnonzero(np.diag(array))[0])
        raise invalid(what, "free of self-loops (a False diagonal)", f"a self-loop on variable {loop}",
                      f"a variable cannot cause itself here: set {what}[{loop}, {loop}] to 0")
    return array


def as_dag(adjacency, what: str = "adjacency") -> np.ndarray:
    """``adjacency`` as a square boolean matrix of a DAG, or an error that names a cycle (lesson 02)."""
    array = as_adjacency(adjacency, what)
    check_acyclic(array, what)
    return array


def is_acyclic(adjacency) -> bool:
    """True when the directed graph has no directed cycle (lesson 02)."""
    return not bool(has_cycle(as_adjacency(adjacency)))


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
        if not has_cycle(adjacency):
            dags.append(adjacency)
    dags.sort(key=lambda a: (int(a.sum()), tuple((-a.astype(int)).ravel())))
    return dags


def skeleton(adjacency) -> np.ndarray:
    """The undirected edges: a symmetric boolean matrix (lesson 02)."""
    adjacency = as_adjacency(adjacency)
    return adjacency | adjacency.T


def v_structures(adjacency) -> set[tuple[int, int, int]]:
    """Every ``(a, c, b)`` with ``a -> c <- b``, ``a < b`` and no edge between a and b (lesson 02)."""
    return _v_structures(as_dag(adjacency))


def _v_structures(adjacency: np.ndarray) -> set[tuple[int, int, int]]:
    linked = adjacency | adjacency.T
    found = set()
    for c in range(len(adjacency)):
        parents = np.flatnonzero(adjacency[:, c])
        for a, b in itertools.combinations(parents, 2):
            if not linked[a, b]:
                found.add((int(a), c, int(b)))
    return found


def markov_equivalent(first, second) -> bool:
    """True when two DAGs imply the same conditional independences (lesson 02)."""
    first, second = as_dag(first, "first"), as_dag(second, "second")
    if first.shape != second.shape:
        raise invalid("first and second", "DAGs on the same variables",
                      f"different numbers of variables: {first.shape} and {second.shape}",
                      "compare graphs of the same size")
    return _markov_equivalent(first, second)


def _markov_equivalent(first: np.ndarray, second: np.ndarray) -> bool:
    return bool(np.array_equal(first | first.T, second | second.T) and _v_structures(first) == _v_structures(second))


def equivalence_classes(dags) -> list[list[int]]:
    """Group DAGs (a list of adjacency matrices) into Markov equivalence classes of indices (lesson 02).

    Classes come in the order of their first member; there are 11 classes among the 25 DAGs on
    3 variables.
    """
    dags = [as_dag(dag, f"dags[{k}]") for k, dag in enumerate(dags)]
    classes: list[list[int]] = []
    for index, dag in enumerate(dags):
        for members in classes:
            if dags[members[0]].shape == dag.shape and _markov_equivalent(dags[members[0]], dag):
                members.append(index)
                break
        else:
            classes.append([index])
    return classes


def class_of(dags, classes) -> np.ndarray:
    """For each DAG, the index of its equivalence class (lesson 02).

    ``classes`` (from :func:`equivalence_classes`) must hold every index of ``dags`` exactly once.
    """
    members = [int(i) for group in classes for i in group]
    if sorted(members) != list(range(len(dags))):
        raise invalid("classes", f"a partition of the DAG indices 0 to {len(dags) - 1} (each exactly once)",
                      short_repr(classes), "pass the classes that equivalence_classes(dags) returns")
    labels = np.empty(len(dags), dtype=int)
    for k, group in enumerate(classes):
        labels[group] = k
    return labels


def dag_label(adjacency, names=None) -> str:
    """A short text for a DAG, such as ``'A→B, B→C'`` (or ``'no edges'``) (lesson 02)."""
    adjacency = as_adjacency(adjacency)
    names = list(names) if names is not None else [chr(ord("A") + i) for i in range(len(adjacency))]
    if len(names) != len(adjacency):
        raise invalid("names", f"one name per variable ({len(adjacency)} names)", f"{len(names)} names",
                      "pass as many names as the matrix has rows")
    edges = [f"{names[i]}→{names[j]}" for i, j in zip(*np.nonzero(adjacency))]
    return ", ".join(edges) if edges else "no edges"
