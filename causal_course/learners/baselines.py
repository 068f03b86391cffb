"""Baseline agents for the causal-DAG episodes of lesson 03.

Introduced in lesson 03. Each agent is given the worlds to act in (a
:class:`~causal_course.worlds.dag_episodes.Worlds`, or a plain weights array for the standard environment;
they are used only to simulate what the agent does and sees) and the target, and returns its
goal actions. Only :func:`optimal_agent` reads the true structure: it is the yardstick.
"""

from __future__ import annotations

import numpy as np

from causal_course.validation import check_rng
from causal_course.worlds.dag_episodes import (
    N_EXPLORATION_STEPS,
    as_worlds,
    check_env,
    estimated_effects,
    expert_episodes,
    expert_exploration,
    goal_from_estimates,
    optimal_goal_action,
    random_goal_actions,
    run_exploration,
)


def optimal_agent(weights, target, rng) -> np.ndarray:
    """Knows the structure: picks the intervention with the largest effect on the target (lesson 03)."""
    return optimal_goal_action(as_worlds(weights).effects, target)


def causal_inference_agent(weights, target, rng) -> np.ndarray:
    """Intervenes on each variable once, estimates each effect from what it saw, picks the best (lesson 03)."""
    actions = expert_exploration(len(target), rng)
    values = run_exploration(weights, actions, rng)
    return goal_from_estimates(estimated_effects(actions, values), target, rng)


def _association_choice(association: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Goal action from an association score per variable (larger |score| = stronger; sign kept)."""
    rows = np.arange(len(target))
    scores = association.copy()
    scores[rows, target] = 0.0
    magnitude = np.abs(scores)
    magnitude[rows, target] = -np.inf
    variable = np.argmax(magnitude, axis=1)
    return 2 * variable + (scores[rows, variable] < 0)


def _observe(weights, n_samples: int, rng) -> np.ndarray:
    worlds = as_worlds(weights)
    actions = np.zeros((len(worlds), n_samples), dtype=np.int64)
    return run_exploration(worlds, actions, rng)


def _sample_covariance(values: np.ndarray) -> np.ndarray:
    centred = values - values.mean(axis=1, keepdims=True)
    return np.einsum("bsi,bsj->bij", centred, centred) / max(values.shape[1] - 1, 1)


def observational_covariance(weights) -> np.ndarray:
    """The exact covariance of purely observational samples: unlimited data (lesson 03)."""
    return as_worlds(weights).observational_covariance()


def _correlation_on_target(covariance: np.ndarray, target: np.ndarray) -> np.ndarray:
    rows = np.arange(len(target))
    sd = np.sqrt(np.clip(np.diagonal(covariance, axis1=1, axis2=2), 1e-12, None))
    return covariance[rows, :, target] / (sd * sd[rows, target][:, None])


def _slope_of_target(covariance: np.ndarray, target: np.ndarray) -> np.ndarray:
    rows = np.arange(len(target))
    variance = np.clip(np.diagonal(covariance, axis1=1, axis2=2), 1e-12, None)
    return covariance[rows, :, target] / variance


def correlational_agent(weights, target, rng, n_samples: int | None = N_EXPLORATION_STEPS) -> np.ndarray:
    """Only observes (5 samples, the same budget as 5 interventions), then picks the variable most
    correlated with the target, with the correlation's sign (lesson 03). ``n_samples=None``: unlimited data."""
    covariance = observational_covariance(weights) if n_samples is None else _sample_covariance(
        _observe(weights, n_samples, rng))
    return _association_choice(_correlation_on_target(covariance, target), target)


def regression_agent(weights, target, rng, n_samples: int | None = N_EXPLORATION_STEPS) -> np.ndarray:
    """Only observes, then picks the variable with the largest slope of the target on it (lesson 03).

    ``n_samples=None`` means unlimited observational data (the exact covariance). In the standard
    and ``unequal-noise`` environments this is surprisingly strong (about 0.97): with weights of
    +-1, the slope of the target on one of its descendants is usually at most 1, while an
    unconfounded cause's slope is its total effect, so the steepest slope usually points to a
    cause, whatever the noise scales. In the ``confounded`` variant it plateaus at about 0.75:
    see the identifiability caveat in lesson 03 (``benchmarks/variants.py``).
    """
    covariance = observational_covariance(weights) if n_samples is None else _sample_covariance(
        _observe(weights, n_samples, rng))
    return _association_choice(_slope_of_target(covariance, target), target)


def random_agent(weights, target, rng) -> np.ndarray:
    """A uniformly random goal intervention (never on the target) (lesson 03)."""
    return random_goal_actions(np.asarray(target), rng)


def most_common_action(goal_actions: np.ndarray, target: np.ndarray) -> np.ndarray:
    """For each target, the goal action the training data used most often (lesson 03)."""
    table = np.zeros(5, dtype=np.int64)
    for t in range(5):
        chosen = goal_actions[target == t]
        counts = np.bincount(chosen, minlength=10) if chosen.size else np.ones(10, dtype=np.int64)
        counts[2 * t: 2 * t + 2] = -1  # never the target itself
        table[t] = int(np.argmax(counts))
    return table


def memorising_agent_from(training_goal_actions: np.ndarray, training_target: np.ndarray):
    """An agent that copies the expert's most common goal action per target in the training data (lesson 03)."""
    table = most_common_action(np.asarray(training_goal_actions), np.asarray(training_target))

    def memorising_agent(weights, target, rng) -> np.ndarray:
        return table[np.asarray(target)]

    return memorising_agent


def baseline_agents(rng: np.random.Generator, env: str = "standard") -> dict:
    """Every baseline of lesson 03 as ``name -> agent`` (the memorising one learns from expert logs in ``env``)."""
    check_rng(rng)
    check_env(env)
    training = expert_episodes(20_000, rng, "train", env)
    return {
        "optimal": optimal_agent,
        "causal_inference": causal_inference_agent,
        "correlational": correlational_agent,
        "regression_5_samples": regression_agent,
        "regression_unlimited": lambda w, t, r: regression_agent(w, t, r, n_samples=None),
        "memorising": memorising_agent_from(training.goal_action, training.target),
        "random": random_agent,
    }
