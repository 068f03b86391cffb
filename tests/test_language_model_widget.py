"""Lesson 08's demo: the notes of one episode rendered step by step, and the widget that lets a learner type a prompt.

The render functions are tested on hand-built rollouts (a wasted step, an unparsed goal, model text that is HTML)
whose outcome is worked out by hand from the hidden weights, and on rollouts of a small model trained here in a few
seconds (never the shipped weights, so these tests do not depend on them). The widget is built headless and its
buttons clicked.
"""

import html
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from causal_course.learners.language_agent import UNPARSED, LanguageRollout  # noqa: E402
from causal_course.seeds import stream  # noqa: E402
from causal_course.torch_setup import set_threads  # noqa: E402
from causal_course.viz.language_agent import (  # noqa: E402
    GOAL_STAGE,
    LAST_STAGE,
    MODEL_CLASS,
    WASTED_GOAL,
    WASTED_STEP,
    episode_outcome,
    episode_texts,
    render_hidden_structure,
    render_language_episode,
    unknown_words,
)
from causal_course.widgets.language_model import (  # noqa: E402
    GOAL_TOKENS,
    DemoWorld,
    act_in_world,
    clean_header,
    header_room,
    language_agent_widget,
    next_world,
)
from causal_course.worlds.dag_episodes import OBSERVE, as_worlds, exploration_step, is_critical  # noqa: E402
from causal_course.worlds.text_reports import (  # noqa: E402
    HEADERS,
    action_text,
    goal_prompt_text,
    header_text,
    parse_exploration,
    parse_goal,
    readings_text,
    recap_text,
)

EXPERIMENTER = HEADERS["experimenter"]


@pytest.fixture(scope="module")
def small_model():
    """A language model trained for a few seconds (FAST): it writes mostly nonsense, which is what wiring needs."""
    from causal_course.studies.language_model import FAST, train_run

    set_threads(1)
    model, tokenizer, _ = train_run("mixed", 0, FAST)
    return model, tokenizer


def chain_world():
    """A -> B (+1), B -> C (-1): setting A or B to -5 raises C by 5, nothing else moves C."""
    weights = np.zeros((1, 5, 5))
    weights[0, 0, 1], weights[0, 1, 2] = 1.0, -1.0
    return as_worlds(weights), np.array([2])


def hand_rollout(worlds, target, explore_texts, goal_text, header=EXPERIMENTER, recap=True, seed=0):
    """A rollout of one episode in which the 'model' wrote the given texts, carried out by the agent's rules."""
    rng = np.random.default_rng(seed)
    choices = [parse_exploration(text) for text in explore_texts]
    actions = np.array([[OBSERVE if c is None else c for c in choices]])
    values = np.stack([exploration_step(worlds, actions[:, s], rng) for s in range(5)], axis=1)
    goal = parse_goal(goal_text, int(target[0]))
    prompt = goal_prompt_text(int(target[0]))
    if recap:
        prompt += " " + recap_text(actions[0], values[0], int(target[0]))
    steps = [f"{action_text(int(a))} {readings_text(v)}" for a, v in zip(actions[0], values[0])]
    notes = " ".join([header_text(header), *steps, prompt, goal_text])
    return LanguageRollout(actions, np.array([[c is not None for c in choices]]), values,
                           np.array([UNPARSED if goal is None else goal]), [list(explore_texts)], [goal_text],
                           np.full((1, 5), 6), np.array([6]), [notes], 36, 0.01)


GOOD_STEPS = ["I set A to 5:", "I set B to 5:", "I set, B 0:", "I looked at the dials:", "I set E to 5:"]


def model_spans(page: str) -> list:
    return [html.unescape(text) for text in re.findall(rf'class="{MODEL_CLASS}"[^>]*>(.*?)</span>', page)]


