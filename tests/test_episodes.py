"""The causal-DAG episode environment of lesson 03: structures, splits, effects, rewards, the expert."""

import numpy as np
import pytest

from causal_course.causal.scm import LinearGaussianSCM
from causal_course.worlds import dag_episodes as E


def chain_weights():
    # X2 -> X0 -> X1, and X2 -> X1 with weight -1: total effect of X2 on X1 is 1*1 + (-1) = 0.
    w = np.zeros((1, 5, 5))
    w[0, 2, 0], w[0, 0, 1], w[0, 2, 1], w[0, 3, 4] = 1.0, 1.0, -1.0, -1.0
    return w


def test_random_dags_are_acyclic_with_allowed_weights_and_reproducible():
    w = E.random_dag_weights(2000, np.random.default_rng(0))
    assert set(np.unique(w)) <= {-1.0, 0.0, 1.0}
    reach = E.ancestry(w)
    assert not reach[:, np.arange(5), np.arange(5)].any()  # no variable is its own ancestor
    assert np.array_equal(E.random_dag_weights(50, np.random.default_rng(4)), E.random_dag_weights(50, np.random.default_rng(4)))
    # every one of the 5! causal orders can occur, so every ordered pair has edges both ways across the batch
    edges = (w != 0).mean(axis=0)
    assert (edges[~np.eye(5, dtype=bool)] > 0.1).all()


def test_total_effects_by_hand_and_against_the_scm():
    w = chain_weights()
    effects = E.total_effects(w)[0]
    assert effects[2, 1] == pytest.approx(0.0)  # paths cancel
    assert effects[2, 0] == 1.0 and effects[0, 1] == 1.0 and effects[3, 4] == -1.0
    assert np.allclose(np.diag(effects), 1.0)
    rng = np.random.default_rng(1)
    for weights in E.random_dag_weights(20, rng):
        scm = LinearGaussianSCM.from_weights(weights)
        mine = E.total_effects(weights[None])[0]
        for i in range(5):
            for j in range(5):
                if i != j:
                    assert mine[i, j] == pytest.approx(scm.total_effect(i, j))


def test_ancestry_uses_edges_not_effects():
    reach = E.ancestry(chain_weights())[0]
    assert reach[2, 1]  # an ancestor although its total effect is 0
    assert reach[2, 0] and reach[0, 1] and not reach[1, 0] and not reach[4, 3]
    assert E.is_heldout(chain_weights())[0]


def test_splits():
    rng = np.random.default_rng(2)
    train_w, _, train_t = E.sample_structures(3000, rng, "train")
    held_w, held_e, held_t = E.sample_structures(3000, rng, "heldout")
    crit_w, crit_e, crit_t = E.sample_structures(300, rng, "critical")
    assert not E.is_heldout(train_w).any()
    assert E.is_heldout(held_w).all() and E.is_heldout(crit_w).all()
    assert (crit_t == 1).all() and E.is_critical(crit_e, crit_t).all()
    values = E.best_goal_values(crit_e, crit_t)
    assert (values[:, 0] > np.delete(values, [0, 1], axis=1).max(axis=1)).all()
    # every episode's target has a cause
    for effects, target in ((held_e, held_t),):
        assert (E.best_goal_values(effects, target).max(axis=1) > 0).all()
    with pytest.raises(ValueError, match="split must be one of"):
        E.sample_structures(5, rng, "test")


def test_exploration_step_matches_the_scm_under_do():
    rng = np.random.default_rng(3)
    weights = np.repeat(E.random_dag_weights(1, rng), 20_000, axis=0)
    scm = LinearGaussianSCM.from_weights(weights[0], noise_sd=E.NOISE_SD)
    for action in range(6):
        values = E.exploration_step(weights, np.full(20_000, action), rng)
        do = {} if action == 0 else {action - 1: E.INTERVENTION_VALUE}
        assert np.allclose(values.mean(axis=0), scm.mean(do=do), atol=0.02)
        assert np.allclose(np.cov(values.T), scm.covariance(do=do), atol=0.01)
        if action:
            assert (values[:, action - 1] == E.INTERVENTION_VALUE).all()
    with pytest.raises(ValueError, match="one exploration action per episode"):
        E.exploration_step(weights[:3], np.array([0, 7, 1]), rng)


