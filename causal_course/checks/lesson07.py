"""Checks for the graded exercises of lesson 07 (*From passive to active*)."""

from __future__ import annotations

import numpy as np

from causal_course.checks import CheckFailed, CheckResult, Exercise, as_number
from causal_course.learners.imitation import NearestNeighbourPolicy, behaviour_cloning
from causal_course.worlds import lane_keeping as lk

LESSON = "07_from_passive_to_active"


def _array(value, shape, what: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should be a numeric array, got {type(value).__name__}. Hint: return a numpy "
                          "array; wrap an iterator such as reversed(...) or map(...) in np.array(...).") from None
    if array.shape != shape:
        raise CheckFailed(f"{what} has shape {array.shape}; expected {shape}.")
    if not np.all(np.isfinite(array)):
        raise CheckFailed(f"{what} contains NaN or inf. Hint: look for an entry your code never filled (a loop "
                          "that stops one step early) or a division by zero.")
    return array


# --------------------------------------------------------------------------------- 7.1
def check_returns_to_go(returns_to_go) -> CheckResult:
    rng = np.random.default_rng(71)
    simple = np.array([1.0, 0.5, 0.0, 2.0])
    answer = _array(returns_to_go(simple.copy()), (4,), "returns_to_go([1, 0.5, 0, 2])")
    truth = lk.returns_to_go(simple)
    if not np.allclose(answer, truth):
        if np.allclose(answer, np.cumsum(simple)):
            raise CheckFailed("you summed the rewards received *so far*. Hint: the return to go at step t sums the "
                              "rewards from t to the end.")
        if np.allclose(answer, np.append(truth[1:], 0.0)):
            raise CheckFailed("you left out the reward of step t itself. Hint: the return to go at t includes r_t.")
        raise CheckFailed("not the sum of the rewards from each step to the end of the drive.")
    batch = rng.random((6, 50))
    answer = _array(returns_to_go(batch.copy()), (6, 50), "returns_to_go(rewards of 6 drives)")
    if not np.allclose(answer, lk.returns_to_go(batch)):
        raise CheckFailed("with one drive per row, sum along each row (the last axis), not down the columns.")
    return CheckResult(True, "your returns to go are right, for one drive and for a batch.")


# --------------------------------------------------------------------------------- 7.2
def _drives(seed: int):
    rng = np.random.default_rng(seed)
    demonstrations = lk.drive(lk.expert_policy, 5, 120, rng)
    return lk.drive(behaviour_cloning(demonstrations), 30, 120, rng)


def check_per_step_error(per_step_error) -> CheckResult:
    drives = _drives(72)
    if drives.on_road.all():
        raise RuntimeError("the check's drives should include cars that leave the road")
    answer = as_number(per_step_error(drives.actions.copy(), drives.expert_actions.copy(), drives.on_road.copy()),
                       "per_step_error(actions, expert_actions, on_road)")
    truth = lk.per_step_error(drives)
    if abs(answer - truth) > 1e-9 * max(1.0, truth):
        difference = drives.actions - drives.expert_actions
        if abs(answer - np.abs(difference).mean()) < 1e-9:
            raise CheckFailed("you averaged over every step, including those after the car left the road. Hint: "
                              "average only where on_road is True.")
        if abs(answer - difference[drives.on_road].mean()) < 1e-9:
            raise CheckFailed("positive and negative differences cancel out. Hint: take the absolute difference.")
        if abs(answer - (difference[drives.on_road] ** 2).mean()) < 1e-9:
            raise CheckFailed("that is the mean squared difference; the course uses the mean absolute difference.")
        raise CheckFailed("not the mean of |action - expert action| over the steps on the road.")
    return CheckResult(True, "you measure how far the learner's steering is from the expert's, where it drives.")