def test_steps_show_the_models_text_and_a_wasted_step_is_marked():
    worlds, target = chain_world()
    rollout = hand_rollout(worlds, target, GOOD_STEPS, "I set A to -5.")
    page = render_language_episode(rollout, worlds, target, EXPERIMENTER, shown_steps=GOAL_STAGE)
    steps = re.findall(r'<li class="cc-step">(.*?)</li>', page)
    assert len(steps) == 5
    assert model_spans(page) == [*GOOD_STEPS, "I set A to -5."]
    assert [WASTED_STEP in step for step in steps] == [False, False, True, False, False]
    assert "I looked at the dials: A" in steps[2]  # the world wrote a look in place of the text that did not parse
    assert "set B to 5" in steps[1] and "look at the dials" in steps[3]
    assert "Goal: raise C. Readings of C:" in page and "its choice: set A to -5" in page
    assert "never sees" not in page  # the outcome is shown only at the last stage


def test_stages_reveal_one_more_step_at_a_time():
    worlds, target = chain_world()
    rollout = hand_rollout(worlds, target, GOOD_STEPS, "I set A to -5.")
    pages = [render_language_episode(rollout, worlds, target, EXPERIMENTER, shown_steps=k) for k in range(LAST_STAGE + 1)]
    assert [page.count('<li class="cc-step">') for page in pages] == [0, 1, 2, 3, 4, 5, 5, 5]
    assert [len(model_spans(page)) for page in pages] == [0, 1, 2, 3, 4, 5, 6, 6]
    assert ["Goal: raise" in page for page in pages] == [False] * GOAL_STAGE + [True, True]
    assert ["never sees" in page for page in pages] == [False] * LAST_STAGE + [True]
    assert all(EXPERIMENTER in page and "Dials: A, B, C, D, E." in page for page in pages)
    with pytest.raises(ValueError, match="shown_steps"):
        render_language_episode(rollout, worlds, target, EXPERIMENTER, shown_steps=LAST_STAGE + 1)


def test_outcome_is_worked_out_from_the_hidden_structure():
    worlds, target = chain_world()
    good = hand_rollout(worlds, target, GOOD_STEPS, "I set A to -5.")  # A -> B -> C with +1, -1: A to -5 raises C by 5
    outcome = episode_outcome(good, worlds.effects, target)
    assert outcome["model"] == pytest.approx(5.0) and outcome["best"] == pytest.approx(5.0)
    assert outcome["random"] == pytest.approx(0.0) and outcome["normalised"] == pytest.approx(1.0)
    assert outcome["best_action"] in (1, 3)  # A or B to -5
    wrong = episode_outcome(hand_rollout(worlds, target, GOOD_STEPS, "I set B to 5."), worlds.effects, target)
    assert wrong["model"] == pytest.approx(-5.0) and wrong["normalised"] == pytest.approx(-1.0)
    idle = episode_outcome(hand_rollout(worlds, target, GOOD_STEPS, "I set D to 5."), worlds.effects, target)
    assert idle["model"] == pytest.approx(0.0)  # D does not move C
    idle_down = hand_rollout(worlds, target, GOOD_STEPS, "I set D to -5.")
    assert "Normalised reward of this episode: <b>0.00</b>" in render_language_episode(  # never "-0.00"
        idle_down, worlds, target, EXPERIMENTER, draw_structure=False)
    page = render_language_episode(good, worlds, target, EXPERIMENTER)
    assert "Normalised reward of this episode: <b>1.00</b>" in page and 'src="data:image/png' in page
    assert "the model&#x27;s choice: set A to -5</td><td style='text-align: right; padding-left: 1em'>+5.0" in page
    plain = render_language_episode(good, worlds, target, EXPERIMENTER, draw_structure=False)
    assert "data:image/png" not in plain and "never sees" in plain


