"""Data mixtures for lesson 04: what does an imitator learn from logs of experimenters and observers?

Introduced in lesson 04 (*Data mixtures*). Every logged episode is on the lesson-03 training
structures and is written by one **logger**, whose goal choice (the label) comes from *its own
log* (:func:`~causal_course.worlds.dag_episodes.goal_from_logged_evidence`), so the log holds everything
behind the label:

* **experimenter**: intervenes on every variable once (the lesson-03 expert);
* **observer**: watches five natural samples, then picks by the regression strategy (slope of the
  target on each variable, from those five samples);
* **random experimenter** (``experimenter="random"``): each step observe or any ``do``,
  uniformly at random, repeats allowed; picks from whatever its log shows.

A mixture has an ``interventional_share`` and a way of mixing:

* ``mixing="episodes"``: each log is the experimenter's with probability ``share``, else the
  observer's (all or nothing per log);
* ``mixing="steps"``: every log mixes both: at each step the logger intervenes (on the next
  variable of a random order) with probability ``share``, else observes.

With ``tagged=True`` each log also carries a **source tag** saying who wrote it (experimenter or
observer), so a model can later be *asked* to act as one of them.

The **off-record expert** (:func:`off_record_episodes`) is a separate, named condition and the
counterexample of lesson 03's "why it works": it logs only observations, but its goal label
comes from experiments it did *not* log, so the label depends on what the log does not hold.
"""

from __future__ import annotations

import numpy as np

from causal_course.validation import (
    check_bool,
    check_choice,
    check_n_samples,
    check_probability,
    check_rng,
    invalid,
)
from causal_course.worlds.dag_episodes import (
    N_EXPLORATION_ACTIONS,
    N_EXPLORATION_STEPS,
    N_VARIABLES,
    SPLITS,
    EpisodeBatch,
    check_env,
    estimated_effects,
    expert_exploration,
    goal_from_estimates,
    goal_from_logged_evidence,
    run_exploration,
    sample_worlds,
)

EXPLORATIONS = ("expert", "random")
MIXINGS = ("episodes", "steps")
SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)
EXPERIMENTER, OBSERVER = 1, 2  # source codes, as in causal_course.learners.models.SOURCES


def check_share(share) -> float:
    """``share`` as a float in [0, 1], or a ValueError that says so (lesson 04)."""
    return check_probability(share, "interventional_share",
                             fix="pass a fraction, not a percentage: interventional_share=0.25 for 25 %")


def _check_mixture(experimenter, mixing, tagged) -> bool:
    check_choice(experimenter, EXPLORATIONS, "experimenter")
    check_choice(mixing, MIXINGS, "mixing")
    tagged = check_bool(tagged, "tagged")
    if tagged and mixing != "episodes":
        raise invalid("mixing", "'episodes' for source tags (tagged=True)", repr(mixing),
                      "source tags need mixing='episodes': a step-mixed log is written by neither an experimenter "
                      "nor an observer alone")
    return tagged


def expert_goal_labels(weights, effects, target, rng) -> np.ndarray:
    """The expert's goal choice for each structure, from its own (unlogged) experiments (lesson 04)."""
    rng = check_rng(rng)
    actions = expert_exploration(len(target), rng)
    values = run_exploration(weights, actions, rng, effects)
    return goal_from_estimates(estimated_effects(actions, values), target)


def random_exploration(n_episodes: int, rng: np.random.Generator) -> np.ndarray:
    """A non-expert's exploration: each action uniformly among observe and the 5 interventions (lesson 04)."""
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    rng = check_rng(rng)
    return rng.integers(0, N_EXPLORATION_ACTIONS, size=(n_episodes, N_EXPLORATION_STEPS))


def mixture_kinds(n_episodes: int, interventional_share: float, rng: np.random.Generator) -> np.ndarray:
    """True for the episodes that are interventional, each with probability ``interventional_share`` (lesson 04)."""
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    share = check_share(interventional_share)
    return check_rng(rng).random(n_episodes) < share


