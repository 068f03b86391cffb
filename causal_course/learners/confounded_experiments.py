"""Lesson 06's passive experimenter: lesson 05's agent cloning the expert's logs of confounded episodes.

Introduced in lesson 06, after Lampinen et al. (2023), *Passive learning of active causal
strategies*. The agent (:class:`~causal_course.learners.explanation_task.ExperimentingAgent`)
reads the elimination expert's logs of confounded experimenting episodes
(:mod:`causal_course.worlds.odd_one_out_confounded_experiments`) and learns to predict the
expert's pick in every trial (teacher forcing: the passive learning of lesson 05's
``objective="imitation"``). Under the condition ``explained="colour"`` (or ``"shape"``) it also
predicts, after each trial, the explanation of that trial, which names colour (or shape) wherever
both are true; with ``explained=None`` it gets no explanation. At test it experiments on its own.
"""

from __future__ import annotations

import time

import numpy as np

from causal_course.learners.explanation_task import ExperimentingAgent, ExplanationTaskConfig, heads_loss, play
from causal_course.torch_setup import F, set_threads, torch
from causal_course.validation import check_choice, check_integer, invalid
from causal_course.worlds.odd_one_out import N_OBJECTS
from causal_course.worlds.odd_one_out_confounded_experiments import (
    EXPLAINED,
    confounded_experiment_episodes,
    expert_picks,
    explanation_targets,
)

CONDITIONS = ("colour", "shape", None)


def _check_explained(explained):
    if explained is not None:
        check_choice(explained, tuple(EXPLAINED), "explained")
    return explained


def confounded_explanation_loss(model: ExperimentingAgent, episodes, played: dict, explained: str) -> torch.Tensor:
    """Cross-entropy of both explanation heads after every trial, ties named ``explained`` (lesson 06)."""
    return heads_loss(model, explanation_targets(episodes, played["picks"], EXPLAINED[explained]),
                      played["explanation_hidden"])


def greedy_picks(model: ExperimentingAgent, episodes) -> np.ndarray:
    """``(n, trials)``: the agent's own greedy picks, experiments and test (lesson 06)."""
    with torch.no_grad():
        return play(model, episodes)["picks"]


def train_confounded_experiments(config: ExplanationTaskConfig, seed: int, explained: str | None) -> dict:
    """Clone the expert on confounded episodes; return ``{"model", "train_seconds"}`` (lesson 06).

    ``config.objective`` must be ``"imitation"``; ``config.explanations`` is ignored (``explained``
    decides: ``"colour"``, ``"shape"`` or None). Training batches and initial weights come from
    ``seed``, so the three conditions of a seed see the same episodes and start from the same weights.
    """
    if not isinstance(config, ExplanationTaskConfig):
        raise invalid("config", "an ExplanationTaskConfig", type(config).__name__,
                      'build one with ExplanationTaskConfig(objective="imitation", n_steps=600)', TypeError)
    if config.objective != "imitation":
        raise invalid("config.objective", '"imitation" (this study is passive)', repr(config.objective),
                      'pass ExplanationTaskConfig(objective="imitation")')
    seed = check_integer(seed, "seed", 0, fix="pass a seed such as 0")
    explained = _check_explained(explained)
    set_threads(config.n_threads)
    rng = np.random.default_rng(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = ExperimentingAgent(config.width)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    seconds = 0.0
    model.train()
    for _ in range(config.n_steps):
        start = time.perf_counter()
        episodes = confounded_experiment_episodes(config.batch_size, rng, config.n_experiments)
        expert = expert_picks(episodes)
        played = play(model, episodes, forced_picks=expert)
        loss = F.cross_entropy(played["logits"].reshape(-1, N_OBJECTS), torch.as_tensor(expert).reshape(-1))
        if explained is not None and config.explanation_weight > 0:
            loss = loss + config.explanation_weight * confounded_explanation_loss(model, episodes, played, explained)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        seconds += time.perf_counter() - start
    model.eval()
    return {"model": model, "train_seconds": seconds}
