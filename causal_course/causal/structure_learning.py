"""The exact posterior over every DAG on a few variables, from observational and interventional data.

Introduced in lesson 02 (experiments reveal structure). The data-generating process lives in
:mod:`causal_course.causal.scm`; this module only scores. Data are a matrix ``X`` (one column per
variable) and a boolean mask ``intervened`` of the same shape: ``intervened[s, k]`` is True when
the experimenter *set* variable ``k`` in sample ``s``.

The score is the BGe marginal likelihood (Geiger and Heckerman, 2002, in the corrected form of
Kuipers, Moffa and Heckerman, 2014): a linear-Gaussian model with a separate noise variance per
variable and a Normal-Wishart prior. Markov-equivalent DAGs get exactly the same score on
observational data. With interventions, a variable's own mechanism is scored only on the samples
where it was *not* set (Cooper and Yoo, 1999): a value the experimenter chose says nothing about
what would have caused it, and that is what breaks the ties.

Everything is computed from sufficient statistics (counts, sums, cross-products per variable),
so adding samples is cheap and many simulated futures can be scored at once (the leading
``batch`` dimensions below).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from causal_course.causal.dags import all_dags, as_dag, class_of, equivalence_classes
from causal_course.validation import (
    as_float_array,
    check_index_array,
    check_instance,
    check_integer,
    check_positive_number,
    check_probabilities,
    check_shape,
    invalid,
)


# ------------------------------------------------------------------------------ data checks
def check_data(X, intervened=None) -> tuple[np.ndarray, np.ndarray]:
    """``X`` as a float matrix and ``intervened`` as a matching boolean mask, or a clear error (lesson 02)."""
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise invalid("X", "a 2-D array, one row per sample and one column per variable", f"shape {X.shape}",
                      "reshape it to (n_samples, n_variables)")
    if not np.all(np.isfinite(X)):
        raise invalid("X", "finite numbers", f"NaN or inf in {int(np.sum(~np.isfinite(X)))} entries",
                      "drop or fix those samples first")
    if intervened is None:
        intervened = np.zeros(X.shape, dtype=bool)
    else:
        intervened = np.asarray(intervened)
        if intervened.shape != X.shape:
            raise invalid("intervened", f"a mask with the shape of X, {X.shape}, with intervened[s, k] True when "
                          "variable k was set in sample s", f"shape {intervened.shape}",
                          "pass one True/False per entry of X")
        if intervened.dtype != bool:
            if not np.isin(intervened, (0, 1)).all():
                raise invalid("intervened", "True/False (or 0/1) values", "other values",
                              "pass a boolean mask such as X == X (all set) or np.zeros(X.shape, bool)")
            intervened = intervened.astype(bool)
    return X, intervened


def check_statistics(statistics, n_variables: int | None = None, name: str = "statistics") -> NodeStatistics:
    """``statistics`` if it is a :class:`NodeStatistics` (on ``n_variables`` variables, if given), else raise (lesson 02)."""
    check_instance(statistics, NodeStatistics, name, "a NodeStatistics",
                   "make one with NodeStatistics.from_data(X, intervened) or space.statistics(X, intervened)")
    if n_variables is not None and statistics.n_variables != n_variables:
        raise invalid(name, f"statistics of {n_variables} variables", f"{statistics.n_variables} variables",
                      "compute them from data with one column per variable of this space")
    return statistics


# ------------------------------------------------------------------------------ sufficient statistics
@dataclass(frozen=True)
class NodeStatistics:
    """Per variable ``j``: the number of samples where j was not set, their column sums and cross-products.

    Shapes: ``counts (..., n)``, ``sums (..., n, n)`` (row j: sums of every column over j's
    samples), ``outers (..., n, n, n)``. Leading dimensions index simulated datasets (lesson 02).
    """

    counts: np.ndarray
    sums: np.ndarray
    outers: np.ndarray

    @classmethod
    def from_data(cls, X, intervened=None) -> NodeStatistics:
        X, intervened = check_data(X, intervened)
        return cls.from_batches(X, intervened)

    @classmethod
    def from_batches(cls, X: np.ndarray, intervened: np.ndarray) -> NodeStatistics:
        """Statistics of datasets ``X (..., N, n)`` with masks ``intervened`` of the same shape (shapes checked only)."""
        X, intervened = np.asarray(X), np.asarray(intervened)
        if X.ndim < 2 or intervened.shape != X.shape:
            raise invalid("X and intervened", "arrays of the same shape (..., n_samples, n_variables)",
                          f"shapes {X.shape} and {intervened.shape}", "pass one mask entry per entry of X")
        kept = (~intervened).astype(float)  # sample s counts for variable j where j was not set
        return cls(kept.sum(axis=-2), np.einsum("...sj,...sa->...ja", kept, X),
                   np.einsum("...sj,...sa,...sb->...jab", kept, X, X))

    @classmethod
    def empty(cls, n_variables: int) -> NodeStatistics:
        """No data yet: zero counts for ``n_variables`` variables (lesson 02)."""
        n = check_integer(n_variables, "n_variables", 1, fix="pass the number of variables, such as 3")
        return cls(np.zeros(n), np.zeros((n, n)), np.zeros((n, n, n)))

    def __add__(self, other: NodeStatistics) -> NodeStatistics:
        check_statistics(other, self.n_variables, "the statistics added")
        return NodeStatistics(self.counts + other.counts, self.sums + other.sums, self.outers + other.outers)

    @property
    def n_variables(self) -> int:
        return self.counts.shape[-1]


# ------------------------------------------------------------------------------ the BGe score
@dataclass(frozen=True)
class BGePrior:
    """Hyperparameters of the BGe score: prior mean 0, ``alpha_mu`` pseudo-samples for the mean,
    ``alpha_w`` degrees of freedom (default n + 2, the smallest proper choice) (lesson 02)."""

    alpha_mu: float = 1.0
    alpha_w: float | None = None

    def __post_init__(self):
        check_positive_number(self.alpha_mu, "alpha_mu")
        if self.alpha_w is not None:
            check_positive_number(self.alpha_w, "alpha_w", 5.0)

    def degrees(self, n_variables: int) -> float:
        alpha_w = n_variables + 2.0 if self.alpha_w is None else float(self.alpha_w)
        if alpha_w <= n_variables + 1:
            raise invalid("alpha_w", f"above n_variables + 1 = {n_variables + 1}", alpha_w,
                          f"pass alpha_w={n_variables + 2} or more, or leave it None")
        return alpha_w

    def scale(self, n_variables: int) -> float:
        """``t`` in the prior scale matrix ``T = t I`` (prior expected covariance = identity)."""
        return self.alpha_mu * (self.degrees(n_variables) - n_variables - 1) / (self.alpha_mu + 1)


_LGAMMA = np.frompyfunc(math.lgamma, 1, 1)


def gammaln(x) -> np.ndarray:
    """log Gamma(x), element-wise (numpy has no lgamma and the course does not need scipy)."""
    return np.asarray(_LGAMMA(np.asarray(x, dtype=float)), dtype=float)


def _log_det_blocks(R: np.ndarray, variables: tuple) -> np.ndarray:
    if not variables:
        return np.zeros(R.shape[:-2])
    block = R[..., list(variables), :][..., :, list(variables)]
    sign, logdet = np.linalg.slogdet(block)
    return logdet


def bge_local_score(statistics: NodeStatistics, node: int, parents, prior: BGePrior | None = None) -> np.ndarray:
    """log p(the values of ``node`` | its ``parents``), on the samples where ``node`` was not set (lesson 02).

    Returns an array over the statistics' leading (batch) dimensions; 0 where there is no sample.
    """
    check_statistics(statistics)
    n = statistics.n_variables
    node = check_integer(node, "node", 0, n - 1, expected=f"a variable index (0 to {n - 1})")
    parents = check_index_array(list(parents), "parents", n, what="a variable index").tolist()
    if node in parents or len(set(parents)) != len(parents):
        raise invalid("parents", f"other variables than the node (0 to {n - 1}), each once",
                      f"{parents} for node {node}", "leave the node itself out of its parents")
    return _bge_local_score(statistics, node, parents, _check_prior(prior))


def _bge_local_score(statistics: NodeStatistics, node: int, parents, prior: BGePrior | None = None) -> np.ndarray:
    prior = prior or BGePrior()
    n = statistics.n_variables
    parents = tuple(sorted(int(p) for p in parents))
    l = len(parents)
    alpha_mu, alpha_w, t = prior.alpha_mu, prior.degrees(n), prior.scale(n)
    N = statistics.counts[..., node]
    safe_N = np.maximum(N, 1.0)
    mean = statistics.sums[..., node, :] / safe_N[..., None]
    scatter = statistics.outers[..., node, :, :] - safe_N[..., None, None] * mean[..., :, None] * mean[..., None, :]
    shrink = (N * alpha_mu / (N + alpha_mu))[..., None, None]
    R = t * np.eye(n) + scatter + shrink * mean[..., :, None] * mean[..., None, :]
    score = (0.5 * (np.log(alpha_mu) - np.log(N + alpha_mu))
             + gammaln(0.5 * (N + alpha_w - n + l + 1)) - gammaln(0.5 * (alpha_w - n + l + 1))
             - 0.5 * N * np.log(np.pi)
             + 0.5 * (alpha_w - n + 2 * l + 1) * np.log(t)
             + 0.5 * (N + alpha_w - n + l) * _log_det_blocks(R, parents)
             - 0.5 * (N + alpha_w - n + l + 1) * _log_det_blocks(R, parents + (node,)))
    return np.where(N > 0, score, 0.0)


def family_score(X, node: int, parents, prior: BGePrior | None = None) -> float:
    """The BGe score of ``node`` given ``parents`` on every row of ``X`` (lesson 02).

    The rows are taken as they are: to score interventional data, pass only the rows where
    ``node`` was not set.
    """
    X, _ = check_data(X)
    n = X.shape[1]
    node = check_integer(node, "node", 0, n - 1, expected=f"a column of X (0 to {n - 1})")
    parents = check_index_array(list(parents), "parents", n, what="a column of X").tolist()
    if node in parents or len(set(parents)) != len(parents):
        raise invalid("parents", f"other columns of X (0 to {n - 1}), each once", f"{parents} for node {node}",
                      "leave the node itself out of its parents")
    return float(_bge_local_score(NodeStatistics.from_data(X), node, parents, _check_prior(prior)))


def _check_columns(adjacency: np.ndarray, X: np.ndarray) -> None:
    if adjacency.shape[0] != X.shape[1]:
        raise invalid("X", f"data with one column per variable of the DAG ({adjacency.shape[0]} columns)",
                      f"{X.shape[1]} columns", "pass data on the DAG's variables, in its order")


def _check_prior(prior) -> BGePrior:
    if prior is None:
        return BGePrior()
    return check_instance(prior, BGePrior, "prior", "a BGePrior or None", "pass prior=BGePrior(alpha_mu=1.0)")


def dag_log_score(adjacency, X, intervened=None, prior: BGePrior | None = None) -> float:
    """log p(X | DAG): each variable scored given its parents on the rows where it was not set (lesson 02)."""
    adjacency = as_dag(adjacency)
    X, intervened = check_data(X, intervened)
    _check_columns(adjacency, X)
    prior = _check_prior(prior)
    statistics = NodeStatistics.from_data(X, intervened)
    return float(sum(_bge_local_score(statistics, j, np.flatnonzero(adjacency[:, j]), prior) for j in range(X.shape[1])))


def equal_noise_log_likelihood(adjacency, X) -> float:
    """The maximised log-likelihood of a linear-Gaussian DAG whose variables share **one** noise variance (lesson 02).

    Unlike the BGe score, this model assumes equal noise scales; under that assumption the causal
    order becomes identifiable from observational data (Peters and Bühlmann, 2014), because only
    the true order makes the residual variances equal.
    """
    adjacency = as_dag(adjacency)
    X, _ = check_data(X)
    n_samples, n = X.shape
    _check_columns(adjacency, X)
    if n_samples < 2:
        raise invalid("X", "at least 2 samples (rows) to estimate a variance", f"{n_samples}", "pass more samples")
    residual_sum = 0.0
    for j in range(n):
        design = np.column_stack([np.ones(n_samples), X[:, np.flatnonzero(adjacency[:, j])]])
        coefficients, *_ = np.linalg.lstsq(design, X[:, j], rcond=None)
        residual_sum += float(np.sum((X[:, j] - design @ coefficients) ** 2))
    variance = residual_sum / (n_samples * n)
    return float(-0.5 * n_samples * n * (np.log(2 * np.pi * variance) + 1))


# ------------------------------------------------------------------------------ the posterior over DAGs
class DagSpace:
    """Every DAG on ``n_variables`` variables with its equivalence class, scored in one pass (lesson 02).

    ``space.log_marginal_likelihoods(statistics)`` gives log p(data | DAG) for every DAG;
    ``space.posterior(statistics)`` the posterior under a uniform prior over DAGs.
    """

    def __init__(self, n_variables: int = 3, prior: BGePrior | None = None):
        self.dags = all_dags(n_variables)
        self.n_variables = n_variables = int(n_variables)
        self.classes = equivalence_classes(self.dags)
        self.class_index = class_of(self.dags, self.classes)
        self.prior = _check_prior(prior)
        self.prior.degrees(n_variables)  # raises now if alpha_w is too small for this space
        families = sorted({(j, tuple(np.flatnonzero(dag[:, j]))) for dag in self.dags for j in range(n_variables)})
        self.families = families
        lookup = {family: k for k, family in enumerate(families)}
        self.family_table = np.array([[lookup[(j, tuple(np.flatnonzero(dag[:, j])))] for j in range(n_variables)]
                                      for dag in self.dags])

    def __len__(self) -> int:
        return len(self.dags)

    def index_of(self, adjacency) -> int:
        """The position of ``adjacency`` in :attr:`dags`."""
        adjacency = as_dag(adjacency)
        for k, dag in enumerate(self.dags):
            if dag.shape == adjacency.shape and np.array_equal(dag, adjacency):
                return k
        raise invalid("adjacency", f"a DAG on {self.n_variables} variables", f"shape {adjacency.shape}",
                      "pass a graph on this space's variables")

    def statistics(self, X, intervened=None) -> NodeStatistics:
        statistics = NodeStatistics.from_data(X, intervened)
        if statistics.n_variables != self.n_variables:
            raise invalid("X", f"{self.n_variables} columns (this space has {self.n_variables} variables)",
                          f"{statistics.n_variables} columns", "pass data with one column per variable")
        return statistics

    def log_marginal_likelihoods(self, statistics: NodeStatistics) -> np.ndarray:
        """log p(data | DAG) for every DAG: shape (..., n_dags)."""
        check_statistics(statistics, self.n_variables)
        return self._log_marginal_likelihoods(statistics)

    def _log_marginal_likelihoods(self, statistics: NodeStatistics) -> np.ndarray:
        local = np.stack([_bge_local_score(statistics, j, parents, self.prior) for j, parents in self.families], axis=-1)
        return local[..., self.family_table].sum(axis=-1)

    def posterior(self, statistics: NodeStatistics, log_prior=None) -> np.ndarray:
        """p(DAG | data) for every DAG (uniform prior unless ``log_prior`` is given): shape (..., n_dags)."""
        scores = self.log_marginal_likelihoods(statistics)
        if log_prior is not None:
            log_prior = check_shape(as_float_array(log_prior, "log_prior"), "log_prior", (len(self),),
                                    fix="pass one log prior probability per DAG, in the order of space.dags")
            _check_log_weights(log_prior, "log_prior")
            scores = scores + log_prior
        return _normalise_log(scores)

    def _posterior(self, statistics: NodeStatistics) -> np.ndarray:
        """:meth:`posterior` without checks, for inner loops."""
        return _normalise_log(self._log_marginal_likelihoods(statistics))

    def class_posterior(self, posterior: np.ndarray) -> np.ndarray:
        """The posterior mass of each equivalence class: shape (..., n_classes)."""
        posterior = check_probabilities(posterior, "posterior", distribution=True)
        if posterior.shape[-1] != len(self):
            raise invalid("posterior", f"one probability per DAG ({len(self)} along the last axis)",
                          f"shape {posterior.shape}", "pass the result of space.posterior(statistics)")
        return np.stack([posterior[..., members].sum(axis=-1) for members in self.classes], axis=-1)


def _check_log_weights(log_weights: np.ndarray, name: str) -> None:
    """NaN and +inf are refused; -inf (weight 0) is fine while each row keeps a finite entry."""
    if np.isnan(log_weights).any() or np.isposinf(log_weights).any():
        raise invalid(name, "log weights (finite numbers, or -inf for weight 0)", "NaN or +inf",
                      "replace them by finite numbers")
    if log_weights.ndim == 0 or log_weights.shape[-1] == 0:
        raise invalid(name, "at least one log weight along the last axis", f"shape {log_weights.shape}",
                      "pass one log weight per hypothesis")
    if np.any(np.isneginf(log_weights).all(axis=-1)):
        raise invalid(name, "log weights with at least one finite entry per row", "a row that is all -inf",
                      "give some hypothesis a finite log weight")


def normalise_log(log_weights) -> np.ndarray:
    """exp(log_weights) normalised to sum to 1 along the last axis, without overflow (lesson 02)."""
    log_weights = as_float_array(log_weights, "log_weights")
    _check_log_weights(log_weights, "log_weights")
    return _normalise_log(log_weights)


def _normalise_log(log_weights: np.ndarray) -> np.ndarray:
    shifted = log_weights - log_weights.max(axis=-1, keepdims=True)
    weights = np.exp(shifted)
    return weights / weights.sum(axis=-1, keepdims=True)


def entropy_bits(probabilities) -> np.ndarray:
    """Shannon entropy in bits along the last axis; 0 log 0 counts as 0 (lesson 02).

    Each row along the last axis must be a probability distribution (entries in [0, 1],
    summing to 1).
    """
    return _entropy_bits(check_probabilities(probabilities, "probabilities", distribution=True))


def _entropy_bits(p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    return terms.sum(axis=-1)


def binary_entropy_bits(p) -> np.ndarray:
    """Entropy in bits of a yes/no outcome with probability ``p``, element-wise (lesson 02)."""
    p = np.clip(check_probabilities(p, "p"), 0.0, 1.0)
    return _entropy_bits(np.stack([p, 1.0 - p], axis=-1))


def outcome_information(posterior, p_outcome) -> float:
    """Expected information (bits) from one yes/no outcome about hypotheses with probabilities ``posterior``,
    where ``p_outcome[h]`` is the outcome's probability under hypothesis h (lesson 02).

    The mutual information: the entropy of the predicted outcome minus its expected entropy given
    the hypothesis.
    """
    posterior = check_probabilities(posterior, "posterior", distribution=True)
    p_outcome = np.clip(check_probabilities(p_outcome, "p_outcome"), 0.0, 1.0)
    check_shape(posterior, "posterior", ("n_hypotheses",), fix="pass one probability per hypothesis")
    check_shape(p_outcome, "p_outcome", posterior.shape, fix="pass one outcome probability per hypothesis, "
                "in the order of posterior")
    posterior = np.clip(posterior, 0.0, 1.0)
    predicted = np.clip(posterior @ p_outcome, 0.0, 1.0)
    return float(_entropy_bits(np.array([predicted, 1.0 - predicted]))
                 - posterior @ _entropy_bits(np.stack([p_outcome, 1.0 - p_outcome], axis=-1)))
