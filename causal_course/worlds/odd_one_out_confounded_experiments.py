"""Lesson 06's confounded experimenting odd-one-out: training where no experiment can tell colour from shape.

Introduced in lesson 06, on lesson 05's experimenting odd-one-out
(:mod:`causal_course.worlds.odd_one_out_experiments`), after Lampinen et al. (2023), *Passive
learning of active causal strategies*, who report that explanations let passive learners
generalise out of distribution from perfectly confounded training data. An episode is a few
experiment trials and a test trial; a hidden rule dimension (colour, shape or texture) says which
kind of "odd" is rewarded.

* **Confounded training episodes** (:func:`confounded_experiment_episodes`): in *every* trial one
  object is unique in its colour *and* its shape, one is unique in its texture only and two are
  unique in nothing. Whether the rule is colour or shape, the same object is right in every trial:
  no experiment can tell the two rules apart.
* **Deconfounded test episodes** (:func:`deconfounded_test_episodes`): lesson 05's episodes, every
  trial with one object unique in colour only, one in shape only, one in texture only; the rule is
  colour or shape. The learner's own experiments can tell them apart.
* **Ambiguous test episodes** (:func:`ambiguous_test_episodes`): the experiment trials are
  confounded as in training, only the test trial is deconfounded; the rule is colour or shape.
  Nothing in the episode says which, so the test pick shows which feature the learner generalises on.
* **Explanations** (:func:`explanation_targets`) are true statements about the episode: why a pick
  was (not) the odd one ("it is unique in its colour") and which object is the odd one in this
  episode ("the object unique in its colour"). In a confounded trial the object unique in colour is
  also the one unique in shape, so both statements are true; the condition ``explained`` picks
  which one is made (as in lesson 06's single trials).

``unique`` is a boolean array ``(n, trials, 4, 3)``: object k is unique in dimension d.

>>> rng = np.random.default_rng(0)
>>> train = confounded_experiment_episodes(4, rng)
>>> bool(confounded_share(train) == 1.0), bool(trial_feedback(train, expert_picks(train))[:, -1].all())
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from causal_course.validation import check_integer, check_n_samples, check_rng, invalid
from causal_course.worlds.odd_one_out import DIMENSIONS, N_DIMENSIONS, N_OBJECTS, N_VALUES
from causal_course.worlds.odd_one_out_experiments import N_EXPERIMENTS, experiment_episodes

COLOUR, SHAPE, TEXTURE = 0, 1, 2
NOTHING = N_DIMENSIONS  # the explanation class "unique in nothing"
EXPLAINED = {"colour": COLOUR, "shape": SHAPE}


@dataclass(frozen=True)
class UniqueEpisodes:
    """Experimenting episodes where an object may be unique in several dimensions (lesson 06).

    ``objects``: ``(n, trials, 4, 3)`` values; ``unique``: ``(n, trials, 4, 3)`` booleans, object k
    unique in dimension d; ``rule``: ``(n,)`` the hidden rule dimension. The last trial is the test.
    """

    objects: np.ndarray
    unique: np.ndarray
    rule: np.ndarray

    def __len__(self) -> int:
        return int(self.rule.shape[0])

    @property
    def n_trials(self) -> int:
        """Experiment trials plus the test trial (lesson 06)."""
        return int(self.objects.shape[1])


def unique_mask(objects: np.ndarray) -> np.ndarray:
    """``(..., 4, 3)`` booleans from the values: no other object of the trial shares this value (lesson 06)."""
    objects = np.asarray(objects)
    if objects.ndim < 2 or objects.shape[-2:] != (N_OBJECTS, N_DIMENSIONS):
        raise invalid("objects", f"values of shape (..., {N_OBJECTS}, {N_DIMENSIONS})", f"shape {objects.shape}",
                      "pass the objects of a batch of episodes")
    same = objects[..., :, None, :] == objects[..., None, :, :]
    return same.sum(axis=-2) == 1


def _check_experiments(n_experiments) -> int:
    return check_integer(n_experiments, "n_experiments", 0, fix="pass for instance n_experiments=3")


def _confounded_trials(n: int, rng: np.random.Generator) -> np.ndarray:
    """``(n, 4, 3)``: object 0 unique in colour and shape, object 1 in texture, 2 and 3 in nothing, shuffled."""
    values = np.argsort(rng.random((n, N_DIMENSIONS, N_VALUES)), axis=2)[:, :, :2]  # common and odd value
    objects = np.repeat(values[:, None, :, 0], N_OBJECTS, axis=1)
    objects[:, 0, COLOUR] = values[:, COLOUR, 1]
    objects[:, 0, SHAPE] = values[:, SHAPE, 1]
    objects[:, 1, TEXTURE] = values[:, TEXTURE, 1]
    order = np.argsort(rng.random((n, N_OBJECTS)), axis=1)
    return np.take_along_axis(objects, order[:, :, None], axis=1)


def confounded_experiment_episodes(n_episodes: int, rng: np.random.Generator,
                                   n_experiments: int = N_EXPERIMENTS) -> UniqueEpisodes:
    """Training episodes: every trial confounded (colour and shape single out the same object); rule uniform over the 3 dimensions (lesson 06)."""
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    rng = check_rng(rng)
    trials = _check_experiments(n_experiments) + 1
    objects = _confounded_trials(n_episodes * trials, rng).reshape(n_episodes, trials, N_OBJECTS, N_DIMENSIONS)
    rule = rng.integers(0, N_DIMENSIONS, size=n_episodes)
    return UniqueEpisodes(objects, unique_mask(objects), rule)


def _colour_or_shape(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 2, size=n)  # COLOUR or SHAPE


def deconfounded_test_episodes(n_episodes: int, rng: np.random.Generator,
                               n_experiments: int = N_EXPERIMENTS) -> UniqueEpisodes:
    """Test episodes: every trial deconfounded (lesson 05's trials), the rule colour or shape (lesson 06)."""
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    rng = check_rng(rng)
    episodes = experiment_episodes(n_episodes, rng, _check_experiments(n_experiments))
    return UniqueEpisodes(episodes.objects, unique_mask(episodes.objects), _colour_or_shape(n_episodes, rng))


def ambiguous_test_episodes(n_episodes: int, rng: np.random.Generator,
                            n_experiments: int = N_EXPERIMENTS) -> UniqueEpisodes:
    """Test episodes whose experiment trials are confounded and whose test trial is not; rule colour or shape (lesson 06)."""
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    rng = check_rng(rng)
    n_experiments = _check_experiments(n_experiments)
    confounded = _confounded_trials(n_episodes * n_experiments, rng).reshape(n_episodes, n_experiments, N_OBJECTS,
                                                                              N_DIMENSIONS)
    test = experiment_episodes(n_episodes, rng, 0).objects
    objects = np.concatenate([confounded, test], axis=1)
    return UniqueEpisodes(objects, unique_mask(objects), _colour_or_shape(n_episodes, rng))


def _check_picks(episodes: UniqueEpisodes, picks) -> np.ndarray:
    picks = np.asarray(picks)
    if picks.ndim != 2 or picks.shape[0] != len(episodes) or picks.shape[1] > episodes.n_trials \
            or not np.issubdtype(picks.dtype, np.integer):
        raise invalid("picks", f"integers of shape ({len(episodes)}, trials): one object per episode and trial",
                      f"{picks.dtype} of shape {picks.shape}", "pass the index (0 to 3) of the object picked in each trial")
    if picks.size and (picks.min() < 0 or picks.max() >= N_OBJECTS):
        raise invalid("picks", f"object indices between 0 and {N_OBJECTS - 1}",
                      f"values from {picks.min()} to {picks.max()}", "pass the index of the picked object")
    return picks


def picked_unique(episodes: UniqueEpisodes, picks) -> np.ndarray:
    """``(n, trials, 3)``: the dimensions the picked object is unique in (lesson 06)."""
    picks = _check_picks(episodes, picks)
    trials = picks.shape[1]
    return np.take_along_axis(episodes.unique[:, :trials], picks[:, :, None, None], axis=2)[:, :, 0, :]


def trial_feedback(episodes: UniqueEpisodes, picks) -> np.ndarray:
    """``(n, trials)`` booleans: is each picked object unique in the rule dimension? (lesson 06)"""
    unique = picked_unique(episodes, picks)
    return np.take_along_axis(unique, np.broadcast_to(episodes.rule[:, None, None], unique.shape[:2] + (1,)),
                              axis=2)[:, :, 0]


def confounded_share(episodes: UniqueEpisodes, trials=slice(None)) -> float:
    """Share of the given trials in which one object is unique in both colour and shape (lesson 06)."""
    both = episodes.unique[:, trials, :, COLOUR] & episodes.unique[:, trials, :, SHAPE]
    return float(np.mean(both.any(axis=-1)))


def expert_picks(episodes: UniqueEpisodes) -> np.ndarray:
    """The elimination expert: probe the first dimension still possible, keep what the feedback allows (lesson 06).

    A right pick leaves possible the dimensions its object is unique in; a wrong pick rules them all
    out. In a confounded trial the object unique in colour is also unique in shape, so a right pick
    leaves both possible: the expert's logs never separate the two. At test it picks the object
    unique in the first dimension still possible (colour before shape).
    """
    n, trials = len(episodes), episodes.n_trials
    possible = np.ones((n, N_DIMENSIONS), dtype=bool)
    picks = np.zeros((n, trials), dtype=np.int64)
    rows = np.arange(n)
    for t in range(trials):
        probe = np.argmax(possible, axis=1)
        picks[:, t] = np.argmax(episodes.unique[rows, t, :, probe], axis=1)
        unique = episodes.unique[rows, t, picks[:, t]]  # (n, 3)
        correct = unique[rows, episodes.rule]
        possible = np.where(correct[:, None], possible & unique, possible & ~unique)
    return picks


def explanation_targets(episodes: UniqueEpisodes, picks, explained: int) -> dict:
    """True explanations, ``{"rule": (n,), "picked": (n, trials)}``, ties going to ``explained`` (lesson 06).

    ``picked``: a dimension the picked object is unique in (``explained`` when it is one of them),
    ``NOTHING`` (3) when it is unique in none. ``rule``: a dimension d such that in every trial the
    odd one (the object unique in the rule dimension) is unique in d, the statement "the odd one in
    this episode is the object unique in its d"; ``explained`` when it is such a d, else the rule.
    """
    explained = check_integer(explained, "explained", 0, N_DIMENSIONS - 1,
                              expected=f"a dimension index 0 to {N_DIMENSIONS - 1} ({', '.join(DIMENSIONS)})")
    unique = picked_unique(episodes, picks)
    first = np.argmax(unique, axis=-1)
    picked = np.where(unique[..., explained], explained, np.where(unique.any(axis=-1), first, NOTHING))
    rows = np.arange(len(episodes))
    odd = np.argmax(episodes.unique[rows, :, :, episodes.rule], axis=-1)  # (n, trials): the odd one per trial
    odd_unique = np.take_along_axis(episodes.unique, odd[:, :, None, None], axis=2)[:, :, 0, :]  # (n, trials, 3)
    always = odd_unique.all(axis=1)  # (n, 3): the odd one is unique in d in every trial
    return {"rule": np.where(always[:, explained], explained, episodes.rule), "picked": picked}


def explanation_text(episodes: UniqueEpisodes, picks, explained: int, episode: int, trial: int) -> str:
    """One trial's explanation in words, e.g. ``"correct: it is unique in its shape; the odd one is the object unique in its shape"`` (lesson 06)."""
    picks = _check_picks(episodes, picks)
    episode = check_integer(episode, "episode", 0, len(episodes) - 1, fix="pass the index of an episode")
    trial = check_integer(trial, "trial", 0, picks.shape[1] - 1, fix="pass the index of a trial that has a pick")
    targets = explanation_targets(episodes, picks, explained)
    right = trial_feedback(episodes, picks)[episode, trial]
    picked = targets["picked"][episode, trial]
    why = "it is unique in nothing" if picked == NOTHING else f"it is unique in its {DIMENSIONS[picked]}"
    return (f"{'correct' if right else 'wrong'}: {why}; the odd one is the object unique in its "
            f"{DIMENSIONS[targets['rule'][episode]]}")


def pick_shares_at_test(episodes: UniqueEpisodes, picks) -> dict:
    """Share of test picks on the object unique in colour, in shape, in texture, in nothing, and right (lesson 06).

    In a deconfounded test trial each object is unique in one dimension at most, so the first four
    shares add up to 1.
    """
    picks = _check_picks(episodes, picks)
    if picks.shape[1] != episodes.n_trials:
        raise invalid("picks", f"one pick per trial ({episodes.n_trials})", f"{picks.shape[1]}",
                      "pass the picks of whole episodes")
    unique = picked_unique(episodes, picks)[:, -1]  # (n, 3)
    shares = {name: float(np.mean(unique[:, d])) for d, name in enumerate(DIMENSIONS)}
    shares["nothing"] = float(np.mean(~unique.any(axis=-1)))
    shares["right"] = float(np.mean(trial_feedback(episodes, picks)[:, -1]))
    return shares
