"""Lesson 08's experiments: what a tiny language model learns from written notes, and how it acts.

Introduced in lesson 08 (*Language models as passive learners*). One **run** trains the GPT of
:mod:`causal_course.learners.language_model` from scratch, on one corpus of
:mod:`causal_course.worlds.text_reports` (a :data:`CONDITIONS` entry, one seed), for a fixed
number of steps (equal compute in every condition: same steps, same batch), then measures it:

* **acting** (:func:`measure_acting`): normalised reward on lesson 03's in-distribution, held-out
  and critical test sets, when the notes open with each header of :data:`PROMPTS` (the prompt),
  greedy and sampled; the share of unparseable actions, of looks, and of episodes that set every
  dial;
* **a world model in the weights** (:func:`measure_predictions`): the readings the model writes
  after ``I set B to 5:`` and after ``I looked at the dials:`` in held-out worlds, against the
  readings the world then showed, and against two reference predictors that see the same notes;
* **content effects** (``content`` condition, :func:`measure_content`): the same structures with the
  dials named in their causal order and against it (:func:`~causal_course.worlds.text_reports.order_worlds`).

Every run of one seed meets the same test episodes and the same environment noise, so conditions
are compared **paired by seed** (:func:`summarise_runs`). The baselines of lesson 03 act on the
very same test sets. ``benchmarks/language_model.py`` runs the study in lanes and caches it.
"""

from __future__ import annotations

import re
import time

import numpy as np

from causal_course.seeds import stream
from causal_course.statistics import interval_record, paired_record
from causal_course.validation import check_choice, check_integer, invalid

CONTENT_NAMES = ("rain", "grass", "path", "shoes", "floor")  # rain wets the grass, the path, the shoes, the floor
CONDITIONS = {
    "experimenter": {"shares": {"experimenter": 1.0}},
    "mixed": {"shares": {"experimenter": 0.5, "observer": 0.5}},
    "observer": {"shares": {"observer": 1.0}},
    "explanations": {"shares": {"experimenter": 1.0}, "explanations": True},
    "content": {"shares": {"experimenter": 1.0}, "names": CONTENT_NAMES, "name_order": "causes_first",
                "split": "all"},
}
MIXTURE = ("observer", "mixed", "experimenter")  # share of experimenters' notes 0, 0.5, 1
PROMPTS = {"experimenter": "Notes of an experimenter.", "observer": "Notes of an observer.", "none": None}
TEST_SETS = ("in_distribution", "heldout", "critical")
BASELINES = ("correlational", "regression_5_samples", "causal_inference", "memorising")

# The design of every run (lesson 08's feasibility runs 3 and 6: recap, lr 1e-2, batch 32, one thread).
DESIGN = {"documents": 100_000, "steps": 4000, "batch": 32, "lr": 1e-2, "width": 64, "layers": 2, "heads": 4,
          "context": 224, "decimals": 1, "recap": True, "test": 1000, "probe": 500}
FAST = {"documents": 1000, "steps": 10, "test": 40, "probe": 20}


def condition_corpus(condition: str, seed: int, n_documents: int, decimals: int = 1, recap: bool = True):
    """The corpus of one condition and seed (stream ``lm_corpus``) (lesson 08)."""
    from causal_course.worlds.text_reports import build_corpus

    check_choice(condition, tuple(CONDITIONS), "condition")
    return build_corpus(stream(seed, "lm_corpus"), n_documents, decimals=decimals, recap=recap,
                        **CONDITIONS[condition])


def condition_names(condition: str) -> tuple:
    """The dial names of a condition's reports (lesson 08)."""
    from causal_course.worlds.text_reports import DEFAULT_NAMES

    return tuple(CONDITIONS[condition].get("names", DEFAULT_NAMES))


