"""Linear-Gaussian structural causal models: ``sample``, ``do``, ``counterfactual``.

Introduced in lesson 01 (*Seeing vs doing*). Conventions used throughout the course:

* variables are named (``"Z"``, ``"T"``, ``"Y"`` or ``"X0"``, ``"X1"``, ...) and also have an
  index, their position in ``scm.names``; wherever a variable is asked for, either works;
* ``weights[i, j]`` is the weight of the edge ``i -> j`` (0 means no edge);
* ``X`` is a data matrix with one row per sample and one column per variable;
* ``do={index_or_name: value}`` is a hard intervention;
* ``rng`` is a ``numpy.random.Generator``; the same seed gives the same numbers.

Each variable follows ``X_j = intercept_j + sum_i weights[i, j] * X_i + noise_j`` with
``noise_j ~ Normal(0, noise_sd_j**2)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np

from causal_course.causal.graphs import weights_to_graph
from causal_course.validation import (
    check_acyclic,
    check_do,
    check_finite_array,
    check_finite_number,
    check_n_samples,
    check_rng,
    check_square,
    check_variable_names,
    find_cycle,
    invalid,
    variable_index,
)


def _broadcast_per_variable(value, n_variables: int, what: str) -> np.ndarray:
    array = check_finite_array(value, what)
    if array.ndim == 0:
        return np.full(n_variables, float(array))
    if array.shape != (n_variables,):
        raise invalid(what, f"one number or one number per variable (shape ({n_variables},))",
                      f"shape {array.shape}", "pass a single number or a list in the order of the variables")
    return array.copy()


def find_cycle_message(graph: nx.DiGraph) -> str | None:
    """Describe one cycle of ``graph`` as ``"A -> B -> A"``, or return None for a DAG (lesson 01)."""
    names = list(graph.nodes)
    index = {name: i for i, name in enumerate(names)}
    adjacency = np.zeros((len(names), len(names)), dtype=bool)
    for source, target in graph.edges:
        adjacency[index[source], index[target]] = True
    cycle = find_cycle(adjacency)
    return None if cycle is None else " -> ".join(str(names[i]) for i in cycle)


class LinearGaussianSCM:
    """A linear-Gaussian structural causal model on a DAG (lesson 01).

    Build one from a networkx DAG whose edges carry a ``weight`` attribute::

        graph = nx.DiGraph()
        graph.add_weighted_edges_from([("Z", "T", 0.8), ("Z", "Y", 1.0), ("T", "Y", 0.5)])
        scm = LinearGaussianSCM(graph, noise_sd=1.0)

    or from a weight matrix with :meth:`from_weights`. The model is immutable: :meth:`do`
    returns a new, mutilated model.

    Names are strings (or integers equal to their own positions): wherever a variable is asked
    for, an integer means its index, so names such as ``[1, 0, 2]`` are refused.
    """

    def __init__(self, graph: nx.DiGraph, noise_sd=1.0, intercepts=0.0):
        if not isinstance(graph, nx.DiGraph):
            raise invalid("graph", "a networkx.DiGraph", type(graph).__name__,
                          "build one with nx.DiGraph() and add_weighted_edges_from, "
                          "or use LinearGaussianSCM.from_weights(weights)", TypeError)
        cycle = find_cycle_message(graph)
        if cycle is not None:
            raise invalid("graph", "acyclic (a structural causal model needs a directed acyclic graph)",
                          f"the cycle {cycle}", "remove one edge of the cycle")
        names = check_variable_names(graph.nodes, "the graph's nodes (the variable names)")
        if not names:
            raise invalid("graph", "a graph with at least one variable", "no nodes", "add at least one node")
        index = {name: i for i, name in enumerate(names)}
        weights = np.zeros((len(names), len(names)))
        for source, target, data in graph.edges(data=True):
            weight = data.get("weight", 1.0)
            weights[index[source], index[target]] = check_finite_number(
                weight, f"the weight of edge {source} -> {target}"
            )
        self._names = names
        self._index = index
        self._weights = weights
        self._noise_sd = _broadcast_per_variable(noise_sd, len(names), "noise_sd")
        if np.any(self._noise_sd < 0):
            raise invalid("noise_sd", ">= 0 for every variable (it is a standard deviation)",
                          self._noise_sd.min(), "pass non-negative standard deviations")
        self._intercepts = _broadcast_per_variable(intercepts, len(names), "intercepts")
        self._order = [index[name] for name in nx.topological_sort(graph)]
        self._intervened: dict[int, float] = {}

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_weights(cls, weights, names: Sequence | None = None, noise_sd=1.0, intercepts=0.0):
        """Build a model from ``weights[i, j]`` = weight of the edge ``i -> j`` (lesson 01).

        ``names`` defaults to ``["X0", "X1", ...]``; they must be unique, and an integer name must
        equal its position (so that ``do={0: ...}`` cannot mean two variables).
        """
        weights = check_square(weights, "weights", fix="pass one row and one column per variable")
        n_variables = weights.shape[0]
        if names is None:
            names = [f"X{i}" for i in range(n_variables)]
        names = check_variable_names(names)
        if len(names) != n_variables:
            raise invalid("names", f"one name per row of weights ({n_variables} names)", f"{len(names)} names",
                          "give one name per variable")
        check_acyclic(weights, "weights", names)
        return cls(weights_to_graph(weights, names), noise_sd=noise_sd, intercepts=intercepts)

    # ------------------------------------------------------------------ properties
    @property
    def names(self) -> list:
        """Variable names, in column order of every data matrix ``X``."""
        return list(self._names)

    @property
    def n_variables(self) -> int:
        return len(self._names)

    @property
    def weights(self) -> np.ndarray:
        """A copy of the weight matrix: ``weights[i, j]`` is the edge ``i -> j``."""
        return self._weights.copy()

    @property
    def noise_sd(self) -> np.ndarray:
        return self._noise_sd.copy()

    @property
    def intercepts(self) -> np.ndarray:
        return self._intercepts.copy()

    @property
    def intervened(self) -> dict:
        """``{index: value}`` of the variables this model holds fixed (empty unless made by :meth:`do`)."""
        return dict(self._intervened)

    @property
    def graph(self) -> nx.DiGraph:
        """The causal graph as a networkx DiGraph with ``weight`` edge attributes."""
        return weights_to_graph(self._weights, self._names)

    def index(self, variable) -> int:
        """The column index of ``variable`` (a name or an index) in this model (lesson 01)."""
        return variable_index(variable, self._names, self._index)

    def __repr__(self) -> str:
        edges = ", ".join(
            f"{self._names[i]}->{self._names[j]}:{self._weights[i, j]:+g}"
            for i, j in zip(*np.nonzero(self._weights))
        )
        do = ""
        if self._intervened:
            do = ", do=" + str({self._names[i]: v for i, v in self._intervened.items()})
        return f"LinearGaussianSCM(variables={self._names}, edges=[{edges}]{do})"

    # ------------------------------------------------------------------ interventions
    def _check_do(self, do) -> dict[int, float]:
        """``do`` as ``{index: float}``: known variables, each once (by name or by index), finite values."""
        return {i: check_finite_number(value, f"the value of do({self._names[i]})")
                for i, value in check_do(do, self._names, self._index).items()}

    def do(self, interventions) -> LinearGaussianSCM:
        """Return the mutilated model in which each variable in ``interventions`` is held fixed (lesson 01).

        ``interventions`` is a dict ``{variable: value}``, each variable a name or an index (not
        both for one variable). The intervened variables lose their incoming edges and their
        noise; everything downstream keeps its mechanism.
        """
        checked = self._check_do(interventions)
        model = object.__new__(type(self))
        model._names = list(self._names)
        model._index = dict(self._index)
        model._weights = self._weights.copy()
        model._noise_sd = self._noise_sd.copy()
        model._intercepts = self._intercepts.copy()
        model._order = list(self._order)
        model._intervened = dict(self._intervened)
        for i, value in checked.items():
            model._weights[:, i] = 0.0
            model._noise_sd[i] = 0.0
            model._intercepts[i] = value
            model._intervened[i] = value
        return model

    # ------------------------------------------------------------------ sampling
    def _propagate(self, noise: np.ndarray) -> np.ndarray:
        """Values of every variable given its exogenous noise, in topological order."""
        X = np.zeros_like(noise)
        for j in self._order:
            X[:, j] = self._intercepts[j] + X @ self._weights[:, j] + noise[:, j]
        return X

    def sample(self, n_samples: int, rng: np.random.Generator, do=None) -> np.ndarray:
        """Draw ``n_samples`` rows ``X`` (one column per variable), optionally under ``do`` (lesson 01).

        ``sample(n, rng, do={"T": 1.0})`` equals ``do({"T": 1.0}).sample(n, rng)``. A value in ``do``
        may also be an array with one value per sample: each unit gets its own intervention, as in
        a randomised trial where the experimenter assigns every unit its treatment.
        """
        n_samples = check_n_samples(n_samples)
        rng = check_rng(rng)
        per_sample = {}
        scalar_do = {}
        for i, value in check_do(do, self._names, self._index).items():
            if np.ndim(value) == 0:
                scalar_do[i] = value
                continue
            name = self._names[i]
            values = check_finite_array(value, f"the values of do({name})")
            if values.shape != (n_samples,):
                raise invalid(f"the values of do({name})", f"one number, or one value per sample (shape ({n_samples},))",
                              f"an array of shape {values.shape}", "pass a single number or an array of length n_samples")
            per_sample[i] = values
            scalar_do[i] = 0.0
        model = self.do(scalar_do) if scalar_do else self
        noise = rng.standard_normal((n_samples, self.n_variables)) * model._noise_sd
        for i, values in per_sample.items():
            noise[:, i] = values
        return model._propagate(noise)

    # ------------------------------------------------------------------ closed forms
    def _reduced_form(self) -> np.ndarray:
        """``A`` with ``X = A @ (intercepts + noise)`` for one sample (column vector)."""
        return np.linalg.inv(np.eye(self.n_variables) - self._weights.T)

    def mean(self, do=None) -> np.ndarray:
        """The exact mean of every variable, optionally under ``do`` (lesson 01)."""
        model = self.do(do) if do is not None else self
        return model._reduced_form() @ model._intercepts

    def covariance(self, do=None) -> np.ndarray:
        """The exact covariance matrix of the variables, optionally under ``do`` (lesson 01)."""
        model = self.do(do) if do is not None else self
        A = model._reduced_form()
        return A @ np.diag(model._noise_sd**2) @ A.T

    def total_effect(self, cause, effect) -> float:
        """``d E[effect | do(cause = x)] / dx``: the sum over directed paths of the products of weights (lesson 01)."""
        i, j = self.index(cause), self.index(effect)
        return float(np.linalg.inv(np.eye(self.n_variables) - self._weights)[i, j])

    # ------------------------------------------------------------------ counterfactuals
    def _check_observed(self, observed) -> tuple[np.ndarray, bool]:
        X = check_finite_array(observed, "observed")
        single = X.ndim == 1
        X = np.atleast_2d(X)
        if X.ndim != 2 or X.shape[1] != self.n_variables:
            raise invalid("observed", f"one value per variable ({self.n_variables} columns, in the order "
                          f"{self._names})", f"shape {np.shape(observed)}", "pass one row, or a matrix of rows")
        return X, single

    def abduct(self, observed) -> np.ndarray:
        """Step 1 of a counterfactual: the exogenous noise that explains ``observed`` (lesson 01)."""
        X, single = self._check_observed(observed)
        noise = X - self._intercepts - X @ self._weights
        return noise[0] if single else noise

    def counterfactual(self, observed, do) -> np.ndarray:
        """What ``observed`` would have been under ``do``: abduct, act, predict (lesson 01).

        ``observed`` is one row (or a matrix of rows) of values of every variable.
        """
        X, single = self._check_observed(observed)
        noise = np.atleast_2d(self.abduct(X))  # abduct
        acted = self.do(do)  # act
        noise[:, list(acted._intervened)] = 0.0
        predicted = acted._propagate(noise)  # predict
        return predicted[0] if single else predicted


def _check_range(value, name: str, low: float) -> tuple[float, float]:
    pair = check_finite_array(value, name)
    if pair.shape != (2,) or not low <= pair[0] <= pair[1]:
        raise invalid(name, f"a pair (low, high) with {low:g} <= low <= high", repr(value),
                      f"pass for instance {name}=(0.5, 1.5)")
    return float(pair[0]), float(pair[1])


def random_linear_gaussian_scm(adjacency, rng: np.random.Generator, names: Sequence | None = None,
                               weight_range=(0.5, 1.5), noise_range=(0.5, 1.5)) -> LinearGaussianSCM:
    """A linear-Gaussian SCM on the DAG ``adjacency`` with random weights and noise scales (lesson 02).

    Each edge weight has a random sign and a size drawn uniformly from ``weight_range``; each
    variable gets its own noise sd from ``noise_range``, so observational data cannot reveal the
    causal order through equal noise scales.
    """
    rng = check_rng(rng)
    adjacency = check_square(adjacency, "adjacency") != 0
    check_acyclic(adjacency, "adjacency", names)
    n = adjacency.shape[0]
    weight_range = _check_range(weight_range, "weight_range", 0.0)
    noise_range = _check_range(noise_range, "noise_range", 0.0)
    sizes = rng.uniform(*weight_range, size=(n, n))
    signs = rng.choice((-1.0, 1.0), size=(n, n))
    weights = np.where(adjacency, sizes * signs, 0.0)
    return LinearGaussianSCM.from_weights(weights, names=names, noise_sd=rng.uniform(*noise_range, size=n))
