"""Small sequence models that act in the causal-DAG episodes: a causal transformer and a GRU.

Introduced in lesson 03. An episode is a sequence of 7 tokens:

* position 0: the start token, with the log's **source tag** (lesson 04): who wrote it, an
  experimenter, an observer, or untagged (:data:`SOURCES`); and the episode's **relevance cue**
  (lesson 03), a 0/1 mask of the variables prior knowledge marks as relevant (all 0: no cue);
* positions 1 to 5: one per exploration step, the action taken (one-hot over observe, do(X0..X4))
  and the 5 values then seen, twice: divided by 5 (so an intervened value reads 1 and its effects
  read as multiples of it), and soft-clipped (so that natural values of about 0.1, which the
  first copy shrinks to 0.02, stay legible and keep their linear relations: :func:`soft_clip`);
* position 6: the goal query, naming the target (one-hot) and carrying the target's **readings**:
  its value at each of the 5 steps, on the same two scales. The log holds these values already
  (they are in positions 1 to 5); the goal query only re-reads them for the variable it now asks
  about, as a student re-reads their notes once they know the exam question
  (:func:`target_readings`). Whether they matter is measured in lesson 03
  (``benchmarks/readings_ablation.py``; over 8 seeds no difference is shown).

The model reads the sequence left to right (a causal mask: no peeking ahead). Its output at
position ``k`` (0 to 4) is the distribution of the exploration action of step ``k + 1``; its
output at position 6 is the distribution of the goal action (``2 * j`` for do(X_j = +5),
``2 * j + 1`` for do(X_j = -5)), with the target's own actions masked out.
"""

from __future__ import annotations

import numpy as np

from causal_course.torch_setup import nn, torch  # the one place that sets torch up
from causal_course.worlds.dag_episodes import (
    INTERVENTION_VALUE,
    N_EXPLORATION_ACTIONS,
    N_EXPLORATION_STEPS,
    N_GOAL_ACTIONS,
    N_VARIABLES,
)

SEQUENCE_LENGTH = N_EXPLORATION_STEPS + 2
GOAL_POSITION = SEQUENCE_LENGTH - 1
SOURCES = ("untagged", "experimenter", "observer")  # source tags (lesson 04); index 0 sets no tag feature
# action, values (2 scales), target, cue, 2 tags, the target's readings (2 scales), start/goal flags
FEATURES = N_EXPLORATION_ACTIONS + 4 * N_VARIABLES + (len(SOURCES) - 1) + 2 * N_EXPLORATION_STEPS + 2
_VALUES = slice(N_EXPLORATION_ACTIONS, N_EXPLORATION_ACTIONS + N_VARIABLES)
_CLIPPED_VALUES = slice(_VALUES.stop, _VALUES.stop + N_VARIABLES)
_TARGET = slice(_CLIPPED_VALUES.stop, _CLIPPED_VALUES.stop + N_VARIABLES)
_CUE = slice(_TARGET.stop, _TARGET.stop + N_VARIABLES)
_TAGS = slice(_CUE.stop, _CUE.stop + len(SOURCES) - 1)
_READINGS = slice(_TAGS.stop, _TAGS.stop + N_EXPLORATION_STEPS)
_CLIPPED_READINGS = slice(_READINGS.stop, _READINGS.stop + N_EXPLORATION_STEPS)
_START_FLAG, _GOAL_FLAG = FEATURES - 2, FEATURES - 1
FEATURE_NAMES = (  # what each token feature holds, in order (lesson 03, Section 10: inside the model)
    ("observe",) + tuple(f"do(X{i})" for i in range(N_VARIABLES))
    + tuple(f"X{i}/5" for i in range(N_VARIABLES)) + tuple(f"clip(X{i})" for i in range(N_VARIABLES))
    + tuple(f"target X{i}" for i in range(N_VARIABLES)) + tuple(f"cue X{i}" for i in range(N_VARIABLES))
    + tuple(f"tag {name}" for name in SOURCES[1:])
    + tuple(f"target@step{k + 1}/5" for k in range(N_EXPLORATION_STEPS))
    + tuple(f"clip(target@step{k + 1})" for k in range(N_EXPLORATION_STEPS))
    + ("start", "goal")
)


def source_codes(source, n: int) -> np.ndarray:
    """``source`` (None, a name from :data:`SOURCES`, or one code per episode) as ``n`` codes (lesson 04)."""
    if source is None:
        return np.zeros(n, dtype=np.int64)
    if isinstance(source, str):
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, got {source!r}; e.g. source=\"experimenter\".")
        return np.full(n, SOURCES.index(source), dtype=np.int64)
    codes = np.asarray(source)
    if codes.shape != (n,) or not np.issubdtype(codes.dtype, np.integer) or codes.min(initial=0) < 0 \
            or codes.max(initial=0) >= len(SOURCES):
        raise ValueError(f"source must be a name from {SOURCES} or one integer code (0 to {len(SOURCES) - 1}) "
                         f"per episode, shape ({n},); got shape {codes.shape}.")
    return codes.astype(np.int64)
