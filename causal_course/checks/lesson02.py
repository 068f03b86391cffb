"""Checks for the graded exercises of lesson 02 (*Experiments reveal structure*)."""

from __future__ import annotations

import itertools

import numpy as np

from causal_course.causal.dags import all_dags, is_acyclic, markov_equivalent, skeleton
from causal_course.causal.scm import random_linear_gaussian_scm
from causal_course.causal.structure_learning import binary_entropy_bits, normalise_log, outcome_information
from causal_course.causal.structure_learning import dag_log_score as reference_dag_log_score
from causal_course.checks import CheckFailed, CheckResult, Exercise, as_number

LESSON = "02_experiments_reveal_structure"


# --------------------------------------------------------------------------------- 2.1
def _as_dag_list(answer, n: int) -> list[np.ndarray]:
    try:
        graphs = [np.asarray(graph) for graph in answer]
    except TypeError:
        raise CheckFailed(f"return a list of adjacency matrices, got {type(answer).__name__}.") from None
    for graph in graphs:
        if graph.shape != (n, n):
            raise CheckFailed(f"each DAG should be an ({n}, {n}) adjacency matrix, got shape {graph.shape}. Hint: "
                              f"append the matrix itself, np.zeros(({n}, {n}), dtype=bool) with adjacency[i, j] "
                              "True for each edge i -> j, not a list of edges or states.")
        if not np.isin(graph, (0, 1)).all():
            raise CheckFailed("adjacency matrices hold True/False (or 0/1): adjacency[i, j] for the edge i -> j.")
    return [graph.astype(bool) for graph in graphs]


def check_enumerate_dags(enumerate_dags) -> CheckResult:
    for n in (1, 2, 3, 4):
        graphs = _as_dag_list(enumerate_dags(n), n)
        if any(np.any(np.diag(g)) for g in graphs):
            raise CheckFailed("a graph has a self-loop (adjacency[i, i] True). Hint: only pairs i != j can have edges.")
        if any(not is_acyclic(g) for g in graphs):
            raise CheckFailed(f"on {n} variables your list contains a graph with a directed cycle, such as "
                              "A -> B -> C -> A. Hint: test each candidate for cycles and keep only the acyclic ones.")
        keys = {g.tobytes() for g in graphs}
        if len(keys) < len(graphs):
            raise CheckFailed(f"on {n} variables some DAG appears twice. Hint: give each pair of variables one of "
                              "three states (no edge, i -> j, j -> i) exactly once.")
        truth = {g.tobytes() for g in all_dags(n)}
        if keys != truth:
            upper = all(not np.any(np.tril(g)) for g in graphs)
            if upper and len(graphs) > 1:
                raise CheckFailed("every edge you list points from a lower to a higher index. Hint: each pair can "
                                  "also point the other way (j -> i), as long as no cycle appears.")
            raise CheckFailed(f"on {n} variables some DAGs are missing. Hint: loop over the three states of every "
                              "pair with itertools.product((0, 1, -1), repeat=number_of_pairs).")
    return CheckResult(True, "you list every DAG on 1 to 4 variables, each once, and nothing with a cycle.")


# --------------------------------------------------------------------------------- 2.2
def _covered_reversals(dags, rng, n_pairs: int) -> list:
    """Equivalent pairs by construction: reversing a *covered* edge i -> j (pa(j) = pa(i) + {i}) keeps the
    class (Chickering, 1995)."""
    pairs = []
    for index in rng.permutation(len(dags)):
        dag = dags[index]
        for i, j in zip(*np.nonzero(dag)):
            if np.array_equal(np.flatnonzero(dag[:, j]), np.sort(np.append(np.flatnonzero(dag[:, i]), i))):
                other = dag.copy()
                other[i, j], other[j, i] = False, True
                pairs.append((dag, other))
                break
        if len(pairs) == n_pairs:
            break
    return pairs


def _pairs():
    dags = all_dags(3)
    rng = np.random.default_rng(22)
    four = all_dags(4)
    # every pair on 3 variables, some in both orders; then pairs on 4 variables: equivalent ones and random ones
    return (list(itertools.combinations_with_replacement(dags, 2))
            + [(dags[b], dags[a]) for a, b in itertools.combinations(range(0, 25, 4), 2)]
            + _covered_reversals(four, rng, 40)
            + [(four[a], four[b]) for a, b in rng.choice(len(four), size=(60, 2))])


