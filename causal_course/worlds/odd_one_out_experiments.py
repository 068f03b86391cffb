"""Lesson 05's experimenting odd-one-out: a few experiment trials reveal a hidden rule, a test trial uses it.

Introduced in lesson 05, after the *experimenting* (meta-learning) levels of Lampinen et al. (2022),
*Tell me why!*. An episode has a hidden **rule dimension** (colour, shape or texture: which kind of
"odd" counts this episode). It is made of ``n_experiments`` **experiment trials** and one **test
trial**. Every trial shows 4 objects of lesson 06's symbolic odd-one-out (3 dimensions x
``N_VALUES`` values, one-hot by :func:`~causal_course.worlds.odd_one_out.encode_objects`) and is
*deconfounded*: one object is unique in its colour only, one in its shape only, one in its texture
only, and one in none. The learner picks one object per trial.

* In an experiment trial, the pick is a small experiment: the learner is told whether it was right
  (the picked object is unique in the rule dimension). Picking the object unique in shape and being
  told "wrong" rules out shape.
* In the test trial, the learner is scored: right when it picks the object unique in the rule
  dimension.
* An **explanation** after each trial says *why* the pick was or was not the odd one, from that
  trial alone: the rule dimension ("the rule is colour") and the dimension the picked object is
  unique in ("it is unique in its shape", or in none). Both are true statements about the episode
  (:func:`explanation_targets`, :func:`explanation_text`).

Differences from the paper's levels (``metalearning_builder`` in DeepMind's
``tell_me_why_explanations_rl``): there, each experiment trial shows 4 objects that are all alike
(or alike in pairs) and the agent *transforms* one object along a dimension of its choice (one
transformation allowed), making it odd, then touches it; here the learner does not transform, it
picks among objects that are already each odd along a different dimension, so an experiment is a
choice of which object to test. The paper's agents move in a 2-D grid world seen as pixels; here
observations are symbolic. The paper's explanation is a sentence ("Correct, the concept is colour
and it is uniquely red") predicted word by word; here it is two short classifications.

>>> rng = np.random.default_rng(0)
>>> episodes = experiment_episodes(5, rng)
>>> episodes.objects.shape, episodes.unique_dimension.shape, episodes.rule.shape
((5, 4, 4, 3), (5, 4, 4), (5,))
>>> picks = elimination_picks(episodes)
>>> bool(trial_feedback(episodes, picks)[:, -1].all())  # the elimination agent is always right at test
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from causal_course.validation import check_integer, check_n_samples, check_rng, invalid
from causal_course.worlds.odd_one_out import DIMENSIONS, N_DIMENSIONS, N_OBJECTS, deconfounded_episodes

N_EXPERIMENTS = 3  # the paper's levels "meta_3_...": three experiment trials, then the test trial
NONE = -1  # unique_dimension of the object that is unique in no dimension


@dataclass(frozen=True)
class ExperimentEpisodes:
    """A batch of experimenting episodes (lesson 05).

    ``objects``: ``(n, trials, 4, 3)`` values; ``unique_dimension``: ``(n, trials, 4)``, the
    dimension each object is unique in (0 colour, 1 shape, 2 texture) or ``NONE``; ``rule``:
    ``(n,)`` the hidden rule dimension. The last trial is the test trial.
    """

    objects: np.ndarray
    unique_dimension: np.ndarray
    rule: np.ndarray

    def __len__(self) -> int:
        return int(self.rule.shape[0])

    @property
    def n_trials(self) -> int:
        """Experiment trials plus the test trial (lesson 05)."""
        return int(self.objects.shape[1])

    @property
    def answer(self) -> np.ndarray:
        """``(n, trials)``: the object unique in the rule dimension in each trial (lesson 05)."""
        return np.argmax(self.unique_dimension == self.rule[:, None, None], axis=2)


def experiment_episodes(n_episodes: int, rng: np.random.Generator, n_experiments: int = N_EXPERIMENTS) -> ExperimentEpisodes:
    """``n_episodes`` episodes of ``n_experiments`` experiment trials and one test trial (lesson 05)."""
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    rng = check_rng(rng)
    n_experiments = check_integer(n_experiments, "n_experiments", 0, fix="pass for instance n_experiments=3")
    n_trials = n_experiments + 1
    objects, unique = deconfounded_episodes(n_episodes * n_trials, rng)
    rule = rng.integers(0, N_DIMENSIONS, size=n_episodes)
    return ExperimentEpisodes(objects.reshape(n_episodes, n_trials, N_OBJECTS, N_DIMENSIONS),
                              unique.reshape(n_episodes, n_trials, N_OBJECTS), rule)


def _check_picks(episodes: ExperimentEpisodes, picks, trials: int | None = None) -> np.ndarray:
    picks = np.asarray(picks)
    trials = episodes.n_trials if trials is None else min(trials, episodes.n_trials)
    if picks.shape != (len(episodes), trials) or not np.issubdtype(picks.dtype, np.integer):
        raise invalid("picks", f"integers of shape ({len(episodes)}, {trials}): one object per episode and trial",
                      f"{picks.dtype} of shape {picks.shape}", "pass the index (0 to 3) of the object picked in each trial")
    if picks.size and (picks.min() < 0 or picks.max() >= N_OBJECTS):
        raise invalid("picks", f"object indices between 0 and {N_OBJECTS - 1}", f"values from {picks.min()} to "
                      f"{picks.max()}", "pass the index of the picked object")
    return picks


def picked_dimension(episodes: ExperimentEpisodes, picks) -> np.ndarray:
    """``(n, trials)``: the dimension the picked object is unique in, or ``NONE`` (lesson 05)."""
    picks = _check_picks(episodes, picks, np.shape(picks)[1] if np.ndim(picks) == 2 else None)
    trials = picks.shape[1]
    return np.take_along_axis(episodes.unique_dimension[:, :trials], picks[:, :, None], axis=2)[:, :, 0]


def trial_feedback(episodes: ExperimentEpisodes, picks) -> np.ndarray:
    """``(n, trials)`` booleans: was each pick the odd one in the rule dimension? (lesson 05)"""
    return picked_dimension(episodes, picks) == episodes.rule[:, None]


def explanation_targets(episodes: ExperimentEpisodes, picks) -> dict:
    """Why each pick was (not) the odd one: ``{"rule": (n,) , "picked": (n, trials)}`` (lesson 05).

    ``rule`` is the rule dimension (0 colour, 1 shape, 2 texture), the same after every trial;
    ``picked`` is the dimension the picked object is unique in, with ``N_DIMENSIONS`` (3) for
    "in none". Together with the feedback they are the explanation "correct: it is the odd one
    because of its colour" or "wrong: it is unique in its shape, but the rule is colour".
    """
    dimension = picked_dimension(episodes, picks)
    return {"rule": episodes.rule.copy(), "picked": np.where(dimension == NONE, N_DIMENSIONS, dimension)}


def explanation_text(episodes: ExperimentEpisodes, picks, episode: int, trial: int) -> str:
    """The explanation of one trial in words, e.g. ``"wrong: it is unique in its shape, but the rule is colour"`` (lesson 05)."""
    picks = _check_picks(episodes, picks, np.shape(picks)[1] if np.ndim(picks) == 2 else None)
    episode = check_integer(episode, "episode", 0, len(episodes) - 1, fix="pass the index of an episode")
    trial = check_integer(trial, "trial", 0, picks.shape[1] - 1, fix="pass the index of a trial that has a pick")
    rule = DIMENSIONS[episodes.rule[episode]]
    dimension = picked_dimension(episodes, picks)[episode, trial]
    if dimension == episodes.rule[episode]:
        return f"correct: it is the odd one because of its {rule}"
    unique = f"it is unique in its {DIMENSIONS[dimension]}" if dimension != NONE else "it is unique in nothing"
    return f"wrong: {unique}, but the rule is {rule}"


def elimination_picks(episodes: ExperimentEpisodes) -> np.ndarray:
    """The ceiling: test the untested dimensions in order, then pick by what the feedback left (lesson 05).

    In each experiment trial it picks the object unique in the first dimension still possible
    (the rule itself once a "correct" has named it); at test it picks the object unique in the
    first remaining candidate. With 2 or more experiment trials it always knows the rule at test.
    """
    n, trials = len(episodes), episodes.n_trials
    possible = np.ones((n, N_DIMENSIONS), dtype=bool)
    picks = np.zeros((n, trials), dtype=np.int64)
    rows = np.arange(n)
    for t in range(trials):
        probe = np.argmax(possible, axis=1)  # the first dimension still possible
        picks[:, t] = np.argmax(episodes.unique_dimension[:, t] == probe[:, None], axis=1)
        correct = probe == episodes.rule
        possible = np.where(correct[:, None], np.arange(N_DIMENSIONS)[None, :] == probe[:, None], possible)
        possible[rows[~correct], probe[~correct]] = False
    return picks


def random_experiment_picks(episodes: ExperimentEpisodes, rng: np.random.Generator) -> np.ndarray:
    """Random experiments, then the best test pick given what they showed (ties broken at random) (lesson 05)."""
    rng = check_rng(rng)
    n, trials = len(episodes), episodes.n_trials
    picks = rng.integers(0, N_OBJECTS, size=(n, trials))
    possible = np.ones((n, N_DIMENSIONS), dtype=bool)
    dimension = picked_dimension(episodes, picks[:, :-1])
    for t in range(trials - 1):
        d, correct = dimension[:, t], dimension[:, t] == episodes.rule
        known = np.arange(N_DIMENSIONS)[None, :] == d[:, None]
        possible = np.where(correct[:, None], known, possible & ~(known & (d != NONE)[:, None]))
    guess = np.argmax(possible * rng.random((n, N_DIMENSIONS)), axis=1)
    picks[:, -1] = np.argmax(episodes.unique_dimension[:, -1] == guess[:, None], axis=1)
    return picks


def accuracy_at_test(episodes: ExperimentEpisodes, picks) -> float:
    """Share of episodes whose test pick is the object unique in the rule dimension (lesson 05)."""
    return float(np.mean(trial_feedback(episodes, picks)[:, -1]))
