"""Lesson 02: DAG enumeration, equivalence classes, the BGe posterior, information gain, blickets, the widget."""

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import exercise_controls  # noqa: E402

from causal_course.causal.blickets import (
    BlicketRule,
    all_placements,
    all_rules,
    demonstration_study,
    information_gain,
    light_probabilities,
    most_informative_placement,
    posterior_after,
    update,
)
from causal_course.causal.dags import (
    all_dags,
    as_adjacency,
    equivalence_classes,
    is_acyclic,
    markov_equivalent,
    v_structures,
)
from causal_course.causal.experiment_design import (
    Experiment,
    NodeStatistics,
    candidate_experiments,
    expected_information_gain,
    information_gains,
    run_experiment,
    run_strategy,
)
from causal_course.causal.scm import LinearGaussianSCM, random_linear_gaussian_scm
from causal_course.causal.structure_learning import (
    DagSpace,
    dag_log_score,
    entropy_bits,
    equal_noise_log_likelihood,
    family_score,
    normalise_log,
)
from causal_course.checks import find_exercise, run_check


def adjacency(n, *edges):
    a = np.zeros((n, n), dtype=bool)
    for i, j in edges:
        a[i, j] = True
    return a


CHAIN = adjacency(3, (0, 1), (1, 2))
FORK = adjacency(3, (1, 0), (1, 2))
COLLIDER = adjacency(3, (0, 1), (2, 1))


@pytest.fixture(scope="module")
def space():
    return DagSpace(3)


# ------------------------------------------------------------------ enumeration and equivalence
@pytest.mark.parametrize("n,n_dags,n_classes", [(1, 1, 1), (2, 3, 2), (3, 25, 11), (4, 543, 185)])
def test_counts_match_the_known_numbers(n, n_dags, n_classes):
    dags = all_dags(n)
    assert len(dags) == n_dags and len({d.tobytes() for d in dags}) == n_dags
    assert all(is_acyclic(d) and not np.diag(d).any() for d in dags)
    assert len(equivalence_classes(dags)) == n_classes


def test_equivalence_by_hand():
    assert markov_equivalent(CHAIN, FORK) and markov_equivalent(CHAIN, CHAIN.T)
    assert not markov_equivalent(CHAIN, COLLIDER)
    assert v_structures(COLLIDER) == {(0, 1, 2)} and v_structures(CHAIN) == set()
    shielded = adjacency(3, (0, 1), (2, 1), (0, 2))  # a collider with adjacent parents is no v-structure
    assert v_structures(shielded) == set()
    full = [d for d in all_dags(3) if d.sum() == 3]
    assert len(full) == 6 and all(markov_equivalent(full[0], d) for d in full)
    sizes = sorted(len(c) for c in equivalence_classes(all_dags(3)))
    assert sizes == [1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 6]


def test_cycles_and_bad_inputs():
    assert not is_acyclic(adjacency(3, (0, 1), (1, 2), (2, 0)))
    with pytest.raises(ValueError, match="self-loop"):
        as_adjacency(np.eye(2))
    with pytest.raises(ValueError, match="square"):
        as_adjacency(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="from 1 to 4"):
        all_dags(5)
    with pytest.raises(TypeError):
        all_dags("3")
    with pytest.raises(ValueError, match="different numbers of variables"):
        markov_equivalent(np.zeros((2, 2)), np.zeros((3, 3)))


# ------------------------------------------------------------------ the BGe score
def _data(weights, n, seed, noise_sd=(1.0, 0.7, 1.3), do=None):
    model = LinearGaussianSCM.from_weights(weights, noise_sd=list(noise_sd))
    return model.sample(n, np.random.default_rng(seed), do=do)


def _log_multigamma(a, d):
    return d * (d - 1) / 4 * math.log(math.pi) + sum(math.lgamma(a + (1 - j) / 2) for j in range(1, d + 1))


def _normal_wishart_evidence(X, alpha_mu=1.0):
    """log p(X) for the full Normal-Wishart model, computed directly (independent of any DAG)."""
    N, n = X.shape
    alpha_w = n + 2.0
    t = alpha_mu * (alpha_w - n - 1) / (alpha_mu + 1)
    mean = X.mean(axis=0)
    R = t * np.eye(n) + (X - mean).T @ (X - mean) + N * alpha_mu / (N + alpha_mu) * np.outer(mean, mean)
    return (-n * N / 2 * math.log(math.pi) + n / 2 * math.log(alpha_mu / (N + alpha_mu))
            + _log_multigamma((N + alpha_w) / 2, n) - _log_multigamma(alpha_w / 2, n)
            + alpha_w / 2 * n * math.log(t) - (N + alpha_w) / 2 * np.linalg.slogdet(R)[1])