def check_are_markov_equivalent(are_markov_equivalent) -> CheckResult:
    for first, second in _pairs():
        answer = are_markov_equivalent(first.copy(), second.copy())
        if not isinstance(answer, (bool, np.bool_)):
            raise CheckFailed(f"return True or False, got {type(answer).__name__}.")
        truth = markov_equivalent(first, second)
        if bool(answer) == truth:
            continue
        same_skeleton = np.array_equal(skeleton(first), skeleton(second))
        if answer and same_skeleton:
            raise CheckFailed("you called two DAGs equivalent that share a skeleton but not their v-structures "
                              "(A -> C <- B with A, B not adjacent). Hint: compare the v-structures too.")
        if not answer and truth and not np.array_equal(first, second):
            if first.sum() == len(first) * (len(first) - 1) // 2 and len(first) == 3:
                raise CheckFailed("two fully connected DAGs on 3 variables are equivalent: a collider whose parents "
                                  "are adjacent is not a v-structure. Hint: count A -> C <- B only when A and B "
                                  "have no edge.")
            raise CheckFailed("you told apart two DAGs that differ only in the direction of edges outside any "
                              "v-structure, such as A -> B and B -> A. Hint: equivalent = same skeleton and same "
                              "v-structures, not the same edges.")
        raise CheckFailed("wrong on some pair. Hint: build each DAG's skeleton (adjacency | adjacency.T) and its set "
                          "of v-structures, and compare both.")
    return CheckResult(True, "you tell Markov-equivalent DAGs apart from the others, on 3 and 4 variables.")


# --------------------------------------------------------------------------------- 2.3
def _score_cases():
    rng = np.random.default_rng(23)
    dags = all_dags(3)
    cases = []
    for index in (7, 12, 18, 24):
        world = random_linear_gaussian_scm(dags[index], rng)
        X_obs = world.sample(40, rng)
        X_do = world.sample(30, rng, do={1: rng.normal(0, 2, 30)})
        X = np.vstack([X_obs, X_do])
        intervened = np.zeros(X.shape, dtype=bool)
        intervened[40:, 1] = True
        cases.append((X, intervened))
    return dags, cases


def check_dag_log_score(dag_log_score) -> CheckResult:
    dags, cases = _score_cases()
    for X, intervened in cases:
        for dag in dags:
            answer = as_number(dag_log_score(dag.copy(), X.copy(), intervened.copy()),
                               "dag_log_score(adjacency, X, intervened)")
            truth = reference_dag_log_score(dag, X, intervened)
            if abs(answer - truth) <= 1e-6 * max(1.0, abs(truth)):
                continue
            if abs(answer - reference_dag_log_score(dag.T, X, intervened)) < 1e-6 * max(1.0, abs(truth)):
                raise CheckFailed("you read each variable's children instead of its parents. Hint: the parents of j "
                                  "are the rows i with adjacency[i, j] True, that is np.flatnonzero(adjacency[:, j]).")
            if abs(answer - reference_dag_log_score(dag, X, None)) < 1e-6 * max(1.0, abs(truth)):
                raise CheckFailed("you scored every variable on every sample, including the samples where the "
                                  "experimenter set it. Hint: for variable j use only the rows where intervened[:, j] "
                                  "is False.")
            dropped = ~intervened.any(axis=1)
            if abs(answer - reference_dag_log_score(dag, X[dropped], None)) < 1e-6 * max(1.0, abs(truth)):
                raise CheckFailed("you dropped the interventional samples for every variable. Hint: a sample where B "
                                  "was set still tells you how A and C behave; drop it only when scoring B.")
            raise CheckFailed("the score differs from the sum over variables of family_score(rows where the "
                              "variable was not set, variable, its parents).")
    return CheckResult(True, "your score leaves out exactly the mechanisms the experimenter replaced.")


