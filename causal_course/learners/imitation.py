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

from dataclasses import dataclass, replace

import numpy as np

from causal_course.seeds import stream, stream_seed
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
        spread = features.std(axis=0)
        # a constant column (whose computed spread may be a rounding error, not 0) is left unscaled
        constant = spread <= 1e-9 * np.maximum(1.0, np.abs(features).max(axis=0, initial=0.0))
        self.scale = np.where(constant, 1.0, spread)
        self.points, self.actions, self.k = features / self.scale, actions, k
        self.squared_norms = (self.points ** 2).sum(axis=1)

    def __call__(self, features) -> np.ndarray:
        query = np.asarray(features, dtype=float) / self.scale
        result = np.empty(len(query))
        for start in range(0, len(query), 512):  # chunks keep the distance matrix small
            nearest = self._nearest(query[start:start + 512])
            result[start:start + 512] = self.actions[nearest].mean(axis=1)
        return result

    def _nearest(self, block) -> np.ndarray:
        # |q - p|^2 = |q|^2 + |p|^2 - 2 q.p: one matrix product instead of a (q, p, d) array
        distances = self.squared_norms[None, :] - 2.0 * block @ self.points.T
        return np.argpartition(distances, self.k - 1, axis=1)[:, :self.k]

    def nearest(self, features) -> np.ndarray:
        """The indices ``(n, k)`` of the data's ``k`` situations nearest to each row of ``features`` (lesson 07)."""
        query = np.asarray(features, dtype=float) / self.scale
        return np.concatenate([self._nearest(query[start:start + 512]) for start in range(0, len(query), 512)])

    def __len__(self) -> int:
        return len(self.actions)


class LinearPolicy:
    """Steer as a least-squares linear function of the situation, fitted to ``features (N, d)`` and ``actions (N,)``
    (lesson 07).

    Unlike the nearest-neighbour driver it extrapolates: far from the data it steers by the same formula. The
    expert's steering is itself linear in ``(y, h, curvature)``, so this learner can recover it exactly.
    """

    def __init__(self, features, actions):
        features, actions = np.asarray(features, dtype=float), np.asarray(actions, dtype=float)
        if features.ndim != 2 or len(features) != len(actions) or len(actions) <= features.shape[1]:
            raise ValueError(f"need more situations than features, as a (N, d) array with one action each; got "
                             f"features {features.shape} and actions {actions.shape}.")
        design = np.column_stack([features, np.ones(len(features))])
        self.weights = np.linalg.lstsq(design, actions, rcond=None)[0]

    def __call__(self, features) -> np.ndarray:
        features = np.asarray(features, dtype=float)
        return features @ self.weights[:-1] + self.weights[-1]


def rewards_of(drives: lk.Drives) -> np.ndarray:
    """Reward per step of ``drives`` (:func:`causal_course.worlds.lane_keeping.step_reward`; 0 off the road) (lesson 07)."""
    return drives.rewards


def behaviour_cloning(drives: lk.Drives, k: int = K_NEIGHBOURS) -> NearestNeighbourPolicy:
    """A policy cloned from the steps of ``drives`` driven on the road (lesson 07)."""
    on_road = drives.on_road
    return NearestNeighbourPolicy(drives.observations[on_road], drives.actions[on_road], k)


def linear_cloning(drives: lk.Drives) -> LinearPolicy:
    """A least-squares linear policy cloned from the steps of ``drives`` driven on the road (lesson 07)."""
    on_road = drives.on_road
    return LinearPolicy(drives.observations[on_road], drives.actions[on_road])


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


def errors_by_horizon(drives: lk.Drives, horizons, finishers: bool = False) -> dict:
    """Per-step error (over the steps on the road before each horizon) and the share still on the road (lesson 07).

    With ``finishers``, also ``"finishers_error"``: the per-step error before each horizon over the cars still on
    the road at that horizon only (NaN if none is), which no car's leaving the road can lower.
    """
    error = np.abs(drives.actions - drives.expert_actions)
    result = {"per_step_error": [], "on_road": []} | ({"finishers_error": []} if finishers else {})
    for horizon in horizons:
        driven = drives.on_road[:, :horizon]
        result["per_step_error"].append(float(error[:, :horizon][driven].mean()))
        result["on_road"].append(float(drives.on_road[:, horizon - 1].mean()))
        if finishers:
            finished = drives.on_road[:, horizon - 1]
            result["finishers_error"].append(float(error[finished, :horizon].mean()) if finished.any() else float("nan"))
    return result


@dataclass(frozen=True)
class DaggerResult:
    """What :func:`dagger_study` measured: error curves by horizon for each round, and the data after each (lesson 07)."""

    horizons: list
    curves: dict  # name -> {"per_step_error", "on_road", "finishers_error": [...]}; names: "expert", "round 0"
    # (cloning), "round 1", ..., "clone size-matched" (cloning with round 1's data size), "linear clone"
    data_sizes: list  # labelled situations after each round


