"""A tiny GPT-style language model, trained from scratch on the reports of lesson 08.

Introduced in lesson 08 (*Language models as passive learners*), in the spirit of Karpathy's
nanoGPT: a config dataclass (:class:`GPTConfig`), a readable decoder-only transformer
(:class:`GPT`: token and position embeddings, pre-norm blocks of causal self-attention and an MLP,
an output layer tied to the token embedding), and a training loop (:func:`train_language_model`)
with a progress bar, one callback hook and checkpoints it can resume from.

The loss is the next-token cross-entropy over the **whole** text: the headers, the actions, the
dial readings the world wrote and the goal choice (only the padding after a document is skipped).
The model is never told which tokens are actions; it learns to write them as it learns to write
everything else.

Everything random is seeded: the initial weights by :func:`build_language_model`'s ``seed`` (the
global torch state is left as it was), the order of the training documents by a
``numpy.random.Generator`` saved in every checkpoint, so a resumed run ends with the same weights as
an uninterrupted one. CPU only.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from causal_course.torch_setup import F, nn, set_threads, torch
from causal_course.validation import (
    check_bool,
    check_callable,
    check_instance,
    check_integer,
    check_n_samples,
    check_non_negative_number,
    check_positive_count,
    check_positive_number,
    check_rng,
    check_seed,
    invalid,
)


@dataclass
class GPTConfig:
    """The shape of a :class:`GPT` (lesson 08): vocabulary, context, depth, heads and width.

    ``number_features``: number tokens also carry their value (see :class:`GPT`).
    """

    vocab_size: int
    context_length: int = 192
    n_layers: int = 2
    n_heads: int = 4
    width: int = 64
    dropout: float = 0.0
    number_features: bool = False

    def __post_init__(self):
        self.vocab_size = check_integer(self.vocab_size, "vocab_size", 2, fix="pass len(tokenizer)")
        self.context_length = check_integer(self.context_length, "context_length", 2,
                                            fix="pass at least the longest document's length, e.g. 192")
        self.n_layers = check_positive_count(self.n_layers, "n_layers", 2)
        self.n_heads = check_positive_count(self.n_heads, "n_heads", 4)
        self.width = check_positive_count(self.width, "width", 64)
        if self.width % self.n_heads:
            raise invalid("width", f"a multiple of n_heads ({self.n_heads})", self.width,
                          "pass for instance width=64 with n_heads=4")
        self.dropout = check_non_negative_number(self.dropout, "dropout")
        self.number_features = check_bool(self.number_features, "number_features")


class KVCache:
    """Keys and values of the tokens a model has already read, per layer, for fast generation (lesson 08).

    All rows of a batch share one length (the agent keeps its episodes in step). :meth:`truncate`
    forgets everything after a position: the agent rewinds to where an action started and lets the
    world write it in its own words.
    """

    def __init__(self, n_layers: int):
        self.keys = [None] * n_layers
        self.values = [None] * n_layers

    def __len__(self) -> int:
        return 0 if self.keys[0] is None else self.keys[0].shape[2]

    def extend(self, layer: int, keys: torch.Tensor, values: torch.Tensor):
        """Append the new keys and values of ``layer``; returns all of them so far."""
        if self.keys[layer] is not None:
            keys = torch.cat([self.keys[layer], keys], dim=2)
            values = torch.cat([self.values[layer], values], dim=2)
        self.keys[layer], self.values[layer] = keys, values
        return keys, values

    def truncate(self, length: int) -> None:
        """Keep only the first ``length`` positions (lesson 08)."""
        self.keys = [None if k is None else k[:, :, :length] for k in self.keys]
        self.values = [None if v is None else v[:, :, :length] for v in self.values]


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which each position sees only itself and the positions before it (lesson 08)."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.n_heads = config.n_heads
        self.qkv = nn.Linear(config.width, 3 * config.width)
        self.project = nn.Linear(config.width, config.width)
        self.dropout = config.dropout

    def forward(self, x: torch.Tensor, cache: KVCache | None = None, layer: int = 0, start: int = 0) -> torch.Tensor:
        """``x`` holds positions ``start, start + 1, ...``; the cache, if any, holds the ``start`` before them."""
        n, length, width = x.shape
        q, k, v = self.qkv(x).split(width, dim=2)
        q, k, v = (t.view(n, length, self.n_heads, width // self.n_heads).transpose(1, 2) for t in (q, k, v))
        if cache is not None:
            k, v = cache.extend(layer, k, v)
        dropout = self.dropout if self.training else 0.0
        if start == 0:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=dropout)
        else:  # new queries at positions start.. see every cached key and the new ones up to themselves
            allowed = torch.arange(start + length)[None, :] <= (start + torch.arange(length))[:, None]
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, dropout_p=dropout)
        return self.project(y.transpose(1, 2).reshape(n, length, width))


class Block(nn.Module):
    """A transformer block: ``x + attention(norm(x))``, then ``x + mlp(norm(x))`` (lesson 08)."""

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.norm1 = nn.LayerNorm(config.width)
        self.attention = CausalSelfAttention(config)
        self.norm2 = nn.LayerNorm(config.width)
        self.mlp = nn.Sequential(nn.Linear(config.width, 4 * config.width), nn.GELU(),
                                 nn.Linear(4 * config.width, config.width), nn.Dropout(config.dropout))

    def forward(self, x: torch.Tensor, cache: KVCache | None = None, layer: int = 0, start: int = 0) -> torch.Tensor:
        x = x + self.attention(self.norm1(x), cache, layer, start)
        return x + self.mlp(self.norm2(x))


class GPT(nn.Module):
    """A decoder-only transformer language model (lesson 08).

    ``model(tokens)`` maps ``(n, length)`` token ids to ``(n, length, vocab_size)`` logits of the
    next token; with a :class:`KVCache` it reads only the new tokens and remembers them.

    With ``config.number_features`` the input of a number token is its embedding plus a learned
    linear function of its value and size (``value / 10`` and ``|value| / 10``, from the tokenizer's
    :meth:`~causal_course.learners.tokenizer.Tokenizer.token_values`, kept in the buffer
    ``token_values``): the model knows from the start that ``-10`` is larger in size than ``5``,
    instead of learning each number's meaning from scratch (in the spirit of xVal, Golkar et al. 2023).
    """

    def __init__(self, config: GPTConfig, token_values=None):
        super().__init__()
        self.config = config
        self.number_features = None
        if config.number_features:
            values = torch.zeros(config.vocab_size) if token_values is None else torch.as_tensor(
                np.asarray(token_values, dtype=np.float32))
            if values.shape != (config.vocab_size,):
                raise invalid("token_values", f"one value per token ({config.vocab_size})", tuple(values.shape),
                              "pass tokenizer.token_values()")
            self.register_buffer("token_values", values)
            self.number_features = nn.Linear(2, config.width, bias=False)
        self.token_embedding = nn.Embedding(config.vocab_size, config.width)
        self.position_embedding = nn.Embedding(config.context_length, config.width)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layers))
        self.norm = nn.LayerNorm(config.width)
        self.head = nn.Linear(config.width, config.vocab_size, bias=False)
        self.head.weight = self.token_embedding.weight  # weight tying, as in GPT-2 and nanoGPT
        for name, parameter in self.named_parameters():
            if name.endswith("weight") and parameter.dim() == 2:
                std = 0.02 / math.sqrt(2 * config.n_layers) if name.endswith(("project.weight", "mlp.2.weight")) else 0.02
                nn.init.normal_(parameter, std=std)
            elif name.endswith("bias"):
                nn.init.zeros_(parameter)

    def forward(self, tokens: torch.Tensor, cache: KVCache | None = None) -> torch.Tensor:
        start = 0 if cache is None else len(cache)
        length = tokens.shape[1]
        if start + length > self.config.context_length:
            raise invalid("tokens", f"at most context_length = {self.config.context_length} positions",
                          f"{start + length}", "shorten the text or build the model with a longer context_length")
        x = self.token_embedding(tokens) + self.position_embedding(torch.arange(start, start + length))
        if self.number_features is not None:
            value = self.token_values[tokens] / 10.0
            x = x + self.number_features(torch.stack([value, value.abs()], dim=-1))
        for layer, block in enumerate(self.blocks):
            x = block(x, cache, layer, start)
        return self.head(self.norm(x))


def build_language_model(config: GPTConfig, seed: int = 0, token_values=None) -> GPT:
    """A freshly initialised :class:`GPT`; the same seed gives the same weights (lesson 08).

    ``token_values``: each token's numeric value (``tokenizer.token_values()``), needed with
    ``config.number_features``. The global torch random state is left as it was.
    """
    check_instance(config, GPTConfig, "config", "a GPTConfig", "pass GPTConfig(vocab_size=len(tokenizer))")
    seed = check_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if config.number_features and token_values is None:
            raise invalid("token_values", "each token's value when config.number_features is on", None,
                          "pass token_values=tokenizer.token_values()")
        return GPT(config, token_values)


def count_parameters(model: nn.Module) -> int:
    """The number of distinct trainable parameters (tied weights counted once) (lesson 08)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def language_model_loss(model: GPT, tokens: torch.Tensor, pad_id: int = 0) -> torch.Tensor:
    """Mean next-token cross-entropy over every position of the text but the padding (lesson 08)."""
    logits = model(tokens[:, :-1])
    targets = tokens[:, 1:]
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=pad_id)


