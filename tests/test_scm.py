"""The linear-Gaussian SCM against closed forms, and its errors on bad input."""

import networkx as nx
import numpy as np
import pytest

from causal_course.causal.scm import LinearGaussianSCM
from causal_course.worlds.tutoring import tutoring_scm


def chain_model():
    # A -> B -> C with A -> C: weights chosen so that every closed form is easy by hand.
    weights = np.array([[0.0, 2.0, 1.0], [0.0, 0.0, -0.5], [0.0, 0.0, 0.0]])
    return LinearGaussianSCM.from_weights(weights, names=["A", "B", "C"], noise_sd=[1.0, 0.5, 2.0],
                                          intercepts=[1.0, 0.0, 3.0])


def test_closed_form_mean_and_covariance_by_hand():
    model = chain_model()
    # A = 1 + eA; B = 2A + eB; C = 3 + A - 0.5B + eC
    assert np.allclose(model.mean(), [1.0, 2.0, 3.0 + 1.0 - 1.0])
    var_a, var_b = 1.0, 4.0 * 1.0 + 0.25
    cov_ab = 2.0
    # C = A - 0.5 B + ... = A - A - 0.5 eB + eC = -0.5 eB + eC
    var_c = 0.25 * 0.25 + 4.0
    cov_ac = 0.0
    cov_bc = -0.5 * 0.25
    expected = np.array([[var_a, cov_ab, cov_ac], [cov_ab, var_b, cov_bc], [cov_ac, cov_bc, var_c]])
    assert np.allclose(model.covariance(), expected)


def test_samples_match_closed_forms():
    model = chain_model()
    X = model.sample(200_000, np.random.default_rng(1))
    assert X.shape == (200_000, 3)
    assert np.allclose(X.mean(axis=0), model.mean(), atol=0.03)
    assert np.allclose(np.cov(X.T), model.covariance(), atol=0.05)


def test_do_cuts_incoming_edges_and_keeps_downstream_mechanisms():
    model = chain_model()
    X = model.sample(100_000, np.random.default_rng(2), do={"B": 3.0})
    assert np.all(X[:, 1] == 3.0)
    # A is upstream: unchanged. C = 3 + A - 1.5 + eC.
    assert np.allclose(model.mean(do={"B": 3.0}), [1.0, 3.0, 3.0 + 1.0 - 1.5])
    assert np.allclose(X.mean(axis=0), model.mean(do={"B": 3.0}), atol=0.03)
    assert np.isclose(np.var(X[:, 0]), 1.0, atol=0.02)
    mutilated = model.do({1: 3.0})
    assert mutilated.weights[0, 1] == 0.0 and mutilated.weights[1, 2] == -0.5
    assert mutilated.intervened == {1: 3.0}
    assert model.intervened == {}  # the original is unchanged


def test_multiple_and_per_sample_interventions():
    model = chain_model()
    X = model.sample(10, np.random.default_rng(0), do={"A": 0.0, "B": 1.0})
    assert np.all(X[:, :2] == [0.0, 1.0])
    assigned = np.arange(10, dtype=float)
    X = model.sample(10, np.random.default_rng(0), do={"B": assigned})
    assert np.array_equal(X[:, 1], assigned)


def test_total_effect_sums_paths():
    model = chain_model()
    assert model.total_effect("A", "C") == pytest.approx(1.0 + 2.0 * -0.5)
    assert model.total_effect("B", "C") == pytest.approx(-0.5)
    assert model.total_effect("C", "A") == pytest.approx(0.0)
    assert tutoring_scm().total_effect("tutoring", "score") == pytest.approx(0.5)


