"""Lesson 08's demo: type a prompt header and watch the language model experiment in a new world.

Introduced in lesson 08. The logic is in pure functions: :func:`next_world` draws the next world of a
demo from its random stream, :func:`act_in_world` lets the model act in it (one episode of
:func:`~causal_course.learners.language_agent.language_rollout`, well under a second on a CPU) and
:func:`~causal_course.viz.language_agent.render_language_episode` writes the notes as HTML, step by
step. :func:`language_agent_widget` only wires them to a text box (the header), a choice of world and
three buttons.

**Same world, same noise.** Each world keeps the seed of its own noise (and of the model's sampling,
if it samples), so running the model again in the same world with another header changes only what
the model reads: what differs is the prompt's doing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from causal_course.learners.language_agent import LanguageRollout, language_rollout
from causal_course.validation import check_bool, check_choice, check_instance, check_seed, invalid
from causal_course.viz.language_agent import GOAL_STAGE, LAST_STAGE, render_language_episode
from causal_course.worlds.dag_episodes import N_EXPLORATION_STEPS, OBSERVE, Worlds, sample_worlds
from causal_course.worlds.text_reports import (
    DEFAULT_NAMES,
    HEADERS,
    action_text,
    check_names,
    goal_prompt_text,
    header_text,
    readings_text,
    recap_text,
)

WORLD_KINDS = {"in-distribution": "train", "held-out": "heldout", "critical": "critical"}  # label -> split
KIND_NOTES = {
    "train": "in-distribution: a structure like those in the training notes",
    "heldout": "held-out: A affects B, a link no training note ever showed",
    "critical": "critical: held-out, the goal is to raise B and A is its unique best cause",
}
GOAL_TOKENS = 6  # room kept for the goal action the model writes ("I set B to -5." is 6 tokens)


@dataclass
class DemoWorld:
    """One world of the demo (lesson 08): its number in the demo, its kind (``split``), the world and
    target (one episode), and the seeds of its noise and of the model's sampling, kept so that every
    run in this world meets the same noise."""

    number: int
    split: str
    worlds: Worlds
    target: np.ndarray
    noise_seed: int
    sample_seed: int

    @property
    def label(self) -> str:
        return f"World {self.number} ({KIND_NOTES[self.split]})"


def next_world(rng: np.random.Generator, split: str = "train", number: int = 1) -> DemoWorld:
    """The next world of a demo, drawn from ``rng`` (its stream, ``stream(seed, "lm_demo")``) (lesson 08).

    ``split``: ``"train"`` (in-distribution), ``"heldout"`` or ``"critical"``; the world's noise and
    sampling seeds are drawn from ``rng`` too.
    """
    check_choice(split, tuple(KIND_NOTES), "split", fix="pass split='train', 'heldout' or 'critical'")
    worlds, target = sample_worlds(1, rng, split)
    noise_seed, sample_seed = (int(value) for value in rng.integers(0, 2**31, size=2))
    return DemoWorld(number, split, worlds, target, noise_seed, sample_seed)


def clean_header(header) -> str | None:
    """The header as the notes will start: surrounding spaces dropped, empty text meaning no header (lesson 08)."""
    if header is None:
        return None
    if not isinstance(header, str):
        raise invalid("header", "a string such as 'Notes of an experimenter.' (empty or None for no header)",
                      repr(header)[:60], "type the header as text", TypeError)
    return header.strip() or None


def check_model(model, tokenizer) -> None:
    """A clear error unless ``model`` is a language model and ``tokenizer`` the one it reads with (lesson 08)."""
    from causal_course.learners.language_model import GPT
    from causal_course.learners.tokenizer import Tokenizer

    check_instance(model, GPT, "model", "a GPT language model",
                   "load the lesson's with load_language_model() or train one with train_run")
    check_instance(tokenizer, Tokenizer, "tokenizer", "a Tokenizer", "pass the tokenizer the model was trained with")
    if tokenizer.vocab_size != model.config.vocab_size:
        raise invalid("tokenizer", f"the model's vocabulary of {model.config.vocab_size} tokens",
                      f"{tokenizer.vocab_size} tokens", "pass the tokenizer the model was trained with")


def header_room(model, tokenizer, names=DEFAULT_NAMES, recap: bool = True) -> int:
    """How many tokens a header may have: the model's context less what the world writes and a goal action (lesson 08).

    Every episode's notes have the same length apart from the header (the world writes each step in
    the same number of tokens), so the room is the same in every world.
    """
    check_model(model, tokenizer)
    names = check_names(names)
    zeros = np.zeros((N_EXPLORATION_STEPS, len(names)))
    actions = np.full(N_EXPLORATION_STEPS, OBSERVE)
    world = [header_text(None, names)] + [f"{action_text(OBSERVE, names)} {readings_text(v, names, tokenizer.decimals)}"
                                          for v in zeros] + [goal_prompt_text(0, names)]
    if recap:
        world.append(recap_text(actions, zeros, 0, names, tokenizer.decimals))
    used = len(tokenizer.encode(" ".join(world), bos=True))
    return model.config.context_length - used - GOAL_TOKENS


def act_in_world(model, tokenizer, world: DemoWorld, header: str | None = HEADERS["experimenter"], sample: bool = False,
                 names=DEFAULT_NAMES, recap: bool = True) -> LanguageRollout:
    """The model acting in ``world`` for one episode, the notes opening with ``header`` (lesson 08).

    The environment's noise comes from the world's own seed, so the same world with the same header
    gives the same rollout, and another header meets the same noise. A header too long for the
    model's context is an error that says how long it may be; unknown words are no error (the model
    reads them as ``<unk>``).
    """
    check_instance(world, DemoWorld, "world", "a DemoWorld", "draw one with next_world(stream(seed, 'lm_demo'))")
    header = clean_header(header)
    if header is not None:
        room = header_room(model, tokenizer, names, recap)
        length = len(tokenizer.encode(header))
        if length > room:
            raise invalid("header", f"at most {room} tokens (words and punctuation marks) long: the model's context "
                          f"holds {model.config.context_length} tokens and the rest of the notes need the others",
                          f"{length} tokens", "shorten the header")
    return language_rollout(model, tokenizer, world.worlds, world.target, np.random.default_rng(world.noise_seed),
                            header=header, names=names, sample=sample, seed=world.sample_seed, recap=recap)


def render_demo(world: DemoWorld, rollout: LanguageRollout, header: str | None, shown_steps: int, tokenizer=None,
                names=DEFAULT_NAMES, recap: bool = True, draw_structure: bool = True) -> str:
    """The demo's HTML for ``world`` and its ``rollout`` up to stage ``shown_steps`` (lesson 08)."""
    check_instance(world, DemoWorld, "world", "a DemoWorld", "draw one with next_world(stream(seed, 'lm_demo'))")
    return render_language_episode(rollout, world.worlds, world.target, clean_header(header), shown_steps,
                                   names=names, tokenizer=tokenizer, decimals=tokenizer.decimals if tokenizer else 1,
                                   recap=recap, title=world.label, draw_structure=draw_structure)


