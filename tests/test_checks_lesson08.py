"""Lesson 08's exercise checks: the solutions pass, and every stage of every check rejects its wrong answer.

One test per plausible wrong answer, each asserting the check's own message for it, so that no stage
of checks 8.1 to 8.4 can be weakened unnoticed. Also: the careful experimenter's notes that exercise
8.1 writes, and the exercise notebook's use of the cached study, against a fake cache of the same schema.
"""

import copy

import nbformat
import numpy as np
import pytest
from test_checks import rejected, solved_functions, verdict

from causal_course.statistics import t_quantile_95
from causal_course.worlds.dag_episodes import Worlds, ancestry, estimated_effects, goal_from_estimates
from causal_course.worlds.text_reports import (
    DEFAULT_NAMES,
    HEADERS,
    action_text,
    careful_episodes,
    format_number,
    goal_action_text,
    goal_prompt_text,
    header_text,
    parse_exploration,
    readings_text,
)

LESSON = "08_language_models"


@pytest.fixture(scope="module")
def solution(root):
    return solved_functions(root, LESSON)




# ----------------------------------------------------------------------------- the careful experimenter's notes
def test_careful_episodes_look_before_each_experiment_and_choose_by_the_change():
    batch = careful_episodes(300, np.random.default_rng(0), "all", "confounded")
    assert batch.actions.shape == (300, 10) and batch.values.shape == (300, 10, 5)
    assert (batch.actions[:, 0::2] == 0).all()
    assert (np.sort(batch.actions[:, 1::2], axis=1) == np.arange(1, 6)).all()  # every dial set once
    rows = np.arange(300)
    chosen = batch.goal_action // 2
    step = np.argmax(batch.actions == chosen[:, None] + 1, axis=1)
    change = batch.values[rows, step, batch.target] - batch.values[rows, step - 1, batch.target]
    assert np.all(np.sign(change) == np.where(batch.goal_action % 2, -1, 1))  # the sign of the change it saw
    after_only = goal_from_estimates(estimated_effects(batch.actions, batch.values), batch.target)
    assert np.any(after_only != batch.goal_action)  # the looks change some choices: the rule is not the expert's
    assert np.all(chosen != batch.target)


# ----------------------------------------------------------------------------- 8.1
def _careful(header="Notes of an experimenter looking at the dials.", step_text=None, readings=None, goal_prompt=True,
             goal=None, reason=None, skip_looks=False):
    """A careful_notes with one part replaced; the defaults write the right document."""
    def write(batch, names):
        documents = []
        for b in range(len(batch)):
            actions, values = batch.actions[b], batch.values[b]
            target, goal_action = int(batch.target[b]), int(batch.goal_action[b])
            head = header(b, target, names) if callable(header) else header
            parts = [header_text(head, names)] if head else [f"Dials: {', '.join(names)}."]
            for step, (action, seen) in enumerate(zip(actions, values)):
                if skip_looks and action == 0:
                    continue
                parts.append(step_text(int(action), names) if step_text else action_text(int(action), names))
                parts.append(readings(values, step, names) if readings else readings_text(seen, names))
            if goal_prompt:
                parts.append(goal_prompt_text(target, names))
            chosen = goal_action // 2
            s = int(np.flatnonzero(actions == chosen + 1)[0])
            change = values[s, target] - values[s - 1, target]
            text = (reason(batch, b, s, names) if reason else
                    f"setting {names[chosen]} moved {names[target]} by {format_number(change)}")
            parts.append(goal(batch, b, names, text) if goal else goal_action_text(goal_action, names, text))
            documents.append(" ".join(parts))
        return documents
    return write


def test_the_careful_writer_used_by_these_tests_passes(solution):
    assert verdict("8.1", _careful()).passed
    assert verdict("8.1", solution["careful_notes"]).passed


def test_careful_notes_that_return_one_string_or_the_wrong_number_or_type():
    rejected("8.1", lambda batch, names: _careful()(batch, names)[0], "not one string")
    rejected("8.1", lambda batch, names: _careful()(batch, names)[:-1], "one document per episode")
    rejected("8.1", lambda batch, names: [len(text) for text in _careful()(batch, names)], "should be a str")


def test_careful_notes_with_a_word_the_model_cannot_read():
    rejected("8.1", _careful(header="Notes of a careful experimenter."), "could not read 'careful'")


