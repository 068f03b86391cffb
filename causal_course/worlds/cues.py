"""Relevance cues for the causal-DAG episodes (lesson 03): prior knowledge of which variables matter.

Introduced in lesson 03 (the second DAG result of Lampinen et al. 2023). Before exploring, an
episode may come with a **cue**: a set of 2 or 3 variables marked as relevant to the goal, as if
from the literature or from a colleague. The cue always contains the variable with the largest
effect on the target (so trusting it costs nothing) plus one or two others; it never contains the
target. The **cued expert** intervenes only on the cued variables, in a random order, and observes
on the remaining steps: it needs fewer experiments for the same reward. Without a cue it
experiments on all five, as in the rest of lesson 03.

**Held-out cue combinations.** Every cue that holds *both* X3 and X4 is kept out of training
(:data:`HELDOUT_PAIR`); each of X3 and X4 is cued in training, never the two together. A model
that intervenes only on cued variables in those episodes has learned what a cue means, not a
list of cues.
"""

from __future__ import annotations

import itertools

import numpy as np

from causal_course.validation import (
    check_choice,
    check_index_array,
    check_n_samples,
    check_probability,
    check_rng,
    check_shape,
    invalid,
)
from causal_course.worlds.dag_episodes import (
    N_EXPLORATION_ACTIONS,
    N_EXPLORATION_STEPS,
    N_VARIABLES,
    OBSERVE,
    SPLITS,
    EpisodeBatch,
    best_goal_values,
    check_env,
    estimated_effects,
    expert_exploration,
    goal_from_estimates,
    run_exploration,
    sample_worlds,
)

CUE_SIZES = (2, 3)
HELDOUT_PAIR = (3, 4)
CUE_SPLITS = ("train", "heldout", "all")


def all_cue_combinations() -> list:
    """Every possible cue: the 2- and 3-variable subsets of the 5 variables (lesson 03)."""
    return [c for size in CUE_SIZES for c in itertools.combinations(range(N_VARIABLES), size)]


def _check_cue(cue, n_episodes: int | None, allow_missing: bool = False) -> np.ndarray:
    """A cue mask ``(n, 5)`` of 0/1 (and -1 rows for "no cue possible" where ``allow_missing``)."""
    cue = np.asarray(cue)
    check_shape(cue, "cue", (n_episodes, N_VARIABLES) if cue.ndim != 1 else (N_VARIABLES,),
                fix="pass one row of 5 zeros and ones per episode (1 marks a cued variable)")
    allowed = (-1, 0, 1) if allow_missing else (0, 1)
    if cue.dtype == object or not np.isin(cue, allowed).all():
        raise invalid("cue", f"a mask of {' and '.join(map(str, allowed))} values", "other values",
                      "mark each cued variable with 1 and the others with 0")
    return cue


def is_heldout_cue(cue: np.ndarray) -> np.ndarray:
    """True for cue masks ``(n, 5)`` that hold both variables of :data:`HELDOUT_PAIR` (lesson 03)."""
    cue = _check_cue(cue, None, allow_missing=True)
    return (cue[..., HELDOUT_PAIR[0]] > 0) & (cue[..., HELDOUT_PAIR[1]] > 0)


def sample_cues(effects: np.ndarray, target: np.ndarray, rng: np.random.Generator, split: str = "train") -> np.ndarray:
    """A cue mask ``(n, 5)`` per episode: its best cause plus 1 or 2 other non-target variables (lesson 03).

    ``split``: ``"train"`` never draws a held-out combination, ``"heldout"`` only held-out ones
    (episodes whose target is X3 or X4 cannot have one and get ``-1`` rows: drop them),
    ``"all"`` anything.
    """
    check_choice(split, CUE_SPLITS, "split")
    rng = check_rng(rng)
    n = len(target)
    best = np.argmax(best_goal_values(effects, target), axis=1)  # checks effects and target
    target = np.asarray(target)
    cue = np.zeros((n, N_VARIABLES), dtype=np.int64)
    pending = np.ones(n, dtype=bool)
    if split == "heldout":
        impossible = np.isin(target, HELDOUT_PAIR)
        cue[impossible] = -1
        pending &= ~impossible
    for _ in range(200):
        if not pending.any():
            break
        index = np.nonzero(pending)[0]
        size = rng.choice(np.asarray(CUE_SIZES), size=len(index))
        # random ranks for the others; the best cause and the target are placed first and last
        scores = rng.random((len(index), N_VARIABLES))
        scores[np.arange(len(index)), best[index]] = -1.0
        scores[np.arange(len(index)), target[index]] = 2.0
        order = np.argsort(scores, axis=1)
        mask = np.zeros((len(index), N_VARIABLES), dtype=np.int64)
        chosen = np.arange(N_VARIABLES)[None, :] < size[:, None]
        mask[np.arange(len(index))[:, None], order] = chosen
        held = is_heldout_cue(mask)
        ok = ~held if split == "train" else (held if split == "heldout" else np.ones(len(index), dtype=bool))
        cue[index[ok]] = mask[ok]
        pending[index[ok]] = False
    if pending.any():
        raise RuntimeError("could not draw cues for every episode; this is a bug in sample_cues.")
    return cue