# --------------------------------------------------------------------------------- 7.3
def check_share_on_road(share_on_road) -> CheckResult:
    offsets = np.array([[0.0, 0.5, 1.2, 0.3, 0.1],      # leaves at step 2 and does not count when it comes back
                        [0.0, -0.2, -0.9, -1.0, -0.4],   # touches the line (|y| = 1) but stays on
                        [0.0, 0.1, 0.2, 0.3, 1.01]])     # leaves at the last step
    truth = np.array([1.0, 1.0, 2 / 3, 2 / 3, 1 / 3])
    answer = _array(share_on_road(offsets.copy()), (5,), "share_on_road(offsets)")
    if not np.allclose(answer, truth):
        if np.allclose(answer, (np.abs(offsets) <= 1).mean(axis=0)):
            raise CheckFailed("a car that left the road came back into your count. Hint: once off, a car stays "
                              "off: use np.logical_and.accumulate (or np.cumprod) along the steps.")
        if np.allclose(answer, np.logical_and.accumulate(np.abs(offsets) < 1, axis=1).mean(axis=0)):
            raise CheckFailed("a car exactly on the line (|y| = 1) is still on the road; it leaves when |y| > 1.")
        raise CheckFailed("not the share of cars whose offset stayed within [-1, 1] at every step so far.")
    rng = np.random.default_rng(73)
    walks = np.cumsum(rng.normal(0, 0.2, (40, 60)), axis=1)
    expected = np.logical_and.accumulate(np.abs(walks) <= 1, axis=1).mean(axis=0)
    if not np.allclose(_array(share_on_road(walks.copy()), (60,), "share_on_road"), expected):
        raise CheckFailed("wrong on random drives. Hint: one row per car, one column per step.")
    return CheckResult(True, "your survival curve counts each car until it first leaves the road.")


# --------------------------------------------------------------------------------- 7.4
def check_dagger_round(dagger_round) -> CheckResult:
    rng = np.random.default_rng(74)
    demonstrations = lk.drive(lk.expert_policy, 4, 100, rng)
    features = demonstrations.observations[demonstrations.on_road]
    labels = demonstrations.actions[demonstrations.on_road]
    policy = NearestNeighbourPolicy(features, labels)
    result = dagger_round(policy, features.copy(), labels.copy(), np.random.default_rng(75))
    if not isinstance(result, tuple) or len(result) != 2:
        raise CheckFailed("return a pair (features, labels).")
    if np.ndim(result[0]) != 2 or np.shape(result[0])[1] != 3:
        raise CheckFailed(f"features should be an (N, 3) array of situations (y, h, curvature), got shape "
                          f"{np.shape(result[0])}. Hint: np.append without axis= flattens; stack the rows with "
                          "np.concatenate([features, new_features]).")
    new_features = _array(result[0], np.shape(result[0]), "the features you return")
    new_labels = _array(result[1], (len(new_features),), "the labels you return")
    kept = (len(new_features) >= len(features) and np.allclose(new_features[:len(features)], features)
            and np.allclose(new_labels[:len(labels)], labels))
    if not kept:
        raise CheckFailed("keep the old data first, unchanged, and append the new situations after it (DAgger "
                          "aggregates: it never throws data away).")
    if len(new_features) == len(features):
        raise CheckFailed("no new situations were added. Hint: let the current policy drive (lk.drive(policy, ...)) "
                          "and add the states it visited.")
    added_features, added_labels = new_features[len(features):], new_labels[len(labels):]
    if np.any(np.abs(added_features[:, 0]) > lk.HALF_WIDTH):
        raise CheckFailed("some added situations are off the road. Hint: keep only the steps where on_road is True.")
    expert = lk.expert_policy(added_features)
    if not np.allclose(added_labels, expert):
        learner = policy(added_features)
        if np.allclose(added_labels, learner, atol=1e-6):
            raise CheckFailed("you labelled the new situations with the learner's own actions: that teaches it "
                              "nothing new. Hint: label them with what the expert would have done there "
                              "(drives.expert_actions).")
        raise CheckFailed("the new labels are not the expert's actions in the new situations. Hint: label each "
                          "added situation with drives.expert_actions at the same steps (not rewards or "
                          "other fields of the drives).")
    replay = lk.drive(policy, 10, 200, np.random.default_rng(75))
    if len(added_labels) != replay.on_road.sum():
        raise CheckFailed("drive 10 cars for 200 steps with the rng you are given (lk.drive(policy, 10, 200, rng)) "
                          "and add every step they drove on the road.")
    return CheckResult(True, "one DAgger round: the learner drives, the expert labels, the data grow.")


EXERCISES = [
    Exercise("7.1", LESSON, "returns_to_go", "Returns to go", 2, check_returns_to_go),
    Exercise("7.2", LESSON, "per_step_error", "Per-step error", 2, check_per_step_error),
    Exercise("7.3", LESSON, "share_on_road", "Measuring drift", 2, check_share_on_road),
    Exercise("7.4", LESSON, "dagger_round", "One DAgger round", 4, check_dagger_round),
]