def train_run(condition: str, seed: int, design: dict | None = None, n_threads: int = 1, progress: bool = False,
              checkpoint=None, callback=None, callback_every: int = 0, checkpoint_every: int = 0):
    """Train one run: ``(model, tokenizer, info)`` (lesson 08).

    ``design``: :data:`DESIGN` with any keys replaced. The model's initial weights come from
    ``seed`` alone, the batches from stream ``lm_batches``.
    """
    from causal_course.learners.language_model import GPTConfig, build_language_model, train_language_model
    from causal_course.learners.tokenizer import Tokenizer

    design = {**DESIGN, **(design or {})}
    begin = time.perf_counter()
    corpus = condition_corpus(condition, seed, design["documents"], design["decimals"], design["recap"])
    tokenizer = Tokenizer.for_reports(condition_names(condition), decimals=design["decimals"])
    tokens = tokenizer.encode_batch(corpus.texts, design["context"])
    corpus_seconds = time.perf_counter() - begin
    config = GPTConfig(len(tokenizer), design["context"], design["layers"], design["heads"], design["width"])
    model = build_language_model(config, seed, tokenizer.token_values())
    cpu = time.process_time()
    history = train_language_model(model, tokens, design["steps"], stream(seed, "lm_batches"),
                                   batch_size=design["batch"], learning_rate=design["lr"], n_threads=n_threads,
                                   progress=progress, checkpoint=checkpoint, callback=callback,
                                   callback_every=callback_every, checkpoint_every=checkpoint_every,
                                   metadata={"tokenizer": tokenizer.spec(), "condition": condition, "seed": seed,
                                             "design": design})
    info = {"condition": condition, "seed": seed, "steps": design["steps"], "batch": design["batch"],
            "corpus_seconds": round(corpus_seconds, 1), "train_cpu_seconds": round(time.process_time() - cpu, 1),
            "train_wall_seconds": round(history.train_seconds, 1), "tokens_seen": int(history.tokens_seen[-1]),
            "final_loss": round(float(np.mean(history.loss[-50:])), 4),
            "document_tokens": int((tokens != tokenizer.pad_id).sum(axis=1).max()),
            "curve": history.checkpoints}
    return model, tokenizer, info


# ----------------------------------------------------------------------------- acting
def measure_acting(model, tokenizer, test_sets: dict, seed: int, names=None, prompts=tuple(PROMPTS),
                   sampled: bool = True, recap: bool = True) -> dict:
    """``{prompt: {test set: scores}}`` of the model acting, greedy (and ``sampled``, experimenter prompt) (lesson 08).

    Each evaluation uses the environment noise of stream ``lm_actions`` afresh, so every model
    and prompt of a seed meets the same noise draws.
    """
    from causal_course.learners.language_agent import evaluate_language_agent
    from causal_course.worlds.text_reports import DEFAULT_NAMES

    names = DEFAULT_NAMES if names is None else names
    result = {}
    for prompt in prompts:
        modes = [("greedy", False)] + ([("sampled", True)] if sampled and prompt == "experimenter" else [])
        for mode, sample in modes:
            key = prompt if mode == "greedy" else f"{prompt}_sampled"
            result[key] = {}
            for name, test_set in test_sets.items():
                scores = evaluate_language_agent(model, tokenizer, test_set, stream(seed, "lm_actions"),
                                                 header=PROMPTS[prompt], names=names, sample=sample, seed=seed,
                                                 recap=recap)
                result[key][name] = {key2: round(float(value), 5) for key2, value in scores.items()}
    return result


def baseline_scores(test_sets: dict, seed: int) -> dict:
    """Lesson 03's baselines on the same test sets: ``{agent: {test set: normalised reward}}`` (lesson 08)."""
    from causal_course.learners.baselines import baseline_agents
    from causal_course.learners.evaluation import evaluate_agent

    agents = baseline_agents(stream(seed, "baselines"))
    return {agent: {name: round(float(evaluate_agent(agents[agent], test_set, stream(seed, "baseline_actions"))), 5)
                    for name, test_set in test_sets.items()} for agent in BASELINES}


# ----------------------------------------------------------------------------- a world model in the weights
_READING = re.compile(r"([A-Za-z]+) (-?\d+(?:\.\d+)?)")


def parse_readings(text: str, names) -> np.ndarray:
    """The readings a model wrote (``"A 0.1, B 5.0, ..."``), one per dial in ``names`` order; NaN where missing (lesson 08).

    >>> parse_readings("A 0.1, B 5.0, C 4.9, D -5.1, E 0.0.", "ABCDE").tolist()
    [0.1, 5.0, 4.9, -5.1, 0.0]
    >>> parse_readings("A 0.1, B ugly", "ABCDE")[1:3].tolist()
    [nan, nan]
    """
    if not isinstance(text, str):
        raise invalid("text", "a string (the readings a model wrote)", repr(text), "decode the tokens first", TypeError)
    names = tuple(names)
    values = np.full(len(names), np.nan)
    for name, number in _READING.findall(text):
        if name in names and np.isnan(values[names.index(name)]):
            values[names.index(name)] = float(number)
    return values


