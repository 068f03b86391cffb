"""Interactive evaluation: agents act in fresh episodes and are scored by normalised reward.

Introduced in lesson 03. A trained model is run *interactively*: it chooses each exploration
action itself, the environment answers, and it then chooses its goal action. Scores are
normalised so that random choice = 0 and optimal = 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from causal_course.learners.models import encode_episodes
from causal_course.torch_setup import torch
from causal_course.validation import check_rng
from causal_course.worlds.dag_episodes import (
    N_EXPLORATION_STEPS,
    Worlds,
    as_worlds,
    exploration_step,
    goal_reward,
    normalised_reward,
    optimal_goal_action,
    sample_worlds,
)


@dataclass
class TestSet:
    """Worlds and targets for one evaluation split (lesson 03)."""

    name: str
    worlds: Worlds
    target: np.ndarray

    @property
    def weights(self) -> np.ndarray:
        return self.worlds.weights

    @property
    def effects(self) -> np.ndarray:
        return self.worlds.effects

    @property
    def optimal_reward(self) -> np.ndarray:
        return goal_reward(self.effects, self.target, optimal_goal_action(self.effects, self.target))


def make_test_sets(n_episodes: int, rng: np.random.Generator, env: str = "standard") -> dict:
    """In-distribution, held-out and critical test sets of ``n_episodes`` each, in variant ``env`` (lesson 03)."""
    rng = check_rng(rng)
    sets = {}
    for name, split in (("in_distribution", "train"), ("heldout", "heldout"), ("critical", "critical")):
        worlds, target = sample_worlds(n_episodes, rng, split, env)
        sets[name] = TestSet(name, worlds, target)
    return sets


def _choose(logits: torch.Tensor, sample: bool, generator: torch.Generator) -> np.ndarray:
    if sample:
        return torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=generator).squeeze(1).numpy()
    return torch.argmax(logits, dim=-1).numpy()


@torch.no_grad()
def rollout(model, weights, target: np.ndarray, rng: np.random.Generator, sample: bool = True,
            seed: int = 0, source=None, cue=None):
    """Run ``model`` interactively in the given episodes (lesson 03).

    ``weights``: the :class:`~causal_course.worlds.dag_episodes.Worlds` (or a weights array, standard environment).
    ``source`` (lesson 04): the source tag the model is *asked* to write as, e.g. ``"experimenter"``
    (None: untagged). ``cue`` (lesson 03): ``(n, 5)`` relevance masks shown to the model (None: no cue).

    Returns ``(actions (n, 5), values (n, 5, 5), goal_action (n,))``. With ``sample=True`` each
    action is drawn from the model's distribution (a ``torch.Generator`` seeded by ``seed``);
    otherwise the most probable action is taken (greedy).
    """
    rng = check_rng(rng)
    worlds = as_worlds(weights)
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    n = len(target)
    actions = np.zeros((n, 0), dtype=np.int64)
    values = np.zeros((n, 0, worlds.weights.shape[-1]))
    for step in range(N_EXPLORATION_STEPS):
        explore_logits, _ = model(encode_episodes(actions, values, None, source, cue))
        action = _choose(explore_logits[:, -1], sample, generator)
        seen = exploration_step(worlds, action, rng)
        actions = np.concatenate([actions, action[:, None]], axis=1)
        values = np.concatenate([values, seen[:, None]], axis=1)
    _, goal_logits = model(encode_episodes(actions, values, target, source, cue), target)
    return actions, values, _choose(goal_logits, sample, generator)


def model_agent(model, sample: bool = True, seed: int = 0, source=None):
    """Wrap a model as an agent ``(weights, target, rng) -> goal_action`` (lesson 03); ``source``: see :func:`rollout`."""

    def agent(weights, target, rng):
        return rollout(model, weights, target, rng, sample=sample, seed=seed, source=source)[2]

    return agent


def evaluate_agent(agent, test_set: TestSet, rng: np.random.Generator) -> float:
    """Normalised reward of ``agent`` on ``test_set`` (lesson 03)."""
    goal = agent(test_set.worlds, test_set.target, rng)
    reward = goal_reward(test_set.effects, test_set.target, goal)
    return normalised_reward(reward, test_set.optimal_reward)


def exploration_summary(actions: np.ndarray) -> dict:
    """How an agent explored: share of episodes that intervened on all 5 variables, and repeats (lesson 03)."""
    intervened = actions > 0
    distinct = np.array([len(set(row[row > 0])) for row in actions])
    return {
        "all_variables_share": float(np.mean(distinct == actions.shape[1])),
        "observe_share": float(np.mean(~intervened)),
        "repeat_share": float(np.mean(intervened.sum(axis=1) - distinct > 0)),
    }


def disagreement_analysis(model, test_set: TestSet, rng: np.random.Generator, seed: int = 0) -> dict:
    """Where the correlational strategy and the optimal choice disagree, who is right? (lesson 03)

    Returns the share of episodes where the correlational agent's goal earns less than the optimal
    one, and the normalised reward of the model and of the correlational agent on those episodes
    and on the others.
    """
    from causal_course.learners.baselines import correlational_agent

    rng = check_rng(rng)
    correlational = correlational_agent(test_set.worlds, test_set.target, rng)
    model_goal = rollout(model, test_set.worlds, test_set.target, rng, sample=True, seed=seed)[2]
    optimal_reward = test_set.optimal_reward
    # "Differ" means the correlational choice earns less than the best; ties (two equally good
    # variables, common with weights of +-1) are agreements.
    differ = goal_reward(test_set.effects, test_set.target, correlational) < optimal_reward - 1e-9
    result = {"disagree_share": float(differ.mean())}
    for name, goal in (("model", model_goal), ("correlational", correlational)):
        reward = goal_reward(test_set.effects, test_set.target, goal)
        for subset, rows in (("disagree", differ), ("agree", ~differ)):
            result[f"{name}_{subset}"] = normalised_reward(reward[rows], optimal_reward[rows]) if rows.any() else float("nan")
    return result


@torch.no_grad()
def forced_goal_choice(model, weights, target: np.ndarray, rng: np.random.Generator,
                       sample: bool = True, seed: int = 0, source=None) -> np.ndarray:
    """The model's goal choice after the *expert's* exploration instead of its own (lesson 04).

    Separates using interventional evidence (can the model read it?) from gathering it (does the
    model choose to intervene?).
    """
    from causal_course.worlds.dag_episodes import expert_exploration, run_exploration

    rng = check_rng(rng)
    model.eval()
    actions = expert_exploration(len(target), rng)
    values = run_exploration(weights, actions, rng)
    _, goal_logits = model(encode_episodes(actions, values, target, source), target)
    return _choose(goal_logits, sample, torch.Generator().manual_seed(seed))
