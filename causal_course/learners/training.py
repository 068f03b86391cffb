"""Behaviour cloning: train a sequence model to imitate logged episodes (lesson 03).

Introduced in lesson 03. The model sees only logs of someone else's episodes (passive data); it
is trained to predict the logged exploration actions and goal action (cross-entropy). Training
data are drawn fresh for every step from a seeded ``numpy.random.Generator``; the model's
initial weights come from its own seed, so a run is reproducible given the seeds and the number
of steps.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from causal_course.learners.models import encode_episodes
from causal_course.torch_setup import F, set_threads, torch
from causal_course.validation import (
    check_bool,
    check_callable,
    check_instance,
    check_n_samples,
    check_non_negative_number,
    check_number,
    check_positive_count,
    check_positive_number,
    check_rng,
    invalid,
)
from causal_course.worlds.dag_episodes import EpisodeBatch, expert_episodes


def expert_training_batch(batch_size: int, rng: np.random.Generator) -> EpisodeBatch:
    """Lesson 03's passive data: the expert's logged episodes on training structures."""
    return expert_episodes(batch_size, rng, "train")


def expert_sampler(env: str = "standard") -> Callable[[int, np.random.Generator], EpisodeBatch]:
    """A ``make_batch(batch_size, rng)`` of the expert's logs in environment variant ``env`` (lesson 03)."""
    from causal_course.worlds.dag_episodes import check_env

    check_env(env)
    if env == "standard":
        return expert_training_batch

    def make_batch(batch_size: int, rng: np.random.Generator) -> EpisodeBatch:
        return expert_episodes(batch_size, rng, "train", env)

    return make_batch


@dataclass
class TrainingHistory:
    """What happened during training (lesson 03)."""

    steps: list = field(default_factory=list)
    episodes_seen: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    checkpoints: list = field(default_factory=list)  # whatever the callback returned

    @property
    def train_seconds(self) -> float:
        return self.seconds[-1] if self.seconds else 0.0

    @property
    def total_episodes(self) -> int:
        return self.episodes_seen[-1] if self.episodes_seen else 0


def imitation_loss(model, batch: EpisodeBatch, outputs: dict | None = None) -> torch.Tensor:
    """Cross-entropy of the logged exploration actions and goal action under the model (lesson 03).

    ``outputs`` (from ``model.outputs``) may be passed to reuse a forward pass (lesson 05).
    """
    if outputs is None:
        tokens = encode_episodes(batch.actions, batch.values, batch.target, batch.source, batch.cue)
        explore_logits, goal_logits = model(tokens, batch.target)
    else:
        explore_logits, goal_logits = outputs["explore"], outputs["goal"]
    steps = batch.actions.shape[1]
    explore = F.cross_entropy(explore_logits[:, :steps].reshape(-1, explore_logits.shape[-1]),
                              torch.as_tensor(batch.actions.reshape(-1), dtype=torch.long))
    goal = F.cross_entropy(goal_logits, torch.as_tensor(batch.goal_action, dtype=torch.long))
    return explore + goal


WEIGHT_DECAY = 0.01  # AdamW's decoupled weight decay (lesson 03)