def test_complete_dag_equals_the_joint_evidence_and_equivalent_dags_tie(space):
    X = _data(np.where(CHAIN, 0.9, 0.0), 150, 0)
    scores = space.log_marginal_likelihoods(space.statistics(X))
    full = [k for k, d in enumerate(space.dags) if d.sum() == 3]
    assert np.allclose(scores[full], _normal_wishart_evidence(X), rtol=0, atol=1e-8)
    for members in space.classes:
        assert np.ptp(scores[members]) < 1e-8 * abs(scores[members[0]])
    # the empty graph is the product of three one-variable evidences (a Wishart's 1-D block has alpha_w - n + 1 dof)
    one_d = sum(_one_variable_evidence(X[:, j], alpha_w=1 + 2.0) for j in range(3))
    assert scores[space.index_of(np.zeros((3, 3)))] == pytest.approx(one_d, abs=1e-8)


def _one_variable_evidence(x, alpha_w, alpha_mu=1.0):
    N = len(x)
    t = alpha_mu * (alpha_w - 2) / (alpha_mu + 1)
    mean = x.mean()
    R = t + ((x - mean) ** 2).sum() + N * alpha_mu / (N + alpha_mu) * mean ** 2
    return (-N / 2 * math.log(math.pi) + 0.5 * math.log(alpha_mu / (N + alpha_mu))
            + math.lgamma((N + alpha_w) / 2) - math.lgamma(alpha_w / 2) + alpha_w / 2 * math.log(t)
            - (N + alpha_w) / 2 * math.log(R))


def test_intervened_rows_leave_that_variables_mechanism_out(space):
    X = _data(np.where(CHAIN, 1.0, 0.0), 80, 1, do={1: np.random.default_rng(2).normal(0, 2, 80)})
    everywhere = np.zeros(X.shape, dtype=bool)
    everywhere[:, 1] = True
    # B was set in every sample: A -> B is invisible (ties with no edge), but B -> A is not
    assert dag_log_score(adjacency(3, (0, 1)), X, everywhere) == pytest.approx(dag_log_score(np.zeros((3, 3)), X,
                                                                                            everywhere))
    assert dag_log_score(adjacency(3, (1, 0)), X, everywhere) != pytest.approx(dag_log_score(np.zeros((3, 3)), X,
                                                                                            everywhere))
    kept = ~everywhere[:, 0]
    assert family_score(X[kept], 0, []) == pytest.approx(
        float(space.log_marginal_likelihoods(NodeStatistics.from_data(X, everywhere))[0]) -
        family_score(X[~everywhere[:, 2]], 2, []))


def test_observation_finds_the_class_and_interventions_the_dag(space):
    rng = np.random.default_rng(3)
    world = random_linear_gaussian_scm(CHAIN, rng)
    X, mask = run_experiment(world, Experiment(None, 3000), rng)
    seen = space.posterior(space.statistics(X, mask))
    true = space.index_of(CHAIN)
    members = space.classes[space.class_index[true]]
    assert seen[members].sum() > 0.9
    assert np.allclose(seen[members], seen[members].mean(), rtol=1e-6)  # spread evenly inside the class
    assert seen[true] < 0.4
    Xd, maskd = run_experiment(world, Experiment(1, 300), rng)
    done = space.posterior(space.statistics(np.vstack([X, Xd]), np.vstack([mask, maskd])))
    assert done[true] > 0.95


def test_equal_noise_identifies_only_when_true(space):
    weights = np.where(CHAIN, np.array([[0, 1.0, 0], [0, 0, -0.9], [0, 0, 0]]), 0.0)
    equal = _data(weights, 2000, 4, noise_sd=(1, 1, 1))
    unequal = _data(weights, 2000, 4, noise_sd=(2.0, 0.5, 0.5))
    assert equal_noise_log_likelihood(CHAIN, equal) > equal_noise_log_likelihood(CHAIN.T, equal) + 50
    assert equal_noise_log_likelihood(CHAIN, unequal) < equal_noise_log_likelihood(CHAIN.T, unequal) - 50
    assert dag_log_score(CHAIN, unequal) == pytest.approx(dag_log_score(CHAIN.T, unequal), rel=1e-10)