SOFT_CLIP_SCALE = 0.5


def soft_clip(values: np.ndarray) -> np.ndarray:
    """``tanh(x / 0.5)``: about ``2x`` for natural values (0.1 -> 0.20), and 1 for an intervened 5 (lesson 03).

    Divided by 5, a natural value of 0.1 reads 0.02, too small to learn from next to the 1 of an
    intervention (lesson 04's observers failed on exactly that). Soft-clipped, it reads 0.2 and
    stays proportional to the value, so slopes between natural values can be computed; large
    values saturate, and the divided-by-5 copy keeps their size.
    """
    return np.tanh(np.asarray(values, dtype=float) / SOFT_CLIP_SCALE)


def encode_episodes(actions: np.ndarray, values: np.ndarray, target: np.ndarray | None,
                    source=None, cue: np.ndarray | None = None) -> torch.Tensor:
    """Token features ``(n, steps + 1 or + 2, FEATURES)`` for logged or partial episodes (lesson 03).

    ``actions`` ``(n, s)`` and ``values`` ``(n, s, 5)`` are the first ``s`` exploration steps. With a
    ``target`` the goal query is appended (use it only after all 5 steps). ``source`` (lesson 04)
    tags who wrote the log: None (untagged), a name from :data:`SOURCES`, or one code per episode.
    ``cue`` (lesson 03): ``(n, 5)`` 0/1 masks of the variables cued as relevant (None: no cue).
    """
    n, steps = actions.shape
    length = steps + 1 + (target is not None)
    tokens = np.zeros((n, length, FEATURES), dtype=np.float32)
    tokens[:, 0, _START_FLAG] = 1.0
    codes = source_codes(source, n)
    tagged = np.nonzero(codes > 0)[0]
    tokens[tagged, 0, _TAGS.start + codes[tagged] - 1] = 1.0
    if cue is not None:
        cue = np.asarray(cue)
        if cue.shape != (n, N_VARIABLES):
            raise ValueError(f"cue must be one 0/1 mask of the {N_VARIABLES} variables per episode, shape "
                             f"({n}, {N_VARIABLES}); got shape {cue.shape}.")
        tokens[:, 0, _CUE] = cue
    if steps:
        positions = np.arange(1, steps + 1)
        tokens[np.arange(n)[:, None], positions[None, :], actions] = 1.0
        tokens[:, 1:steps + 1, _VALUES] = values / INTERVENTION_VALUE
        tokens[:, 1:steps + 1, _CLIPPED_VALUES] = soft_clip(values)
    if target is not None:
        target = np.asarray(target)
        tokens[np.arange(n), -1, _TARGET.start + target] = 1.0
        tokens[:, -1, _GOAL_FLAG] = 1.0
        if steps:
            readings = target_readings(values, target)
            tokens[:, -1, _READINGS.start:_READINGS.start + steps] = readings / INTERVENTION_VALUE
            tokens[:, -1, _CLIPPED_READINGS.start:_CLIPPED_READINGS.start + steps] = soft_clip(readings)
    return torch.from_numpy(tokens)


def target_readings(values: np.ndarray, target: np.ndarray) -> np.ndarray:
    """``(n, steps)``: the target's value at each logged step, ``values[i, k, target[i]]`` (lesson 03).

    The goal query carries these readings. They add no information to the log (the same numbers
    sit in the step tokens); they re-read it for the variable the goal names.

    >>> import numpy as np
    >>> values = np.arange(2 * 3 * 5, dtype=float).reshape(2, 3, 5)
    >>> target_readings(values, np.array([1, 4]))
    array([[ 1.,  6., 11.],
           [19., 24., 29.]])
    """
    values = np.asarray(values, dtype=float)
    return values[np.arange(len(values)), :, np.asarray(target)]


def goal_mask(target) -> torch.Tensor:
    """``(n, 10)`` boolean mask, True for the two goal actions on the target itself (forbidden)."""
    target = torch.as_tensor(np.asarray(target), dtype=torch.long)
    mask = torch.zeros(len(target), N_GOAL_ACTIONS, dtype=torch.bool)
    rows = torch.arange(len(target))
    mask[rows, 2 * target] = True
    mask[rows, 2 * target + 1] = True
    return mask


EXPLANATIONS = {
    # kind: (outputs at each position used, what is predicted) -- lesson 05
    "logged_effects": N_VARIABLES,  # at the goal: what my experiment on each variable did to the target (from the log)
    "answer": N_VARIABLES,  # at the goal: each variable's true total effect on the target (privileged, not in the log)
    "justification": N_EXPLORATION_STEPS,  # at the goal: which exploration step justifies the choice
    "step_effects": 3 * N_VARIABLES,  # after each intervention: did it lower, leave or raise each variable?
}