def dagger_study(seed: int = 0, rounds: int = 3, n_demonstrations: int = 10, n_test: int = 200,
                 horizons=(10, 25, 50, 100, 200), gust=lk.GUST) -> DaggerResult:
    """Behaviour cloning, then ``rounds`` of DAgger, each tested on fresh roads at every horizon (lesson 07).

    Two further baselines, tested on the same roads: ``"clone size-matched"``, the nearest-neighbour clone given
    further expert drives (stream ``extra_demonstrations``) until it has as many labelled situations as round 1
    (Ross et al. compare at equal data); and ``"linear clone"``, a least-squares linear policy cloned from the same
    demonstrations as round 0, a learner that extrapolates beyond its data.
    """
    rng = np.random.default_rng(seed)
    horizons = list(horizons)
    longest = max(horizons)
    demonstrations = lk.drive(lk.expert_policy, n_demonstrations, longest, rng, gust=gust)
    policy = behaviour_cloning(demonstrations)
    features, labels = demonstrations.observations[demonstrations.on_road], demonstrations.actions[demonstrations.on_road]
    test_seed = stream_seed(seed, "test_roads")  # the same test roads and gusts for every policy

    def test_same(p):
        drives = lk.drive(p, n_test, longest, np.random.default_rng(test_seed), gust=gust)
        return errors_by_horizon(drives, horizons, finishers=True)

    curves = {"expert": test_same(lk.expert_policy), "round 0": test_same(policy),
              "linear clone": test_same(linear_cloning(demonstrations))}
    sizes = [len(labels)]
    for r in range(1, rounds + 1):
        policy, features, labels = dagger_round(policy, features, labels, rng, n_demonstrations, longest, gust)
        curves[f"round {r}"] = test_same(policy)
        sizes.append(len(labels))
    if rounds:  # cloning with as many expert-labelled situations as round 1 has
        wanted, extra_features, extra_labels = sizes[1] - sizes[0], [], []
        extra_rng = stream(seed, "extra_demonstrations")
        while sum(map(len, extra_labels)) < wanted:
            more = lk.drive(lk.expert_policy, n_demonstrations, longest, extra_rng, gust=gust)
            extra_features.append(more.observations[more.on_road])
            extra_labels.append(more.actions[more.on_road])
        first = demonstrations.on_road
        matched = NearestNeighbourPolicy(
            np.concatenate([demonstrations.observations[first], *extra_features])[:sizes[1]],
            np.concatenate([demonstrations.actions[first], *extra_labels])[:sizes[1]])
        curves["clone size-matched"] = test_same(matched)
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
    """Drives of mixed quality, flattened to the steps driven on the road (lesson 07).

    Per step: features ``(y, h, curvature)``, the action, ``returns_to_go`` (the reward per step
    still to come: the label a return-conditioned driver conditions on), which driver and which drive
    (0, 1, ...) it came from, the drive's return, the step's index in its drive, and the day's weather
    (the gust level, which the driver does not observe).
    """

    features: np.ndarray
    actions: np.ndarray
    returns_to_go: np.ndarray
    driver: np.ndarray
    drive_return: np.ndarray
    drive: np.ndarray  # which drive (0, 1, ...) each step came from
    step: np.ndarray  # the step's index t in its drive (0 .. horizon - 1)
    weather: np.ndarray  # the gust level of the step's day
    horizon: int = 200

    def per_drive(self) -> tuple[np.ndarray, np.ndarray]:
        """``(return, driver)`` of each drive, once per drive, ties kept (lesson 07)."""
        _, first = np.unique(self.drive, return_index=True)  # unique drive numbers, not unique returns
        return self.drive_return[first], self.driver[first]

    def per_drive_weather(self) -> np.ndarray:
        """The weather (gust level) of each drive, in the order of :meth:`per_drive` (lesson 07)."""
        _, first = np.unique(self.drive, return_index=True)
        return self.weather[first]

    def best_drives(self, share: float = 0.25) -> np.ndarray:
        """Which steps belong to the drives whose return is in the top ``share`` of all drives (lesson 07)."""
        returns, _ = self.per_drive()
        return self.drive_return >= np.quantile(returns, 1 - share)

    def with_expected_returns(self) -> MixedData:
        """The same steps, labelled with what their *kind of driver* earns on average, not with what this drive got.

        Lesson 07's fix for luck (after Paster, McIlraith and Ba, 2022, who learn the groups; here they
        are the drivers, recorded in the data). A step ``t`` of a drive by driver ``d`` gets the mean,
        over *all* drives by ``d`` (calm and stormy days alike), of the return still to come at ``t``,
        per remaining step; a drive that had left the road before ``t`` counts with 0. Luck (the day's
        weather, the gusts still to come) averages out of the label; what the driver's behaviour
        earns stays in.
        """
        steps_left = self.horizon - self.step
        to_go = self.returns_to_go * steps_left  # the return still to come, per step of the data
        expected = np.empty_like(to_go)
        for name in sorted(set(self.driver.tolist())):
            mine = self.driver == name
            n_drives = len(set(self.drive[mine].tolist()))  # every drive has its step 0 on the road
            mean_to_go = np.bincount(self.step[mine], weights=to_go[mine], minlength=self.horizon) / n_drives
            expected[mine] = mean_to_go[self.step[mine]] / steps_left[mine]
        return replace(self, returns_to_go=expected)