def test_an_unparsed_goal_earns_nothing_and_says_so():
    worlds, target = chain_world()
    rollout = hand_rollout(worlds, target, GOOD_STEPS, "I set C to 5.")  # the target itself: not allowed
    assert rollout.goal_action[0] == UNPARSED
    outcome = episode_outcome(rollout, worlds.effects, target)
    assert outcome["model"] == 0.0 and outcome["normalised"] == 0.0
    page = render_language_episode(rollout, worlds, target, EXPERIMENTER)
    assert html.escape(WASTED_GOAL, quote=True) in page and "nothing (its goal text did not parse)" in page
    fig = render_hidden_structure(worlds.weights[0], worlds.effects[0], 2, UNPARSED)
    assert "did not parse" in fig.axes[1].get_title()
    with pytest.raises(ValueError, match="model_action"):
        render_hidden_structure(worlds.weights[0], worlds.effects[0], 2, 4)  # C, the target itself


def test_model_text_and_header_are_escaped():
    worlds, target = chain_world()
    steps = ["<script>alert(1)</script>", *GOOD_STEPS[1:]]
    header = "<b>Notes</b> & <img src=x onerror=alert(1)>"
    rollout = hand_rollout(worlds, target, steps, "I set A to -5 because <i>it</i> did.", header=header)
    page = render_language_episode(rollout, worlds, target, header)
    assert "<script" not in page and "<b>Notes" not in page and "<img src=x" not in page and "<i>it" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert model_spans(page)[0] == "<script>alert(1)</script>"
    assert model_spans(page)[-1] == "I set A to -5 because <i>it</i> did."


def test_the_view_refuses_notes_it_did_not_write():
    worlds, target = chain_world()
    rollout = hand_rollout(worlds, target, GOOD_STEPS, "I set A to -5.")
    with pytest.raises(ValueError, match="header"):
        render_language_episode(rollout, worlds, target, HEADERS["observer"])
    with pytest.raises(ValueError, match="recap"):
        episode_texts(rollout, target, EXPERIMENTER, recap=False)
    with pytest.raises(TypeError, match="rollout"):
        render_language_episode("notes", worlds, target, EXPERIMENTER)
    with pytest.raises(ValueError, match="target"):
        render_language_episode(rollout, worlds, np.array([2, 3]), EXPERIMENTER)
    with pytest.raises(ValueError, match="episode"):
        episode_outcome(rollout, worlds.effects, target, episode=1)


def test_unknown_words_are_named(small_model):
    _, tokenizer = small_model
    assert unknown_words("Notes of an experimenter.", tokenizer) == ()
    assert unknown_words("Notes of a zebra, a zebra <bos>!", tokenizer) == ("zebra", "<bos>", "!")
    assert unknown_words(None, tokenizer) == ()
    with pytest.raises(TypeError, match="tokenizer"):
        unknown_words("Notes", "tokenizer")


def test_a_small_models_rollout_renders(small_model):
    model, tokenizer = small_model
    world = next_world(stream(0, "lm_demo"), "heldout")
    for header in (EXPERIMENTER, "Notes of a <zebra>", None):
        rollout = act_in_world(model, tokenizer, world, header)
        page = render_language_episode(rollout, world.worlds, world.target, header, tokenizer=tokenizer)
        assert model_spans(page) == [t if t.strip() else "(nothing)" for t in [*rollout.explore_texts[0], rollout.goal_texts[0]]]
        assert "never sees" in page and "<zebra>" not in page
        assert ("had never seen &lsquo;&lt;&rsquo;, &lsquo;zebra&rsquo;, &lsquo;&gt;&rsquo;" in page) == (header == "Notes of a <zebra>")
        assert ("no header" in page) == (header is None)


def test_same_world_same_noise_and_the_header_room_is_exact(small_model):
    model, tokenizer = small_model
    world = next_world(stream(3, "lm_demo"), "train")
    a = act_in_world(model, tokenizer, world, EXPERIMENTER)
    b = act_in_world(model, tokenizer, world, EXPERIMENTER)
    assert a.notes == b.notes  # greedy, same noise: the same episode
    c = act_in_world(model, tokenizer, world, "")
    assert clean_header("  ") is None and c.notes[0].startswith("Dials:")
    same = a.actions[0] == c.actions[0]
    np.testing.assert_array_equal(a.values[0][same], c.values[0][same])  # same action, same noise, same readings
    room = header_room(model, tokenizer)
    longest = act_in_world(model, tokenizer, world, " ".join(["tea"] * room))
    written = longest.notes[0][: len(longest.notes[0]) - len(longest.goal_texts[0])]
    assert len(tokenizer.encode(written, bos=True)) == model.config.context_length - GOAL_TOKENS
    with pytest.raises(ValueError, match="header must be at most"):
        act_in_world(model, tokenizer, world, " ".join(["tea"] * (room + 1)))


