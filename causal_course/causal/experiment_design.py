"""Choosing experiments: expected information gain about the DAG, and experimenters that use it.

Introduced in lesson 02 (experiments reveal structure). An :class:`Experiment` either observes
(``target=None``) or sets one variable in every sample to a value the experimenter draws from
``Normal(0, do_sd**2)``: a randomised experiment, so the set values owe nothing to the
variable's causes.

The world (a :class:`causal_course.causal.scm.LinearGaussianSCM`) produces the data; the experimenter
only sees data and its posterior over DAGs (:class:`causal_course.causal.structure_learning.DagSpace`).
To value a candidate experiment it imagines running it: it draws a DAG from its posterior, the
weights and noise from their posterior given the data so far, simulates the experiment's samples,
and measures how much the posterior's entropy would drop. The average drop is the expected
information gain (Murphy, 2001; Tong and Koller, 2001).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from causal_course.causal.dags import MAX_VARIABLES, as_dag
from causal_course.causal.structure_learning import DagSpace, NodeStatistics, _entropy_bits, check_statistics
from causal_course.validation import (
    check_acyclic,
    check_bool,
    check_choice,
    check_finite_array,
    check_instance,
    check_n_samples,
    check_positive_count,
    check_positive_number,
    check_rng,
    check_shape,
    invalid,
    is_integer,
)

DO_SD = 2.0
PRIOR_PRECISION = 1.0  # of the regression coefficients (and intercept), per unit noise variance
PRIOR_SHAPE, PRIOR_RATE = 2.0, 1.0  # inverse-gamma prior of each noise variance (mean 1)


@dataclass(frozen=True)
class Experiment:
    """Observe (``target=None``) or set variable ``target`` in each of ``n_samples`` samples (lesson 02)."""

    target: int | None
    n_samples: int = 5
    do_sd: float = DO_SD

    def __post_init__(self):
        check_n_samples(self.n_samples)
        if self.target is not None:
            if not is_integer(self.target):
                raise invalid("target", "a variable index or None (observe)", repr(self.target),
                              "pass the variable's position, e.g. Experiment(1) sets X1", TypeError)
            if self.target < 0:
                raise invalid("target", "a variable index (0 or more) or None (observe)", self.target,
                              "count variables from 0: Experiment(0) sets the first")
        check_positive_number(self.do_sd, "do_sd", DO_SD)

    def label(self, names=None) -> str:
        """``"observe"`` or ``"do(B)"`` (with ``names``; ``do(X1)`` without) (lesson 02)."""
        if self.target is None:
            return "observe"
        if names is not None and not 0 <= self.target < len(names):
            raise invalid("names", f"a name for every variable up to the target {self.target}",
                          f"{len(names)} names", "pass the model's names, e.g. scm.names")
        name = names[self.target] if names is not None else f"X{self.target}"
        return f"do({name})"


def candidate_experiments(n_variables: int, n_samples: int = 5, observe: bool = True) -> list[Experiment]:
    """Observing, and setting each variable in turn (lesson 02)."""
    n_variables = check_positive_count(n_variables, "n_variables", 3)
    observe = check_bool(observe, "observe")
    experiments = [Experiment(None, n_samples)] if observe else []
    return experiments + [Experiment(k, n_samples) for k in range(n_variables)]


def _check_scm(scm, max_variables: int | None = None):
    from causal_course.causal.scm import LinearGaussianSCM

    check_instance(scm, LinearGaussianSCM, "scm", "a LinearGaussianSCM (the world)",
                   "build one with LinearGaussianSCM.from_weights(weights) or random_linear_gaussian_scm")
    if max_variables is not None and scm.n_variables > max_variables:
        raise invalid("scm", f"a world on at most {max_variables} variables (every DAG is scored exactly)",
                      f"{scm.n_variables} variables", "learn a smaller world")
    return scm


def _check_experiment(experiment, n_variables: int, name: str = "experiment"):
    check_instance(experiment, Experiment, name, "an Experiment", "pass for instance Experiment(1, n_samples=5)")
    if experiment.target is not None and experiment.target >= n_variables:
        raise invalid(f"{name}.target", f"a variable of this model (0 to {n_variables - 1})",
                      f"{experiment.target}, which is not a variable", "pick one of the model's variables")
    return experiment


def run_experiment(scm, experiment: Experiment, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Run ``experiment`` on the world ``scm``: returns ``(X, intervened)`` (lesson 02)."""
    _check_scm(scm)
    _check_experiment(experiment, scm.n_variables)
    rng = check_rng(rng)
    n = experiment.n_samples
    intervened = np.zeros((n, scm.n_variables), dtype=bool)
    if experiment.target is None:
        return scm.sample(n, rng), intervened
    values = rng.normal(0.0, experiment.do_sd, size=n)
    intervened[:, experiment.target] = True
    return scm.sample(n, rng, do={experiment.target: values}), intervened