def mixed_demonstrations(rng, drivers_per_kind: dict | None = None, horizon: int = 200, gusts=(lk.GUST,)) -> MixedData:
    """Drives by every kind of driver, labelled with their returns; the days' weather cycles through ``gusts`` (lesson 07).

    Each kind of driver drives equally often in each weather (``gusts`` repeated, then shuffled over
    its drives). With more than one gust level, some high returns come from calm weather (luck), not
    from skill. The random numbers ``rng`` gives do not depend on ``gusts``: the same generator state
    gives the same roads, gust draws and steering noise in any weather (common random numbers).
    """
    rng = check_rng(rng)
    drivers_per_kind = drivers_per_kind or {name: 10 for name in DRIVERS}
    gusts = np.asarray(gusts, dtype=float).ravel()
    if gusts.size == 0 or not np.all(np.isfinite(gusts)) or np.any(gusts < 0):
        raise ValueError(f"gusts must be one or more non-negative gust levels, got {gusts.tolist()}.")
    parts, next_drive = [], 0
    for name, count in drivers_per_kind.items():
        policy, noise = driver_policy(name)
        gust = rng.permutation(np.resize(gusts, count))  # each weather equally often (to within one drive)
        drives = lk.drive(policy, count, horizon, rng, gust=gust, steering_noise=noise)
        rewards = rewards_of(drives)
        to_go = lk.returns_to_go(rewards) / np.arange(horizon, 0, -1)  # reward per step still to come
        on_road = drives.on_road
        drive_index = np.broadcast_to((next_drive + np.arange(count))[:, None], on_road.shape)
        next_drive += count
        parts.append((drives.observations[on_road], drives.actions[on_road], to_go[on_road],
                      np.full(on_road.sum(), name), np.broadcast_to(rewards.sum(axis=1)[:, None], on_road.shape)[on_road],
                      drive_index[on_road], np.broadcast_to(np.arange(horizon)[None, :], on_road.shape)[on_road],
                      np.broadcast_to(gust[:, None], on_road.shape)[on_road]))
    return MixedData(*(np.concatenate(column) for column in zip(*parts)), horizon=horizon)


class ReturnConditionedPolicy:
    """Steer as the data did in similar situations *with a similar return still to come* (lesson 07).

    The return to come is expressed per remaining step (so that it measures how well the drive
    goes, not how much of it is left). Call :meth:`start` with the return asked for over the
    whole drive; each step the reward received is subtracted, as in the Decision Transformer.
    """

    def __init__(self, data: MixedData, k: int = K_NEIGHBOURS, horizon: int | None = None):
        features = np.column_stack([data.features, data.returns_to_go])
        self.neighbours = NearestNeighbourPolicy(features, data.actions, k)
        self.horizon, self.remaining, self.step = data.horizon if horizon is None else horizon, None, 0
        self.drivers, self.sources = data.driver, None

    def track_sources(self) -> ReturnConditionedPolicy:
        """From now on, record in ``sources`` (a list, one ``(n, k)`` array per step) which driver supplied each of
        the neighbours it steers by (lesson 07)."""
        self.sources = []
        return self

    def start(self, asked_return: float, n: int) -> ReturnConditionedPolicy:
        self.remaining, self.step = np.full(n, float(asked_return)), 0
        return self

    def __call__(self, observations) -> np.ndarray:
        if self.remaining is None or len(self.remaining) != len(observations):
            raise RuntimeError("call start(asked_return, n_cars) before driving.")
        rate = self.remaining / max(self.horizon - self.step, 1)
        query = np.column_stack([observations, rate])
        action = self.neighbours(query)
        if self.sources is not None:
            self.sources.append(self.drivers[self.neighbours.nearest(query)])
        self.remaining = self.remaining - lk.step_reward(observations[:, 0])
        self.step += 1
        return action


def achieved_return(policy, n: int, horizon: int, seed: int, gust=lk.GUST) -> np.ndarray:
    """Returns of ``n`` test drives (fixed roads and gusts for a given ``seed``) (lesson 07)."""
    return rewards_of(lk.drive(policy, n, horizon, np.random.default_rng(seed), gust=gust)).sum(axis=1)