# ----------------------------------------------------------------------------- training
@dataclass
class LanguageModelHistory:
    """What happened during training (lesson 08): steps, loss, seconds and tokens read."""

    steps: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    tokens_seen: list = field(default_factory=list)
    checkpoints: list = field(default_factory=list)  # whatever the callback returned

    @property
    def train_seconds(self) -> float:
        return self.seconds[-1] if self.seconds else 0.0


def learning_rate_at(step: int, n_steps: int, peak: float, warmup: int = 100) -> float:
    """Linear warm-up to ``peak``, then cosine decay to a tenth of it (lesson 08)."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, n_steps - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def save_checkpoint(path, model: GPT, optimiser=None, rng: np.random.Generator | None = None,
                    history: LanguageModelHistory | None = None, metadata: dict | None = None) -> Path:
    """Save ``model``'s config and weights (and the optimiser, the data order and history, to resume) (lesson 08).

    ``metadata`` is kept as given (for instance the tokenizer's :meth:`~causal_course.learners.tokenizer.Tokenizer.spec`
    and how the model was trained).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"config": asdict(model.config), "model": model.state_dict(), "metadata": dict(metadata or {})}
    if optimiser is not None:
        state["optimiser"] = optimiser.state_dict()
    if rng is not None:
        state["rng"] = rng.bit_generator.state
    if history is not None:
        state["history"] = {key: list(value) for key, value in asdict(history).items() if key != "checkpoints"}
    temporary = path.with_suffix(path.suffix + ".tmp")
    torch.save(state, temporary)
    temporary.replace(path)  # never a half-written checkpoint
    return path


