"""Lesson 03's study: behaviour cloning on expert logs, tested interactively against every baseline.
"""

from __future__ import annotations

import numpy as np

from causal_course.config import budget
from causal_course.learners.baselines import baseline_agents
from causal_course.seeds import stream
from causal_course.studies.common import (
    TEST_EPISODES,
    TEST_EPISODES_FAST,
    _check_list,
    _check_run,
    _check_test_sets,
)
from causal_course.studies.records import PassiveResult, VariantsResult
from causal_course.validation import (
    check_seed,
)
from causal_course.worlds.dag_episodes import check_env

# Training budgets (steps of 256 episodes). On 2 idle CPU cores one step takes about 25 ms, so the
# full budget is about 55 s of training; fast mode (CI) is a few seconds.
PASSIVE_STEPS = 2200


PASSIVE_STEPS_FAST = 120


BASELINE_NAMES = ("optimal", "causal_inference", "correlational", "regression_5_samples",
                  "regression_unlimited", "memorising", "random")


def evaluate_everything(model, test_sets: dict, seed: int, agents: dict | None = None) -> dict:
    """Normalised reward of the model (sampled and greedy) and every baseline on every test set (lesson 03).

    The baselines' memorising agent learns from the test sets' own environment variant.
    """
    from causal_course.learners.evaluation import evaluate_agent, exploration_summary, model_agent, rollout

    seed = check_seed(seed)
    _check_test_sets(test_sets, () if model is None else ("heldout", "critical"))
    env = next(iter(test_sets.values())).worlds.env
    agents = agents if agents is not None else baseline_agents(stream(seed, "baselines"), env)
    results = {}
    for name, test_set in test_sets.items():
        group = {}
        if model is not None:
            group["model"] = evaluate_agent(model_agent(model, sample=True, seed=seed), test_set,
                                            stream(seed, "model_actions"))
            group["model_greedy"] = evaluate_agent(model_agent(model, sample=False, seed=seed), test_set,
                                                   stream(seed, "model_actions"))
        for agent_name, agent in agents.items():
            group[agent_name] = evaluate_agent(agent, test_set, stream(seed, "baseline_actions"))
        results[name] = group
    if model is not None:
        heldout = test_sets["heldout"]
        actions, _, _ = rollout(model, heldout.worlds, heldout.target, stream(seed, "exploration"),
                                sample=True, seed=seed)
        results["model_exploration"] = exploration_summary(actions)
        results["critical_choices"] = critical_choices(model, test_sets["critical"], seed)
    return results


def critical_choices(model, critical, seed: int) -> dict:
    """How often the model picks X0 on critical episodes, where X0 is the only right answer (lesson 03).

    ``x0_share``: acting on its own (sampled); ``x0_share_given_expert``: given the expert's
    experiments instead of its own. A model that learned the training prior "X0 never affects X1"
    avoids X0 in both; one that explores badly but has the strategy picks X0 when given the
    expert's experiments.
    """
    from causal_course.learners.evaluation import forced_goal_choice, rollout

    seed = check_seed(seed)
    _, _, goal = rollout(model, critical.worlds, critical.target, stream(seed, "model_actions"), sample=True,
                         seed=seed)
    forced = forced_goal_choice(model, critical.worlds, critical.target, stream(seed, "model_actions"), seed=seed)
    return {"x0_share": round(float(np.mean(goal // 2 == 0)), 4),
            "x0_share_given_expert": round(float(np.mean(forced // 2 == 0)), 4)}


def passive(seed: int = 0, fast: bool = False, n_steps: int | None = None, architecture: str = "transformer",
            n_test: int | None = None, progress: bool = False, n_threads: int | None = None,
            env: str = "standard") -> PassiveResult:
    """Lesson 03: train by behaviour cloning on expert logs, then test interactively (``experiment passive``).

    Returns ``{"seed", "env", "train_seconds", "episodes_seen", "heldout", "in_distribution", "critical", ...}``
    where each group maps ``model``, ``optimal``, ``causal_inference``, ``correlational``, ``random``
    (and the extra baselines) to a normalised reward (random = 0, optimal = 1). ``env`` names the
    environment variant the expert's logs and the tests come from.
    """
    from causal_course.learners.evaluation import make_test_sets
    from causal_course.learners.models import build_model, count_parameters
    from causal_course.learners.training import expert_sampler, train_behaviour_cloning
    from causal_course.worlds.dag_episodes import check_env

    seed, fast = _check_run(seed, fast, n_steps=n_steps, n_test=n_test, n_threads=n_threads, progress=progress)
    check_env(env)
    n_steps = n_steps if n_steps is not None else budget(PASSIVE_STEPS, PASSIVE_STEPS_FAST, fast)
    n_test = n_test if n_test is not None else budget(TEST_EPISODES, TEST_EPISODES_FAST, fast)
    test_sets = make_test_sets(n_test, stream(seed, "test_episodes"), env)
    model = build_model(architecture, seed=seed)
    history = train_behaviour_cloning(model, n_steps, np.random.default_rng(seed), progress=progress,
                                      n_threads=n_threads, make_batch=expert_sampler(env))
    results = evaluate_everything(model, test_sets, seed)
    return PassiveResult.from_json({
        "experiment": "passive",
        "seed": seed,
        "env": env,
        "architecture": architecture,
        "n_parameters": count_parameters(model),
        "n_steps": n_steps,
        "train_seconds": round(history.train_seconds, 2),
        "episodes_seen": history.total_episodes,
        "test_episodes": n_test,
        **{key: ({k: round(v, 4) for k, v in value.items()}) for key, value in results.items()},
    })


def baselines_by_env(seed: int = 0, fast: bool = False, envs=None, n_test: int | None = None) -> VariantsResult:
    """Lesson 03: every baseline on every environment variant, one seed (``benchmarks/variants.py``).

    Returns ``{"seed", "test_episodes", "envs": {env: {group: {baseline: normalised reward}}}}``;
    no model is trained, so this takes seconds.
    """
    from causal_course.learners.evaluation import make_test_sets
    from causal_course.worlds.dag_episodes import ENVIRONMENTS

    seed, fast = _check_run(seed, fast, n_test=n_test)
    envs = _check_list(ENVIRONMENTS if envs is None else envs, "envs", check_env, "['standard', 'confounded']")
    n_test = n_test if n_test is not None else budget(TEST_EPISODES, TEST_EPISODES_FAST, fast)
    result = {"experiment": "variants", "seed": seed, "test_episodes": n_test, "envs": {}}
    for env in envs:
        test_sets = make_test_sets(n_test, stream(seed, "test_episodes"), env)
        scores = evaluate_everything(None, test_sets, seed)
        result["envs"][env] = {group: {k: round(v, 4) for k, v in values.items()} for group, values in scores.items()}
    return VariantsResult.from_json(result)