def test_same_seed_same_numbers():
    model = chain_model()
    a = model.sample(50, np.random.default_rng(7))
    b = model.sample(50, np.random.default_rng(7))
    c = model.sample(50, np.random.default_rng(8))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_counterfactual_abduct_act_predict():
    model = chain_model()
    observed = np.array([2.0, 3.5, 1.0])
    noise = model.abduct(observed)
    assert np.allclose(noise, [1.0, 3.5 - 4.0, 1.0 - (3.0 + 2.0 - 1.75)])
    cf = model.counterfactual(observed, do={"B": 0.0})
    # A keeps its value, B is set, C moves by -0.5 * (0 - 3.5) from its observed value.
    assert np.allclose(cf, [2.0, 0.0, 1.0 + 1.75])
    # No change in the intervened value: the counterfactual is the observation itself.
    assert np.allclose(model.counterfactual(observed, do={"B": 3.5}), observed)
    rows = model.sample(5, np.random.default_rng(3))
    assert np.allclose(model.counterfactual(rows, do={"A": 0.0})[:, 0], 0.0)


def test_graph_round_trip():
    graph = nx.DiGraph()
    graph.add_weighted_edges_from([("Z", "T", 0.8), ("T", "Y", 0.5)])
    model = LinearGaussianSCM(graph)
    assert set(model.graph.edges) == {("Z", "T"), ("T", "Y")}
    assert model.weights[model.index("Z"), model.index("T")] == 0.8


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda: LinearGaussianSCM.from_weights([[0, 1], [1, 0]]), ValueError, ["cycle", "remove"]),
        (lambda: LinearGaussianSCM.from_weights([[1.0]]), ValueError, ["cycle"]),
        (lambda: LinearGaussianSCM.from_weights(np.zeros((2, 3))), ValueError, ["square", "(2, 3)"]),
        (lambda: LinearGaussianSCM.from_weights([[0, np.nan], [0, 0]]), ValueError, ["NaN", "weights"]),
        (lambda: LinearGaussianSCM.from_weights(np.zeros((2, 2)), names=["a"]), ValueError, ["names"]),
        (lambda: LinearGaussianSCM.from_weights(np.zeros((2, 2)), noise_sd=[1, 2, 3]), ValueError, ["noise_sd"]),
        (lambda: LinearGaussianSCM.from_weights(np.zeros((2, 2)), noise_sd=-1), ValueError, ["noise_sd"]),
        (lambda: LinearGaussianSCM("not a graph"), TypeError, ["DiGraph", "from_weights"]),
    ],
)
def test_bad_models_get_clear_errors(make, error, words):
    with pytest.raises(error) as info:
        make()
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda m, r: m.sample(-1, r), ValueError, ["n_samples", "non-negative"]),
        (lambda m, r: m.sample(2.5, r), TypeError, ["n_samples", "whole number"]),
        (lambda m, r: m.sample(True, r), TypeError, ["n_samples"]),
        (lambda m, r: m.sample(10, 0), TypeError, ["numpy.random.Generator", "default_rng"]),
        (lambda m, r: m.sample(10, r, do={"Q": 1.0}), ValueError, ["unknown variable 'Q'", "'A'"]),
        (lambda m, r: m.sample(10, r, do={7: 1.0}), ValueError, ["unknown variable 7"]),
        (lambda m, r: m.sample(10, r, do={"A": np.nan}), ValueError, ["do(A)", "finite"]),
        (lambda m, r: m.sample(10, r, do=[("A", 1.0)]), TypeError, ["dict"]),
        (lambda m, r: m.sample(10, r, do={"A": np.zeros(3)}), ValueError, ["one value per sample"]),
        (lambda m, r: m.counterfactual([1.0, np.nan, 0.0], do={"A": 0.0}), ValueError, ["NaN"]),
        (lambda m, r: m.counterfactual([1.0, 2.0], do={"A": 0.0}), ValueError, ["one value per variable"]),
        (lambda m, r: m.total_effect("A", "nope"), ValueError, ["unknown variable"]),
    ],
)
def test_bad_calls_get_clear_errors(call, error, words):
    with pytest.raises(error) as info:
        call(chain_model(), np.random.default_rng(0))
    for word in words:
        assert word in str(info.value)


def test_zero_samples_is_an_empty_matrix():
    assert chain_model().sample(0, np.random.default_rng(0)).shape == (0, 3)
