"""Lesson 06's task: odd-one-out with perfectly confounded training data.

Introduced in lesson 06 (*Confounded generalisation*), after Lampinen et al. (2022), *Tell me
why!*. Each episode shows 4 objects described by colour, shape and texture (each one of
``N_VALUES`` symbolic values). The learner must pick the odd one out.

* **Confounded training**: the odd object is unique in all three dimensions at once; the other
  three share their colour, their shape and their texture. Any of the three features predicts
  the answer perfectly, so the data cannot say which one "the odd one" means.
* **Partly confounded** training (``confounded_share < 1``): the rest of the episodes have an
  odd object unique in one random dimension only.
* **Deconfounded test**: one object is unique in colour only, another in shape only, another in
  texture only, the fourth in none. Which one the learner picks shows which feature it learned.
* **Explanations** are true statements about the episode: "correct: it is uniquely green" names a
  dimension in which the odd object *is* unique, and its value there (:func:`explained_feature`).
  In a perfectly confounded episode the odd object is unique in all three dimensions, a tie the
  explainer breaks by naming its preferred dimension (the lesson's condition); in a partly
  confounded episode it is unique in one dimension only, and the explanation names that one.
"""

from __future__ import annotations

import numpy as np

from causal_course.validation import check_finite_number, check_integer, check_n_samples, check_rng, invalid

N_OBJECTS = 4
N_DIMENSIONS = 3
N_VALUES = 6
DIMENSIONS = ("colour", "shape", "texture")


def _distinct_values(rng: np.random.Generator, n_episodes: int, k: int) -> np.ndarray:
    """``k`` distinct values per episode and dimension: shape ``(n, dims, k)``."""
    return np.argsort(rng.random((n_episodes, N_DIMENSIONS, N_VALUES)), axis=2)[:, :, :k]


def _shuffle_objects(objects: np.ndarray, rng: np.random.Generator):
    order = np.argsort(rng.random((objects.shape[0], N_OBJECTS)), axis=1)
    return np.take_along_axis(objects, order[:, :, None], axis=1), order


def confounded_episodes(n_episodes: int, rng: np.random.Generator, confounded_share: float = 1.0):
    """``(objects (n, 4, 3) ints, odd (n,))`` for training; see the module docstring (lesson 06)."""
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    rng = check_rng(rng)
    share = check_finite_number(confounded_share, "confounded_share")
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"confounded_share must be between 0 and 1, got {share}.")
    values = _distinct_values(rng, n_episodes, 2)  # per dimension: the common value and the odd value
    objects = np.repeat(values[:, None, :, 0], N_OBJECTS, axis=1)  # everyone has the common value
    confounded = rng.random(n_episodes) < share
    odd_dimension = rng.integers(0, N_DIMENSIONS, size=n_episodes)
    unique_in = confounded[:, None] | (np.arange(N_DIMENSIONS)[None, :] == odd_dimension[:, None])
    objects[:, 0, :] = np.where(unique_in, values[:, :, 1], values[:, :, 0])  # object 0 is the odd one, then shuffle
    objects, order = _shuffle_objects(objects, rng)
    odd = np.argmax(order == 0, axis=1)
    return objects, odd


def unique_dimensions(objects: np.ndarray, odd: np.ndarray) -> np.ndarray:
    """``(n, 3)`` booleans: in which dimensions the odd object's value is shared by no other object (lesson 06)."""
    objects, odd = np.asarray(objects), np.asarray(odd)
    if objects.ndim != 3 or objects.shape[1:] != (N_OBJECTS, N_DIMENSIONS) or odd.shape != objects.shape[:1]:
        raise invalid("objects and odd", f"scenes of shape (n, {N_OBJECTS}, {N_DIMENSIONS}) and one odd index per scene",
                      f"{objects.shape} and {odd.shape}", "pass the two arrays confounded_episodes returns")
    odd_values = objects[np.arange(len(odd)), odd]  # (n, dims)
    same = objects == odd_values[:, None, :]  # (n, objects, dims): who shares the odd object's value
    return same.sum(axis=1) == 1


def explained_feature(objects: np.ndarray, odd: np.ndarray, preferred: int) -> tuple[np.ndarray, np.ndarray]:
    """``(dimension, value)`` per episode: what a true explanation names, "it is uniquely <value>" (lesson 06).

    The dimension is ``preferred`` wherever the odd object is unique in it (in a perfectly confounded
    episode it is unique in all three: the tie goes to ``preferred``); otherwise the one dimension in
    which it is unique. An episode whose odd object is unique in no dimension has no true explanation:
    that is an error, not a silent guess.
    """
    preferred = check_integer(preferred, "preferred", 0, N_DIMENSIONS - 1,
                              expected=f"a dimension index 0 to {N_DIMENSIONS - 1} ({', '.join(DIMENSIONS)})")
    unique = unique_dimensions(objects, odd)
    if not unique.any(axis=1).all():
        raise invalid("objects", "episodes whose odd object is unique in at least one dimension",
                      f"{int((~unique.any(axis=1)).sum())} episodes where it is unique in none",
                      "draw the episodes with confounded_episodes")
    dimension = np.where(unique[:, preferred], preferred, np.argmax(unique, axis=1))
    value = objects[np.arange(len(odd)), odd, dimension]
    return dimension, value


def deconfounded_episodes(n_episodes: int, rng: np.random.Generator):
    """``(objects, unique_dimension (n, 4))``: object k is unique in dimension ``unique_dimension[k]`` or -1 (lesson 06)."""
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    rng = check_rng(rng)
    values = _distinct_values(rng, n_episodes, 2)
    objects = np.repeat(values[:, None, :, 0], N_OBJECTS, axis=1)
    for d in range(N_DIMENSIONS):
        objects[:, d, d] = values[:, d, 1]  # object d is unique in dimension d; object 3 in none
    objects, order = _shuffle_objects(objects, rng)
    unique_dimension = np.where(order < N_DIMENSIONS, order, -1)
    return objects, unique_dimension


def encode_objects(objects: np.ndarray) -> np.ndarray:
    """One-hot features ``(n, 4, 3 * N_VALUES)`` (lesson 06)."""
    n = objects.shape[0]
    features = np.zeros((n, N_OBJECTS, N_DIMENSIONS * N_VALUES), dtype=np.float32)
    for d in range(N_DIMENSIONS):
        features[np.arange(n)[:, None], np.arange(N_OBJECTS)[None, :], d * N_VALUES + objects[:, :, d]] = 1.0
    return features


def choice_shares(choices: np.ndarray, unique_dimension: np.ndarray) -> dict:
    """Share of deconfounded test choices along each dimension, and of the object unique in none (lesson 06)."""
    picked = unique_dimension[np.arange(len(choices)), choices]
    shares = {name: float(np.mean(picked == d)) for d, name in enumerate(DIMENSIONS)}
    shares["none"] = float(np.mean(picked == -1))
    return shares