def test_worlds_come_from_the_demo_stream():
    first = [next_world(stream(0, "lm_demo"), "train") for _ in range(2)]
    np.testing.assert_array_equal(first[0].worlds.weights, first[1].worlds.weights)
    rng = stream(0, "lm_demo")
    a, b = next_world(rng, "train", 1), next_world(rng, "train", 2)
    assert not np.array_equal(a.worlds.weights, b.worlds.weights) or a.noise_seed != b.noise_seed
    critical = next_world(rng, "critical", 3)
    assert critical.target[0] == 1 and bool(is_critical(critical.worlds.effects, critical.target)[0])
    with pytest.raises(ValueError, match="split"):
        next_world(rng, "test")


def texts_of(box):
    return model_spans(box.output.value)


def test_widget_builds_headless_and_the_buttons_work(small_model):
    model, tokenizer = small_model
    box = language_agent_widget(model, tokenizer, seed=0)
    assert box.state["world"].number == 1 and texts_of(box) == [] and "press Step" in box.status.value
    box.step.click()
    assert len(texts_of(box)) == 1 and texts_of(box)[0] == box.state["rollout"].explore_texts[0][0]
    box.run_to_end.click()
    assert len(texts_of(box)) == 6 and "never sees" in box.output.value and "data:image/png" in box.output.value
    assert box.step.disabled
    first_world = box.state["world"]
    box.new_world.click()
    assert box.state["world"].number == 2 and texts_of(box) == [] and not box.step.disabled
    assert box.state["world"] is not first_world
    box.kind.value = "critical"
    assert box.state["world"].split == "critical" and box.state["world"].number == 3
    assert "critical" in box.output.value


def test_a_header_change_reruns_the_same_world(small_model):
    model, tokenizer = small_model
    box = language_agent_widget(model, tokenizer, seed=1)
    box.run_to_end.click()
    world, before = box.state["world"], box.state["rollout"]
    box.header.value = "Notes of an observer."
    after = box.state["rollout"]
    assert box.state["world"] is world and after is not before
    assert after.notes[0].startswith("Notes of an observer. Dials:")
    assert after.notes == act_in_world(model, tokenizer, world, "Notes of an observer.").notes
    assert box.state["stage"] == LAST_STAGE and "never sees" in box.output.value  # still at the same stage
    box.header.value = "Notes of a zebra <script>"
    assert "<script>" not in box.output.value and "had never seen &lsquo;zebra&rsquo;" in box.output.value
    assert box.state["rollout"].notes[0].startswith("Notes of a zebra <script> Dials:")
    box.header.value = "tea " * 100
    assert "shorten the header" in box.output.value and box.step.disabled  # no crash, a clear message
    box.header.value = ""
    assert box.state["rollout"].notes[0].startswith("Dials:") and "no header" in box.output.value


def test_widget_bad_input_gives_clear_errors(small_model):
    model, tokenizer = small_model
    with pytest.raises(ValueError, match="seed"):
        language_agent_widget(model, tokenizer, seed=-1)
    with pytest.raises(ValueError, match="split must be one of"):
        language_agent_widget(model, tokenizer, split="test")
    with pytest.raises(TypeError, match="header"):
        language_agent_widget(model, tokenizer, header=5)
    with pytest.raises(TypeError, match="model"):
        language_agent_widget("model", tokenizer)
    with pytest.raises(ValueError, match="header must be at most"):
        language_agent_widget(model, tokenizer, header="tea " * 100)
    with pytest.raises(TypeError, match="world"):
        act_in_world(model, tokenizer, "world")
    assert isinstance(next_world(stream(0, "lm_demo")), DemoWorld)