def predicted_readings(model, tokenizer, episodes, header, names=None, decimals: int | None = None):
    """The readings the model writes (greedy) after each action of logged ``episodes``: ``(n, steps, 5)`` (lesson 08).

    The model reads the real notes up to an action (``I set B to 5:`` or ``I looked at the
    dials:``), writes the readings it expects, and is then shown what the world wrote. NaN where
    its text names no reading for a dial.
    """
    from causal_course.learners.language_agent import _read, _write
    from causal_course.learners.language_model import KVCache
    from causal_course.torch_setup import torch
    from causal_course.worlds.text_reports import DEFAULT_NAMES, action_text, header_text, readings_text

    names = DEFAULT_NAMES if names is None else tuple(names)
    decimals = tokenizer.decimals if decimals is None else decimals
    n, steps = episodes.actions.shape
    full_stop = tokenizer.index["."]
    generator = torch.Generator().manual_seed(0)
    prediction = np.full((n, steps, len(names)), np.nan)
    with torch.no_grad():
        cache = KVCache(model.config.n_layers)
        opening = header_text(header, names)
        model(torch.as_tensor([[tokenizer.bos_id] + tokenizer.encode(opening)] * n), cache)
        for step in range(steps):
            start = len(cache)
            logits = _read(model, tokenizer, cache, [action_text(int(a), names) for a in episodes.actions[:, step]])
            texts, _, _ = _write(model, tokenizer, cache, logits, {full_stop}, 4 * len(names) + 2, False, 1.0,
                                 generator)
            prediction[:, step] = [parse_readings(text, names) for text in texts]
            cache.truncate(start)
            _read(model, tokenizer, cache, [f"{action_text(int(a), names)} {readings_text(v, names, decimals)}"
                                            for a, v in zip(episodes.actions[:, step], episodes.values[:, step])])
    return prediction


def measure_predictions(model, tokenizer, seed: int, n_episodes: int, names=None) -> dict:
    """How well the model foresees readings in held-out worlds, after setting a dial and after looking (lesson 08).

    For experimenters' notes (each dial set once) and observers' notes (five looks), written with
    the matching header, in held-out worlds (stream ``lm_probe``). Mean absolute error per dial
    reading, against what the world then showed, of: the model's readings (``model``); the
    **rule only** predictor (the set dial reads 5, every other dial its average, 0: what knowing
    what an intervention does, and nothing about this world, predicts); the **true structure**
    predictor (the expected readings given the hidden weights: the best any predictor can do).
    Split into the set dial and the other dials, and by step (the first step has no evidence
    about this world yet). Unwritten readings count as errors of 5 and their share is reported.
    """
    from causal_course.worlds.dag_episodes import INTERVENTION_VALUE, OBSERVE, expert_episodes
    from causal_course.worlds.text_reports import HEADERS, observer_episodes

    rng = stream(seed, "lm_probe")
    out = {}
    for kind, make in (("experimenter", expert_episodes), ("observer", observer_episodes)):
        episodes = make(n_episodes, rng, "heldout")
        predicted = predicted_readings(model, tokenizer, episodes, HEADERS[kind], names)
        seen = episodes.values
        n, steps, dials = seen.shape
        set_mask = np.zeros_like(seen, dtype=bool)
        truth = np.zeros_like(seen)
        for step in range(steps):
            action = episodes.actions[:, step]
            acted = action != OBSERVE
            set_mask[np.flatnonzero(acted), step, action[acted] - 1] = True
            truth[acted, step] = INTERVENTION_VALUE * episodes.effects[np.flatnonzero(acted), action[acted] - 1]
        rule = np.where(set_mask, INTERVENTION_VALUE, 0.0)
        missing = np.isnan(predicted)
        error = np.where(missing, INTERVENTION_VALUE, np.abs(predicted - seen))
        record = {"unwritten_share": round(float(missing.mean()), 5)}
        for part, mask in (("set_dial", set_mask), ("other_dials", ~set_mask)):
            if not mask.any():
                continue
            record[part] = {
                "model": round(float(error[mask].mean()), 5),
                "rule_only": round(float(np.abs(rule - seen)[mask].mean()), 5),
                "true_structure": round(float(np.abs(truth - seen)[mask].mean()), 5),
                "model_first_step": round(float(error[:, 0][mask[:, 0]].mean()), 5),
                "model_last_step": round(float(error[:, -1][mask[:, -1]].mean()), 5),
            }
        out[kind] = record
    return out


# ----------------------------------------------------------------------------- content effects
def content_test_sets(n_episodes: int, seed: int) -> dict:
    """The same structures and targets, dials named in causal order (``agree``) and against it (``contradict``) (lesson 08)."""
    from causal_course.learners.evaluation import TestSet
    from causal_course.worlds.dag_episodes import sample_worlds
    from causal_course.worlds.text_reports import order_worlds

    rng = stream(seed, "test_episodes")
    worlds, target = sample_worlds(n_episodes, rng, "all")
    sets = {}
    for name, order in (("agree", "causes_first"), ("contradict", "effects_first")):
        renumbered, new_target = order_worlds(worlds, target, stream(seed, "lm_probe"), order)
        sets[name] = TestSet(name, renumbered, new_target)
    return sets


