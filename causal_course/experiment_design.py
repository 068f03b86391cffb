"""Choosing experiments: expected information gain about the DAG, and experimenters that use it.

Introduced in lesson 02 (experiments reveal structure). An :class:`Experiment` either observes
(``target=None``) or sets one variable in every sample to a value the experimenter draws from
``Normal(0, do_sd**2)``: a randomised experiment, so the set values owe nothing to the
variable's causes.

The world (a :class:`causal_course.scm.LinearGaussianSCM`) produces the data; the experimenter
only sees data and its posterior over DAGs (:class:`causal_course.structure_learning.DagSpace`).
To value a candidate experiment it imagines running it: it draws a DAG from its posterior, the
weights and noise from their posterior given the data so far, simulates the experiment's samples,
and measures how much the posterior's entropy would drop. The average drop is the expected
information gain (Murphy, 2001; Tong and Koller, 2001).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from causal_course.structure_learning import DagSpace, NodeStatistics, entropy_bits
from causal_course.validation import check_n_samples, check_rng

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
        if self.target is not None and (isinstance(self.target, bool) or not isinstance(self.target, (int, np.integer))):
            raise TypeError(f"target must be a variable index or None (observe), got {self.target!r}.")
        if not self.do_sd > 0:
            raise ValueError(f"do_sd must be positive, got {self.do_sd}.")

    def label(self, names=None) -> str:
        if self.target is None:
            return "observe"
        name = names[self.target] if names is not None else f"X{self.target}"
        return f"do({name})"


def candidate_experiments(n_variables: int, n_samples: int = 5, observe: bool = True) -> list[Experiment]:
    """Observing, and setting each variable in turn (lesson 02)."""
    experiments = [Experiment(None, n_samples)] if observe else []
    return experiments + [Experiment(k, n_samples) for k in range(n_variables)]


def run_experiment(scm, experiment: Experiment, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Run ``experiment`` on the world ``scm``: returns ``(X, intervened)`` (lesson 02)."""
    rng = check_rng(rng)
    n = experiment.n_samples
    intervened = np.zeros((n, scm.n_variables), dtype=bool)
    if experiment.target is None:
        return scm.sample(n, rng), intervened
    if not 0 <= experiment.target < scm.n_variables:
        raise ValueError(f"target {experiment.target} is not a variable of this model (0 to {scm.n_variables - 1}).")
    values = rng.normal(0.0, experiment.do_sd, size=n)
    intervened[:, experiment.target] = True
    return scm.sample(n, rng, do={experiment.target: values}), intervened


def sample_parameters(statistics: NodeStatistics, dag: np.ndarray, rng: np.random.Generator):
    """Weights, intercepts and noise sds for ``dag`` drawn from their posterior given the data (lesson 02).

    Each variable is a Bayesian linear regression on its parents (with intercept) over the
    samples where it was not set: coefficients ~ Normal, noise variance ~ inverse-gamma.
    """
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
    and ``intervened (S, m, n)``.
    """
    weights = np.array(weights, dtype=float)
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
    rng = check_rng(rng)
    posterior = space.posterior(statistics)
    drawn = rng.choice(len(space), size=n_simulations, p=posterior)
    parameters = [sample_parameters(statistics, space.dags[d], rng) for d in drawn]
    weights, intercepts, noise_sd = (np.stack(p) for p in zip(*parameters))
    X, intervened = simulate(weights, intercepts, noise_sd, experiment, rng)
    after = entropy_bits(space.posterior(statistics + NodeStatistics.from_batches(X, intervened)))
    return float(entropy_bits(posterior) - after.mean())


def information_gains(space: DagSpace, statistics: NodeStatistics, candidates, rng, n_simulations: int = 64) -> np.ndarray:
    """The expected information gain of each candidate experiment (lesson 02)."""
    return np.array([expected_information_gain(space, statistics, e, rng, n_simulations) for e in candidates])


STRATEGIES = ("observe", "random", "greedy")


def run_strategy(scm, strategy: str, n_rounds: int, rng: np.random.Generator, batch_size: int = 5,
                 n_simulations: int = 64, space: DagSpace | None = None) -> dict:
    """Learn the structure of ``scm`` by ``n_rounds`` experiments of ``batch_size`` samples (lesson 02).

    ``strategy``: ``"observe"`` only observes; ``"random"`` sets a random variable each round;
    ``"greedy"`` runs the experiment (observing included) with the largest expected information gain.
    Returns the posterior's entropy (bits), the mass on the true DAG and on its equivalence class
    after 0, 1, ..., n_rounds rounds, and the experiments chosen.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose one of {STRATEGIES}.")
    rng = check_rng(rng)
    space = space or DagSpace(scm.n_variables)
    true_index = space.index_of(scm.weights != 0)
    true_class = space.classes[space.class_index[true_index]]
    statistics = NodeStatistics.empty(scm.n_variables)
    candidates = candidate_experiments(scm.n_variables, batch_size)
    history = {"entropy": [], "true_dag": [], "true_class": [], "experiments": []}

    def record():
        posterior = space.posterior(statistics)
        history["entropy"].append(float(entropy_bits(posterior)))
        history["true_dag"].append(float(posterior[true_index]))
        history["true_class"].append(float(posterior[true_class].sum()))

    record()
    for _ in range(n_rounds):
        if strategy == "observe":
            experiment = candidates[0]
        elif strategy == "random":
            experiment = candidates[1 + rng.integers(scm.n_variables)]
        else:
            gains = information_gains(space, statistics, candidates, rng, n_simulations)
            experiment = candidates[int(np.argmax(gains))]
        X, intervened = run_experiment(scm, experiment, rng)
        statistics = statistics + NodeStatistics.from_data(X, intervened)
        history["experiments"].append(experiment.target)
        record()
    return history
