"""The causal-DAG episode environment of lesson 03: structures, splits, effects, rewards, the expert."""

import numpy as np
import pytest

from causal_course import episodes as E
from causal_course.scm import LinearGaussianSCM


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
