"""The language model as an agent: it writes its own actions in the text world of lesson 08.

Introduced in lesson 08. The world writes the header (``Notes of an experimenter. Dials: A, B, C,
D, E.``: the header is the *prompt*, and can be changed or left out), then for each of the five
exploration steps the model writes its action (``I set B to 5:``), the text is parsed
(:func:`~causal_course.worlds.text_reports.parse_exploration`), the world carries it out and writes
the dial readings. Then the world writes the goal (``Goal: raise D.``) and the model writes its goal
action (``I set B to -5.``), parsed by :func:`~causal_course.worlds.text_reports.parse_goal` and
scored by lesson 03's normalised reward, on the same :class:`~causal_course.learners.evaluation.TestSet`
as every other agent.

**The rule for text that does not parse** (see :mod:`causal_course.worlds.text_reports`): while
exploring, the step is wasted (the world only looks at the dials); at the goal, nothing is set and
the episode earns 0. Either way the action counts as unparseable, and its share is reported.

**The notes are the world's.** After the model has written an action, the world rewinds the model's
memory to where the action began and writes the step in its own words (the parsed action, or ``I
looked at the dials:`` for text that did not parse) followed by the readings. The model therefore
always reads well-formed notes, and every episode of a batch keeps the same length, so the whole
batch is generated in step, one token for every episode at once, with a key-value cache
(:class:`~causal_course.learners.language_model.KVCache`): each new token costs one position of
computation, not a pass over the whole text.

A model writes a step until the colon that ends it and a goal action until its full stop (or
``because``), or until ``max_action_tokens`` tokens: text cut off by the limit does not parse.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from causal_course.learners.language_model import GPT, KVCache
from causal_course.learners.tokenizer import Tokenizer
from causal_course.torch_setup import torch
from causal_course.validation import (
    check_bool,
    check_instance,
    check_integer,
    check_positive_number,
    check_rng,
    check_seed,
    invalid,
)
from causal_course.worlds.dag_episodes import N_EXPLORATION_STEPS, OBSERVE, as_worlds, exploration_step, goal_reward
from causal_course.worlds.text_reports import (
    DEFAULT_NAMES,
    HEADERS,
    action_text,
    check_names,
    goal_prompt_text,
    header_text,
    parse_exploration,
    parse_goal,
    readings_text,
    recap_text,
)

UNPARSED = -1  # the goal action of an episode whose goal text did not parse


@dataclass
class LanguageRollout:
    """What a language model did in a batch of episodes (lesson 08).

    ``actions (n, 5)``: the exploration actions carried out (0 observes, ``i + 1`` sets dial ``i``;
    unparseable text was carried out as 0); ``explore_parsed (n, 5)``: whether the model's text
    parsed; ``values (n, 5, 5)``: the readings; ``goal_action (n,)``: the goal action, or
    :data:`UNPARSED`; ``explore_texts``/``goal_texts``: what the model wrote, and
    ``explore_lengths (n, 5)``/``goal_lengths (n,)`` in how many tokens; ``notes``: each
    episode's notes as the world kept them (header, steps, goal, the model's goal text);
    ``generated_tokens``/``seconds``: the model's work and its wall time.
    """

    actions: np.ndarray
    explore_parsed: np.ndarray
    values: np.ndarray
    goal_action: np.ndarray
    explore_texts: list
    goal_texts: list
    explore_lengths: np.ndarray
    goal_lengths: np.ndarray
    notes: list
    generated_tokens: int
    seconds: float

    @property
    def goal_parsed(self) -> np.ndarray:
        return self.goal_action != UNPARSED

    @property
    def unparseable_share(self) -> float:
        """The share of all the model's actions (five steps and the goal per episode) that did not parse."""
        bad = (~self.explore_parsed).sum() + (~self.goal_parsed).sum()
        return float(bad / (self.explore_parsed.size + self.goal_parsed.size))

    @property
    def tokens_per_second(self) -> float:
        return self.generated_tokens / self.seconds if self.seconds > 0 else float("nan")


def _check_agent_inputs(model, tokenizer, header, names, max_action_tokens, temperature, sample, seed):
    check_instance(model, GPT, "model", "a GPT language model",
                   "build one with build_language_model or load one with load_checkpoint")
    check_instance(tokenizer, Tokenizer, "tokenizer", "a Tokenizer", "pass Tokenizer.for_reports(names)")
    if tokenizer.vocab_size != model.config.vocab_size:
        raise invalid("tokenizer", f"the model's vocabulary of {model.config.vocab_size} tokens",
                      f"{tokenizer.vocab_size} tokens", "pass the tokenizer the model was trained with")
    if header is not None and not isinstance(header, str):
        raise invalid("header", "a string such as 'Notes of an experimenter.', or None for no header",
                      repr(header), "pass header=HEADERS['experimenter']", TypeError)
    names = check_names(names)
    unknown = [name for name in names if name not in tokenizer.index]
    if unknown:
        raise invalid("names", "dial names in the tokenizer's vocabulary", repr(unknown[0]),
                      "pass the names the model was trained with, or a tokenizer built for these names")
    max_action_tokens = check_integer(max_action_tokens, "max_action_tokens", 1, 64,
                                      fix="pass max_action_tokens=12 (an action is 6 tokens)")
    temperature = check_positive_number(temperature, "temperature", 1.0)
    return names, max_action_tokens, temperature, check_bool(sample, "sample"), check_seed(seed)