def cued_exploration(cue: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The cued expert's exploration: each cued variable once, in a random order, then observe (lesson 03).

    Rows of ``cue`` that are all 0 (no cue) get the uncued expert's exploration: every variable once.
    """
    cue = _check_cue(cue, None)
    if cue.ndim != 2:
        raise invalid("cue", f"a 2-D mask (n_episodes, {N_VARIABLES})", f"shape {cue.shape}",
                      "add a batch axis with cue[None]")
    rng = check_rng(rng)
    n = cue.shape[0]
    order = expert_exploration(n, rng)  # codes 1..5 in a random order
    cued = np.take_along_axis(cue, order - 1, axis=1) > 0
    uncued_rows = cue.sum(axis=1) == 0
    cued[uncued_rows] = True
    # cued variables first (stable: keeps the random order), then observe
    rank = np.argsort(~cued, axis=1, kind="stable")
    actions = np.take_along_axis(np.where(cued, order, OBSERVE), rank, axis=1)
    return actions[:, :N_EXPLORATION_STEPS]


def cue_episodes(n_episodes: int, rng: np.random.Generator, cued_share: float = 0.5, cue_split: str = "train",
                 structure_split: str = "train", env: str = "standard") -> EpisodeBatch:
    """Expert logs where a share of the episodes carry a cue and are explored as cued (lesson 03).

    ``cued_share``: probability that an episode is cued (the rest: no cue, all five experiments).
    ``cue_split`` selects the cue combinations (see :func:`sample_cues`). The goal label is the
    expert's choice from its own experiments; the cue always holds the best cause, so cued and
    uncued experts choose equally well.
    """
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    share = check_probability(cued_share, "cued_share")
    rng = check_rng(rng)
    check_choice(cue_split, CUE_SPLITS, "cue_split")
    check_choice(structure_split, SPLITS, "structure_split")
    check_env(env)
    worlds, target = sample_worlds(n_episodes, rng, structure_split, env)
    cue = sample_cues(worlds.effects, target, rng, cue_split)
    keep = cue[:, 0] >= 0
    if not keep.all():  # held-out combinations cannot hold the target: drop those episodes
        worlds, target, cue = worlds[keep], target[keep], cue[keep]
    cue = np.where((rng.random(len(target)) < share)[:, None], cue, 0)
    actions = cued_exploration(cue, rng)
    values = run_exploration(worlds, actions, rng)
    goal = goal_from_estimates(estimated_effects(actions, values), target)
    return EpisodeBatch(worlds.weights, worlds.effects, target, actions, values, goal, worlds, None, cue)


def cue_sampler(cued_share: float = 0.5, env: str = "standard"):
    """A ``make_batch(batch_size, rng)`` of cued and uncued expert logs on training cues (lesson 03)."""
    cued_share = check_probability(cued_share, "cued_share")
    check_env(env)

    def make_batch(batch_size: int, rng: np.random.Generator) -> EpisodeBatch:
        return cue_episodes(batch_size, rng, cued_share, "train", "train", env)

    return make_batch


def interventions_outside_cue(actions: np.ndarray, cue: np.ndarray) -> float:
    """The share of interventions that went to variables the cue did not mark (cued episodes only) (lesson 03)."""
    actions = check_index_array(actions, "actions", N_EXPLORATION_ACTIONS, ("n_episodes", "n_steps"),
                                "an exploration action", fix="pass logged actions, e.g. batch.actions")
    cue = _check_cue(cue, len(actions))
    cued_rows = cue.sum(axis=1) > 0
    acted = actions[cued_rows]
    rows, steps = np.nonzero(acted > 0)
    if rows.size == 0:
        return 0.0
    return float(np.mean(cue[cued_rows][rows, acted[rows, steps] - 1] == 0))


def experiments_per_episode(actions: np.ndarray) -> float:
    """The mean number of intervention steps per episode (lesson 03)."""
    actions = check_index_array(actions, "actions", N_EXPLORATION_ACTIONS, ("n_episodes", "n_steps"),
                                "an exploration action", fix="pass logged actions, e.g. batch.actions")
    if len(actions) == 0:
        raise invalid("actions", "at least one episode (row)", "shape (0, ...)", "pass logged actions, e.g. batch.actions")
    return float(np.mean((actions > 0).sum(axis=1)))
