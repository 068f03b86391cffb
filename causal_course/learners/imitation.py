"""Learning to drive from demonstrations: behaviour cloning, DAgger, and return-conditioned imitation.

Introduced in lesson 07 (from passive to active). The learner is a nearest-neighbour policy: in
a new situation it finds the ``k`` most similar situations in its data and steers as the
demonstrators did there. It has no model of the road, so it can only be as good as its data
*where it drives*: that is what makes the difference between passive cloning and DAgger visible.

* **Behaviour cloning** learns from the expert's own drives (passive data).
* **DAgger** (Ross, Gordon and Bagnell, 2011) lets the learner drive, asks the expert what it
  would have done in the states the *learner* visited, adds those labels and refits.
* **Return-conditioned** imitation (upside-down RL, Decision Transformer) adds the return still
  to come to the situation, learns from drives of every quality, and is asked for a high return.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from causal_course.seeds import stream_seed
from causal_course.validation import check_rng
from causal_course.worlds import lane_keeping as lk

K_NEIGHBOURS = 5


class NearestNeighbourPolicy:
    """Steer as the data did in the ``k`` most similar situations (lesson 07).

    ``features (N, d)`` are situations, ``actions (N,)`` what was done. Each feature is divided by
    its spread in the data, so all count alike.
    """

    def __init__(self, features, actions, k: int = K_NEIGHBOURS):
        features, actions = np.asarray(features, dtype=float), np.asarray(actions, dtype=float)
        if features.ndim != 2 or len(features) != len(actions) or len(actions) < k:
            raise ValueError(f"need at least k = {k} situations as a (N, d) array with one action each; got "
                             f"features {features.shape} and actions {actions.shape}.")
        self.scale = np.where(features.std(axis=0) > 0, features.std(axis=0), 1.0)
        self.points, self.actions, self.k = features / self.scale, actions, k
        self.squared_norms = (self.points ** 2).sum(axis=1)

    def __call__(self, features) -> np.ndarray:
        query = np.asarray(features, dtype=float) / self.scale
        result = np.empty(len(query))
        for start in range(0, len(query), 512):  # chunks keep the distance matrix small
            block = query[start:start + 512]
            # |q - p|^2 = |q|^2 + |p|^2 - 2 q.p: one matrix product instead of a (q, p, d) array
            distances = self.squared_norms[None, :] - 2.0 * block @ self.points.T
            nearest = np.argpartition(distances, self.k - 1, axis=1)[:, :self.k]
            result[start:start + 512] = self.actions[nearest].mean(axis=1)
        return result

    def __len__(self) -> int:
        return len(self.actions)


def rewards_of(drives: lk.Drives) -> np.ndarray:
    """Reward per step of ``drives`` (:func:`causal_course.worlds.lane_keeping.step_reward`; 0 off the road) (lesson 07)."""
    return drives.rewards


def behaviour_cloning(drives: lk.Drives, k: int = K_NEIGHBOURS) -> NearestNeighbourPolicy:
    """A policy cloned from the steps of ``drives`` driven on the road (lesson 07)."""
    on_road = drives.on_road
    return NearestNeighbourPolicy(drives.observations[on_road], drives.actions[on_road], k)


def dagger_round(policy, features, labels, rng, n_drives: int = 10, horizon: int = 200, gust=lk.GUST,
                 k: int = K_NEIGHBOURS):
    """One DAgger round: ``policy`` drives, the expert labels the states it visited, all data are refit (lesson 07).

    Returns ``(new_policy, features, labels)`` with the new, expert-labelled states appended.
    """
    drives = lk.drive(policy, n_drives, horizon, rng, gust=gust)
    visited = drives.on_road
    features = np.concatenate([features, drives.observations[visited]])
    labels = np.concatenate([labels, drives.expert_actions[visited]])
    return NearestNeighbourPolicy(features, labels, k), features, labels


def errors_by_horizon(drives: lk.Drives, horizons) -> dict:
    """Per-step error (over the steps on the road before each horizon) and the share still on the road (lesson 07)."""
    error = np.abs(drives.actions - drives.expert_actions)
    result = {"per_step_error": [], "on_road": []}
    for horizon in horizons:
        driven = drives.on_road[:, :horizon]
        result["per_step_error"].append(float(error[:, :horizon][driven].mean()))
        result["on_road"].append(float(drives.on_road[:, horizon - 1].mean()))
    return result


@dataclass(frozen=True)
class DaggerResult:
    """What :func:`dagger_study` measured: error curves by horizon for each round, and the data after each (lesson 07)."""

    horizons: list
    curves: dict  # name -> {"per_step_error": [...], "on_road": [...]}; names: "expert", "round 0" (cloning), ...
    data_sizes: list  # labelled situations after each round


def dagger_study(seed: int = 0, rounds: int = 3, n_demonstrations: int = 10, n_test: int = 200,
                 horizons=(10, 25, 50, 100, 200), gust=lk.GUST) -> DaggerResult:
    """Behaviour cloning, then ``rounds`` of DAgger, each tested on fresh roads at every horizon (lesson 07)."""
    rng = np.random.default_rng(seed)
    horizons = list(horizons)
    longest = max(horizons)
    demonstrations = lk.drive(lk.expert_policy, n_demonstrations, longest, rng, gust=gust)
    policy = behaviour_cloning(demonstrations)
    features, labels = demonstrations.observations[demonstrations.on_road], demonstrations.actions[demonstrations.on_road]
    test_seed = stream_seed(seed, "test_roads")  # the same test roads and gusts for every policy

    def test_same(p):
        return errors_by_horizon(lk.drive(p, n_test, longest, np.random.default_rng(test_seed), gust=gust), horizons)

    curves = {"expert": test_same(lk.expert_policy), "round 0": test_same(policy)}
    sizes = [len(labels)]
    for r in range(1, rounds + 1):
        policy, features, labels = dagger_round(policy, features, labels, rng, n_demonstrations, longest, gust)
        curves[f"round {r}"] = test_same(policy)
        sizes.append(len(labels))
    return DaggerResult(horizons, curves, sizes)


# ------------------------------------------------------------------------------ return conditioning
DRIVERS = ("expert", "noisy", "poor", "random")


def driver_policy(name: str):
    """The demonstrators of the mixed-quality data: their policy and steering noise (lesson 07)."""
    if name == "expert":
        return lk.expert_policy, 0.0
    if name == "noisy":
        return lk.expert_policy, 2.0
    if name == "poor":
        return lk.poor_policy, 0.0
    if name == "random":
        return (lambda o: np.zeros(len(o))), 1.0
    raise ValueError(f"unknown driver {name!r}; choose one of {DRIVERS}.")


@dataclass(frozen=True)
class MixedData:
    """Drives of mixed quality, flattened to steps: features ``(y, h, curvature)``, actions, return-to-go,
    and which driver and which drive each step came from (lesson 07)."""

    features: np.ndarray
    actions: np.ndarray
    returns_to_go: np.ndarray
    driver: np.ndarray
    drive_return: np.ndarray
    drive: np.ndarray  # which drive (0, 1, ...) each step came from

    def per_drive(self) -> tuple[np.ndarray, np.ndarray]:
        """``(return, driver)`` of each drive, once per drive, ties kept (lesson 07)."""
        _, first = np.unique(self.drive, return_index=True)
        return self.drive_return[first], self.driver[first]

    def best_drives(self, share: float = 0.25) -> np.ndarray:
        """Which steps belong to the drives whose return is in the top ``share`` of all drives (lesson 07)."""
        returns, _ = self.per_drive()
        return self.drive_return >= np.quantile(returns, 1 - share)


def mixed_demonstrations(rng, drivers_per_kind: dict | None = None, horizon: int = 200, gusts=(lk.GUST,)) -> MixedData:
    """Drives by every kind of driver, labelled with their returns; each drive's gust is drawn from ``gusts`` (lesson 07).

    With more than one gust level, some high returns come from calm weather (luck), not from skill.
    """
    rng = check_rng(rng)
    drivers_per_kind = drivers_per_kind or {name: 10 for name in DRIVERS}
    parts, next_drive = [], 0
    for name, count in drivers_per_kind.items():
        policy, noise = driver_policy(name)
        gust = rng.choice(np.asarray(gusts, dtype=float), size=count)
        drives = lk.drive(policy, count, horizon, rng, gust=gust, steering_noise=noise)
        rewards = rewards_of(drives)
        to_go = lk.returns_to_go(rewards) / np.arange(horizon, 0, -1)  # reward per step still to come
        on_road = drives.on_road
        drive_index = np.broadcast_to((next_drive + np.arange(count))[:, None], on_road.shape)
        next_drive += count
        parts.append((drives.observations[on_road], drives.actions[on_road], to_go[on_road],
                      np.full(on_road.sum(), name), np.broadcast_to(rewards.sum(axis=1)[:, None], on_road.shape)[on_road],
                      drive_index[on_road]))
    return MixedData(*(np.concatenate(column) for column in zip(*parts)))


class ReturnConditionedPolicy:
    """Steer as the data did in similar situations *with a similar return still to come* (lesson 07).

    The return to come is expressed per remaining step (so that it measures how well the drive
    goes, not how much of it is left). Call :meth:`start` with the return asked for over the
    whole drive; each step the reward received is subtracted, as in the Decision Transformer.
    """

    def __init__(self, data: MixedData, k: int = K_NEIGHBOURS, horizon: int = 200):
        features = np.column_stack([data.features, data.returns_to_go])
        self.neighbours = NearestNeighbourPolicy(features, data.actions, k)
        self.horizon, self.remaining, self.step = horizon, None, 0

    def start(self, asked_return: float, n: int) -> ReturnConditionedPolicy:
        self.remaining, self.step = np.full(n, float(asked_return)), 0
        return self

    def __call__(self, observations) -> np.ndarray:
        if self.remaining is None or len(self.remaining) != len(observations):
            raise RuntimeError("call start(asked_return, n_cars) before driving.")
        rate = self.remaining / max(self.horizon - self.step, 1)
        action = self.neighbours(np.column_stack([observations, rate]))
        self.remaining = self.remaining - lk.step_reward(observations[:, 0])
        self.step += 1
        return action


def achieved_return(policy, n: int, horizon: int, seed: int, gust=lk.GUST) -> np.ndarray:
    """Returns of ``n`` test drives (fixed roads and gusts for a given ``seed``) (lesson 07)."""
    return rewards_of(lk.drive(policy, n, horizon, np.random.default_rng(seed), gust=gust)).sum(axis=1)