def _next_tokens(logits: torch.Tensor, sample: bool, temperature: float, generator: torch.Generator) -> torch.Tensor:
    if sample:
        return torch.multinomial(torch.softmax(logits / temperature, dim=-1), 1, generator=generator).squeeze(1)
    return torch.argmax(logits, dim=-1)


def _write(model: GPT, tokenizer: Tokenizer, cache: KVCache, logits: torch.Tensor, stop: set, max_tokens: int,
           sample: bool, temperature: float, generator: torch.Generator):
    """Let the model write up to ``max_tokens`` tokens for every row at once; ``(texts, lengths, n_generated)``.

    A row's text ends at its first stop token (included); rows that are done keep being fed (in
    step) but what they write after is ignored. Text that reaches the limit without a stop token,
    or the end of the context, is returned as it is (and will not parse).
    """
    n = logits.shape[0]
    room = model.config.context_length - len(cache)
    written = torch.zeros((n, max_tokens), dtype=torch.long)
    lengths = torch.zeros(n, dtype=torch.long)
    done = torch.zeros(n, dtype=torch.bool)
    stop_ids = torch.tensor(sorted(stop))
    last = min(max_tokens, room + 1)
    for position in range(last):
        token = _next_tokens(logits, sample, temperature, generator)
        written[:, position] = token
        lengths += (~done).long()
        done |= torch.isin(token, stop_ids)
        if bool(done.all()) or position == last - 1:
            break
        logits = model(token[:, None], cache)[:, -1]
    lengths = lengths.numpy()
    return [tokenizer.decode(row[:length]) for row, length in zip(written.numpy(), lengths)], lengths, int(lengths.sum())


def _read(model: GPT, tokenizer: Tokenizer, cache: KVCache, texts: list) -> torch.Tensor:
    """Let the model read one chunk of notes per row (all the same length); its logits for what comes next."""
    ids = [tokenizer.encode(text) for text in texts]
    if len({len(row) for row in ids}) != 1:
        raise invalid("the notes", "the same number of tokens in every episode of a batch",
                      sorted({len(row) for row in ids}), "write actions and readings in the same format for every episode")
    return model(torch.as_tensor(ids, dtype=torch.long), cache)[:, -1]


@torch.no_grad()
def language_rollout(model: GPT, tokenizer: Tokenizer, worlds, target, rng: np.random.Generator,
                     header: str | None = HEADERS["experimenter"], names=DEFAULT_NAMES, sample: bool = False,
                     seed: int = 0, temperature: float = 1.0, max_action_tokens: int = 12,
                     decimals: int | None = None, recap: bool = False) -> LanguageRollout:
    """Run ``model`` as an agent in the given episodes, all at once (lesson 08).

    ``worlds``: a :class:`~causal_course.worlds.dag_episodes.Worlds` (or weights, the standard
    environment); ``target``: one target per episode; ``rng``: the environment's noise.
    ``header``: the first sentence of the notes, the prompt (None: no header). ``sample``: draw each
    token from the model's distribution at ``temperature`` (a ``torch.Generator`` seeded by
    ``seed``) rather than take the most probable one (greedy). ``decimals``: how readings are
    written (default: as the tokenizer's). ``recap``: after the goal the world re-reads the target's
    readings from the notes (:func:`~causal_course.worlds.text_reports.recap_text`), as in a corpus
    built with ``recap=True``.
    """
    names, max_action_tokens, temperature, sample, seed = _check_agent_inputs(
        model, tokenizer, header, names, max_action_tokens, temperature, sample, seed)
    rng = check_rng(rng)
    worlds = as_worlds(worlds)
    target = np.asarray(target)
    if target.shape != (len(worlds),):
        raise invalid("target", f"one target per episode, shape ({len(worlds)},)", f"shape {target.shape}",
                      "pass test_set.target with test_set.worlds")
    decimals = tokenizer.decimals if decimals is None else check_integer(
        decimals, "decimals", 0, tokenizer.decimals, fix=f"pass decimals from 0 to the tokenizer's {tokenizer.decimals}")
    n = len(worlds)
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    colon, full_stop, because = (tokenizer.index[token] for token in (":", ".", "because"))
    begin = time.perf_counter()
    cache = KVCache(model.config.n_layers)
    opening = header_text(header, names)
    logits = model(torch.as_tensor([[tokenizer.bos_id] + tokenizer.encode(opening)] * n), cache)[:, -1]
    notes = [opening] * n
    actions = np.zeros((n, N_EXPLORATION_STEPS), dtype=np.int64)
    parsed = np.zeros((n, N_EXPLORATION_STEPS), dtype=bool)
    values = np.zeros((n, N_EXPLORATION_STEPS, len(names)))
    explore_texts, generated = [], 0
    explore_lengths = np.zeros((n, N_EXPLORATION_STEPS), dtype=np.int64)
    for step in range(N_EXPLORATION_STEPS):
        start = len(cache)
        texts, lengths, count = _write(model, tokenizer, cache, logits, {colon}, max_action_tokens, sample, temperature,
                              generator)
        generated += count
        choice = [parse_exploration(text, names) for text in texts]
        parsed[:, step] = [c is not None for c in choice]
        actions[:, step] = [OBSERVE if c is None else c for c in choice]
        values[:, step] = exploration_step(worlds, actions[:, step], rng)
        cache.truncate(start)  # the world writes the step in its own words
        chunk = [f"{action_text(int(a), names)} {readings_text(v, names, decimals)}"
                 for a, v in zip(actions[:, step], values[:, step])]
        logits = _read(model, tokenizer, cache, chunk)
        notes = [f"{note} {text}" for note, text in zip(notes, chunk)]
        explore_texts.append(texts)
        explore_lengths[:, step] = lengths
    recap = check_bool(recap, "recap")
    goal_prompts = [goal_prompt_text(int(t), names) for t in target]
    if recap:
        goal_prompts = [f"{prompt} {recap_text(actions[b], values[b], int(target[b]), names, decimals)}"
                        for b, prompt in enumerate(goal_prompts)]
    logits = _read(model, tokenizer, cache, goal_prompts)
    goal_texts, goal_lengths, count = _write(model, tokenizer, cache, logits, {full_stop, because, tokenizer.eos_id},
                               max_action_tokens, sample, temperature, generator)
    generated += count
    goal = np.array([UNPARSED if (g := parse_goal(text, int(t), names)) is None else g
                     for text, t in zip(goal_texts, target)], dtype=np.int64)
    notes = [f"{note} {prompt} {text}" for note, prompt, text in zip(notes, goal_prompts, goal_texts)]
    return LanguageRollout(actions, parsed, values, goal, [list(row) for row in zip(*explore_texts)], goal_texts,
                           explore_lengths, goal_lengths, notes, generated, time.perf_counter() - begin)