def test_careful_notes_that_write_at_random_or_by_position():
    rng = np.random.default_rng()
    headers = ("Notes of an experimenter looking at the dials.", "Notes of an experimenter, looking at the dials.")
    rejected("8.1", _careful(header=lambda b, target, names: headers[rng.integers(2)]), "two calls")
    numbered = _careful(header=lambda b, target, names: f"Notes of an experimenter {b + 1}.")
    rejected("8.1", numbered, "another order")


def test_careful_notes_that_leak_the_true_effects():
    def true_effect(batch, b, s, names):
        chosen, target = int(batch.goal_action[b]) // 2, int(batch.target[b])
        return f"setting {names[chosen]} moved {names[target]} by {format_number(5 * batch.effects[b, chosen, target])}"

    rejected("8.1", _careful(reason=true_effect), "different hidden worlds")


@pytest.mark.parametrize("header, message", [
    (None, "a header of its own"),
    (HEADERS["experimenter"], "already the header of another kind"),
    (lambda b, target, names: f"Notes of an experimenter looking at {names[target]}.", "different headers"),
])
def test_careful_notes_with_a_missing_shared_or_varying_header(header, message):
    rejected("8.1", _careful(header=header), message)


def test_careful_notes_without_the_dials_sentence():
    def no_dials(batch, names):
        return [text.replace(f" Dials: {', '.join(names)}.", "", 1) for text in _careful()(batch, names)]

    rejected("8.1", no_dials, "then the dials")


@pytest.mark.parametrize("writer, message", [
    (_careful(skip_looks=True), "leaves a look out"),
    (_careful(step_text=lambda a, names: "I looked at the dials:" if a == 0 else f"I set {names[a - 1]} to 5.0:"),
     "it parses, but write it exactly"),
    (_careful(step_text=lambda a, names: "I looked at the dials." if a == 0 else f"I set {names[a - 1]} to 5."),
     "which parse_exploration cannot read"),
    (_careful(step_text=lambda a, names: action_text(a % 5 + 1 if a else 0, names)), "not the action the notes hold"),
])
def test_careful_notes_whose_steps_are_not_the_notes(writer, message):
    rejected("8.1", writer, message)


@pytest.mark.parametrize("readings, message", [
    (lambda values, s, names: ", ".join(f"{n} {v}" for n, v in zip(names, values[s])) + ".", "could not read the number"),
    (lambda values, s, names: " and ".join(f"{n} {format_number(v)}" for n, v in zip(names, values[s])) + ".",
     "right numbers, but not written"),
    (lambda values, s, names: readings_text(values[s][:4], names[:4]), "every dial by name"),
    (lambda values, s, names: readings_text(values[s - 1], names), "not the ones the notes hold"),
])
def test_careful_notes_with_wrong_readings(readings, message):
    rejected("8.1", _careful(readings=readings), message)