def sample_parameters(statistics: NodeStatistics, dag: np.ndarray, rng: np.random.Generator):
    """Weights, intercepts and noise sds for ``dag`` drawn from their posterior given the data (lesson 02).

    Each variable is a Bayesian linear regression on its parents (with intercept) over the
    samples where it was not set: coefficients ~ Normal, noise variance ~ inverse-gamma.
    """
    check_statistics(statistics)
    if statistics.counts.ndim != 1:
        raise invalid("statistics", "the statistics of one dataset (no batch dimensions)",
                      f"counts of shape {statistics.counts.shape}", "pass space.statistics(X, intervened)")
    n = statistics.n_variables
    dag = as_dag(dag, "dag")
    if dag.shape != (n, n):
        raise invalid("dag", f"a DAG on the statistics' {n} variables", f"shape {dag.shape}", "pass one of space.dags")
    rng = check_rng(rng)
    return _sample_parameters(statistics, dag, rng)


def _sample_parameters(statistics: NodeStatistics, dag: np.ndarray, rng: np.random.Generator):
    n = statistics.n_variables
    weights, intercepts, noise_sd = np.zeros((n, n)), np.zeros(n), np.zeros(n)
    for j in range(n):
        parents = np.flatnonzero(dag[:, j])
        count, sums, outer = statistics.counts[j], statistics.sums[j], statistics.outers[j]
        k = len(parents) + 1
        gram = np.empty((k, k))
        gram[0, 0] = count
        gram[0, 1:] = gram[1:, 0] = sums[parents]
        gram[1:, 1:] = outer[np.ix_(parents, parents)]
        cross = np.concatenate([[sums[j]], outer[parents, j]])
        precision = gram + PRIOR_PRECISION * np.eye(k)
        covariance = np.linalg.inv(precision)
        mean = covariance @ cross
        shape = PRIOR_SHAPE + count / 2
        rate = PRIOR_RATE + 0.5 * max(outer[j, j] - mean @ precision @ mean, 0.0)
        variance = rate / rng.gamma(shape)
        coefficients = rng.multivariate_normal(mean, variance * (covariance + covariance.T) / 2)
        intercepts[j], weights[parents, j], noise_sd[j] = coefficients[0], coefficients[1:], np.sqrt(variance)
    return weights, intercepts, noise_sd


def simulate(weights, intercepts, noise_sd, experiment: Experiment, rng) -> tuple[np.ndarray, np.ndarray]:
    """Samples of ``experiment`` from a batch of linear-Gaussian models (leading dimension S) (lesson 02).

    Shapes: ``weights (S, n, n)``, ``intercepts`` and ``noise_sd (S, n)``; returns ``X (S, m, n)``
    and ``intervened (S, m, n)``. Every weight matrix must be a DAG (checked for the whole batch at
    once).
    """
    weights = check_finite_array(weights, "weights")
    check_shape(weights, "weights", (None, "n", "n"), described="(S, n, n)",
                fix="pass a batch of square weight matrices, e.g. weights[None] for one")
    S, n = weights.shape[0], weights.shape[1]
    check_acyclic(weights, "weights")
    intercepts = check_shape(check_finite_array(intercepts, "intercepts"), "intercepts", (S, n))
    noise_sd = check_shape(check_finite_array(noise_sd, "noise_sd"), "noise_sd", (S, n))
    if np.any(noise_sd < 0):
        raise invalid("noise_sd", "non-negative (standard deviations)", float(noise_sd.min()),
                      "pass noise scales of at least 0")
    _check_experiment(experiment, n)
    return _simulate(weights.copy(), intercepts, noise_sd, experiment, check_rng(rng))


