"""Data mixtures for lesson 04: how much of the passive data is interventional?

Introduced in lesson 04 (*Data mixtures*). A passive training set mixes three kinds of logged
episode, all on the lesson-03 training structures and all ending with the expert's goal choice
as the label:

* **expert interventional**: the expert's log (every variable intervened on once);
* **observational**: the same kind of structure, but the log holds only natural samples
  (5 observe steps). The goal label is still what the expert chose (it experimented off the
  record), so the data say *what* to choose but not *why*;
* **random experimenter**: a non-expert who picks each exploration action uniformly at random
  (observe or any ``do``, repeats allowed); the goal label is again the expert's choice.

``interventional_share`` is the probability that an episode is interventional (from the expert
or from the random experimenter, by ``exploration``); the rest are observational.
"""

from __future__ import annotations

import numpy as np

from causal_course.episodes import (
    N_EXPLORATION_ACTIONS,
    N_EXPLORATION_STEPS,
    EpisodeBatch,
    estimated_effects,
    expert_exploration,
    goal_from_estimates,
    run_exploration,
    sample_structures,
)
from causal_course.validation import check_finite_number, check_n_samples, check_rng

EXPLORATIONS = ("expert", "random")
SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)


def check_share(share) -> float:
    """``share`` as a float in [0, 1], or a ValueError that says so (lesson 04)."""
    share = check_finite_number(share, "interventional_share")
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"interventional_share must be between 0 and 1 (a fraction, not a percentage), got {share}.")
    return share


def expert_goal_labels(weights, effects, target, rng) -> np.ndarray:
    """The expert's goal choice for each structure, from its own (unlogged) experiments (lesson 04)."""
    actions = expert_exploration(len(target), rng)
    values = run_exploration(weights, actions, rng, effects)
    return goal_from_estimates(estimated_effects(actions, values), target)


def random_exploration(n_episodes: int, rng: np.random.Generator) -> np.ndarray:
    """A non-expert's exploration: each action uniformly among observe and the 5 interventions (lesson 04)."""
    return rng.integers(0, N_EXPLORATION_ACTIONS, size=(n_episodes, N_EXPLORATION_STEPS))


def mixture_kinds(n_episodes: int, interventional_share: float, rng: np.random.Generator) -> np.ndarray:
    """True for the episodes that are interventional, each with probability ``interventional_share`` (lesson 04)."""
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    share = check_share(interventional_share)
    return check_rng(rng).random(n_episodes) < share


def mixture_episodes(n_episodes: int, rng: np.random.Generator, interventional_share: float,
                     exploration: str = "expert", split: str = "train") -> EpisodeBatch:
    """A batch of logged episodes with the given share of interventional ones (lesson 04)."""
    if exploration not in EXPLORATIONS:
        raise ValueError(f"exploration must be one of {EXPLORATIONS}, got {exploration!r}.")
    rng = check_rng(rng)
    weights, effects, target = sample_structures(n_episodes, rng, split)
    interventional = mixture_kinds(len(target), interventional_share, rng)
    if exploration == "expert":
        logged = expert_exploration(len(target), rng)
    else:
        logged = random_exploration(len(target), rng)
    actions = np.where(interventional[:, None], logged, 0)
    values = run_exploration(weights, actions, rng, effects)
    goal = expert_goal_labels(weights, effects, target, rng)
    return EpisodeBatch(weights, effects, target, actions, values, goal)


def mixture_sampler(interventional_share: float, exploration: str = "expert"):
    """A ``make_batch(batch_size, rng)`` for :func:`causal_course.training.train_behaviour_cloning` (lesson 04)."""
    share = check_share(interventional_share)
    if exploration not in EXPLORATIONS:
        raise ValueError(f"exploration must be one of {EXPLORATIONS}, got {exploration!r}.")

    def make_batch(batch_size: int, rng: np.random.Generator) -> EpisodeBatch:
        return mixture_episodes(batch_size, rng, share, exploration)

    return make_batch


def interventional_share_of(actions: np.ndarray) -> float:
    """The share of logged episodes with at least one intervention (lesson 04)."""
    actions = np.asarray(actions)
    if actions.ndim != 2 or actions.size == 0:
        raise ValueError(f"actions must be a non-empty (n_episodes, n_steps) array, got shape {actions.shape}.")
    return float(np.mean((actions > 0).any(axis=1)))