def step_mixed_exploration(n_episodes: int, interventional_share: float, rng: np.random.Generator) -> np.ndarray:
    """Logs that mix both within one episode: each step intervenes with probability ``share`` (lesson 04).

    The interventions go to the variables in a random order (no repeats), so a log with ``k``
    interventions has tried ``k`` different variables and observed on the other steps.
    """
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    share = check_share(interventional_share)
    rng = check_rng(rng)
    order = expert_exploration(n_episodes, rng)  # a random order of the 5 variables (codes 1..5)
    intervene = rng.random((n_episodes, N_EXPLORATION_STEPS)) < share
    rank = np.cumsum(intervene, axis=1) - 1  # which variable of the order this intervention takes
    rows = np.arange(n_episodes)[:, None]
    return np.where(intervene, order[rows, np.clip(rank, 0, N_VARIABLES - 1)], 0)


def mixture_episodes(n_episodes: int, rng: np.random.Generator, interventional_share: float,
                     experimenter: str = "expert", mixing: str = "episodes", tagged: bool = False,
                     split: str = "train", env: str = "standard") -> EpisodeBatch:
    """A batch of logged episodes from a mixture of experimenters and observers (lesson 04).

    ``experimenter``: ``"expert"`` (every variable once) or ``"random"``; ``mixing``: ``"episodes"``
    or ``"steps"`` (see the module docstring); ``tagged``: each log carries its source tag
    (``mixing="episodes"`` only: a step-mixed log has no single author). Every label is the
    logger's own choice from its own log.
    """
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    rng = check_rng(rng)
    share = check_share(interventional_share)
    tagged = _check_mixture(experimenter, mixing, tagged)
    check_choice(split, SPLITS, "split")
    check_env(env)
    worlds, target = sample_worlds(n_episodes, rng, split, env)
    n = len(target)
    if mixing == "steps":
        actions = step_mixed_exploration(n, share, rng)
        source = None
    else:
        interventional = mixture_kinds(n, share, rng)
        logged = expert_exploration(n, rng) if experimenter == "expert" else random_exploration(n, rng)
        actions = np.where(interventional[:, None], logged, 0)
        source = np.where(interventional, EXPERIMENTER, OBSERVER) if tagged else None
    values = run_exploration(worlds, actions, rng)
    goal = goal_from_logged_evidence(actions, values, target, rng)
    return EpisodeBatch(worlds.weights, worlds.effects, target, actions, values, goal, worlds, source)


def off_record_episodes(n_episodes: int, rng: np.random.Generator, split: str = "train",
                        env: str = "standard") -> EpisodeBatch:
    """The off-record expert's logs: five observations, labelled by experiments it did not log (lesson 04)."""
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    rng = check_rng(rng)
    check_choice(split, SPLITS, "split")
    check_env(env)
    worlds, target = sample_worlds(n_episodes, rng, split, env)
    actions = np.zeros((len(target), N_EXPLORATION_STEPS), dtype=np.int64)
    values = run_exploration(worlds, actions, rng)
    goal = expert_goal_labels(worlds, worlds.effects, target, rng)
    return EpisodeBatch(worlds.weights, worlds.effects, target, actions, values, goal, worlds)


def mixture_sampler(interventional_share: float, experimenter: str = "expert", mixing: str = "episodes",
                    tagged: bool = False, env: str = "standard"):
    """A ``make_batch(batch_size, rng)`` for :func:`causal_course.learners.training.train_behaviour_cloning` (lesson 04)."""
    share = check_share(interventional_share)
    tagged = _check_mixture(experimenter, mixing, tagged)
    check_env(env)

    def make_batch(batch_size: int, rng: np.random.Generator) -> EpisodeBatch:
        return mixture_episodes(batch_size, rng, share, experimenter, mixing, tagged, env=env)

    return make_batch


def off_record_sampler(env: str = "standard"):
    """A ``make_batch(batch_size, rng)`` of the off-record expert's logs (lesson 04)."""
    check_env(env)

    def make_batch(batch_size: int, rng: np.random.Generator) -> EpisodeBatch:
        return off_record_episodes(batch_size, rng, env=env)

    return make_batch


def interventional_share_of(actions: np.ndarray) -> float:
    """The share of logged episodes with at least one intervention (lesson 04)."""
    actions = np.asarray(actions)
    if actions.ndim != 2 or actions.size == 0:
        raise invalid("actions", "a non-empty (n_episodes, n_steps) array", f"shape {actions.shape}",
                      "pass logged actions, e.g. batch.actions")
    return float(np.mean((actions > 0).any(axis=1)))