def test_probability_helpers_and_data_errors(space):
    assert entropy_bits([0.5, 0.5]) == pytest.approx(1.0) and entropy_bits([1.0, 0.0]) == 0.0
    assert np.allclose(normalise_log([-1000.0, -1000.0 + np.log(3)]), [0.25, 0.75])
    with pytest.raises(ValueError, match="NaN"):
        space.statistics(np.array([[np.nan, 0, 0]]))
    with pytest.raises(ValueError, match="shape of X"):
        space.statistics(np.zeros((4, 3)), np.zeros((4, 2), dtype=bool))
    with pytest.raises(ValueError, match="3 variables"):
        space.statistics(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="parents must be other columns"):
        family_score(np.zeros((4, 3)), 0, [0])


# ------------------------------------------------------------------ experiment design
def test_information_gain_prefers_the_middle_of_a_chain(space):
    rng = np.random.default_rng(5)
    world = LinearGaussianSCM.from_weights(np.where(CHAIN, 1.0, 0.0), noise_sd=[1.0, 0.7, 1.3])
    X, mask = run_experiment(world, Experiment(None, 40), rng)
    statistics = space.statistics(X, mask)
    candidates = candidate_experiments(3)
    gains = information_gains(space, statistics, candidates, np.random.default_rng(6), n_simulations=128)
    assert candidates[int(np.argmax(gains))].target == 1
    assert gains.min() > -0.05 and gains[0] < gains[2]  # observing more is worth less than do(B)
    again = information_gains(space, statistics, candidates, np.random.default_rng(6), n_simulations=128)
    assert np.array_equal(gains, again)


def test_nothing_left_to_learn_means_no_gain(space):
    rng = np.random.default_rng(7)
    world = random_linear_gaussian_scm(COLLIDER, rng)
    X, mask = run_experiment(world, Experiment(None, 30_000), rng)
    statistics = space.statistics(X, mask)
    assert entropy_bits(space.posterior(statistics)) < 0.15  # a little mass stays on the full class (Occam)
    assert abs(expected_information_gain(space, statistics, Experiment(0, 5), rng)) < 0.05


def test_strategies_experiments_beat_observation(space):
    results = {}
    for strategy in ("observe", "random", "greedy"):
        rng = np.random.default_rng(8)
        world = random_linear_gaussian_scm(CHAIN, rng)
        results[strategy] = run_strategy(world, strategy, 8, rng, n_simulations=16, space=space)
    assert all(len(r["entropy"]) == 9 and r["entropy"][0] == pytest.approx(np.log2(25)) for r in results.values())
    assert results["observe"]["experiments"] == [None] * 8
    assert results["random"]["entropy"][-1] < results["observe"]["entropy"][-1]
    assert results["greedy"]["entropy"][-1] < results["observe"]["entropy"][-1]
    assert results["greedy"]["true_dag"][-1] > 0.5
    with pytest.raises(ValueError, match="unknown strategy"):
        run_strategy(LinearGaussianSCM.from_weights(np.zeros((3, 3))), "clever", 1, rng)


def test_experiment_validation():
    with pytest.raises(TypeError, match="target"):
        Experiment("B")
    with pytest.raises(ValueError, match="do_sd"):
        Experiment(1, 5, do_sd=0)
    with pytest.raises(ValueError, match="not a variable"):
        run_experiment(LinearGaussianSCM.from_weights(np.zeros((3, 3))), Experiment(5), np.random.default_rng(0))
    X, mask = run_experiment(LinearGaussianSCM.from_weights(np.zeros((3, 3))), Experiment(2, 7), np.random.default_rng(0))
    assert X.shape == (7, 3) and mask[:, 2].all() and not mask[:, :2].any() and X[:, 2].std() > 0.5


# ------------------------------------------------------------------ blickets
def test_blicket_rules_and_lights():
    rules = all_rules(3)
    assert len(rules) == 12 and len(set(rules)) == 12
    functions = {tuple(rule.lights(p) for p in all_placements(3)) for rule in rules}
    assert len(functions) == 12  # every rule predicts differently somewhere
    both = BlicketRule(frozenset({0, 1}), "conjunctive")
    assert both.lights((0, 1)) and both.lights((0, 1, 2)) and not both.lights((0,)) and not both.lights((0, 2))
    assert BlicketRule(frozenset({2}), "disjunctive").lights((0, 2))
    with pytest.raises(ValueError, match="kind"):
        BlicketRule(frozenset(), "sometimes")


