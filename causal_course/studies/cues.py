"""Lesson 03's relevance-cue study: does a passively trained model use cues, also new combinations?
"""

from __future__ import annotations

import numpy as np

from causal_course.config import budget
from causal_course.seeds import stream
from causal_course.studies.common import (
    TEST_EPISODES_FAST,
    _check_run,
)
from causal_course.studies.records import CuesResult
from causal_course.validation import (
    check_n_samples,
    check_positive_count,
    check_seed,
)
from causal_course.worlds.dag_episodes import check_env

# Lesson 03's relevance cues: one model per seed, trained on cued and uncued expert logs.
CUE_STEPS, CUE_STEPS_FAST = 1600, 60


CUED_SHARE = 0.5


def cues(seed: int = 0, fast: bool = False, n_steps: int | None = None, n_test: int | None = None,
         progress: bool = False, n_threads: int | None = None, env: str = "standard") -> CuesResult:
    """Lesson 03: does a passively trained model learn to use relevance cues, also new combinations? (``experiment cues``)

    Trains the lesson-03 transformer on expert logs where half the episodes carry a cue (and the
    expert experiments only on the cued variables), never with a cue holding both X3 and X4.
    Tests it interactively, on training structures, with cues of the trained combinations, with
    the held-out combinations, and without a cue. Returns the normalised reward of each
    (``heldout_combinations``, ...), ``interventions_on_uncued_share`` (the share of its
    interventions on variables the cue did not mark) and ``steps_used`` (interventions per
    episode), beside the cued and the uncued expert.
    """
    seed, fast = _check_run(seed, fast, n_steps=n_steps, n_test=n_test, n_threads=n_threads, progress=progress)
    check_env(env)
    n_steps = n_steps if n_steps is not None else budget(CUE_STEPS, CUE_STEPS_FAST, fast)
    n_test = n_test if n_test is not None else budget(1000, TEST_EPISODES_FAST, fast)
    return cue_run(seed, n_steps, n_test, progress, n_threads, env)[1]


def cue_run(seed: int, n_steps: int, n_test: int, progress: bool = False, n_threads: int | None = None,
            env: str = "standard"):
    """Lesson 03: train and test one cue model; returns ``(model, result)`` (the result of :func:`cues`)."""
    _check_run(seed, n_threads=n_threads, progress=progress)
    check_n_samples(n_steps, "n_steps")
    check_positive_count(n_test, "n_test", 1000)
    check_env(env)
    model, history = train_cue_model(seed, n_steps, progress, n_threads, env)
    result = {"experiment": "cues", "seed": seed, "env": env, "n_steps": n_steps,
              "train_seconds": round(history.train_seconds, 2), "cued_share_in_training": CUED_SHARE}
    result.update(evaluate_cue_model(model, seed, n_test, env))
    return model, CuesResult.from_json(result)


def train_cue_model(seed: int, n_steps: int, progress: bool = False, n_threads: int | None = None,
                    env: str = "standard"):
    """Lesson 03: the transformer trained on cued and uncued expert logs; returns ``(model, history)``."""
    from causal_course.learners.models import build_model
    from causal_course.learners.training import train_behaviour_cloning
    from causal_course.worlds.cues import cue_sampler

    _check_run(seed, n_threads=n_threads, progress=progress)
    check_n_samples(n_steps, "n_steps")
    check_env(env)
    model = build_model("transformer", seed=seed)
    history = train_behaviour_cloning(model, n_steps, np.random.default_rng(seed), progress=progress,
                                      make_batch=cue_sampler(CUED_SHARE, env), n_threads=n_threads)
    return model, history


def cue_test_sets(seed: int, n_test: int, env: str = "standard") -> dict:
    """Lesson 03: cued test episodes on training structures: trained cue combinations, held-out ones, no cue."""
    from causal_course.worlds.cues import cue_episodes

    check_seed(seed)
    check_positive_count(n_test, "n_test", 1000)
    check_env(env)
    rng = stream(seed, "test_episodes")
    return {"trained_combinations": cue_episodes(n_test, rng, 1.0, "train", env=env),
            "heldout_combinations": cue_episodes(2 * n_test, rng, 1.0, "heldout", env=env)[:n_test],
            "uncued": cue_episodes(n_test, rng, 0.0, "train", env=env)}


def evaluate_cue_model(model, seed: int, n_test: int, env: str = "standard") -> dict:
    """Lesson 03: reward, interventions outside the cue and experiments used, on :func:`cue_test_sets`."""
    from causal_course.learners.evaluation import rollout
    from causal_course.worlds.cues import experiments_per_episode, interventions_outside_cue
    from causal_course.worlds.dag_episodes import goal_reward, normalised_reward

    tests = cue_test_sets(seed, n_test, env)  # checks seed, n_test and env
    reward, outside, used = {}, {}, {}
    for name, test in tests.items():
        actions, _, goal = rollout(model, test.worlds, test.target, stream(seed, "model_actions"), sample=True,
                                   seed=seed, cue=test.cue)
        reward[name] = round(normalised_reward(goal_reward(test.effects, test.target, goal), test.optimal_reward), 4)
        used[name] = round(experiments_per_episode(actions), 3)
        if name != "uncued":
            outside[name] = round(interventions_outside_cue(actions, test.cue), 4)
    held = tests["heldout_combinations"]
    actions, _, goal = rollout(model, held.worlds, held.target, stream(seed, "model_actions"), sample=True,
                               seed=seed)  # the same episodes with the cue hidden
    reward["heldout_combinations_cue_hidden"] = round(
        normalised_reward(goal_reward(held.effects, held.target, goal), held.optimal_reward), 4)
    used["heldout_combinations_cue_hidden"] = round(experiments_per_episode(actions), 3)
    used["cued_expert"] = round(experiments_per_episode(held.actions), 3)
    used["uncued_expert"] = float(tests["uncued"].actions.shape[1])
    return {"test_episodes": n_test, "heldout_combinations": reward["heldout_combinations"], "reward": reward,
            "interventions_on_uncued_share": outside, "steps_used": used}
