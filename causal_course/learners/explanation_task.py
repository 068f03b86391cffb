"""Lesson 05's experimenting learner: a small recurrent agent trained from reward, with or without explanations.

Introduced in lesson 05, after Lampinen et al. (2022), *Tell me why!*. The agent plays the
experimenting odd-one-out of :mod:`causal_course.worlds.odd_one_out_experiments` one trial per
step: a GRU reads the trial's 4 objects (one-hot, flattened: no built-in notion of "object" or
"unique"), the object it picked in the previous trial and whether that pick was right, and picks
an object. It is trained by REINFORCE from reward alone (``objective="reinforce"``), as the
paper's agents were; the reward is 1 for a right pick, with the test trial weighted
``test_weight`` times (the paper: 10 times). With ``explanations=True`` it also predicts, after
each trial, the explanation of that trial (:func:`~causal_course.worlds.odd_one_out_experiments.explanation_targets`):
the rule dimension and the dimension the picked object was unique in, each a cross-entropy
weighted ``explanation_weight``. The explanation heads are never used to act.

``objective="imitation"`` instead clones the elimination expert's picks from its logs (teacher
forcing: the model reads the expert's picks and feedback), the course's passive learning.

One callback hook (minGPT style): ``callback(step, model)`` is called at every checkpoint;
:func:`train_explanation_task` records the test accuracy there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from causal_course.torch_setup import F, nn, set_threads, torch
from causal_course.validation import check_callable, check_choice, check_integer, check_number, check_rng, invalid
from causal_course.worlds.odd_one_out import N_DIMENSIONS, N_OBJECTS, N_VALUES, encode_objects
from causal_course.worlds.odd_one_out_experiments import (
    ExperimentEpisodes,
    accuracy_at_test,
    elimination_picks,
    experiment_episodes,
    explanation_targets,
)

OBJECTIVES = ("reinforce", "imitation")


@dataclass(frozen=True)
class ExplanationTaskConfig:
    """Everything a training run of the experimenting learner depends on, besides its seed (lesson 05)."""

    explanations: bool = True
    objective: str = "reinforce"
    n_steps: int = 3000
    batch_size: int = 128
    width: int = 64
    learning_rate: float = 3e-3
    explanation_weight: float = 1.0
    test_weight: float = 3.0
    entropy_weight: float = 0.01
    n_experiments: int = 3
    n_threads: int | None = 1

    def __post_init__(self):
        if not isinstance(self.explanations, bool):
            raise invalid("explanations", "True or False", repr(self.explanations), "pass explanations=True or False",
                          TypeError)
        check_choice(self.objective, OBJECTIVES, "objective")
        check_integer(self.n_steps, "n_steps", 0, fix="pass for instance n_steps=3000")
        check_integer(self.batch_size, "batch_size", 1, fix="pass for instance batch_size=128")
        check_integer(self.width, "width", 1, fix="pass for instance width=64")
        check_integer(self.n_experiments, "n_experiments", 0, fix="pass for instance n_experiments=3")
        check_number(self.learning_rate, "learning_rate", low=0.0, low_open=True, fix="pass for instance learning_rate=3e-3")
        for name in ("explanation_weight", "test_weight", "entropy_weight"):
            check_number(getattr(self, name), name, low=0.0, fix=f"pass for instance {name}=1.0")
        if self.n_threads is not None:
            check_integer(self.n_threads, "n_threads", 1, fix="pass for instance n_threads=1")


class ExperimentingAgent(nn.Module):
    """An object-set encoder and a GRU over trials, a pick head and two explanation heads (lesson 05).

    Each object is encoded next to the trial's average object (lesson 06's object-set network, so
    that "unique" is easy to compute); the GRU reads, after each trial, the encoding of the object
    picked and whether it was right; each object's score reads its encoding and the GRU state.
    The explanation heads read the GRU state after a trial's feedback.
    """

    def __init__(self, width: int = 64):
        super().__init__()
        features = N_DIMENSIONS * N_VALUES
        self.width = width
        self.objects = nn.Sequential(nn.Linear(2 * features, width), nn.GELU(), nn.Linear(width, width), nn.GELU())
        self.cell = nn.GRUCell(width + 2, width)
        self.score = nn.Sequential(nn.Linear(2 * width, width), nn.GELU(), nn.Linear(width, 1))
        self.explain_rule = nn.Linear(width, N_DIMENSIONS)
        self.explain_picked = nn.Linear(width, N_DIMENSIONS + 1)

    def encode(self, features: torch.Tensor) -> torch.Tensor:
        """``(n, 4, width)``: each object next to the trial's average object (lesson 05)."""
        scene = features.mean(dim=1, keepdim=True).expand_as(features)
        return self.objects(torch.cat([features, scene], dim=-1))

    def read(self, picked: torch.Tensor, feedback: torch.Tensor, is_test: torch.Tensor, hidden: torch.Tensor):
        """The GRU state after reading a pick's encoding and its feedback (lesson 05)."""
        return self.cell(torch.cat([picked, feedback[:, None], is_test[:, None]], dim=-1), hidden)

    def scores(self, encoded: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
        """``(n, 4)`` pick logits (lesson 05)."""
        return self.score(torch.cat([encoded, hidden[:, None, :].expand_as(encoded)], dim=-1)).squeeze(-1)


def _rewarded(episodes, rows: np.ndarray, t: int, picked: np.ndarray) -> np.ndarray:
    """Is each picked object unique in the rule dimension? Lesson 05's episodes, or lesson 06's with a ``unique`` mask."""
    if hasattr(episodes, "unique"):  # lesson 06's confounded episodes: an object may be unique in several dimensions
        return episodes.unique[rows, t, picked, episodes.rule]
    return episodes.unique_dimension[rows, t, picked] == episodes.rule


def play(model: ExperimentingAgent, episodes: ExperimentEpisodes, rng: np.random.Generator | None = None,
         forced_picks: np.ndarray | None = None) -> dict:
    """Run ``model`` through ``episodes`` (lesson 05).

    Picks are sampled with ``rng``, greedy (argmax) when ``rng`` is None, or the ``forced_picks``
    (teacher forcing). Returns ``{"picks", "feedback", "logits" (n, trials, 4), "explanation_hidden"
    (n, trials, width)}`` where ``explanation_hidden[:, t]`` is the GRU state after reading trial
    t's pick and feedback (the state the explanation of trial t is read from).
    """
    if rng is not None:
        rng = check_rng(rng)
    n, trials = len(episodes), episodes.n_trials
    features = torch.from_numpy(encode_objects(episodes.objects.reshape(n * trials, N_OBJECTS, N_DIMENSIONS)).reshape(
        n, trials, N_OBJECTS, -1))
    hidden = torch.zeros(n, model.width)
    picks = np.zeros((n, trials), dtype=np.int64)
    feedback = np.zeros((n, trials), dtype=np.float32)
    logits_all, after_feedback = [], []
    rows = np.arange(n)
    for t in range(trials):
        encoded = model.encode(features[:, t])
        logits = model.scores(encoded, hidden)
        logits_all.append(logits)
        if forced_picks is not None:
            picks[:, t] = forced_picks[:, t]
        elif rng is None:
            picks[:, t] = torch.argmax(logits, dim=1).numpy()
        else:
            cumulative = torch.softmax(logits.detach(), dim=1).numpy().astype(np.float64).cumsum(axis=1)
            picks[:, t] = np.minimum((rng.random((n, 1)) * cumulative[:, -1:] > cumulative).sum(axis=1), N_OBJECTS - 1)
        feedback[:, t] = _rewarded(episodes, rows, t, picks[:, t])
        is_test = torch.full((n,), float(t == trials - 1))
        hidden = model.read(encoded[rows, picks[:, t]], torch.from_numpy(feedback[:, t]), is_test, hidden)
        after_feedback.append(hidden)
    return {"picks": picks, "feedback": feedback, "logits": torch.stack(logits_all, dim=1),
            "explanation_hidden": torch.stack(after_feedback, dim=1)}


def explanation_loss(model: ExperimentingAgent, episodes: ExperimentEpisodes, played: dict) -> torch.Tensor:
    """Cross-entropy of both explanation heads after every trial (lesson 05)."""
    return heads_loss(model, explanation_targets(episodes, played["picks"]), played["explanation_hidden"])


def heads_loss(model: ExperimentingAgent, targets: dict, hidden: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of the rule head and the picked-dimension head on ``targets`` after every trial (lesson 05).

    ``targets`` holds ``"rule"`` ``(n,)`` and ``"picked"`` ``(n, trials)``; ``hidden`` is the state after each
    trial's feedback, ``(n, trials, width)``.
    """
    trials = hidden.shape[1]
    rule = torch.as_tensor(np.repeat(targets["rule"][:, None], trials, axis=1))
    picked = torch.as_tensor(targets["picked"])
    return (F.cross_entropy(model.explain_rule(hidden).reshape(-1, N_DIMENSIONS), rule.reshape(-1))
            + F.cross_entropy(model.explain_picked(hidden).reshape(-1, N_DIMENSIONS + 1), picked.reshape(-1)))


def _reinforce_loss(played: dict, config: ExplanationTaskConfig) -> torch.Tensor:
    weights = np.ones(played["feedback"].shape[1], dtype=np.float32)
    weights[-1] = config.test_weight
    rewards = played["feedback"] * weights
    returns = np.cumsum(rewards[:, ::-1], axis=1)[:, ::-1].copy()  # reward to go
    advantages = torch.from_numpy(returns - returns.mean(axis=0, keepdims=True))  # per-trial batch baseline
    log_probabilities = F.log_softmax(played["logits"], dim=-1)
    chosen = log_probabilities.gather(2, torch.as_tensor(played["picks"])[:, :, None])[:, :, 0]
    entropy = -(log_probabilities.exp() * log_probabilities).sum(dim=-1)
    return -(chosen * advantages).mean() - config.entropy_weight * entropy.mean()


def evaluate_agent(model: ExperimentingAgent, episodes: ExperimentEpisodes) -> dict:
    """Greedy play: test accuracy, experiment accuracy and how often the explanation of the rule is right (lesson 05)."""
    with torch.no_grad():
        played = play(model, episodes)
        predicted_rule = torch.argmax(model.explain_rule(played["explanation_hidden"][:, -2]), dim=1).numpy()
    return {"test_accuracy": accuracy_at_test(episodes, played["picks"]),
            "experiment_accuracy": float(played["feedback"][:, :-1].mean()) if episodes.n_trials > 1 else 0.0,
            "explained_rule_before_test": float(np.mean(predicted_rule == episodes.rule))}


def train_explanation_task(config: ExplanationTaskConfig, seed: int, test_episodes: ExperimentEpisodes | None = None,
                           checkpoints=(), callback=None) -> dict:
    """Train one agent; return ``{"model", "curve", "train_seconds"}`` (lesson 05).

    Training batches and the model's initial weights come from ``seed`` (``default_rng(seed)`` and
    a torch generator seeded with it). At every step in ``checkpoints`` (and at the end) the model
    is scored on ``test_episodes`` (greedy) into ``curve`` (``{step: test accuracy}``), then
    ``callback(step, model)`` is called if given. ``train_seconds`` excludes the checkpoints' tests.
    """
    if not isinstance(config, ExplanationTaskConfig):
        raise invalid("config", "an ExplanationTaskConfig", type(config).__name__,
                      "build one with ExplanationTaskConfig(explanations=True, n_steps=3000)", TypeError)
    seed = check_integer(seed, "seed", 0, fix="pass a seed such as 0")
    if callback is not None:
        check_callable(callback, "callback", "pass a function callback(step, model) or None")
    checkpoints = sorted({check_integer(step, "each checkpoint", 0, config.n_steps) for step in checkpoints}
                         | {config.n_steps})
    set_threads(config.n_threads)
    rng = np.random.default_rng(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = ExperimentingAgent(config.width)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    curve, seconds = {}, 0.0

    def checkpoint(step):
        model.eval()
        if test_episodes is not None:
            curve[step] = evaluate_agent(model, test_episodes)["test_accuracy"]
        if callback is not None:
            callback(step, model)
        model.train()

    if 0 in checkpoints:
        checkpoint(0)
    for step in range(1, config.n_steps + 1):
        start = time.perf_counter()
        episodes = experiment_episodes(config.batch_size, rng, config.n_experiments)
        if config.objective == "reinforce":
            played = play(model, episodes, rng=rng)
            loss = _reinforce_loss(played, config)
        else:
            expert = elimination_picks(episodes)
            played = play(model, episodes, forced_picks=expert)
            loss = F.cross_entropy(played["logits"].reshape(-1, N_OBJECTS), torch.as_tensor(expert).reshape(-1))
        if config.explanations and config.explanation_weight > 0:
            loss = loss + config.explanation_weight * explanation_loss(model, episodes, played)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        seconds += time.perf_counter() - start
        if step in checkpoints:
            checkpoint(step)
    model.eval()
    return {"model": model, "curve": curve, "train_seconds": seconds}


def with_overrides(config: ExplanationTaskConfig, **changes) -> ExplanationTaskConfig:
    """``config`` with some fields changed (checked again) (lesson 05)."""
    return replace(config, **changes)