class EpisodePolicy(nn.Module):
    """Shared heads: exploration logits at positions 0-4, goal logits at position 6 (lesson 03).

    With ``explanation`` (lesson 05) the model also has an explanation head; see
    :data:`EXPLANATIONS` and :func:`causal_course.learners.explanations.explanation_loss`.
    ``reads_target=False`` blanks the goal query's target readings (:func:`target_readings`):
    lesson 03's ablation, the model as it was before it had them.
    """

    def __init__(self, width: int, explanation: str | None = None, reads_target: bool = True):
        super().__init__()
        if not isinstance(reads_target, bool):
            raise TypeError(f"reads_target must be True or False, got {reads_target!r}.")
        self.reads_target = reads_target
        self.explore_head = nn.Linear(width, N_EXPLORATION_ACTIONS)
        self.goal_head = nn.Linear(width, N_GOAL_ACTIONS)
        if explanation is not None and explanation not in EXPLANATIONS:
            raise ValueError(f"explanation must be None or one of {sorted(EXPLANATIONS)}, got {explanation!r}.")
        self.explanation = explanation
        self.explain_head = None
        if explanation:
            # drawn from a copy of the random state, so the rest of the model gets the same initial weights with
            # or without an explanation head: lesson 05 compares them paired by seed
            with torch.random.fork_rng(devices=[]):
                self.explain_head = nn.Linear(width, EXPLANATIONS[explanation])

    def encode(self, tokens: torch.Tensor) -> torch.Tensor:  # (n, length, FEATURES) -> (n, length, width)
        raise NotImplementedError

    def outputs(self, tokens: torch.Tensor, target=None) -> dict:
        """``{"explore", "goal", "hidden"}``: the heads' outputs and the hidden states (lesson 05)."""
        if not self.reads_target:
            tokens = tokens.clone()
            tokens[..., _READINGS.start:_CLIPPED_READINGS.stop] = 0.0
        hidden = self.encode(tokens)
        goal = None
        if target is not None:
            goal = self.goal_head(hidden[:, -1]).masked_fill(goal_mask(target), float("-inf"))
        return {"explore": self.explore_head(hidden), "goal": goal, "hidden": hidden}

    def forward(self, tokens: torch.Tensor, target=None):
        """``(explore_logits (n, length, 6), goal_logits (n, 10) or None)``."""
        out = self.outputs(tokens, target)
        return out["explore"], out["goal"]


class CausalTransformer(EpisodePolicy):
    """A small causal (decoder-only) transformer over the episode's tokens (lesson 03)."""

    def __init__(self, width: int = 64, n_layers: int = 2, n_heads: int = 4, explanation: str | None = None,
                 reads_target: bool = True):
        super().__init__(width, explanation, reads_target)
        self.embed = nn.Linear(FEATURES, width)
        self.position = nn.Parameter(torch.zeros(SEQUENCE_LENGTH, width))
        nn.init.normal_(self.position, std=0.02)
        layer = nn.TransformerEncoderLayer(width, n_heads, dim_feedforward=4 * width, dropout=0.0,
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)

    def encode(self, tokens):
        length = tokens.shape[1]
        mask = nn.Transformer.generate_square_subsequent_mask(length)
        hidden = self.embed(tokens) + self.position[:length]
        return self.norm(self.blocks(hidden, mask=mask, is_causal=True))


class GRUPolicy(EpisodePolicy):
    """A GRU of similar size, trained the same way: the architecture comparison of lesson 03."""

    def __init__(self, width: int = 128, n_layers: int = 1, explanation: str | None = None,
                 reads_target: bool = True):
        super().__init__(width, explanation, reads_target)
        self.embed = nn.Linear(FEATURES, width)
        self.gru = nn.GRU(width, width, num_layers=n_layers, batch_first=True)

    def encode(self, tokens):
        hidden, _ = self.gru(torch.relu(self.embed(tokens)))
        return hidden


ARCHITECTURES = {"transformer": CausalTransformer, "gru": GRUPolicy}


def build_model(architecture: str = "transformer", seed: int = 0, **sizes) -> EpisodePolicy:
    """A freshly initialised model; the same seed gives the same weights (lesson 03).

    The global torch random state is left as it was.
    """
    if architecture not in ARCHITECTURES:
        raise ValueError(f"architecture must be one of {sorted(ARCHITECTURES)}, got {architecture!r}.")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return ARCHITECTURES[architecture](**sizes)


def count_parameters(model: nn.Module) -> int:
    """The number of trainable parameters (lesson 03)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