def test_blicket_posterior_and_information():
    rules = all_rules(3)
    true = BlicketRule(frozenset({0, 1}), "conjunctive")
    demos = [((i,), False) for i in range(3)] + [((0, 1), True), ((0, 2), False), ((1, 2), False)]
    posterior = posterior_after(demos, rules, noise=0.01)
    assert rules[int(np.argmax(posterior))] == true and posterior.max() > 0.95
    vague = posterior_after([((0, 1, 2), True)] * 3, rules, noise=0.01)
    assert vague.max() < 0.3
    uniform = np.full(12, 1 / 12)
    p = light_probabilities(rules, (0,))
    expected = entropy_bits([uniform @ p, 1 - uniform @ p]) - uniform @ entropy_bits(np.stack([p, 1 - p], -1))
    assert information_gain(uniform, rules, (0,)) == pytest.approx(expected)
    assert information_gain(posterior_after([((0,), True)] * 30, rules), rules, (0,)) < 0.01
    assert len(most_informative_placement(vague, rules, 3)) < 3  # not the test it already watched
    assert np.allclose(update(uniform, rules, (0,), True).sum(), 1.0)
    with pytest.raises(ValueError, match="at least one object"):
        update(uniform, rules, (), True)
    with pytest.raises(ValueError, match="noise"):
        light_probabilities(rules, (0,), noise=0.7)


def test_informative_demonstrations_teach_more():
    study = demonstration_study(n_repeats=5, n_tests=2, seed=1)
    assert study["informative"]["p_true_watched"] > study["uninformative"]["p_true_watched"] + 0.4
    assert study["informative"]["accuracy_watched"] > study["uninformative"]["accuracy_watched"]
    assert study["uninformative"]["p_true_tested"] > study["uninformative"]["p_true_watched"]


# ------------------------------------------------------------------ widget and CLI
def test_structure_widget_adds_samples_and_resets():
    from causal_course.widgets.structure import render_structure_learning, structure_learning_state, structure_widget

    widget = structure_widget()
    first = widget.figure.value
    widget.experiment.value = "do(B)"
    widget.add.click()
    widget.add.click()
    assert widget.history == ["do(B)", "do(B)"] and widget.figure.value != first and "data:image/png" in first
    state = structure_learning_state("chain A→B→C", tuple(widget.history))
    assert state["posterior"][state["true_index"]] > state["posterior"].mean()
    widget.reset.click()
    assert widget.history == [] and widget.figure.value == first
    widget.world.value = "collider A→B←C"
    assert widget.history == []
    exercise_controls(widget)
    assert render_structure_learning("fork A←B→C", ("observe",)).axes
    with pytest.raises(ValueError, match="unknown world"):
        structure_learning_state("spiral")
    with pytest.raises(ValueError, match="unknown experiments"):
        structure_learning_state("chain A→B→C", ("do(D)",))


def test_experiment_structure_fast():
    from causal_course.studies.structure import structure

    result = structure(seed=3, fast=True, n_seeds=2, n_rounds=3, dag_indices=[6, 12])
    assert result["samples"] == [0, 5, 10, 15] and result["n_dags"] == 2 and result["seeds"] == [3, 4]
    for strategy in ("observe", "random", "greedy"):
        curve = result["entropy"][strategy]
        assert len(curve) == 4 and curve[0]["mean"] == pytest.approx(np.log2(25), abs=1e-3)
        assert all(len(point["values"]) == 2 and point["low"] <= point["mean"] <= point["high"] for point in curve)
        assert all(0 <= v <= c + 1e-9 <= 1 + 1e-9 for v, c in zip(result["true_dag"][strategy]["values"],
                                                                   result["true_class"][strategy]["values"]))
    # paired: each seed's difference is the difference of that seed's values (same seeds, same hidden worlds)
    for pair in ("greedy - random", "random - observe"):
        a, b = pair.split(" - ")
        for key in ("true_dag", "true_class"):
            record = result["differences"][pair][key]
            assert record["values"] == pytest.approx(np.subtract(result[key][a]["values"], result[key][b]["values"]),
                                                     abs=2e-4)
            assert isinstance(record["excludes_zero"], bool)
        assert [r["values"] for r in result["differences"][pair]["entropy"]][-1] == pytest.approx(
            np.subtract(result["entropy"][a][-1]["values"], result["entropy"][b][-1]["values"]), abs=2e-4)


def test_structure_strategies_meet_the_same_worlds_and_keep_their_own_noise():
    """Each strategy draws from its own stream: running a strategy alone gives its figures in the full study."""
    from causal_course.causal.experiment_design import run_strategy
    from causal_course.causal.scm import random_linear_gaussian_scm
    from causal_course.causal.structure_learning import DagSpace
    from causal_course.seeds import stream
    from causal_course.studies.structure import structure

    result = structure(seed=5, fast=True, n_seeds=1, n_rounds=2, dag_indices=[6, 12])
    space = DagSpace(3)
    worlds_rng = stream(5, "structure_worlds")
    worlds = [random_linear_gaussian_scm(space.dags[k], worlds_rng, names=["A", "B", "C"]) for k in (6, 12)]
    rng = stream(5, "structure_random")
    runs = [run_strategy(world, "random", 2, rng, 5, 16, space) for world in worlds]
    assert result["entropy"]["random"][-1]["mean"] == pytest.approx(np.mean([r["entropy"][-1] for r in runs]),
                                                                      abs=1e-4)


