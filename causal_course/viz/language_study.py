"""Lesson 08's figures of its study: reward by corpus, by prompt, with explanations, foreseen readings, content.

Introduced in lesson 08. Each function takes the plain result of ``causal-course experiment
language-model`` (or its cache, ``language_model_results``) and returns a matplotlib Figure;
nothing is trained. Seeds are dots, 95 % intervals are bars; lesson 03's baselines on the same
test episodes are dashed lines.
"""

from __future__ import annotations

import numpy as np

from causal_course.validation import invalid
from causal_course.viz.style import PALETTE, course_figure

TEST_LABELS = {"in_distribution": "in-distribution", "heldout": "held-out", "critical": "critical"}
CORPUS_LABELS = {"observer": "observers' notes\nonly", "mixed": "half and half", "experimenter": "experimenters'\nnotes only",
                 "explanations": "experimenters' notes\nwith explanations"}
PROMPT_LABELS = {"experimenter": '"Notes of an\nexperimenter."', "observer": '"Notes of an\nobserver."', "none": "no header"}
COLOURS = (PALETTE["blue"], PALETTE["vermillion"], PALETTE["green"], PALETTE["orange"], PALETTE["purple"])
BASELINE_STYLE = {"correlational": ("correlational agent", PALETTE["sky"], "--"),
                  "regression_5_samples": ("regression on 5 looks", PALETTE["black"], ":")}


def _check_result(result) -> dict:
    result = dict(result)
    if "summary" not in result or "runs" not in result:
        raise invalid("result", "a language-model result (causal-course experiment language-model --json)",
                      f"a dict with keys {sorted(result)[:6]}", 'load it with load_results("language_model_results")')
    return result


def _interval(axis, x, record, colour, jitter_rng=None, label=None):
    values = record.get("values", [])
    if jitter_rng is not None and values:
        axis.scatter(x + jitter_rng.uniform(-0.12, 0.12, len(values)), values, color=colour, alpha=0.35, s=12)
    low = record["low"] if record["low"] is not None else record["mean"]
    high = record["high"] if record["high"] is not None else record["mean"]
    axis.errorbar([x], [record["mean"]], yerr=[[record["mean"] - low], [high - record["mean"]]], fmt="o",
                  color=colour, capsize=4, markersize=6, label=label)


def baseline_means(result, test_sets=tuple(TEST_LABELS)) -> dict:
    """``{baseline: {test set: mean over seeds}}`` of lesson 03's baselines on the study's test episodes (lesson 08)."""
    runs = [run for condition, rows in _check_result(result)["runs"].items() if condition != "content" for run in rows]
    return {name: {test: float(np.mean([run["baselines"][name][test] for run in runs if test in run["baselines"][name]]))
                   for test in test_sets} for name in BASELINE_STYLE}


def _reward_panel(axis, series: dict, baselines: dict, title: str):
    """Groups of test sets; within each, one interval per series ``{label: {test: record}}``."""
    rng = np.random.default_rng(0)  # horizontal jitter of the seed dots only
    width = len(series) + 1
    for s, (label, records) in enumerate(series.items()):
        for t, test in enumerate(TEST_LABELS):
            _interval(axis, t * width + s, records[test], COLOURS[s % len(COLOURS)], rng,
                      label=label if t == 0 else None)
    for name, (label, colour, style) in BASELINE_STYLE.items():
        for t, test in enumerate(TEST_LABELS):
            axis.hlines(baselines[name][test], t * width - 0.4, t * width + len(series) - 0.6, colors=colour,
                        linestyles=style, label=label if t == 0 else None)
    axis.set(xticks=[t * width + (len(series) - 1) / 2 for t in range(len(TEST_LABELS))],
             xticklabels=list(TEST_LABELS.values()), ylabel="normalised reward", title=title, ylim=(-0.15, 1.05))
    axis.axhline(0, color=PALETTE["black"], linewidth=0.5)
    axis.legend(fontsize=7, loc="lower left", ncol=2)


def plot_corpus_mixture(result) -> object:
    """Reward of models trained on observers' notes only, half and half, experimenters' notes only, prompted as experimenters (lesson 08)."""
    result = _check_result(result)
    acting = result["summary"]["acting"]
    series = {CORPUS_LABELS[c].replace("\n", " "): {t: acting[c]["experimenter"][t]["reward"] for t in TEST_LABELS}
              for c in ("observer", "mixed", "experimenter") if c in acting}
    fig = course_figure(figsize=(8.0, 3.8))
    _reward_panel(fig.subplots(), series, baseline_means(result),
                  'What the corpus teaches (every model prompted "Notes of an experimenter.")')
    return fig