def load_checkpoint(path) -> tuple:
    """``(model, state)`` from :func:`save_checkpoint`: the model in eval mode and the saved dict (lesson 08)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path}; train one with train_language_model(..., checkpoint=path).")
    state = torch.load(path, weights_only=True)
    model = GPT(GPTConfig(**state["config"]))
    model.load_state_dict(state["model"])
    model.eval()
    return model, state


def train_language_model(
    model: GPT,
    corpus: np.ndarray,
    n_steps: int,
    rng: np.random.Generator,
    batch_size: int = 32,
    learning_rate: float = 3e-3,
    warmup: int = 100,
    weight_decay: float = 0.01,
    pad_id: int = 0,
    n_threads: int | None = 1,
    progress: bool = True,
    callback: Callable | None = None,
    callback_every: int = 0,
    checkpoint=None,
    checkpoint_every: int = 0,
    stop_after: int | None = None,
    metadata: dict | None = None,
) -> LanguageModelHistory:
    """Train ``model`` on the token rows of ``corpus`` by next-token prediction for ``n_steps`` steps (lesson 08).

    ``corpus``: ``(n_documents, length)`` token ids, each row one document padded with ``pad_id``
    (:meth:`~causal_course.learners.tokenizer.Tokenizer.encode_batch`). Each step draws
    ``batch_size`` rows with ``rng`` (uniformly, with replacement), cut to the longest
    document among them. AdamW, linear warm-up over ``warmup`` steps then cosine decay, gradients
    clipped at norm 1.

    The one hook: every ``callback_every`` steps (and after the last) ``callback(model, step, loss)``
    runs in eval mode, outside the timed training, and what it returns is kept in
    ``history.checkpoints``.

    ``checkpoint``: a file path. If the file exists, training **resumes** from it (weights,
    optimiser, data order, history; ``model`` is overwritten) and goes on to ``n_steps``; it is
    written every ``checkpoint_every`` steps and at the end. ``stop_after``: stop after that many
    steps in total (an interruption on purpose; a later call with the same checkpoint resumes).
    ``metadata`` is saved in the checkpoint (when resuming, None keeps the checkpoint's).
    """
    check_instance(model, GPT, "model", "a GPT", "build one with build_language_model(GPTConfig(...), seed)")
    corpus = np.asarray(corpus)
    if corpus.ndim != 2 or not np.issubdtype(corpus.dtype, np.integer) or corpus.shape[0] == 0:
        raise invalid("corpus", "a non-empty (n_documents, length) integer array of token ids",
                      f"shape {corpus.shape}, dtype {corpus.dtype}", "encode the documents with tokenizer.encode_batch")
    if corpus.min() < 0 or corpus.max() >= model.config.vocab_size:
        raise invalid("corpus", f"token ids from 0 to {model.config.vocab_size - 1} (the model's vocabulary)",
                      f"{corpus.min()} to {corpus.max()}", "use the tokenizer the model was built for")
    if corpus.shape[1] > model.config.context_length + 1:
        raise invalid("corpus", f"rows of at most context_length + 1 = {model.config.context_length + 1} tokens",
                      corpus.shape[1], "build the model with a longer context_length")
    n_steps = check_n_samples(n_steps, "n_steps")
    rng = check_rng(rng)
    batch_size = check_positive_count(batch_size, "batch_size", 32)
    learning_rate = check_positive_number(learning_rate, "learning_rate", 3e-3)
    warmup = check_n_samples(warmup, "warmup", 100)
    weight_decay = check_non_negative_number(weight_decay, "weight_decay", 0.01)
    progress = check_bool(progress, "progress")
    if callback is not None:
        check_callable(callback, "callback", "pass a function callback(model, step, loss), or None")
    callback_every = check_n_samples(callback_every, "callback_every")
    checkpoint_every = check_n_samples(checkpoint_every, "checkpoint_every")
    if stop_after is not None:
        stop_after = check_n_samples(stop_after, "stop_after")
    if n_threads is not None:
        n_threads = check_positive_count(n_threads, "n_threads", 1)
    set_threads(n_threads)

    decay = [p for name, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for name, p in model.named_parameters() if p.dim() < 2]
    optimiser = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=learning_rate)
    history = LanguageModelHistory()
    if checkpoint is not None and Path(checkpoint).exists():
        saved, state = load_checkpoint(checkpoint)
        if asdict(saved.config) != asdict(model.config):
            raise invalid("checkpoint", "a checkpoint of a model with the same config",
                          f"{saved.config} against {model.config}", "pass another checkpoint path or the same config")
        model.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimiser"])
        rng.bit_generator.state = state["rng"]
        history = LanguageModelHistory(**state["history"])
        metadata = state["metadata"] if metadata is None else metadata
    start_step = history.steps[-1] if history.steps else 0
    last = n_steps if stop_after is None else min(n_steps, stop_after)
    elapsed = history.train_seconds
    tokens_seen = history.tokens_seen[-1] if history.tokens_seen else 0
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_steps, initial=start_step, desc="language model", unit="step")
    n_rows = corpus.shape[0]
    lengths = (corpus != pad_id).sum(axis=1)
    model.train()
    for step in range(start_step, last):
        begin = time.perf_counter()
        rows = rng.integers(0, n_rows, size=batch_size)  # the generator's state is all a resumed run needs
        width = int(lengths[rows].max())
        tokens = torch.as_tensor(corpus[rows, :width])
        for group in optimiser.param_groups:
            group["lr"] = learning_rate_at(step, n_steps, learning_rate, warmup)
        loss = language_model_loss(model, tokens, pad_id)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        elapsed += time.perf_counter() - begin
        tokens_seen += int((tokens[:, 1:] != pad_id).sum())
        history.steps.append(step + 1)
        history.loss.append(loss.item())
        history.seconds.append(elapsed)
        history.tokens_seen.append(tokens_seen)
        if bar is not None:
            bar.update(1)
            if step % 20 == 0:
                bar.set_postfix(loss=f"{loss.item():.3f}")
        done = step + 1
        if callback is not None and callback_every and (done % callback_every == 0 or done == n_steps):
            model.eval()
            history.checkpoints.append(callback(model, done, loss.item()))
            model.train()
        if checkpoint is not None and checkpoint_every and done % checkpoint_every == 0 and done < last:
            save_checkpoint(checkpoint, model, optimiser, rng, history, metadata)
    if bar is not None:
        bar.close()
    if checkpoint is not None:
        save_checkpoint(checkpoint, model, optimiser, rng, history, metadata)
    model.eval()
    return history