# --------------------------------------------------------------------------------- 2.4
def check_posterior_from_log_scores(posterior_from_log_scores) -> CheckResult:
    rng = np.random.default_rng(24)
    cases = [np.array([0.0, np.log(3.0)]), rng.normal(0, 3, size=25), rng.normal(-1200, 4, size=25),
             np.array([-5000.0, -5001.0, -4999.0]), np.full(11, 7.0)]
    for log_scores in cases:
        answer = np.asarray(posterior_from_log_scores(log_scores.copy()), dtype=float)
        if answer.shape != log_scores.shape:
            raise CheckFailed(f"return one probability per DAG: shape {log_scores.shape}, got {answer.shape}.")
        if not np.all(np.isfinite(answer)):
            raise CheckFailed("some probabilities are NaN or inf: with log scores around -1000, np.exp underflows to "
                              "0 and 0 / 0 is NaN. Hint: subtract the largest log score before exponentiating.")
        if np.any(answer < 0) or abs(answer.sum() - 1.0) > 1e-9:
            raise CheckFailed("the probabilities must be non-negative and sum to 1.")
        truth = normalise_log(log_scores)
        if not np.allclose(answer, truth, atol=1e-9):
            if np.allclose(answer, np.abs(log_scores) / np.abs(log_scores).sum(), atol=1e-6):
                raise CheckFailed("you normalised the log scores themselves. Hint: the posterior is proportional to "
                                  "exp(log score).")
            raise CheckFailed("the probabilities are not proportional to exp(log score). Hint: subtract the "
                              "largest log score (do not clip the scores), exponentiate, divide by the sum.")
    return CheckResult(True, "your posterior is right and stays finite for very negative log scores.")


# --------------------------------------------------------------------------------- 2.5
def check_test_information_gain(test_information_gain) -> CheckResult:
    rng = np.random.default_rng(25)
    cases = [(np.array([0.5, 0.5]), np.array([0.0, 1.0])), (np.array([0.5, 0.5]), np.array([0.3, 0.3])),
             (np.array([0.25, 0.75]), np.array([0.05, 0.95])),
             # rules as noisy as each other (0.05 and 0.95 alike) cannot tell weighing them equally from by posterior
             (np.array([0.2, 0.3, 0.5]), np.array([0.5, 0.9, 0.99]))]
    for _ in range(30):
        posterior = rng.dirichlet(np.ones(12))
        p_light = np.where(rng.random(12) < 0.5, 0.05, 0.95)
        cases.append((posterior, p_light))
    for posterior, p_light in cases:
        answer = as_number(test_information_gain(posterior.copy(), p_light.copy()),
                           "test_information_gain(posterior, p_light)")
        truth = outcome_information(posterior, p_light)
        if abs(answer - truth) < 1e-9:
            continue
        if abs(answer - truth * np.log(2)) < 1e-9 and truth > 1e-6:
            raise CheckFailed("your answer is in nats. Hint: information is measured in bits here: use np.log2.")
        predicted = posterior @ p_light
        outcome_entropy = binary_entropy_bits(predicted)
        if abs(answer - outcome_entropy) < 1e-9:
            raise CheckFailed("you returned the entropy of the predicted outcome only. Hint: subtract the expected "
                              "entropy of the outcome under each rule (the detector's own noise teaches nothing).")
        if abs(answer - (outcome_entropy - np.mean(binary_entropy_bits(p_light)))) < 1e-9:
            raise CheckFailed("weigh each rule's outcome entropy by the rule's posterior probability, not equally.")
        if np.all(p_light == p_light[0]):
            raise CheckFailed("when every rule predicts the same outcome, a test teaches nothing: the gain must be 0. "
                              "Hint: the gain is what the outcome tells you about the rule, H(predicted outcome) "
                              "minus the expected H(outcome | rule), not how uncertain the rule is now.")
        raise CheckFailed("not the expected information gain. Hint: H(predicted outcome) minus the sum over rules of "
                          "posterior * H(outcome | rule), with H the binary entropy in bits.")
    return CheckResult(True, "you value a test by how much it is expected to tell you about the rule.")


EXERCISES = [
    Exercise("2.1", LESSON, "enumerate_dags", "Every DAG on n variables", 2, check_enumerate_dags),
    Exercise("2.2", LESSON, "are_markov_equivalent", "Markov equivalence", 2, check_are_markov_equivalent),
    Exercise("2.3", LESSON, "dag_log_score", "Scoring a DAG on interventional data", 2, check_dag_log_score),
    Exercise("2.4", LESSON, "posterior_from_log_scores", "From scores to a posterior", 2,
             check_posterior_from_log_scores),
    Exercise("2.5", LESSON, "test_information_gain", "The information a test brings", 2, check_test_information_gain),
]