def plot_prompts(result, condition: str = "mixed") -> object:
    """Left: reward of one model under three headers; right: the share of its exploration steps that only look (lesson 08)."""
    result = _check_result(result)
    acting = result["summary"]["acting"][condition]
    fig = course_figure(figsize=(10.0, 3.8))
    reward, looks = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.7, 1]})
    series = {PROMPT_LABELS[p].replace("\n", " "): {t: acting[p][t]["reward"] for t in TEST_LABELS} for p in PROMPT_LABELS}
    _reward_panel(reward, series, baseline_means(result), f"One model ({CORPUS_LABELS[condition]}), three prompts")
    rng = np.random.default_rng(0)
    for p, prompt in enumerate(PROMPT_LABELS):
        _interval(looks, p, acting[prompt]["heldout"]["observe_share"], COLOURS[p], rng)
    looks.set(xticks=range(len(PROMPT_LABELS)), xticklabels=list(PROMPT_LABELS.values()), ylim=(-0.05, 1.05),
              ylabel="share of exploration steps that look\n(or are wasted: unparseable)", title="How it explores (held-out worlds)")
    looks.tick_params(axis="x", labelsize=7)
    return fig


def plot_explanations(result) -> object:
    """Reward of models trained on experimenters' notes without and with explanation sentences (lesson 08)."""
    result = _check_result(result)
    acting = result["summary"]["acting"]
    series = {CORPUS_LABELS[c].replace("\n", " "): {t: acting[c]["experimenter"][t]["reward"] for t in TEST_LABELS}
              for c in ("experimenter", "explanations") if c in acting}
    fig = course_figure(figsize=(8.0, 3.8))
    _reward_panel(fig.subplots(), series, baseline_means(result), "Explanation sentences, at equal compute")
    return fig


PREDICTORS = {"model": "the language model", "rule_only": "rule only (set dial 5, others 0)",
              "true_structure": "oracle (knows the hidden weights)"}


def plot_predictions(result, conditions=("observer", "mixed", "experimenter")) -> object:
    """Mean error of foreseen readings in held-out worlds: after setting a dial (set dial, other dials) and after looking (lesson 08)."""
    result = _check_result(result)
    predictions = result["summary"]["predictions"]
    conditions = [c for c in conditions if c in predictions]
    panels = (("experimenter", "set_dial", 'the set dial,\nafter "I set X to 5:"'),
              ("experimenter", "other_dials", 'the other dials,\nafter "I set X to 5:"'),
              ("observer", "other_dials", 'every dial,\nafter "I looked at the dials:"'))
    fig = course_figure(figsize=(11.0, 4.2))
    axes = fig.subplots(1, 3, sharey=False)
    rng = np.random.default_rng(0)
    for axis, (kind, part, title) in zip(axes, panels):
        for c, condition in enumerate(conditions):
            _interval(axis, c, predictions[condition][kind][part]["model"], COLOURS[c], rng)
        for name, style in (("rule_only", "--"), ("true_structure", ":")):
            mean = np.mean([predictions[c][kind][part][name]["mean"] for c in conditions])
            axis.axhline(mean, color=PALETTE["black"], linestyle=style, linewidth=1, label=PREDICTORS[name])
        axis.set(xticks=range(len(conditions)), xticklabels=[CORPUS_LABELS[c] for c in conditions], title=title)
        axis.title.set_fontsize(9)
        axis.set_ylim(bottom=0)
        axis.set_xlim(-0.5, len(conditions) - 0.5)
        axis.tick_params(axis="x", labelsize=6)
    axes[0].set_ylabel("mean absolute error of a reading")
    axes[0].legend(fontsize=7)
    return fig


def plot_content(result) -> object:
    """Reward of the model trained on named dials, in worlds whose names agree with the causal order and contradict it (lesson 08)."""
    result = _check_result(result)
    content = result["summary"].get("content")
    if not content:
        raise invalid("result", "a result with the content condition", "no 'content' summary",
                      "run the study with the content condition")
    fig = course_figure(figsize=(5.5, 3.6))
    axis = fig.subplots()
    rng = np.random.default_rng(0)
    for k, (name, colour) in enumerate((("agree", PALETTE["blue"]), ("contradict", PALETTE["vermillion"]))):
        _interval(axis, k, content[name], colour, rng)
    runs = result["runs"]["content"]
    for name, (label, colour, style) in BASELINE_STYLE.items():
        mean = np.mean([run["baselines"][name][k] for run in runs for k in ("agree", "contradict")])
        axis.axhline(mean, color=colour, linestyle=style, label=label)
    axis.set(xticks=[0, 1], xticklabels=["names agree with\nthe causal order", "names contradict\nthe causal order"],
             ylabel="normalised reward", ylim=(-0.15, 1.05), title="Content effect: same structures, other names")
    axis.legend(fontsize=7, loc="lower left")
    return fig
