"""A car keeping its lane on a winding road: the task of lesson 07 (from passive to active).

Introduced in lesson 07. The state is the car's lateral offset ``y`` from the lane centre and its
heading error ``h``; the road's curvature ``curvature`` changes along the way. Each step the driver
steers; a gust of wind (``Normal(0, gust**2)``) nudges the heading; the car is off the road once
``|y| > 1``. An observation is the row ``(y, h, curvature)``.

Everything is batched: ``n`` cars drive at once, one row each. The expert steers to cancel the
curvature and corrects the offset and heading; a poor driver reacts weakly; a noisy one adds
random steering. This module holds the world and its drivers; learning is in
:mod:`causal_course.learners.imitation`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from causal_course.validation import check_n_samples, check_rng

STEER = 0.03  # heading change per unit of steering
OFFSET_GAIN, HEADING_GAIN = 0.08, 0.4  # the expert's corrections (per step, in heading units)
GUST = 0.003
HALF_WIDTH = 1.0
REWARD_SCALE = 4.0  # reward per step on the road: max(0, 1 - 4 |y|): 1 on the centre line, 0 a quarter lane away


def step_reward(offsets) -> np.ndarray:
    """The reward of a step at lateral offset ``y`` on the road: max(0, 1 - 4 |y|) (lesson 07)."""
    return np.maximum(0.0, 1.0 - REWARD_SCALE * np.abs(np.asarray(offsets, dtype=float)))


@dataclass(frozen=True)
class Drives:
    """What happened in ``n`` drives of ``horizon`` steps (lesson 07).

    ``observations (n, horizon, 3)``, ``actions (n, horizon)``, ``expert_actions (n, horizon)``
    (what the expert would have done in the same states), ``on_road (n, horizon)`` (True while the
    car had not left the road before that step) and ``rewards (n, horizon)`` (:func:`step_reward` on the
    road, 0 after leaving it).
    """

    observations: np.ndarray
    actions: np.ndarray
    expert_actions: np.ndarray
    on_road: np.ndarray
    rewards: np.ndarray

    @property
    def returns(self) -> np.ndarray:
        return self.rewards.sum(axis=1)


def winding_roads(n: int, horizon: int, rng: np.random.Generator) -> np.ndarray:
    """Curvature along ``n`` roads: gentle sine waves with random amplitude, wavelength and phase (lesson 07)."""
    amplitude = rng.uniform(0.0, 1.0, (n, 1))
    frequency = rng.uniform(0.02, 0.1, (n, 1))
    phase = rng.uniform(0.0, 2 * np.pi, (n, 1))
    return amplitude * np.sin(frequency * np.arange(horizon)[None, :] + phase)


def expert_policy(observations: np.ndarray) -> np.ndarray:
    """The expert's steering for each observation row ``(y, h, curvature)`` (lesson 07)."""
    observations = np.asarray(observations, dtype=float)
    y, h, curvature = observations[..., 0], observations[..., 1], observations[..., 2]
    return curvature - (OFFSET_GAIN * y + HEADING_GAIN * h) / STEER


POOR_CORRECTION = 0.1  # the poor driver corrects only a tenth as much as the expert


def poor_policy(observations: np.ndarray) -> np.ndarray:
    """A poor driver: follows the road but corrects only a tenth as much as the expert (lesson 07)."""
    observations = np.asarray(observations, dtype=float)
    return observations[..., 2] - POOR_CORRECTION * (OFFSET_GAIN * observations[..., 0]
                                                     + HEADING_GAIN * observations[..., 1]) / STEER


def drive(policy, n: int, horizon: int, rng: np.random.Generator, gust=GUST, steering_noise: float = 0.0,
          roads: np.ndarray | None = None) -> Drives:
    """Let ``policy`` (observations ``(n, 3)`` -> steering ``(n,)``) drive ``n`` cars for ``horizon`` steps (lesson 07).

    ``gust`` is the wind's standard deviation, one number or one per car; ``steering_noise``
    adds random steering to every action (a noisy driver).
    """
    n, horizon = check_n_samples(n, "n"), check_n_samples(horizon, "horizon")
    rng = check_rng(rng)
    roads = winding_roads(n, horizon, rng) if roads is None else np.asarray(roads, dtype=float)
    if roads.shape != (n, horizon):
        raise ValueError(f"roads must have shape (n, horizon) = {(n, horizon)}, got {roads.shape}.")
    gust = np.broadcast_to(np.asarray(gust, dtype=float), (n,))
    y, h = np.zeros(n), np.zeros(n)
    alive = np.ones(n, dtype=bool)
    observations = np.zeros((n, horizon, 3))
    actions, expert_actions, on_road, rewards = (np.zeros((n, horizon)) for _ in range(4))
    for t in range(horizon):
        observation = np.column_stack([y, h, roads[:, t]])
        action = np.asarray(policy(observation), dtype=float).reshape(n)
        if not np.all(np.isfinite(action)):
            raise ValueError("the policy returned NaN or inf steering; it must return one finite number per car.")
        if steering_noise:
            action = action + rng.normal(0.0, steering_noise, n)
        observations[:, t], actions[:, t] = observation, action
        expert_actions[:, t], on_road[:, t] = expert_policy(observation), alive
        rewards[:, t] = np.where(alive, step_reward(y), 0.0)
        h = h + STEER * (action - roads[:, t]) + rng.normal(0.0, 1.0, n) * gust
        y = y + h
        alive &= np.abs(y) <= HALF_WIDTH
    return Drives(observations, actions, expert_actions, on_road.astype(bool), rewards)


def per_step_error(drives: Drives) -> float:
    """Mean |steering - expert's steering| over the steps driven on the road (lesson 07)."""
    on_road = drives.on_road
    return float(np.abs(drives.actions - drives.expert_actions)[on_road].mean()) if on_road.any() else float("nan")


def survival(drives: Drives) -> np.ndarray:
    """Share of cars still on the road at each step (lesson 07)."""
    return drives.on_road.mean(axis=0)


def returns_to_go(rewards) -> np.ndarray:
    """The sum of the rewards from each step to the end of its drive, along the last axis (lesson 07)."""
    rewards = np.asarray(rewards, dtype=float)
    return np.flip(np.cumsum(np.flip(rewards, axis=-1), axis=-1), axis=-1)