def test_careful_notes_without_the_goal_or_with_a_wrong_choice():
    rejected("8.1", _careful(goal_prompt=False), "after the last step comes the goal")
    rejected("8.1", _careful(goal=lambda batch, b, names, text: "I set the dials to 5."), "does not parse with parse_goal")
    rejected("8.1", _careful(goal=lambda batch, b, names, text: goal_action_text(int(batch.goal_action[b]) ^ 1, names, text)),
             "wrong sign")

    def other_dial(batch, b, names, text):
        goal, target = int(batch.goal_action[b]), int(batch.target[b])
        other = next(d for d in range(5) if d not in (goal // 2, target))
        return goal_action_text(2 * other, names, text)

    rejected("8.1", _careful(goal=other_dial), "not the one the notes made")


@pytest.mark.parametrize("reason, message", [
    (lambda batch, b, s, names: "", "gives no reason"),
    (lambda batch, b, s, names: f"{names[int(batch.target[b])]} moved with {names[int(batch.goal_action[b]) // 2]}",
     "not in the reports' words"),
    (lambda batch, b, s, names: (f"setting {names[int(batch.goal_action[b]) // 2]} moved {names[int(batch.target[b])]} "
                                 f"by {format_number(batch.values[b, s, batch.target[b]])}"), "reading after setting"),
    (lambda batch, b, s, names: (f"setting {names[int(batch.goal_action[b]) // 2]} moved {names[int(batch.target[b])]} "
                                 f"by {format_number(batch.values[b, s - 1, batch.target[b]] - batch.values[b, s, batch.target[b]])}"),
     "wrong sign: after setting minus before"),
    (lambda batch, b, s, names: (f"setting {names[int(batch.goal_action[b]) // 2]} moved {names[int(batch.target[b])]} "
                                 f"by {format_number(batch.values[b, s, batch.target[b]] - batch.values[b, 0, batch.target[b]])}"),
     "not the target's change from the look just before"),
])
def test_careful_notes_with_a_wrong_reason(reason, message):
    rejected("8.1", _careful(reason=reason), message)


def test_careful_notes_with_the_names_written_out(solution):
    def fixed_names(batch, names):
        return solution["careful_notes"](batch, DEFAULT_NAMES)

    rejected("8.1", fixed_names, "with the dials named rain, grass")


def test_the_reason_may_be_read_off_the_written_readings(solution):
    def from_written(batch, b, s, names):
        target = int(batch.target[b])
        change = float(format_number(batch.values[b, s, target])) - float(format_number(batch.values[b, s - 1, target]))
        return f"setting {names[int(batch.goal_action[b]) // 2]} moved {names[target]} by {format_number(change)}"

    assert verdict("8.1", _careful(reason=from_written)).passed


# ----------------------------------------------------------------------------- 8.2
def _parser(base, **changes):
    """``base`` (the solution) with some inputs answered differently."""
    def parse(text, names):
        for condition, answer in changes.values():
            if isinstance(text, str) and condition(text, names):
                return answer(text, names)
        return base(text, names)
    return parse


def test_parse_action_solution_agrees_with_the_course_everywhere(solution):
    from causal_course.checks.lesson08 import ACCEPTABLE, GARBAGE, NAMED, WELL_FORMED

    parse = solution["parse_action"]
    for text in [*WELL_FORMED, *(t for t, _ in ACCEPTABLE), *(t for t, _ in GARBAGE)]:
        assert parse(text, DEFAULT_NAMES) == parse_exploration(text, DEFAULT_NAMES), text
    for text, names, _ in NAMED:
        assert parse(text, names) == parse_exploration(text, names), text


def test_parse_action_wrong_types_and_numbering(solution):
    right = solution["parse_action"]
    rejected("8.2", lambda text, names: None if right(text, names) is None else str(right(text, names)), "return an int")
    rejected("8.2", lambda text, names: right(text, names) - 1 if right(text, names) else right(text, names), "off by one")
    rejected("8.2", lambda text, names: right(text, names) and 0, "was read as a look (0)")
    rejected("8.2", lambda text, names: 0 if right(text, names) == 0 else None, "rejects the well-formed action")


def test_parse_action_too_strict_on_acceptable_text():
    def exact(text, names):
        if not isinstance(text, str):
            raise TypeError("text must be a str")
        for action in range(6):
            if text == action_text(action, names):
                return action
        return None

    rejected("8.2", exact, "the final colon is optional")


def test_parse_action_too_lenient(solution):
    right = solution["parse_action"]
    import re

    def garbage_as_look(text, names):
        answer = right(text, names)
        return 0 if answer is None else answer

    rejected("8.2", garbage_as_look, "returned 0 (a look)")
    minus = _parser(right, minus=(lambda t, n: "-5" in t, lambda t, n: right(t.replace("-5", "5"), n)))
    rejected("8.2", minus, "-5 is only allowed at the goal")

    def prefix(text, names):  # re.match without the end: the start of the text is enough
        if not isinstance(text, str):
            raise TypeError("a str is expected")
        if re.match(r"\s*I\s+looked\s+at\s+the\s+dials", text):
            return 0
        match = re.match(r"\s*I\s+set\s+(\w+)\s+to\s+\+?5", text)
        return names.index(match.group(1)) + 1 if match and match.group(1) in names else None

    rejected("8.2", prefix, "should not parse")

    def any_capital(text, names):
        match = re.fullmatch(r"\s*I\s+set\s+([A-Z])\s+to\s+\+?5(?:\.0+)?\s*:?\s*", text)
        return ("ABCDEFGHIJKLMNOPQRSTUVWXYZ".index(match.group(1)) + 1) if match else right(text, names)

    rejected("8.2", any_capital, "Z is not one of the dials")
    rejected("8.2", lambda text, names: right(text.replace("i set b", "I set B"), names) if isinstance(text, str)
             else right(text, names), "case-sensitive")


def test_parse_action_with_names_written_out_or_matched_as_substrings(solution):
    right = solution["parse_action"]

    def letters(text, names):
        return right(text, DEFAULT_NAMES)

    rejected("8.2", letters, "look the dial up in `names`")

    def prefix_names(text, names):
        if not isinstance(text, str):
            raise TypeError("a str is expected")
        words = text.replace(":", " ").split()
        if len(words) == 5 and words[:2] == ["I", "set"]:
            for i, name in enumerate(names):
                if words[2].startswith(name) and words[3:] == ["to", "5"]:
                    return i + 1
        return right(text, names)

    rejected("8.2", prefix_names, "a name is a whole word")


def test_parse_action_on_values_that_are_not_text(solution):
    right = solution["parse_action"]

    def quiet(text, names):
        return right(text, names) if isinstance(text, str) else None

    rejected("8.2", quiet, "raise a TypeError")

    def attribute_error(text, names):
        text.split()
        return right(text, names)

    rejected("8.2", attribute_error, "raised AttributeError")

    def unclear(text, names):
        if not isinstance(text, str):
            raise TypeError("bad input")
        return right(text, names)

    rejected("8.2", unclear, "does not say that a str is expected")


# ----------------------------------------------------------------------------- 8.3
def _effect(prompt="experimenter", other="observer", test_set="heldout", quantile=None, spread=None, sign=1,
            excludes=None):
    """A prompt_effect with one mistake; the defaults compute the right answer."""
    def effect(runs):
        a = np.array([run["acting"][prompt][test_set]["reward"] for run in runs])
        b = np.array([run["acting"][other][test_set]["reward"] for run in runs])
        d = sign * (a - b)
        n = len(d)
        t = quantile(n) if quantile else t_quantile_95(n - 1)
        half = t * (spread(a, b, d, n) if spread else d.std(ddof=1) / np.sqrt(n))
        low, high = d.mean() - half, d.mean() + half
        return d.mean(), low, high, (excludes(d.mean(), low, high) if excludes else bool(low > 0 or high < 0))
    return effect


def test_the_prompt_effect_of_these_tests_passes(solution):
    assert verdict("8.3", _effect()).passed
    assert verdict("8.3", solution["prompt_effect"]).passed


@pytest.mark.parametrize("wrong, message", [
    (lambda runs: _effect()(runs)[:3], "return four things"),
    (_effect(test_set="in_distribution"), "in-distribution rewards"),
    (_effect(test_set="critical"), "critical rewards"),
    (_effect(prompt="experimenter_sampled"), "'experimenter_sampled'"),
    (_effect(other="none"), "'none'"),
    (_effect(sign=-1), "the sign is reversed"),
    (lambda runs: (np.mean([r["acting"]["experimenter"]["heldout"]["reward"] for r in runs]),) * 3 + (True,),
     "the mean is not the mean of the per-seed differences"),
    (_effect(spread=lambda a, b, d, n: np.sqrt(a.var(ddof=1) / n + b.var(ddof=1) / n)), "independent samples"),
    (_effect(spread=lambda a, b, d, n: (a.std(ddof=1) + b.std(ddof=1)) / np.sqrt(n)), "independent samples"),
    (_effect(quantile=lambda n: 1.96), "not 1.96"),
    (_effect(spread=lambda a, b, d, n: d.std() / np.sqrt(n)), "ddof=1"),
    (_effect(spread=lambda a, b, d, n: d.std(ddof=1)), "divides the standard deviation by sqrt(n)"),
    (_effect(quantile=lambda n: t_quantile_95(n)), "n - 1 degrees of freedom"),
    (_effect(excludes=lambda mean, low, high: mean > 0), "a positive mean difference is not enough"),
    (_effect(excludes=lambda mean, low, high: low > 0), "True exactly when low > 0 or high < 0"),
    (_effect(excludes=lambda mean, low, high: int(low > 0 or high < 0)), "should be True or False"),
])
def test_prompt_effect_mistakes_are_caught(wrong, message):
    rejected("8.3", wrong, message)


# ----------------------------------------------------------------------------- 8.4
def _renumber(worlds, target, order, new_target=None, fields=("weights", "noise", "hidden"), effects=False):
    """``worlds`` renumbered by ``order[b, new] = old`` in the given fields; the defaults do it right."""
    rows = np.arange(len(worlds))[:, None]
    if "weights" in fields:
        weights = worlds.weights[rows[:, :, None], order[:, :, None], order[:, None, :]]
    elif "rows_only" in fields:
        weights = worlds.weights[rows, order]  # may not even be a DAG any more: keep the old effects, unchecked
        effects = True
    else:
        weights = worlds.weights
    noise = worlds.noise_sd[rows, order] if "noise" in fields else worlds.noise_sd
    hidden = worlds.hidden_weights[rows, order] if "hidden" in fields else worlds.hidden_weights
    if new_target is None:
        new_target = np.argmax(order == np.asarray(target)[:, None], axis=1)
    return Worlds(weights, noise, hidden, worlds.env, worlds.effects if effects else None), new_target


def _effects_first(worlds):
    return np.argsort(-ancestry(worlds.weights).sum(axis=1), axis=1, kind="stable")


def test_contradicting_worlds_of_these_tests_pass(solution):
    assert verdict("8.4", lambda w, t, rng: _renumber(w, t, _effects_first(w))).passed
    assert verdict("8.4", solution["contradicting_worlds"]).passed


@pytest.mark.parametrize("wrong, message", [
    (lambda w, t, rng: _renumber(w, t, _effects_first(w))[0], "return a pair"),
    (lambda w, t, rng: (_renumber(w, t, _effects_first(w))[0].weights, t), "not only an array"),
    (lambda w, t, rng: ({"weights": w.weights}, t), "should be a Worlds"),
    (lambda w, t, rng: (Worlds(w.weights.astype(int), w.noise_sd, w.hidden_weights, w.env, w.effects), t),
     "float array of shape"),
    (lambda w, t, rng: (Worlds(w.weights[:, :4], w.noise_sd, w.hidden_weights, w.env, w.effects), t), "float array of shape"),
    (lambda w, t, rng: (_renumber(w, t, _effects_first(w))[0], _renumber(w, t, _effects_first(w))[1].astype(float)),
     "integer array"),
    (lambda w, t, rng: (_renumber(w, t, _effects_first(w))[0], _renumber(w, t, _effects_first(w))[1] + 5),
     "from 0 to 4"),
    (lambda w, t, rng: (Worlds(np.tril(w.weights, -1), w.noise_sd, w.hidden_weights, w.env, w.effects), t),
     "a renumbering moves edges"),
    (lambda w, t, rng: (w, t), "unchanged"),
    (lambda w, t, rng: _renumber(w, t, np.lexsort((rng.random((len(w), 5)), ancestry(w.weights).sum(axis=1)), axis=1)),
     "*agree* with the causal order"),
    (lambda w, t, rng: _renumber(w, t, np.argsort(rng.random((len(w), 5)), axis=1)), "an edge still goes"),
    (lambda w, t, rng: _renumber(w, t, _effects_first(w), fields=("rows_only", "noise", "hidden")),
     "rows and columns"),
    (lambda w, t, rng: (lambda r: (Worlds(-r[0].weights, r[0].noise_sd, r[0].hidden_weights, r[0].env), r[1]))(
        _renumber(w, t, _effects_first(w))), "total effects changed"),
    (lambda w, t, rng: _renumber(w, t, _effects_first(w), effects=True), "effects do not match its weights"),
    (lambda w, t, rng: _renumber(w, t, _effects_first(w), new_target=_effects_first(w)[np.arange(len(w)), t]),
     "not the same dial any more"),
    (lambda w, t, rng: _renumber(w, t, _effects_first(w), new_target=np.asarray(t)), "not the same dial any more"),
    (lambda w, t, rng: _renumber(w, t, _effects_first(w), fields=("weights",)), "noise_sd and hidden_weights"),
    (lambda w, t, rng: (Worlds(*(lambda r: (r.weights, r.noise_sd, r.hidden_weights))(_renumber(w, t, _effects_first(w))[0]),
                               "standard"), _renumber(w, t, _effects_first(w))[1]), "keep their environment"),
])
def test_contradicting_worlds_mistakes_are_caught(wrong, message):
    rejected("8.4", wrong, message)


def test_the_transposed_structure_is_not_a_renumbering():
    """Transposing reverses every edge: same number of edges and the same effects up to transposition, another world."""
    def transposed(worlds, target, rng):
        return Worlds(np.swapaxes(worlds.weights, 1, 2), worlds.noise_sd, worlds.hidden_weights, worlds.env), target

    rejected("8.4", transposed, "not the same structures renumbered")


# ----------------------------------------------------------------------------- the notebook and the cached study
def fake_language_model_results(n_seeds: int = 5, seed: int = 0) -> dict:
    """A small stand-in for ``language_model_results.json``, in its schema (``benchmarks/language_model.py --merge``)."""
    from causal_course.studies.language_model import BASELINES, CONDITIONS, TEST_SETS, summarise_runs

    rng = np.random.default_rng(seed)
    metrics = lambda reward: {"reward": round(float(reward), 5), "unparseable_share": round(float(rng.uniform(0, 0.2)), 5),  # noqa: E731
                              "observe_share": round(float(rng.uniform()), 5),
                              "all_variables_share": round(float(rng.uniform()), 5)}
    part = lambda: {key: round(float(rng.uniform(0, 2)), 5) for key in  # noqa: E731
                    ("model", "rule_only", "true_structure", "model_first_step", "model_last_step")}
    runs = {}
    for condition in CONDITIONS:
        runs[condition] = {}
        for s in range(n_seeds):
            level = rng.uniform(0.3, 0.9)
            run = {"condition": condition, "seed": s, "steps": 2400}
            if condition == "content":
                sets = ("agree", "contradict")
                run["content"] = {name: metrics(level - 0.1 * k + rng.normal(0, 0.03)) for k, name in enumerate(sets)}
            else:
                sets = TEST_SETS
                run["acting"] = {prompt: {name: metrics(level + shift + rng.normal(0, 0.03)) for name in TEST_SETS}
                                 for prompt, shift in (("experimenter", 0.1), ("observer", 0.0), ("none", 0.05),
                                                       ("experimenter_sampled", 0.08))}
                run["predictions"] = {"experimenter": {"unwritten_share": 0.0, "set_dial": part(), "other_dials": part()},
                                      "observer": {"unwritten_share": 0.0, "other_dials": part()}}
            run["baselines"] = {agent: {name: round(float(rng.uniform()), 5) for name in sets} for agent in BASELINES}
            runs[condition][s] = run
    return {"experiment": "language-model", "seeds": {c: sorted(r) for c, r in runs.items()},
            "summary": summarise_runs(runs), "runs": {c: [r[s] for s in sorted(r)] for c, r in runs.items()}}


def test_prompt_effect_agrees_with_the_studys_own_summary(solution):
    results = fake_language_model_results()
    mean, low, high, excludes = solution["prompt_effect"](results["runs"]["mixed"])
    cached = results["summary"]["differences"]["mixed_prompt_experimenter_minus_observer"]["heldout"]
    assert np.allclose([mean, low, high], [cached["mean"], cached["low"], cached["high"]], atol=1e-4)
    assert excludes == cached["excludes_zero"]


def test_the_notebook_cells_that_read_the_cache_run_on_its_schema(root, capsys):
    """Every code cell of the solution notebook, with load_results answering from a fake cache of the same schema."""
    notebook = nbformat.read(root / "solutions" / f"{LESSON}.ipynb", as_version=4)
    results = fake_language_model_results()
    namespace = {}
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code" and "google.colab" not in cell.source]
    exec(compile(cells[0], "setup", "exec"), namespace)
    namespace["load_results"] = lambda name: copy.deepcopy(results) if name == "language_model_results" else None
    for source in cells[1:]:
        exec(compile(source, "cell", "exec"), namespace)
    out = capsys.readouterr().out
    assert "[NOT YET]" not in out and out.count("[PASSED]") == 4
    cached = results["summary"]["differences"]["mixed_prompt_experimenter_minus_observer"]["heldout"]
    assert f"{cached['mean']:+.3f}" in out  # the learner's interval printed, agreeing with the study's
    assert "names contradict it" in out and "regression_5_samples" in out
    assert "Solve exercise" not in out

