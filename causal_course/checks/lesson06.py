"""Checks for the graded exercises of lesson 06 (*Confounded generalisation*)."""

from __future__ import annotations

import numpy as np

from causal_course.checks import CheckFailed, CheckResult, Exercise
from causal_course.worlds.odd_one_out import (
    N_DIMENSIONS,
    N_OBJECTS,
    N_VALUES,
    confounded_episodes,
    deconfounded_episodes,
)
from causal_course.worlds.odd_one_out import choice_shares as reference_choice_shares

LESSON = "06_confounded_generalisation"


def _unique_truth(objects: np.ndarray, dimension: int) -> np.ndarray:
    column = objects[:, dimension]
    return np.array([np.sum(column == value) == 1 for value in column])


# --------------------------------------------------------------------------------- 6.1
def check_is_unique(is_unique) -> CheckResult:
    rng = np.random.default_rng(61)
    scenes = [confounded_episodes(50, rng, 0.5)[0], deconfounded_episodes(50, rng)[0],
              rng.integers(0, 3, size=(100, N_OBJECTS, N_DIMENSIONS))]
    for objects in np.concatenate(scenes):
        for dimension in range(N_DIMENSIONS):
            answer = np.asarray(is_unique(objects.copy(), dimension))
            if answer.shape != (N_OBJECTS,) or answer.dtype != bool:
                raise CheckFailed(f"return one True/False per object (a bool array of shape (4,)), got {answer.dtype} "
                                  f"{answer.shape}.")
            truth = _unique_truth(objects, dimension)
            if not np.array_equal(answer, truth):
                if np.array_equal(answer, objects[:, dimension] != np.bincount(objects[:, dimension]).argmax()):
                    raise CheckFailed("an object is unique when *no other* object shares its value, not merely "
                                      "when it differs from the most common value.")
                raise CheckFailed("wrong on some scene. Hint: for each object count how many objects have its value "
                                  "in this dimension; unique means the count is 1.")
    return CheckResult(True, "you can tell which objects are unique along each dimension.")


# --------------------------------------------------------------------------------- 6.2
def check_deconfounded_scene(deconfounded_scene) -> CheckResult:
    scenes, colour_positions = [], set()
    for seed in range(40):
        result = deconfounded_scene(np.random.default_rng(seed))
        if not isinstance(result, tuple) or len(result) != 2:
            raise CheckFailed("return a pair (objects, unique_dimension).")
        objects, unique_dimension = (np.asarray(r) for r in result)
        if objects.shape != (N_OBJECTS, N_DIMENSIONS) or unique_dimension.shape != (N_OBJECTS,):
            raise CheckFailed(f"objects must have shape (4, 3) and unique_dimension shape (4,); got {objects.shape} "
                              f"and {unique_dimension.shape}.")
        if objects.min() < 0 or objects.max() >= N_VALUES:
            raise CheckFailed(f"values must be integers from 0 to {N_VALUES - 1}.")
        if sorted(unique_dimension.tolist()) != [-1, 0, 1, 2]:
            raise CheckFailed("unique_dimension must name each dimension 0, 1, 2 once and -1 once (the object unique in none).")
        for k in range(N_OBJECTS):
            unique_in = [d for d in range(N_DIMENSIONS) if _unique_truth(objects, d)[k]]
            expected = [] if unique_dimension[k] == -1 else [int(unique_dimension[k])]
            if unique_in != expected:
                raise CheckFailed(f"object {k} is unique in dimensions {unique_in}, but unique_dimension says "
                                  f"{expected or 'none'}. Hint: start from 4 identical objects and change one "
                                  "value in each of three objects.")
        scenes.append(objects.tobytes() + unique_dimension.tobytes())
        colour_positions.add(int(np.argmax(unique_dimension == 0)))
    if len(set(scenes)) < 20:
        raise CheckFailed("the scenes hardly vary: draw the values and the objects' order from `rng`.")
    again = deconfounded_scene(np.random.default_rng(0))
    if (np.asarray(again[0]).tobytes() + np.asarray(again[1]).tobytes()) != scenes[0]:
        raise CheckFailed("the same seed gave a different scene. Hint: draw every random choice from the `rng` "
                          "argument, not from np.random.")
    if len(colour_positions) == 1:
        raise CheckFailed("the object unique in colour is always in the same place. Hint: shuffle the objects' order "
                          "with rng.permutation, and unique_dimension with it.")
    return CheckResult(True, "your test scenes pull the three features apart, one object each.")


# --------------------------------------------------------------------------------- 6.3
def check_choice_shares(choice_shares) -> CheckResult:
    rng = np.random.default_rng(63)
    _, unique_dimension = deconfounded_episodes(500, rng)
    for choices in (rng.integers(0, 4, size=500), np.argmax(unique_dimension == 0, axis=1),
                    np.argmax(unique_dimension == -1, axis=1)):
        answer = choice_shares(choices.copy(), unique_dimension.copy())
        truth = reference_choice_shares(choices, unique_dimension)
        if not isinstance(answer, dict) or set(answer) != set(truth):
            raise CheckFailed(f"return a dict with the keys {sorted(truth)}.")
        for key in truth:
            if abs(float(answer[key]) - truth[key]) > 1e-9:
                raise CheckFailed(f"the share for {key!r} is off. Hint: unique_dimension[episode, chosen object] says "
                                  "which dimension the chosen object is unique in (-1 for none).")
    return CheckResult(True, "you measure which feature a learner generalised on.")


EXERCISES = [
    Exercise("6.1", LESSON, "is_unique", "Unique along a dimension", 3, check_is_unique),
    Exercise("6.2", LESSON, "deconfounded_scene", "A deconfounded test scene", 4, check_deconfounded_scene),
    Exercise("6.3", LESSON, "choice_shares", "Where the choices go", 3, check_choice_shares),
]