def measure_content(model, tokenizer, seed: int, n_episodes: int, names=CONTENT_NAMES) -> dict:
    """Greedy reward of a model trained on named dials, on structures that agree with the names and that contradict them."""
    sets = content_test_sets(n_episodes, seed)
    return measure_acting(model, tokenizer, sets, seed, names, prompts=("experimenter",), sampled=False)["experimenter"]


# ----------------------------------------------------------------------------- one run, and the summary
def measure_run(model, tokenizer, condition: str, seed: int, design: dict | None = None) -> dict:
    """Everything the lesson reports about one trained run (lesson 08)."""
    from causal_course.learners.evaluation import make_test_sets

    design = {**DESIGN, **(design or {})}
    begin = time.perf_counter()
    out = {}
    if condition == "content":
        out["content"] = measure_content(model, tokenizer, seed, design["test"])
        out["baselines"] = baseline_scores(content_test_sets(design["test"], seed), seed)
    else:
        test_sets = make_test_sets(design["test"], stream(seed, "test_episodes"))
        out["baselines"] = baseline_scores(test_sets, seed)
        out["acting"] = measure_acting(model, tokenizer, test_sets, seed, recap=design["recap"])
        out["predictions"] = measure_predictions(model, tokenizer, seed, design["probe"])
    out["measure_seconds"] = round(time.perf_counter() - begin, 1)
    return out


def run(condition: str, seed: int, design: dict | None = None, n_threads: int = 1) -> dict:
    """Train and measure one run; a JSON-ready dict (lesson 08)."""
    check_choice(condition, tuple(CONDITIONS), "condition")
    seed = check_integer(seed, "seed", 0, fix="pass a seed such as 0")
    model, tokenizer, info = train_run(condition, seed, design, n_threads)
    return {**info, **measure_run(model, tokenizer, condition, seed, design)}


def _values(runs: dict, condition: str, path: tuple) -> list:
    out = []
    for seed in sorted(runs[condition]):
        value = runs[condition][seed]
        for key in path:
            value = value[key]
        out.append(value)
    return out


def summarise_runs(runs: dict) -> dict:
    """Interval records and paired differences over seeds, from ``{condition: {seed: run}}`` (lesson 08).

    Only seeds present in every condition compared are used, so every difference is paired.
    """
    summary = {"acting": {}, "differences": {}, "predictions": {}, "content": {}}
    acting = [c for c in runs if c != "content"]
    for condition in acting:
        first = runs[condition][min(runs[condition])]
        summary["acting"][condition] = {
            prompt: {name: {metric: interval_record(_values(runs, condition, ("acting", prompt, name, metric)))
                            for metric in ("reward", "unparseable_share", "observe_share", "all_variables_share")}
                     for name in first["acting"][prompt]}
            for prompt in first["acting"]}
        summary["predictions"][condition] = {
            kind: {part: {key: interval_record(_values(runs, condition, ("predictions", kind, part, key)))
                          for key in first["predictions"][kind][part]}
                   for part in ("set_dial", "other_dials") if part in first["predictions"][kind]}
            for kind in first["predictions"]}

    def difference(label, a, b):
        seeds = sorted(set(runs.get(a[0], {})) & set(runs.get(b[0], {})))
        if len(seeds) < 2:
            return
        sub = {c: {s: runs[c][s] for s in seeds} for c in (a[0], b[0])}
        summary["differences"][label] = {
            name: paired_record(_values(sub, a[0], ("acting", a[1], name, "reward")),
                                _values(sub, b[0], ("acting", b[1], name, "reward")))
            for name in TEST_SETS}

    difference("experimenter_minus_observer_corpus", ("experimenter", "experimenter"), ("observer", "experimenter"))
    difference("mixed_minus_observer_corpus", ("mixed", "experimenter"), ("observer", "experimenter"))
    difference("experimenter_minus_mixed_corpus", ("experimenter", "experimenter"), ("mixed", "experimenter"))
    difference("mixed_prompt_experimenter_minus_observer", ("mixed", "experimenter"), ("mixed", "observer"))
    difference("mixed_prompt_experimenter_minus_none", ("mixed", "experimenter"), ("mixed", "none"))
    difference("explanations_minus_none", ("explanations", "experimenter"), ("experimenter", "experimenter"))
    if "content" in runs:
        seeds = sorted(runs["content"])
        agree = [runs["content"][s]["content"]["agree"]["reward"] for s in seeds]
        contradict = [runs["content"][s]["content"]["contradict"]["reward"] for s in seeds]
        summary["content"] = {"agree": interval_record(agree), "contradict": interval_record(contradict),
                              "agree_minus_contradict": paired_record(agree, contradict)}
    return summary


