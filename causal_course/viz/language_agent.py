"""Lesson 08's episode view: one episode of a language model acting in the text world, as notes, step by step.

Introduced in lesson 08. Given a :class:`~causal_course.learners.language_agent.LanguageRollout` and the
worlds it ran in, :func:`render_language_episode` writes HTML (every piece of text escaped) that shows,
up to a chosen stage (:data:`LAST_STAGE` stages after the opening):

* stage 0: the header (the prompt) and the dials, as the world wrote them;
* stages 1 to 5: what the model wrote for each exploration step (marked as the model's own text, and
  as a wasted step where it did not parse), then what the world wrote in the notes: the step in its
  own words and the readings;
* stage 6 (:data:`GOAL_STAGE`): the goal as the world wrote it and the model's goal choice;
* stage 7 (:data:`LAST_STAGE`): the outcome, read off the hidden structure, which the model never
  sees: the expected value of the target under the model's choice, under the best choice and under
  a random choice, and (optionally) a drawing of the hidden DAG (:func:`render_hidden_structure`).

The text shown is checked against the rollout's own notes (:func:`episode_texts`), so the view never
shows notes other than the ones the model read.
"""

from __future__ import annotations

import html
import re

import numpy as np

from causal_course.learners.language_agent import UNPARSED, LanguageRollout
from causal_course.validation import check_bool, check_instance, check_integer, invalid
from causal_course.viz.style import PALETTE
from causal_course.worlds.dag_episodes import (
    INTERVENTION_VALUE,
    N_EXPLORATION_STEPS,
    N_VARIABLES,
    OBSERVE,
    as_worlds,
    goal_reward,
    optimal_goal_action,
)
from causal_course.worlds.text_reports import (
    DEFAULT_NAMES,
    action_text,
    check_decimals,
    check_names,
    goal_prompt_text,
    header_text,
    readings_text,
    recap_text,
)

GOAL_STAGE = N_EXPLORATION_STEPS + 1  # the goal and the model's choice
LAST_STAGE = N_EXPLORATION_STEPS + 2  # the outcome, from the hidden structure
WASTED_STEP = "did not parse: a wasted step, the world only looked"
WASTED_GOAL = ("did not parse: nothing is set, so the target keeps its expected value 0 "
               "(what a random choice earns on average)")
NEVER_SEEN = "revealed at the end: the hidden structure, which the model never sees"
MODEL_CLASS = "cc-model-text"  # the CSS class of every piece of text the model wrote
_PIECES = re.compile(r"<(?:pad|unk|bos|eos)>|-?\d+(?:\.\d+)?|[A-Za-z]+|\S")  # as the tokenizer splits text
_MODEL_STYLE = (f"background: {PALETTE['yellow']}; border: 1px solid {PALETTE['black']}; border-radius: 3px; "
                "padding: 0 4px; font-family: monospace; white-space: pre-wrap")
_WORLD_STYLE = "font-family: monospace; white-space: pre-wrap"


def _escape(text) -> str:
    return html.escape(str(text), quote=True)


def _model_span(text: str) -> str:
    shown = text if text.strip() else "(nothing)"
    return f'<span class="{MODEL_CLASS}" style="{_MODEL_STYLE}">{_escape(shown)}</span>'


def _world_span(text: str) -> str:
    return f'<span class="cc-world-text" style="{_WORLD_STYLE}">{_escape(text)}</span>'