def language_agent_widget(model, tokenizer, seed: int = 0, split: str = "train",
                          header: str | None = HEADERS["experimenter"], sample: bool = False, names=DEFAULT_NAMES,
                          recap: bool = True):
    """Type a prompt header, pick a kind of world, and watch the model act in it step by step (lesson 08).

    ``seed``: the demo's worlds come one after another from ``stream(seed, "lm_demo")``. Controls: the
    header (Enter, or leaving the box, runs the model again in the same world with the new header;
    empty: no header), the kind of world (a new world of that kind), "New world" (the next world),
    "Step" (one more stage: a step, the goal, the outcome) and "Run to the end". ``sample``: draw the
    model's tokens from its distribution (seeded per world) instead of taking the most probable.
    ``recap``: as the model was trained (the lesson's models: True).
    """
    import html

    import ipywidgets as widgets

    from causal_course.seeds import stream
    from causal_course.widgets.wiring import DRAW_ERROR

    seed = check_seed(seed)
    check_choice(split, tuple(KIND_NOTES), "split", fix="pass split='train', 'heldout' or 'critical'")
    header = clean_header(header)
    sample, recap, names = check_bool(sample, "sample"), check_bool(recap, "recap"), check_names(names)
    rng = stream(seed, "lm_demo")
    state = {"world": next_world(rng, split, 1), "rollout": None, "header": header, "stage": 0, "seconds": 0.0,
             "error": None}
    begin = time.perf_counter()
    state["rollout"] = act_in_world(model, tokenizer, state["world"], header, sample, names, recap)  # bad input fails here
    state["seconds"] = time.perf_counter() - begin

    header_box = widgets.Text(value=header or "", description="prompt header", placeholder="(empty: no header)",
                              continuous_update=False, style={"description_width": "initial"},
                              layout=widgets.Layout(width="32em"))
    kind = widgets.ToggleButtons(options=list(WORLD_KINDS.items()), value=split, description="world",
                                 style={"description_width": "initial"})
    new_world = widgets.Button(description="New world", icon="refresh", tooltip="the next world of this kind")
    step = widgets.Button(description="Step", icon="step-forward", button_style="primary",
                          tooltip="one more stage: an exploration step, the goal, the outcome")
    run_to_end = widgets.Button(description="Run to the end", icon="fast-forward", tooltip="show every stage")
    status, output = widgets.HTML(), widgets.HTML()
    drawn: dict = {}  # stage -> HTML of the current rollout: the last stage draws a figure, drawn once

    def show():
        rollout, stage = state["rollout"], state["stage"]
        if state["error"] is not None:
            output.value = (f"<div class='cc-language-episode'>{html.escape(state['world'].label)}:<br>"
                            f"<b>{html.escape(state['error'])}</b></div>")
            status.value = ""
            step.disabled = run_to_end.disabled = True
            return
        if stage not in drawn:
            try:
                drawn[stage] = render_demo(state["world"], rollout, state["header"], stage, tokenizer, names, recap)
            except Exception as error:  # show the problem instead of a silent blank
                drawn[stage] = f"<pre>{DRAW_ERROR}: {html.escape(str(error))}</pre>"
        output.value = drawn[stage]
        step.disabled = run_to_end.disabled = stage >= LAST_STAGE
        nxt = ("press Step for step 1" if stage == 0 else f"press Step for step {stage + 1}" if stage < N_EXPLORATION_STEPS
               else "press Step for the goal" if stage < GOAL_STAGE else "press Step for the outcome"
               if stage < LAST_STAGE else "New world for another world; edit the header and press Enter to rerun here")
        status.value = (f"<span class='cc-status'>The model acted in {state['seconds']:.2f} s "
                        f"({rollout.generated_tokens} tokens written); {html.escape(nxt)}.</span>")

    def run(world, keep_stage: bool):
        state["world"] = world
        state["header"] = clean_header(header_box.value)
        begin = time.perf_counter()
        try:
            state["rollout"] = act_in_world(model, tokenizer, world, state["header"], sample, names, recap)
            state["error"] = None
        except ValueError as error:  # e.g. a header too long for the model's context: say so, keep the widget usable
            state["error"] = str(error)
        state["seconds"] = time.perf_counter() - begin
        if not keep_stage:
            state["stage"] = 0
        drawn.clear()
        show()

    def on_header(change=None):
        run(state["world"], keep_stage=True)

    def on_new_world(button=None):
        run(next_world(rng, kind.value, state["world"].number + 1), keep_stage=False)

    def on_step(button=None):
        state["stage"] = min(state["stage"] + 1, LAST_STAGE)
        show()

    def on_run_to_end(button=None):
        state["stage"] = LAST_STAGE
        show()

    header_box.observe(on_header, names="value")
    kind.observe(on_new_world, names="value")
    new_world.on_click(on_new_world)
    step.on_click(on_step)
    run_to_end.on_click(on_run_to_end)
    show()
    help_text = widgets.HTML("Type a header (the prompt) and press Enter: the model runs again in the same world. "
                             "Words it never read are marked. Empty the box for no header.")
    box = widgets.VBox([help_text, widgets.HBox([header_box]), kind, widgets.HBox([new_world, step, run_to_end]),
                        status, output])
    box.add_class("cc-language-agent")
    box.header, box.kind, box.new_world, box.step, box.run_to_end = header_box, kind, new_world, step, run_to_end
    box.status, box.output, box.figure, box.state = status, output, output, state
    return box