def _simulate(weights: np.ndarray, intercepts: np.ndarray, noise_sd: np.ndarray, experiment: Experiment,
              rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    S, n = weights.shape[0], weights.shape[1]
    m = experiment.n_samples
    exogenous = intercepts[:, None, :] + noise_sd[:, None, :] * rng.standard_normal((S, m, n))
    intervened = np.zeros((S, m, n), dtype=bool)
    if experiment.target is not None:
        weights[:, :, experiment.target] = 0.0
        exogenous[:, :, experiment.target] = rng.normal(0.0, experiment.do_sd, size=(S, m))
        intervened[:, :, experiment.target] = True
    X = exogenous.copy()
    for _ in range(n):  # a DAG's weight matrix is nilpotent: n rounds reach the solution
        X = exogenous + X @ weights
    return X, intervened


def expected_information_gain(space: DagSpace, statistics: NodeStatistics, experiment: Experiment,
                              rng: np.random.Generator, n_simulations: int = 64) -> float:
    """Expected drop in the posterior's entropy (bits) if ``experiment`` were run next (lesson 02)."""
    rng, n_simulations = _check_design(space, statistics, rng, n_simulations)
    _check_experiment(experiment, space.n_variables)
    return _expected_information_gain(space, statistics, experiment, rng, n_simulations)


def _check_design(space, statistics, rng, n_simulations):
    check_instance(space, DagSpace, "space", "a DagSpace", "make one with DagSpace(n_variables)")
    check_statistics(statistics, space.n_variables)
    if statistics.counts.ndim != 1:
        raise invalid("statistics", "the statistics of one dataset (no batch dimensions)",
                      f"counts of shape {statistics.counts.shape}", "pass space.statistics(X, intervened)")
    return check_rng(rng), check_positive_count(n_simulations, "n_simulations", 64)


def _expected_information_gain(space: DagSpace, statistics: NodeStatistics, experiment: Experiment,
                               rng: np.random.Generator, n_simulations: int) -> float:
    posterior = space._posterior(statistics)
    drawn = rng.choice(len(space), size=n_simulations, p=posterior)
    parameters = [_sample_parameters(statistics, space.dags[d], rng) for d in drawn]
    weights, intercepts, noise_sd = (np.stack(p) for p in zip(*parameters))
    X, intervened = _simulate(weights, intercepts, noise_sd, experiment, rng)
    after = _entropy_bits(space._posterior(statistics + NodeStatistics.from_batches(X, intervened)))
    return float(_entropy_bits(posterior) - after.mean())


def information_gains(space: DagSpace, statistics: NodeStatistics, candidates, rng, n_simulations: int = 64) -> np.ndarray:
    """The expected information gain of each candidate experiment (lesson 02)."""
    rng, n_simulations = _check_design(space, statistics, rng, n_simulations)
    candidates = list(candidates)
    for k, experiment in enumerate(candidates):
        _check_experiment(experiment, space.n_variables, f"candidates[{k}]")
    return np.array([_expected_information_gain(space, statistics, e, rng, n_simulations) for e in candidates])


STRATEGIES = ("observe", "random", "greedy")


def run_strategy(scm, strategy: str, n_rounds: int, rng: np.random.Generator, batch_size: int = 5,
                 n_simulations: int = 64, space: DagSpace | None = None) -> dict:
    """Learn the structure of ``scm`` by ``n_rounds`` experiments of ``batch_size`` samples (lesson 02).

    ``strategy``: ``"observe"`` only observes; ``"random"`` sets a random variable each round;
    ``"greedy"`` runs the experiment (observing included) with the largest expected information gain.
    Returns the posterior's entropy (bits), the mass on the true DAG and on its equivalence class
    after 0, 1, ..., n_rounds rounds, and the experiments chosen.
    """
    check_choice(strategy, STRATEGIES, "strategy", f"unknown strategy {strategy!r}: choose one of these")
    _check_scm(scm, MAX_VARIABLES)
    n_rounds = check_n_samples(n_rounds, "n_rounds", 8)
    rng = check_rng(rng)
    batch_size = check_positive_count(batch_size, "batch_size", 5)
    n_simulations = check_positive_count(n_simulations, "n_simulations", 64)
    if space is not None:
        check_instance(space, DagSpace, "space", "a DagSpace or None", "pass DagSpace(scm.n_variables), or None")
        if space.n_variables != scm.n_variables:
            raise invalid("space", f"a DagSpace on the world's {scm.n_variables} variables",
                          f"one on {space.n_variables}", "pass DagSpace(scm.n_variables), or None")
    space = space or DagSpace(scm.n_variables)
    true_index = space.index_of(scm.weights != 0)
    true_class = space.classes[space.class_index[true_index]]
    statistics = NodeStatistics.empty(scm.n_variables)
    candidates = candidate_experiments(scm.n_variables, batch_size)
    history = {"entropy": [], "true_dag": [], "true_class": [], "experiments": []}

    def record():
        posterior = space._posterior(statistics)
        history["entropy"].append(float(_entropy_bits(posterior)))
        history["true_dag"].append(float(posterior[true_index]))
        history["true_class"].append(float(posterior[true_class].sum()))

    record()
    for _ in range(n_rounds):
        if strategy == "observe":
            experiment = candidates[0]
        elif strategy == "random":
            experiment = candidates[1 + rng.integers(scm.n_variables)]
        else:
            gains = np.array([_expected_information_gain(space, statistics, e, rng, n_simulations) for e in candidates])
            experiment = candidates[int(np.argmax(gains))]
        X, intervened = run_experiment(scm, experiment, rng)
        statistics = statistics + NodeStatistics.from_data(X, intervened)
        history["experiments"].append(experiment.target)
        record()
    return history