def language_model(seed: int = 0, fast: bool = False, n_seeds: int | None = None, n_threads: int = 1):
    """Lesson 08: every condition of the study over seeds, paired (``experiment language-model``).

    Runs :func:`run` for each of :data:`CONDITIONS` and seeds ``seed, seed + 1, ...`` in turn on
    ``n_threads`` threads: about 5 minutes of one core per run at the full design, so the default 5
    seeds take about two hours (``benchmarks/language_model.py`` runs the same runs in two lanes
    and caches them). ``fast``: a smoke run (2 seeds, a tiny corpus, 10 steps; meaningless figures).
    """
    from causal_course.config import budget
    from causal_course.studies.common import _check_run
    from causal_course.studies.records import LanguageModelResult

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds, n_threads=n_threads)
    n_seeds = n_seeds or budget(5, 2, fast)
    design = {**DESIGN, **{key: budget(DESIGN[key], value, fast) for key, value in FAST.items()}}
    seeds = [seed + k for k in range(n_seeds)]
    runs = {condition: {s: run(condition, s, design, n_threads) for s in seeds} for condition in CONDITIONS}
    return LanguageModelResult(design=design, seeds={c: seeds for c in CONDITIONS}, summary=summarise_runs(runs),
                               runs={c: [runs[c][s] for s in seeds] for c in CONDITIONS})


def format_tables(result) -> str:
    """The study's tables as text, mean [95 % interval] over seeds (``causal-course experiment language-model``) (lesson 08)."""
    from causal_course.statistics import format_interval

    result = dict(result)
    summary, lines = result["summary"], [f"experiment language-model: seeds {result['seeds']}"]
    acting = summary["acting"]
    runs = [run for condition, rows in result["runs"].items() if condition != "content" for run in rows]
    header = f"{'':<42}" + "".join(f"{name:<24}" for name in TEST_SETS)

    def row(label, records, key="reward"):
        lines.append(f"{label:<42}" + "".join(f"{format_interval(records[t][key]):<24}" for t in TEST_SETS))

    lines += ["", "1. Reward by corpus (prompt: Notes of an experimenter.)", header]
    for condition in (*MIXTURE, "explanations"):
        if condition in acting:
            row(condition, acting[condition]["experimenter"])
            if condition == "experimenter":
                row("  (sampled)", acting[condition]["experimenter_sampled"])
    for name in BASELINES:
        if runs:
            lines.append(f"{'baseline: ' + name:<42}" + "".join(
                f"{np.mean([r['baselines'][name][t] for r in runs]):<24.3f}" for t in TEST_SETS))
    if "mixed" in acting:
        lines += ["", "2. Prompts, half-and-half model: reward, then share of exploration steps that only look", header]
        for prompt in PROMPTS:
            row(f"reward, {prompt}", acting["mixed"][prompt])
        for prompt in PROMPTS:
            row(f"looks, {prompt}", acting["mixed"][prompt], "observe_share")
        for prompt in PROMPTS:
            row(f"unparseable, {prompt}", acting["mixed"][prompt], "unparseable_share")
    lines += ["", "3. Paired differences of reward (same seeds, same test episodes)", header]
    for label, rows in summary["differences"].items():
        lines.append(f"{label:<42}" + "".join(f"{format_interval(rows[t]):<24}" for t in TEST_SETS))
    if summary["predictions"]:
        lines += ["", "4. Foreseen readings in held-out worlds: mean absolute error (model; rule only; true structure)"]
        for condition, kinds in summary["predictions"].items():
            for kind, parts in kinds.items():
                for part, records in parts.items():
                    lines.append(f"{condition:<14}{kind + ' notes, ' + part:<34}{format_interval(records['model']):<24}"
                                 f"{records['rule_only']['mean']:<8.3f}{records['true_structure']['mean']:.3f}")
    if summary["content"]:
        content = summary["content"]
        lines += ["", "5. Content effect (dials named rain, grass, path, shoes, floor): reward",
                  f"{'names agree with the causal order':<42}{format_interval(content['agree'])}",
                  f"{'names contradict it':<42}{format_interval(content['contradict'])}",
                  f"{'agree minus contradict (paired)':<42}{format_interval(content['agree_minus_contradict'])}"]
    return "\n".join(lines)