def test_lesson02_cached_study_has_eight_paired_seeds_and_the_lesson_quotes_it():
    """The cached study lesson 02 loads: >= 8 seeds, intervals, paired differences; and the claims the lesson
    draws from it ("beats" from 15 samples on, not after 10) still hold for the cached figures."""
    import nbformat

    from causal_course.paths import DATA_DIR
    from causal_course.statistics import format_interval
    from causal_course.studies.cache import load_results
    from causal_course.studies.records import StructureResult

    result = StructureResult.from_json(load_results("structure_results"))
    assert len(result.seeds) >= 8 and result.n_dags == 25 and (DATA_DIR / "structure_results.json").exists()
    samples = result.samples
    greedy_random = result.differences["greedy - random"]["entropy"]
    random_observe = result.differences["random - observe"]["entropy"]
    assert not greedy_random[samples.index(10)]["excludes_zero"]
    assert all(greedy_random[k]["excludes_zero"] and greedy_random[k]["mean"] < 0
               for k in range(samples.index(15), len(samples)))
    assert all(r["excludes_zero"] and r["mean"] < 0 for r in random_observe[1:])
    lesson = nbformat.read(Path(__file__).resolve().parent.parent / "notebooks" / "02_experiments_reveal_structure.ipynb",
                           as_version=4)
    text = "\n".join(cell.source for cell in lesson.cells if cell.cell_type == "markdown")
    quoted = [format_interval(greedy_random[samples.index(n)], 2) for n in (10, 15, samples[-1])]
    quoted += [format_interval(random_observe[samples.index(n)], 2) for n in (10, samples[-1])]
    for figure in quoted:
        assert figure.replace("-", "\u2212") in text, f"lesson 02 does not quote the cached figure {figure}"


# ------------------------------------------------------------------ the exercises' checks catch the usual mistakes
def _verdict(exercise_id, answer):
    return run_check(find_exercise(exercise_id), answer)


def test_check_2_1_catches_cycles_and_one_direction_only():
    def with_cycles(n):
        pairs = list(itertools.combinations(range(n), 2))
        graphs = []
        for states in itertools.product((0, 1, -1), repeat=len(pairs)):
            a = np.zeros((n, n), dtype=bool)
            for (i, j), s in zip(pairs, states):
                if s == 1:
                    a[i, j] = True
                elif s == -1:
                    a[j, i] = True
            graphs.append(a)
        return graphs

    assert "cycle" in _verdict("2.1", with_cycles).message
    upper = lambda n: [d for d in all_dags(n) if not np.tril(d).any()]  # noqa: E731
    assert "lower to a higher index" in _verdict("2.1", upper).message
    assert "twice" in _verdict("2.1", lambda n: all_dags(n) + all_dags(n)[:1]).message


def test_check_2_2_catches_skeleton_only():
    skeleton_only = lambda a, b: bool(np.array_equal(a | a.T, b | b.T))  # noqa: E731
    assert "v-structures" in _verdict("2.2", skeleton_only).message
    exact = lambda a, b: bool(np.array_equal(a, b))  # noqa: E731
    assert not _verdict("2.2", exact).passed


def test_check_2_3_catches_children_and_undropped_rows():
    children = lambda a, X, m: dag_log_score(np.asarray(a).T, X, m)  # noqa: E731
    assert "children instead of its parents" in _verdict("2.3", children).message
    every_row = lambda a, X, m: dag_log_score(a, X, None)  # noqa: E731
    assert "every sample" in _verdict("2.3", every_row).message
    assert _verdict("2.3", lambda a, X, m: dag_log_score(a, X, m)).passed


def test_check_2_4_and_2_5_catch_underflow_and_nats():
    naive = lambda s: np.exp(s) / np.exp(s).sum()  # noqa: E731
    with np.errstate(all="ignore"):
        assert "subtract the largest" in _verdict("2.4", naive).message

    def nats(posterior, p_light):
        def h(p):
            p = np.clip(p, 1e-300, 1)
            q = np.clip(1 - np.asarray(p), 1e-300, 1)
            return -(p * np.log(p) + q * np.log(q))
        return float(h(posterior @ p_light) - posterior @ h(p_light))

    assert "nats" in _verdict("2.5", nats).message