def learning_rate_at(step: int, n_steps: int, peak: float, warmup: int = 100) -> float:
    """Linear warm-up, then cosine decay to a tenth of the peak (lesson 03)."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, n_steps - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def train_behaviour_cloning(
    model,
    n_steps: int,
    rng: np.random.Generator,
    batch_size: int = 256,
    learning_rate: float = 5e-3,
    make_batch: Callable[[int, np.random.Generator], EpisodeBatch] = expert_training_batch,
    loss_fn: Callable = imitation_loss,
    n_threads: int | None = None,
    progress: bool = True,
    callback: Callable | None = None,
    callback_every: int = 0,
    callback_at=(),
    average_decay: float | None = 0.99,
    weight_decay: float = WEIGHT_DECAY,
) -> TrainingHistory:
    """Train ``model`` for ``n_steps`` steps of ``batch_size`` fresh logged episodes (lesson 03).

    ``make_batch(batch_size, rng)`` supplies the passive data (by default the expert's episodes
    on training structures). ``n_threads`` sets ``torch.set_num_threads``. Every
    ``callback_every`` steps (and after the last), and after each step listed in ``callback_at``,
    ``callback(model, step)`` runs (its time is not counted as training time) and its result is
    kept in ``history.checkpoints``.

    ``average_decay`` keeps an exponential moving average of the weights (decay per step); the
    callback sees the averaged weights and the model ends with them. Averaging steadies the
    scores, which otherwise rise and fall from one checkpoint to the next. ``None`` turns it off.
    """
    check_instance(model, torch.nn.Module, "model", "a torch.nn.Module",
                   "build one with causal_course.learners.models.build_model('transformer')")
    n_steps = check_n_samples(n_steps, "n_steps")
    batch_size = check_positive_count(batch_size, "batch_size", 256)
    rng = check_rng(rng)
    learning_rate = check_positive_number(learning_rate, "learning_rate", 5e-3)
    check_callable(make_batch, "make_batch", "pass a function make_batch(batch_size, rng) -> EpisodeBatch, "
                   "such as expert_sampler() or mixtures.mixture_sampler(0.5)")
    check_callable(loss_fn, "loss_fn", "pass a function loss_fn(model, batch) -> loss tensor, such as imitation_loss")
    if n_threads is not None:
        n_threads = check_positive_count(n_threads, "n_threads", 2)
    progress = check_bool(progress, "progress")
    if callback is not None:
        check_callable(callback, "callback", "pass a function callback(model, step), or None")
    callback_every = check_n_samples(callback_every, "callback_every")
    if not hasattr(callback_at, "__iter__"):
        raise invalid("callback_at", "a collection of step numbers", repr(callback_at),
                      "pass for instance callback_at={100, 200}", TypeError)
    callback_at = {check_positive_count(step, "each step in callback_at", 100) for step in callback_at}
    if average_decay is not None:
        average_decay = check_number(average_decay, "average_decay", 0.0, 1.0, high_open=True,
                                     expected="a decay from 0 (inclusive) to 1 (exclusive), or None",
                                     fix="pass for instance average_decay=0.99, or None to turn averaging off")
    weight_decay = check_non_negative_number(weight_decay, "weight_decay", WEIGHT_DECAY)
    set_threads(n_threads)
    optimiser = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=weight_decay)
    history = TrainingHistory()
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_steps, desc="behaviour cloning", unit="step")
    parameters = list(model.parameters())
    averaged = [p.detach().clone() for p in parameters] if average_decay else None
    model.train()
    elapsed = 0.0
    for step in range(n_steps):
        start = time.perf_counter()
        for group in optimiser.param_groups:
            group["lr"] = learning_rate_at(step, n_steps, learning_rate)
        loss = loss_fn(model, make_batch(batch_size, rng))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        if averaged is not None:
            decay = min(average_decay, (1 + step) / (10 + step))  # short memory early on, like a warm start
            with torch.no_grad():
                for average, parameter in zip(averaged, parameters):
                    average.lerp_(parameter.detach(), 1.0 - decay)
        elapsed += time.perf_counter() - start
        history.steps.append(step + 1)
        history.episodes_seen.append((step + 1) * batch_size)
        history.seconds.append(elapsed)
        history.loss.append(loss.item())
        if bar is not None:
            bar.update(1)
            if step % 20 == 0:
                bar.set_postfix(loss=f"{loss.item():.3f}")
        done = step + 1
        due = (callback_every and (done % callback_every == 0 or done == n_steps)) or done in callback_at
        if callback is not None and due:
            current = _swap_in(parameters, averaged)
            model.eval()
            history.checkpoints.append(callback(model, step + 1))
            model.train()
            _swap_in(parameters, current)
    if bar is not None:
        bar.close()
    _swap_in(parameters, averaged)
    model.eval()
    return history


def _swap_in(parameters, values):
    """Copy ``values`` into ``parameters`` and return the previous values (no-op for None)."""
    if values is None:
        return None
    with torch.no_grad():
        previous = [p.detach().clone() for p in parameters]
        for p, v in zip(parameters, values):
            p.copy_(v)
    return previous