def unknown_words(text: str, tokenizer) -> tuple:
    """The pieces of ``text`` the tokenizer cannot read (each becomes ``<unk>``), in order, each once (lesson 08).

    ``<pad>``/``<bos>``/``<eos>`` typed as text count too: they are the tokenizer's own markers, not words
    the model has seen in notes.

    >>> from causal_course.learners.tokenizer import Tokenizer
    >>> unknown_words("Notes of a zebra, seen by a zebra!", Tokenizer.for_reports())
    ('zebra', 'seen', '!')
    """
    from causal_course.learners.tokenizer import SPECIALS, Tokenizer

    check_instance(tokenizer, Tokenizer, "tokenizer", "a Tokenizer", "pass the tokenizer the model was trained with")
    if text is None:
        return ()
    if not isinstance(text, str):
        raise invalid("text", "a string (or None for no header)", repr(text)[:60], "pass the header as typed", TypeError)
    found = []
    for piece in _PIECES.findall(text):
        if (piece in SPECIALS or "<unk>" in tokenizer.tokens(piece)) and piece not in found:
            found.append(piece)
    return tuple(found)


def _check_episode(rollout, target, episode: int) -> tuple:
    check_instance(rollout, LanguageRollout, "rollout", "a LanguageRollout",
                   "pass what language_rollout(model, tokenizer, worlds, target, rng) returned")
    n = len(rollout.goal_action)
    episode = check_integer(episode, "episode", 0, n - 1, fix=f"pass an episode from 0 to {n - 1}")
    target = np.asarray(target)
    if target.shape != (n,) or not np.issubdtype(target.dtype, np.integer) or target.min() < 0 or target.max() >= N_VARIABLES:
        raise invalid("target", f"one target dial (0 to {N_VARIABLES - 1}) per episode of the rollout, shape ({n},)",
                      f"{target.dtype} of shape {target.shape}", "pass the target the rollout was run with")
    return episode, target


def episode_texts(rollout: LanguageRollout, target, header: str | None, episode: int = 0, names=DEFAULT_NAMES,
                  decimals: int = 1, recap: bool = True) -> dict:
    """What the world wrote in one episode's notes: ``{"opening", "steps", "goal_prompt"}`` (lesson 08).

    ``opening``: the header and the dials; ``steps``: each exploration step in the world's words with
    its readings; ``goal_prompt``: the goal (with the re-read readings if ``recap``). Rebuilt from the
    rollout's actions and readings and checked against ``rollout.notes[episode]``: a ``header``,
    ``recap`` or ``decimals`` other than the rollout's is an error, never a wrong picture.
    """
    episode, target = _check_episode(rollout, target, episode)
    if header is not None and not isinstance(header, str):
        raise invalid("header", "a string such as 'Notes of an experimenter.', or None for no header", repr(header),
                      "pass the header the rollout was run with", TypeError)
    names = check_names(names)
    decimals = check_decimals(decimals)
    recap = check_bool(recap, "recap")
    actions, values, goal_target = rollout.actions[episode], rollout.values[episode], int(target[episode])
    opening = header_text(header, names)
    steps = [f"{action_text(int(a), names)} {readings_text(v, names, decimals)}" for a, v in zip(actions, values)]
    goal_prompt = goal_prompt_text(goal_target, names)
    if recap:
        goal_prompt += " " + recap_text(actions, values, goal_target, names, decimals)
    notes = " ".join([opening, *steps, goal_prompt, rollout.goal_texts[episode]])
    if notes != rollout.notes[episode]:
        what = ("header" if not rollout.notes[episode].startswith(opening + " ") else "recap or decimals")
        raise invalid(what, "what the rollout was run with", f"notes that differ from the rollout's "
                      f"({rollout.notes[episode][:50]!r}...)", "pass the header, recap and decimals given to language_rollout")
    return {"opening": opening, "steps": steps, "goal_prompt": goal_prompt}


def describe_text_action(action: int, names=DEFAULT_NAMES, goal: bool = False) -> str:
    """An action in plain words: ``set B to 5``, ``look at the dials``, at the goal ``set B to -5`` (lesson 08)."""
    if goal:
        return f"set {names[action // 2]} to {'-' if action % 2 else '+'}{INTERVENTION_VALUE:g}"
    return "look at the dials" if action == OBSERVE else f"set {names[action - 1]} to {INTERVENTION_VALUE:g}"