def test_goal_reward_and_normalisation():
    effects = E.total_effects(chain_weights())
    target = np.array([1])
    assert E.goal_reward(effects, target, np.array([0]))[0] == pytest.approx(5.0)  # do(X0 = +5)
    assert E.goal_reward(effects, target, np.array([1]))[0] == pytest.approx(-5.0)  # do(X0 = -5)
    assert E.goal_reward(effects, target, np.array([4]))[0] == pytest.approx(0.0)  # X2: effects cancel
    with pytest.raises(ValueError, match="target itself"):
        E.goal_reward(effects, target, np.array([2]))
    rng = np.random.default_rng(5)
    w, eff, t = E.sample_structures(20_000, rng, "all")
    optimal = E.goal_reward(eff, t, E.optimal_goal_action(eff, t))
    assert E.normalised_reward(optimal, optimal) == 1.0
    random = E.goal_reward(eff, t, E.random_goal_actions(t, rng))
    assert abs(E.normalised_reward(random, optimal)) < 0.03
    assert (E.random_goal_actions(t, rng) // 2 != t).all()
    with pytest.raises(ValueError):
        E.normalised_reward(np.zeros(3), np.zeros(3))


def test_expert_is_optimal_given_its_own_data():
    batch = E.expert_episodes(5000, np.random.default_rng(6), "all")
    # it intervenes on each variable exactly once
    assert (np.sort(batch.actions, axis=1) == np.arange(1, 6)).all()
    # its choice maximises its own estimates ...
    estimate = E.estimated_effects(batch.actions, batch.values)
    on_target = np.abs(estimate[np.arange(len(batch)), :, batch.target])
    on_target[np.arange(len(batch)), batch.target] = -1
    chosen = on_target[np.arange(len(batch)), batch.goal_action // 2]
    assert (chosen >= on_target.max(axis=1) - 1e-12).all()
    # ... and with noise sd 0.1 those estimates are good enough to be optimal
    assert E.normalised_reward(batch.reward, batch.optimal_reward) > 0.995


def test_generator_is_reproducible():
    a = E.expert_episodes(100, np.random.default_rng(9))
    b = E.expert_episodes(100, np.random.default_rng(9))
    assert np.array_equal(a.values, b.values) and np.array_equal(a.goal_action, b.goal_action)


# ----------------------------------------------------------------------------- environment variants
def test_unknown_environment_is_a_clear_error():
    with pytest.raises(ValueError, match="env must be one of .*confounded"):
        E.sample_worlds(10, np.random.default_rng(0), "train", "hidden")
    with pytest.raises(ValueError, match="env must be one of"):
        E.expert_episodes(10, np.random.default_rng(0), "train", env="Confounded")


def test_standard_worlds_reproduce_the_plain_weights_environment():
    worlds, target = E.sample_worlds(200, np.random.default_rng(3), "all", "standard")
    assert np.all(worlds.noise_sd == E.NOISE_SD) and not worlds.hidden_weights.any()
    actions = E.expert_exploration(200, np.random.default_rng(4))
    from_worlds = E.run_exploration(worlds, actions, np.random.default_rng(5))
    from_weights = E.run_exploration(worlds.weights, actions, np.random.default_rng(5))
    assert np.array_equal(from_worlds, from_weights)


def test_unequal_noise_is_drawn_per_episode_and_variable():
    worlds, _ = E.sample_worlds(2000, np.random.default_rng(6), "train", "unequal-noise")
    low, high = E.UNEQUAL_NOISE_RANGE
    assert worlds.noise_sd.min() >= low and worlds.noise_sd.max() <= high
    assert len(np.unique(worlds.noise_sd)) == worlds.noise_sd.size  # drawn afresh for every episode and variable
    # the ratio of two variables' noise carries no causal order: a variable's noise does not depend on its place
    order_rank = (E.ancestry(worlds.weights).sum(axis=1))  # number of ancestors of each variable
    roots, deep = np.log(worlds.noise_sd[order_rank == 0]), np.log(worlds.noise_sd[order_rank >= 2])
    assert abs(roots.mean() - deep.mean()) < 0.1
    # the simulated noise has the drawn scale: observe one world many times with no edges
    one = E.Worlds(np.zeros((1, 5, 5)), worlds.noise_sd[:1], np.zeros((1, 5)), "unequal-noise")
    samples = E.run_exploration(one, np.zeros((1, 20_000), dtype=np.int64), np.random.default_rng(7))[0]
    assert np.allclose(samples.std(axis=0), worlds.noise_sd[0], rtol=0.03)


def test_confounded_hidden_variable_is_never_shown_and_interventions_cut_it():
    rng = np.random.default_rng(8)
    batch = E.expert_episodes(500, rng, "train", env="confounded")
    assert batch.values.shape == (500, 5, 5)  # only the 5 observed variables are ever seen
    worlds = batch.worlds
    assert worlds.env == "confounded" and set(np.unique(worlds.hidden_weights)) <= {-1.0, 1.0}
    # no edges at all: under observation X0 and X1 are still correlated (through H), sign = product of H's edges
    empty = E.Worlds(np.zeros((1, 5, 5)), np.full((1, 5), E.NOISE_SD), np.array([[1.0, -1.0, 1.0, 1.0, 1.0]]),
                     "confounded")
    samples = E.run_exploration(empty, np.zeros((1, 20_000), dtype=np.int64), rng)[0]
    correlation = np.corrcoef(samples.T)
    assert correlation[0, 1] < -0.8 and correlation[0, 2] > 0.8
    # do(X0 = 5) cuts H -> X0: X0 is exactly 5, and X1 does not move with it (no causal link)
    done = E.run_exploration(empty, np.ones((1, 2000), dtype=np.int64), rng)[0]
    assert np.all(done[:, 0] == E.INTERVENTION_VALUE) and abs(done[:, 1].mean()) < 0.05
    # the exact observational covariance matches the simulated one in every variant
    for env in E.ENVIRONMENTS:
        worlds, _ = E.sample_worlds(3, np.random.default_rng(9), "all", env)
        samples = E.run_exploration(worlds, np.zeros((3, 40_000), dtype=np.int64), np.random.default_rng(10))
        for b in range(3):
            assert np.allclose(np.cov(samples[b].T), worlds.observational_covariance()[b], rtol=0.08, atol=2e-3), env


def test_observation_cannot_find_the_best_intervention_in_the_confounded_variant():
    """The point of the variant: regression on unlimited observations fails, experiments do not."""
    from causal_course.learners import baselines as B
    from causal_course.learners.evaluation import evaluate_agent, make_test_sets

    scores = {}
    for env in ("standard", "confounded"):
        test = make_test_sets(1500, np.random.default_rng(11), env)["heldout"]
        scores[env] = {name: evaluate_agent(agent, test, np.random.default_rng(12)) for name, agent in (
            ("experiments", B.causal_inference_agent),
            ("regression_unlimited", lambda w, t, r: B.regression_agent(w, t, r, n_samples=None)))}
    assert scores["standard"]["regression_unlimited"] > 0.93
    assert scores["confounded"]["regression_unlimited"] < 0.85
    assert scores["confounded"]["experiments"] > 0.98 and scores["standard"]["experiments"] > 0.98