def rollout_reward(rollout: LanguageRollout, effects: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Each episode's reward: the goal action's, or 0 where the goal text did not parse (lesson 08)."""
    reward = np.zeros(len(target))
    ok = rollout.goal_parsed
    if ok.any():
        reward[ok] = goal_reward(effects[ok], np.asarray(target)[ok], rollout.goal_action[ok])
    return reward


def evaluate_language_agent(model: GPT, tokenizer: Tokenizer, test_set, rng: np.random.Generator,
                            batch_size: int = 500, **options) -> dict:
    """Normalised reward of the language model acting on ``test_set``, and how it acted (lesson 08).

    ``test_set``: a :class:`~causal_course.learners.evaluation.TestSet` (the same as every other
    agent's); ``rng``: the environment's noise; ``options``: those of :func:`language_rollout`
    (header, names, sample, seed, ...). Episodes run ``batch_size`` at a time. Returns
    ``{"reward", "unparseable_share", "goal_unparseable_share", "explore_unparseable_share",
    "all_variables_share", "observe_share", "generated_tokens", "tokens_per_second", "seconds"}``
    (tokens the model wrote, per second of wall time).
    """
    from causal_course.learners.evaluation import exploration_summary
    from causal_course.worlds.dag_episodes import normalised_reward

    rng = check_rng(rng)
    batch_size = check_integer(batch_size, "batch_size", 1, fix="pass batch_size=500")
    n = len(test_set.target)
    parts = [language_rollout(model, tokenizer, test_set.worlds[start:start + batch_size],
                              test_set.target[start:start + batch_size], rng, **options)
             for start in range(0, n, batch_size)]
    goal = np.concatenate([p.goal_action for p in parts])
    explore_parsed = np.concatenate([p.explore_parsed for p in parts])
    actions = np.concatenate([p.actions for p in parts])
    reward = np.concatenate([rollout_reward(p, test_set.effects[s:s + batch_size], test_set.target[s:s + batch_size])
                             for p, s in zip(parts, range(0, n, batch_size))])
    generated, seconds = sum(p.generated_tokens for p in parts), sum(p.seconds for p in parts)
    summary = exploration_summary(actions)
    return {
        "reward": normalised_reward(reward, test_set.optimal_reward),
        "unparseable_share": float(((~explore_parsed).sum() + (goal == UNPARSED).sum()) / (explore_parsed.size + n)),
        "goal_unparseable_share": float(np.mean(goal == UNPARSED)),
        "explore_unparseable_share": float(np.mean(~explore_parsed)),
        "all_variables_share": summary["all_variables_share"],
        "observe_share": summary["observe_share"],
        "generated_tokens": generated,
        "tokens_per_second": generated / seconds if seconds > 0 else float("nan"),
        "seconds": seconds,
    }