def episode_outcome(rollout: LanguageRollout, effects, target, episode: int = 0) -> dict:
    """How the model's goal choice did, read off the hidden structure (lesson 08).

    ``effects``: the total effects of the rollout's worlds, ``(n, 5, 5)``. Returns ``{"model", "best",
    "random", "normalised", "model_action", "best_action", "rewards"}``: the target's expected value
    under the model's choice (0 when its goal text did not parse: nothing is set), under the best
    choice and averaged over every allowed choice (a random choice); ``normalised``: the model's over
    the best (random 0, best 1); ``rewards``: ``{goal action: expected value}`` for every allowed choice.
    """
    episode, target = _check_episode(rollout, target, episode)
    effects = np.asarray(effects, dtype=float)
    if effects.shape != (len(target), N_VARIABLES, N_VARIABLES):
        raise invalid("effects", f"the total effects of the rollout's worlds, shape ({len(target)}, {N_VARIABLES}, "
                      f"{N_VARIABLES})", f"shape {effects.shape}", "pass worlds.effects of the worlds the rollout ran in")
    goal_target = int(target[episode])
    row = effects[episode:episode + 1]
    allowed = [a for a in range(2 * N_VARIABLES) if a // 2 != goal_target]
    rewards = {a: float(goal_reward(row, np.array([goal_target]), np.array([a]))[0]) + 0.0 for a in allowed}  # no -0.0
    best_action = int(optimal_goal_action(row, np.array([goal_target]))[0])
    model_action = int(rollout.goal_action[episode])
    model = 0.0 if model_action == UNPARSED else rewards[model_action]
    best = rewards[best_action]
    return {"model": model, "best": best, "random": float(np.mean(list(rewards.values()))),
            "normalised": model / best + 0.0 if best > 0 else float("nan"), "model_action": model_action,
            "best_action": best_action, "rewards": rewards}


def render_hidden_structure(weights, effects, target: int, model_action: int, names=DEFAULT_NAMES):
    """The hidden DAG beside the target's expected value under every allowed goal choice, the model's choice
    (hatched, labelled "model") and the best labelled (lesson 08). A Figure."""
    from causal_course.causal.graphs import weights_to_graph
    from causal_course.viz.dags import draw_dag
    from causal_course.viz.style import course_figure

    names = check_names(names)
    target = check_integer(target, "target", 0, N_VARIABLES - 1, fix="pass the episode's target dial")
    weights, effects = np.asarray(weights, dtype=float), np.asarray(effects, dtype=float)
    if weights.shape != (N_VARIABLES, N_VARIABLES) or effects.shape != (N_VARIABLES, N_VARIABLES):
        raise invalid("weights and effects", f"one world's, each of shape ({N_VARIABLES}, {N_VARIABLES})",
                      f"shapes {weights.shape} and {effects.shape}", "pass worlds.weights[b] and worlds.effects[b]")
    allowed = [a for a in range(2 * N_VARIABLES) if a // 2 != target]
    if model_action != UNPARSED and model_action not in allowed:
        raise invalid("model_action", f"a goal action on a dial other than the target ({allowed}) or UNPARSED (-1)",
                      repr(model_action), "pass rollout.goal_action[b]")
    fig = course_figure(figsize=(9.5, 3.3), layout="constrained")
    dag_ax, bar_ax = fig.subplots(1, 2, width_ratios=[1, 1.25])
    draw_dag(weights_to_graph(weights, names), ax=dag_ax, title=f"hidden structure; goal: raise {names[target]}",
             font_size=8)
    values = [float(INTERVENTION_VALUE * (-1 if a % 2 else 1) * effects[a // 2, target]) for a in allowed]
    best = max(values)
    colours = [PALETTE["orange"] if a == model_action else PALETTE["sky"] for a in allowed]
    bars = bar_ax.bar(range(len(allowed)), values, color=colours, edgecolor="black")
    for bar, a, value in zip(bars, allowed, values):
        labels = (["model"] if a == model_action else []) + (["best"] if value == best else [])
        if a == model_action:
            bar.set_hatch("//")
        if labels:
            bar_ax.annotate(" + ".join(labels), (bar.get_x() + bar.get_width() / 2, value), ha="center",
                            va="bottom" if value >= 0 else "top", fontsize=8, xytext=(0, 2 if value >= 0 else -2),
                            textcoords="offset points")
    bar_ax.axhline(float(np.mean(values)), color=PALETTE["black"], linestyle="--", linewidth=1,
                   label="a random choice, on average")
    bar_ax.set_xticks(range(len(allowed)), [f"{names[a // 2]}{'-' if a % 2 else '+'}5" for a in allowed], fontsize=8)
    bar_ax.set_xlabel("goal choice: set a dial to +5 or -5")
    bar_ax.set_ylabel(f"expected value of {names[target]}")
    limit = max(1.0, max(abs(v) for v in values)) * 1.3
    bar_ax.set_ylim(-limit, limit)
    title = "the model's goal text did not parse" if model_action == UNPARSED else (
        f"the model chose: {describe_text_action(model_action, names, goal=True)} (hatched)")
    bar_ax.set_title(title, fontsize=9)
    bar_ax.legend(fontsize=7, loc="lower right")
    return fig


def _step_html(step: int, model_text: str, parsed: bool, action: int, world_text: str, names) -> str:
    verdict = (f"&rarr; <b>{_escape(WASTED_STEP)}</b>" if not parsed
               else f"&rarr; the world does it: {_escape(describe_text_action(action, names))}")
    return (f'<li class="cc-step"><b>Step {step}.</b> The model wrote {_model_span(model_text)} {verdict}.<br>'
            f"The world wrote in the notes: {_world_span(world_text)}</li>")


def _outcome_html(outcome: dict, goal_target: int, names, drawing: str) -> str:
    target_name = _escape(names[goal_target])
    model_action = outcome["model_action"]
    model_label = ("the model's choice: nothing (its goal text did not parse)" if model_action == UNPARSED
                   else f"the model's choice: {describe_text_action(model_action, names, goal=True)}")
    best_label = f"the best possible choice: {describe_text_action(outcome['best_action'], names, goal=True)}"
    random_label = f"a random choice (any dial but {names[goal_target]}, to +5 or -5), on average"
    rows = "".join(f"<tr><td>{_escape(label)}</td><td style='text-align: right; padding-left: 1em'>{value:+.1f}</td></tr>"
                   for label, value in ((model_label, outcome["model"]), (best_label, outcome["best"]),
                                        (random_label, outcome["random"])))
    return (f'<div class="cc-outcome" style="border: 2px dashed {PALETTE["black"]}; padding: 6px; margin-top: 6px">'
            f"<b>Outcome, {_escape(NEVER_SEEN)}.</b>"
            f"<table><tr><th style='text-align: left'>goal: raise {target_name}</th>"
            f"<th style='padding-left: 1em'>expected value of {target_name}</th></tr>{rows}</table>"
            f"Normalised reward of this episode: <b>{outcome['normalised']:.2f}</b> (a random choice 0, the best 1)."
            f"{drawing}</div>")


def render_language_episode(rollout: LanguageRollout, worlds, target, header: str | None,
                            shown_steps: int = LAST_STAGE, episode: int = 0, names=DEFAULT_NAMES, tokenizer=None,
                            decimals: int = 1, recap: bool = True, title: str = "", draw_structure: bool = True) -> str:
    """One episode's notes as HTML, up to stage ``shown_steps`` (0 to :data:`LAST_STAGE`) (lesson 08).

    ``worlds``/``target``: those the rollout ran in (a :class:`~causal_course.worlds.dag_episodes.Worlds`
    or weights); ``header``, ``decimals``, ``recap``: as given to ``language_rollout`` (checked against
    the notes). With ``tokenizer``, words of the header the model cannot read are marked and listed.
    ``title``: a first line (e.g. which world). ``draw_structure``: at the last stage, include the
    hidden DAG and every choice's value as a picture. Every piece of text is HTML-escaped.
    """
    texts = episode_texts(rollout, target, header, episode, names, decimals, recap)
    episode, target = _check_episode(rollout, target, episode)
    names = check_names(names)
    shown_steps = check_integer(shown_steps, "shown_steps", 0, LAST_STAGE,
                                fix=f"pass 0 (the prompt only) to {LAST_STAGE} (everything, with the outcome)")
    draw_structure = check_bool(draw_structure, "draw_structure")
    worlds = as_worlds(worlds)
    if len(worlds) != len(target):
        raise invalid("worlds", f"the {len(target)} worlds the rollout ran in", f"{len(worlds)} worlds",
                      "pass the worlds given to language_rollout")
    parts = ['<div class="cc-language-episode" style="line-height: 1.6">']
    if title:
        parts.append(f"<div class='cc-title'><b>{_escape(title)}</b></div>")
    unknown = unknown_words(header, tokenizer) if tokenizer is not None else ()
    if header:
        shown = "".join(f"<u style='text-decoration-style: wavy'>{_escape(piece)}</u>" if piece in unknown
                        else _escape(piece) for piece in re.split(f"({_PIECES.pattern})", header))
        prompt = f"<span style='{_WORLD_STYLE}'>{shown}</span>"
    else:
        prompt = "<i>(no header: the notes start with the dials)</i>"
    parts.append(f"<div class='cc-prompt'><b>The prompt (the notes' header):</b> {prompt} "
                 f"{_world_span(texts['opening'][len(header or ''):].strip())}</div>")
    if unknown:
        listed = ", ".join(f"&lsquo;{_escape(piece)}&rsquo;" for piece in unknown)
        parts.append(f"<div class='cc-unknown'>The model had never seen {listed} (wavy underline): "
                     "it read each as one unknown token, &lt;unk&gt;.</div>")
    steps = []
    for step in range(min(shown_steps, N_EXPLORATION_STEPS)):
        steps.append(_step_html(step + 1, rollout.explore_texts[episode][step], bool(rollout.explore_parsed[episode, step]),
                                int(rollout.actions[episode, step]), texts["steps"][step], names))
    if steps:
        parts.append("<ol class='cc-steps' style='padding-left: 1.2em; margin: 4px 0'>" + "".join(steps) + "</ol>")
    if shown_steps >= GOAL_STAGE:
        goal_action = int(rollout.goal_action[episode])
        verdict = (f"<b>{_escape(WASTED_GOAL)}</b>" if goal_action == UNPARSED
                   else f"its choice: {_escape(describe_text_action(goal_action, names, goal=True))}")
        parts.append(f"<div class='cc-goal'><b>Goal.</b> The world wrote: {_world_span(texts['goal_prompt'])}<br>"
                     f"The model wrote {_model_span(rollout.goal_texts[episode])} &rarr; {verdict}.</div>")
    if shown_steps >= LAST_STAGE:
        worlds_effects = worlds.effects
        outcome = episode_outcome(rollout, worlds_effects, target, episode)
        drawing = ""
        if draw_structure:
            from causal_course.viz.style import figure_to_html

            drawing = figure_to_html(render_hidden_structure(worlds.weights[episode], worlds_effects[episode],
                                                             int(target[episode]), outcome["model_action"], names))
        parts.append(_outcome_html(outcome, int(target[episode]), names, drawing))
    else:
        parts.append(f"<div class='cc-progress' style='color: #555'>Shown: {shown_steps} of {LAST_STAGE} stages "
                     f"(5 steps, the goal, the outcome).</div>")
    parts.append("</div>")
    return "".join(parts)
