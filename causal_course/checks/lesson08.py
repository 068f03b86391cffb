"""Checks for the graded exercises of lesson 08 (*Language models as passive learners*)."""

from __future__ import annotations

import copy
import itertools
import re

import numpy as np

from causal_course.checks import CheckFailed, CheckResult, Exercise, as_number
from causal_course.checks.intervals import paired_interval_mistake

LESSON = "08_language_models"
OTHER_NAMES = ("rain", "grass", "path", "shoes", "floor")  # the content condition's dial names
_PIECE = re.compile(r"<(?:pad|unk|bos|eos)>|-?\d+(?:\.\d+)?|[A-Za-z]+|\S")  # how the tokenizer cuts text
_NUMBER = r"-?\d+(?:\.\d+)?"


def _short(text: str, limit: int = 90) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


# --------------------------------------------------------------------------------- 8.1
def _documents(careful_notes, batch, names, what: str) -> list:
    """The student's documents for a fresh copy of ``batch``, as a list of strings (one per episode)."""
    texts = careful_notes(copy.deepcopy(batch), tuple(names))
    if isinstance(texts, str):
        raise CheckFailed(f"{what}: return one document per episode (a list of strings), not one string.")
    if isinstance(texts, np.ndarray):
        texts = texts.tolist()
    if not isinstance(texts, (list, tuple)) or len(texts) != len(batch):
        got = f"{len(texts)} items" if isinstance(texts, (list, tuple)) else type(texts).__name__
        raise CheckFailed(f"{what}: return a list with one document per episode ({len(batch)} here), got {got}.")
    bad = [type(text).__name__ for text in texts if not isinstance(text, str)]
    if bad:
        raise CheckFailed(f"{what}: every document should be a str, got a {bad[0]}.")
    return list(texts)


def _unknown_words(texts, names) -> None:
    from causal_course.learners.tokenizer import UNK, Tokenizer

    tokenizer = Tokenizer.for_reports(names)
    for text in texts:
        if UNK not in tokenizer.tokens(text):
            continue
        unknown = [piece for piece in _PIECE.findall(text) if UNK in tokenizer.tokens(piece)]
        if re.fullmatch(_NUMBER, unknown[0]):
            raise CheckFailed(f"the model could not read the number {unknown[0]!r}: the tokenizer has tokens for "
                              f"whole numbers up to {tokenizer.max_integer} and {tokenizer.decimals} decimal, so it "
                              "would see <unk>. Hint: write readings as the reports do, with format_number (or "
                              "readings_text for a whole step).")
        raise CheckFailed(f"the model could not read {unknown[0]!r}: it is not in the vocabulary of the course's "
                          "tokenizer (Tokenizer.for_reports(names)), so the model would see <unk> there. Hint: write "
                          "only with the words of the reports (tokenizer.words), the dial names and numbers.")


def _change(values, step: int, target: int) -> tuple[str, str]:
    """The target's change from the look before ``step`` to ``step``, as written from the raw or the written readings."""
    from causal_course.worlds.text_reports import format_number

    after, before = values[step, target], values[step - 1, target]
    written = float(format_number(after)) - float(format_number(before))
    return format_number(after - before), format_number(written)


def _judge_document(text: str, batch, b: int, names, header: str) -> None:
    """Raise CheckFailed at the first part of document ``b`` that is not the careful experimenter's notes."""
    from causal_course.studies.language_model import parse_readings
    from causal_course.worlds.text_reports import (
        action_text,
        format_number,
        goal_action_text,
        goal_prompt_text,
        header_text,
        parse_exploration,
        parse_goal,
        readings_text,
    )

    actions, values = batch.actions[b], batch.values[b]
    target, goal = int(batch.target[b]), int(batch.goal_action[b])
    rest = text[len(header_text(header, names)):]
    for step, (action, seen) in enumerate(zip(actions, values)):
        expected = " " + action_text(int(action), names) + " "
        if not rest.startswith(expected):
            written = re.match(r"\s*([^:]*:?)", rest).group(1)
            parsed = parse_exploration(written, names)
            if parsed is None:
                raise CheckFailed(f"step {step + 1} of an episode is written {_short(written)}, which "
                                  "parse_exploration cannot read. Hint: write each action with action_text(action, "
                                  "names), followed by one space and the readings.")
            if action == 0 and parsed != 0:
                raise CheckFailed("the careful experimenter looks at the dials before each experiment, and your "
                                  "document leaves a look out. Hint: write every step of batch.actions (looks are "
                                  "action 0), each followed by its readings.")
            if parsed == action:
                raise CheckFailed(f"step {step + 1} is written {_short(written)}: it parses, but write it exactly as "
                                  "the reports do (action_text(action, names)), so that every document of the kind "
                                  "has the same form.")
            raise CheckFailed(f"step {step + 1} is not the action the notes hold. Hint: write the steps of "
                              "batch.actions[b] in their order.")
        rest = rest[len(expected) - 1:]
        readings = readings_text(seen, names)
        if not rest.startswith(" " + readings):
            end = re.search(r"\.(?=\s+(?:I|Goal)\b)|\.\s*$", rest)
            written = rest[:end.end()].strip() if end else rest.strip()
            parsed = parse_readings(written, names)
            if np.isnan(parsed).any():
                raise CheckFailed(f"the readings after step {step + 1} are written {_short(written)}; the course writes "
                                  "every dial by name in the names' order, 'A 0.1, B 5.0, C 4.9, D -5.1, E 0.0.' "
                                  "Hint: readings_text(values[step], names).")
            if np.allclose(parsed, seen, atol=0.05 + 1e-9):
                raise CheckFailed(f"the readings after step {step + 1} are the right numbers, but not written as the "
                                  "reports write them (one decimal, ', ' between dials, a full stop). Hint: "
                                  "readings_text(values[step], names).")
            raise CheckFailed(f"the readings after step {step + 1} are not the ones the notes hold for that step. "
                              "Hint: batch.values[b][step] is what the dials showed after step `step`.")
        rest = rest[len(readings) + 1:]
    goal_prompt = " " + goal_prompt_text(target, names) + " "
    if not rest.startswith(goal_prompt):
        raise CheckFailed("after the last step comes the goal, as the world states it ('Goal: raise D.'). Hint: "
                          "goal_prompt_text(target, names).")
    sentence = rest[len(goal_prompt):]
    parsed = parse_goal(sentence, target, names)
    if parsed is None:
        raise CheckFailed(f"the goal choice {_short(sentence)} does not parse with parse_goal. Hint: "
                          "goal_action_text(goal_action, names, reason) writes 'I set B to -5 because ....'")
    if parsed != goal:
        if parsed == goal ^ 1:
            raise CheckFailed("the goal choice has the wrong sign: an odd goal action sets its dial to -5, an even one "
                              "to +5.")
        raise CheckFailed("the goal choice is not the one the notes made (batch.goal_action[b]: dial "
                          "goal_action // 2, sign from goal_action % 2).")
    variable = goal // 2
    prefix = goal_action_text(goal, names)[:-1] + f" because setting {names[variable]} moved {names[target]} by "
    match = re.fullmatch(re.escape(prefix) + f"({_NUMBER})" + r"\.", sentence)
    if match is None:
        if " because " not in sentence:
            raise CheckFailed("the goal choice gives no reason. The careful experimenter says what its experiment "
                              "showed: '... because setting B moved D by -5.1.' (reason= in goal_action_text).")
        raise CheckFailed(f"the reason {_short(sentence)} is not in the reports' words and order: 'I set B to -5 "
                          "because setting B moved D by -5.1.', naming the chosen dial and the target.")
    step = int(np.flatnonzero(actions == variable + 1)[0])
    if match.group(1) not in _change(values, step, target):
        if match.group(1) == format_number(values[step, target]):
            raise CheckFailed("the reason gives the target's reading after setting the dial. The careful "
                              "experimenter reports the *change*: that reading minus the target's reading in the "
                              "look just before.")
        if match.group(1) in (format_number(values[step - 1, target] - values[step, target]),):
            raise CheckFailed("the change has the wrong sign: after setting minus before (the look just before).")
        raise CheckFailed("the number in the reason is not the target's change from the look just before the "
                          "experiment on the chosen dial to that experiment. Hint: find the step that set the chosen "
                          "dial, and subtract the target's reading one step earlier.")


def _judge_documents(texts, batch, names) -> None:
    from causal_course.worlds.text_reports import HEADERS

    dials = f"Dials: {', '.join(names)}."
    headers = set()
    for text in texts:
        if text.startswith("Dials:"):
            raise CheckFailed("a new kind of document needs a header of its own before the dials (like 'Notes of an "
                              "observer.'): without one, a prompt could not ask the model for this kind.")
        position = text.find(" " + dials)
        if position <= 0:
            raise CheckFailed(f"each document starts with its header, then the dials: '<header> {dials}'. Hint: "
                              "header_text(header, names).")
        headers.add(text[:position])
    if len(headers) > 1:
        raise CheckFailed("the documents have different headers; one kind of document has one header, so that "
                          "a prompt (the header) can ask for it.")
    header = headers.pop()
    if header in HEADERS.values():
        raise CheckFailed(f"{header!r} is already the header of another kind of document: a model trained on both "
                          "could not be asked for the careful experimenter. Choose a header of its own.")
    for b, text in enumerate(texts):
        _judge_document(text, batch, b, names, header)


def _same_notes_other_structures(batch, rng):
    from causal_course.worlds.dag_episodes import EpisodeBatch, random_dag_weights, random_worlds

    worlds = random_worlds(random_dag_weights(len(batch), rng), rng, "confounded")
    return EpisodeBatch(worlds.weights, worlds.effects, batch.target.copy(), batch.actions.copy(),
                        batch.values.copy(), batch.goal_action.copy(), worlds)


def check_careful_notes(careful_notes) -> CheckResult:
    from causal_course.worlds.text_reports import DEFAULT_NAMES, careful_episodes

    rng = np.random.default_rng(81)
    batch = careful_episodes(40, rng, "all")
    texts = _documents(careful_notes, batch, DEFAULT_NAMES, "careful_notes(batch, names)")
    _unknown_words(texts, DEFAULT_NAMES)
    if _documents(careful_notes, batch, DEFAULT_NAMES, "careful_notes") != texts:
        raise CheckFailed("the same notes gave different documents on two calls. A document is a function of its "
                          "notes: no random choices (and no global random state) while writing.")
    reverse = np.arange(len(batch))[::-1]
    if _documents(careful_notes, batch[reverse], DEFAULT_NAMES, "careful_notes") != texts[::-1]:
        raise CheckFailed("an episode's document changed when the batch was put in another order. Each document "
                          "must depend only on its own episode's notes, not on its position or on other episodes.")
    other = _same_notes_other_structures(batch, rng)
    if _documents(careful_notes, other, DEFAULT_NAMES, "careful_notes") != texts:
        raise CheckFailed("two batches with the same notes but different hidden worlds (weights, total effects, "
                          "noise) gave different documents: your text writes something the notes do not hold. A "
                          "report may use only batch.actions, batch.values, batch.target and batch.goal_action.")
    _judge_documents(texts, batch, DEFAULT_NAMES)
    texts = _documents(careful_notes, batch, OTHER_NAMES, f"careful_notes(batch, {OTHER_NAMES})")
    try:
        _unknown_words(texts, OTHER_NAMES)
        _judge_documents(texts, batch, OTHER_NAMES)
    except CheckFailed as failure:
        raise CheckFailed(f"with the dials named {', '.join(OTHER_NAMES)}: {failure} Hint: write the names you "
                          "are given (names[i]), never 'A' to 'E' themselves.") from None
    return CheckResult(True, "your careful experimenter's notes hold every look, setting and reading, a reason the "
                             "notes justify, nothing hidden, and only words the model can read.")


# --------------------------------------------------------------------------------- 8.2
WELL_FORMED = ("I set B to 5:", "I looked at the dials:", "I set A to 5:", "I set E to 5:")
ACCEPTABLE = (  # (text, the course's rule that makes it acceptable)
    ("I set C to 5", "the final colon is optional"),
    ("I looked at the dials", "the final colon is optional"),
    ("  I set D to 5:  ", "spaces around the action are allowed"),
    ("I  set   B to 5 :", "several spaces between words, and before the colon, are allowed"),
    (" I looked  at the dials :", "several spaces between words, and before the colon, are allowed"),
    ("I set B to +5:", "+5 is 5"),
    ("I set B to 5.0:", "5.0 is 5"),
    ("I set B to 5.00:", "5.00 is 5 too (any number of zeros after the point)"),
)
GARBAGE = (  # (text, why it is not an exploration action)
    ("", "empty text is no action"),
    ("5", "a number alone is no action"),
    ("-5.1", "a number alone is no action"),
    ("<unk>", "a token the model could not name is no action"),
    ("I set Z to 5:", "Z is not one of the dials in `names`"),
    ("I set B to -5:", "-5 is only allowed at the goal; while exploring a dial is set to 5"),
    ("I set B to 50:", "the value must be 5 (or 5.0, +5)"),
    ("I set B to 5.5:", "the value must be 5 (or 5.0, +5)"),
    ("I set B to 5.", "a full stop ends a goal action; an exploration action ends with a colon (or nothing)"),
    ("I set B to 5: A 0.1, B 5.0", "the whole text must be the action, with nothing after it"),
    ("I set B to 5: I set C to 5:", "two actions at once are no action"),
    ("I looked at the dials: A 0.1", "the whole text must be the action, with nothing after it"),
    ("I set <unk> to 5:", "<unk> is not a dial"),
    ("I set the dials to 5:", "'the dials' is not a dial"),
    ("i set b to 5:", "words and dial names are case-sensitive ('b' is not dial 'B')"),
    ("I set B and C to 5:", "one dial per action"),
    ("I looked at the dial:", "the look is written 'I looked at the dials:'"),
    ("set B to 5:", "the action starts with 'I'"),
    ("I set B to 5 " * 300, "very long text is no action"),
)
NAMED = (  # (text, names, why), with the content condition's names
    ("I set grass to 5:", OTHER_NAMES, None),
    ("I set rainy to 5:", OTHER_NAMES, "'rainy' is not the dial 'rain': a name is a whole word"),
    ("I set B to 5:", OTHER_NAMES, "B is not one of these dials"),
    ("I set rain to 5:", ("A", "B", "C", "D", "E"), "'rain' is not one of the dials A to E"),
)
NOT_TEXT = (None, 5, b"I set B to 5:", ["I set B to 5:"])


def _action(parse_action, text, names):
    answer = parse_action(text, tuple(names))
    if answer is None:
        return None
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, np.integer)):
        raise CheckFailed(f"parse_action({_short(text)}) returned a {type(answer).__name__}; return an int (0 for a "
                          "look, i + 1 for setting dial i) or None when the text does not parse.")
    return int(answer)


def _describe(action) -> str:
    return "None (no action)" if action is None else ("a look (0)" if action == 0 else f"setting dial {action - 1}")


def check_parse_action(parse_action) -> CheckResult:
    from causal_course.worlds.text_reports import DEFAULT_NAMES, parse_exploration

    for text in WELL_FORMED:
        truth, answer = parse_exploration(text, DEFAULT_NAMES), _action(parse_action, text, DEFAULT_NAMES)
        if answer == truth:
            continue
        if answer is None:
            raise CheckFailed(f"your parser rejects the well-formed action {_short(text)}.")
        if truth > 0 and answer == truth - 1:
            raise CheckFailed("off by one: setting dial i is action i + 1, as in lesson 03 (action 0 is the look). "
                              "Hint: names.index(name) + 1.")
        raise CheckFailed(f"{_short(text)} was read as {_describe(answer)}.")
    for text, rule in ACCEPTABLE:
        truth, answer = parse_exploration(text, DEFAULT_NAMES), _action(parse_action, text, DEFAULT_NAMES)
        if answer != truth:
            raise CheckFailed(f"{_short(text)} is a sloppy but acceptable action under the course's rule ({rule}); "
                              f"your parser read it as {_describe(answer)}.")
    for text, why in GARBAGE:
        truth, answer = parse_exploration(text, DEFAULT_NAMES), _action(parse_action, text, DEFAULT_NAMES)
        if answer == truth:
            continue
        if answer == 0 and not text.strip().startswith("I looked"):
            raise CheckFailed(f"{_short(text)} does not parse, and your parser returned 0 (a look). Return None: the "
                              "world will turn the wasted step into a look, but the study counts unparseable actions, "
                              "so the parser must not hide them.")
        raise CheckFailed(f"{_short(text)} should not parse ({why}), but your parser read it as {_describe(answer)}. "
                          "Hint: the whole text must be one action of the course's form.")
    for text, names, why in NAMED:
        truth, answer = parse_exploration(text, names), _action(parse_action, text, names)
        if answer == truth:
            continue
        if why is None:
            raise CheckFailed(f"with the dials named {', '.join(names)}, {_short(text)} was read as {_describe(answer)}. "
                              "Hint: look the dial up in `names`, never in 'A' to 'E'.")
        raise CheckFailed(f"with the dials named {', '.join(names)}, {_short(text)} should not parse ({why}).")
    for value in NOT_TEXT:
        try:
            answer = parse_action(value, DEFAULT_NAMES)
        except TypeError as error:
            if "str" not in str(error).lower():
                raise CheckFailed(f"parse_action({value!r}) raised a TypeError whose message ({str(error)[:80]!r}) does "
                                  "not say that a str is expected; say what the text should be.") from None
            continue
        except Exception as error:
            raise CheckFailed(f"parse_action({value!r}) raised {type(error).__name__}; a value that is not text is a "
                              "programming error, not an action: raise a TypeError saying a str is expected. Hint: "
                              "check isinstance(text, str) first.") from None
        raise CheckFailed(f"parse_action({value!r}) returned {answer!r}; a value that is not text is a programming "
                          "error, not a wasted step: raise a TypeError saying a str is expected.")
    return CheckResult(True, "your parser reads well-formed and sloppy actions, refuses garbage and says so when it "
                             "is handed something that is not text.")


# --------------------------------------------------------------------------------- 8.3
PROMPTS = ("experimenter", "observer", "none", "experimenter_sampled")
TEST_SETS = ("in_distribution", "heldout", "critical")


def _fake_runs(rng: np.random.Generator, n_seeds: int, gap: float, noise: float) -> list:
    """Per-seed runs of the half-and-half model, in the cache's schema; the held-out prompt gap is about ``gap``."""
    seed_level = rng.normal(0.6, 0.15, n_seeds)  # what a seed's runs share: weights, corpus, test episodes
    shift = {"experimenter": gap, "observer": 0.0, "none": 0.4 * gap - 0.03, "experimenter_sampled": gap - 0.05}
    offset = {"in_distribution": 0.25, "heldout": 0.0, "critical": -0.2}
    runs = []
    for seed in range(n_seeds):
        acting = {prompt: {test_set: {"reward": round(float(seed_level[seed] + offset[test_set] + shift[prompt]
                                                            + rng.normal(0.0, noise)), 5),
                                      "unparseable_share": round(float(rng.uniform(0, 0.1)), 5),
                                      "observe_share": round(float(rng.uniform(0, 1)), 5),
                                      "all_variables_share": round(float(rng.uniform(0, 1)), 5)}
                           for test_set in TEST_SETS}
                  for prompt in PROMPTS}
        runs.append({"condition": "mixed", "seed": seed, "acting": acting})
    return runs


def _rewards(runs, prompt: str, test_set: str) -> np.ndarray:
    return np.array([run["acting"][prompt][test_set]["reward"] for run in runs])


def check_prompt_effect(prompt_effect) -> CheckResult:
    from causal_course.statistics import paired_difference

    rng = np.random.default_rng(83)
    cases = [(5, 0.15, 0.03), (8, 0.01, 0.04), (6, -0.12, 0.03), (3, 0.2, 0.02)]
    for n_seeds, gap, noise in cases:
        runs = _fake_runs(rng, n_seeds, gap, noise)
        answer = prompt_effect(copy.deepcopy(runs))
        if isinstance(answer, dict) or not hasattr(answer, "__len__") or len(answer) != 4:
            raise CheckFailed("return four things: (mean, low, high, excludes_zero), got "
                              f"{type(answer).__name__}{f' of length {len(answer)}' if hasattr(answer, '__len__') else ''}.")
        mean, low, high = (as_number(value, "prompt_effect's mean, low and high") for value in answer[:3])
        a, b = _rewards(runs, "experimenter", "heldout"), _rewards(runs, "observer", "heldout")
        if abs(mean - (a - b).mean()) > 1e-6 and abs(mean + (a - b).mean()) > 1e-6:
            for first, second, test_set, hint in (
                ("experimenter", "observer", "in_distribution", "you took the in-distribution rewards"),
                ("experimenter", "observer", "critical", "you took the critical rewards"),
                ("experimenter_sampled", "observer", "heldout", "'experimenter_sampled' is the experimenter prompt "
                 "with sampled actions; the question compares the greedy 'experimenter' prompt"),
                ("experimenter", "none", "heldout", "'none' are notes without any header; the question compares the "
                 "experimenter's header with the observer's"),
            ):
                if abs(mean - (_rewards(runs, first, test_set) - _rewards(runs, second, test_set)).mean()) < 1e-6:
                    raise CheckFailed(f"{hint}. Use run['acting']['experimenter']['heldout']['reward'] minus "
                                      "run['acting']['observer']['heldout']['reward'], seed by seed.")
        mistake = paired_interval_mistake(mean, low, high, a, b, "the experimenter prompt minus the observer prompt, "
                                                                 "seed by seed")
        if mistake:
            raise CheckFailed(mistake)
        excludes = answer[3]
        if not isinstance(excludes, (bool, np.bool_)):
            raise CheckFailed(f"excludes_zero should be True or False, got {type(excludes).__name__}.")
        truth = paired_difference(a, b)["excludes_zero"]
        if bool(excludes) != truth:
            if excludes and mean > 0:
                raise CheckFailed("a positive mean difference is not enough: the interval excludes 0 only when it "
                                  "lies entirely above 0 or entirely below it.")
            raise CheckFailed("excludes_zero should be True exactly when low > 0 or high < 0: the whole interval on "
                              "one side of 0.")
    return CheckResult(True, "you measure the prompt's effect as the course does: per seed, paired, with a t "
                             "interval, and you say whether it excludes 0.")


# --------------------------------------------------------------------------------- 8.4
_PERMUTATIONS = np.array(list(itertools.permutations(range(5))))  # (120, 5): order[new] = old dial


def _renumbering_matches(worlds, target, new, new_target) -> dict:
    """Per world, whether some renumbering maps the old world onto the new one: weights, + target, + noise."""
    p = _PERMUTATIONS
    weights = worlds.weights[:, p[:, :, None], p[:, None, :]]  # (n, 120, 5, 5)
    same_weights = np.isclose(weights, new.weights[:, None]).all(axis=(2, 3))
    moved_target = np.argmax(p[None] == np.asarray(target)[:, None, None], axis=2)  # new number of the old target
    same_target = moved_target == np.asarray(new_target)[:, None]
    same_noise = (np.isclose(worlds.noise_sd[:, p], np.asarray(new.noise_sd)[:, None]).all(axis=2)
                  & np.isclose(worlds.hidden_weights[:, p], np.asarray(new.hidden_weights)[:, None]).all(axis=2))
    return {"weights": same_weights.any(axis=1), "target": (same_weights & same_target).any(axis=1),
            "all": (same_weights & same_target & same_noise).any(axis=1)}


def _judge_contradicting(answer, worlds, target) -> None:
    from causal_course.worlds.dag_episodes import Worlds, ancestry, best_goal_values, total_effects

    n = len(worlds)
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise CheckFailed("return a pair (worlds, target): the renumbered Worlds and the new number of each target.")
    new, new_target = answer
    if isinstance(new, np.ndarray):
        raise CheckFailed("return the renumbered worlds as a Worlds (weights, noise_sd, hidden_weights and env "
                          "together), not only an array: a dial's noise and its hidden cause belong to it too.")
    if not isinstance(new, Worlds):
        raise CheckFailed(f"the first item should be a Worlds, got {type(new).__name__}. Hint: Worlds(weights, "
                          "noise_sd, hidden_weights, worlds.env).")
    for name, shape in (("weights", (n, 5, 5)), ("noise_sd", (n, 5)), ("hidden_weights", (n, 5))):
        value = getattr(new, name)
        if not isinstance(value, np.ndarray) or value.shape != shape or value.dtype.kind != "f":
            raise CheckFailed(f"the renumbered worlds' {name} should be a float array of shape {shape}, got "
                              f"{type(value).__name__} {np.shape(value)}.")
        if not np.all(np.isfinite(value)):
            raise CheckFailed(f"the renumbered worlds' {name} contain NaN or inf.")
    if new.env != worlds.env:
        raise CheckFailed(f"the renumbered worlds should keep their environment ({worlds.env!r}), got {new.env!r}.")
    new_target = np.asarray(new_target)
    if new_target.shape != (n,) or new_target.dtype.kind not in "iu":
        raise CheckFailed(f"the new targets should be an integer array of shape ({n},), one dial number per world, "
                          f"got {new_target.dtype} {new_target.shape}.")
    if new_target.min() < 0 or new_target.max() > 4:
        raise CheckFailed("the new targets should be dial numbers from 0 to 4.")
    edges, new_edges = (worlds.weights != 0).sum(axis=(1, 2)), (new.weights != 0).sum(axis=(1, 2))
    if np.any(edges != new_edges):
        b = int(np.flatnonzero(edges != new_edges)[0])
        raise CheckFailed(f"world {b} has {edges[b]} edges before and {new_edges[b]} after: a renumbering moves edges "
                          "to new numbers, it never adds or removes any.")
    if np.any(ancestry(new.weights)[:, np.arange(5), np.arange(5)]):
        raise CheckFailed("some renumbered worlds have a cycle (a dial is its own ancestor): they are no longer the "
                          "same structures. Hint: renumber rows and columns of weights with the same order, "
                          "weights[order][:, order] per world.")
    if np.allclose(new.weights, worlds.weights) and np.any(np.triu(worlds.weights, 1)):
        raise CheckFailed("you returned the worlds unchanged: their names still follow the causal order.")
    if np.any(np.triu(new.weights)):
        if not np.any(np.tril(new.weights, -1)):
            raise CheckFailed("now every edge goes from an earlier-named dial to a later one: the names *agree* with "
                              "the causal order (causes first). The content test needs the reverse: effects first.")
        raise CheckFailed("in some worlds an edge still goes from an earlier-named dial to a later one. Hint: give "
                          "a dial a smaller number than every dial that causes it, e.g. sort the dials by their "
                          "number of ancestors (ancestry(weights)), most ancestors first.")
    effects = total_effects(new.weights)
    if not np.allclose(np.sort(effects.reshape(n, -1), axis=1), np.sort(worlds.effects.reshape(n, -1), axis=1)):
        raise CheckFailed("the worlds' total effects changed: that is another structure, not the same one renumbered. "
                          "Hint: renumber rows and columns of weights with the same order, "
                          "weights[order][:, order] per world.")
    if not np.allclose(new.effects, effects):
        raise CheckFailed("the Worlds' effects do not match its weights. Hint: build it as Worlds(weights, noise_sd, "
                          "hidden_weights, env) and it computes them.")
    matches = _renumbering_matches(worlds, target, new, new_target)
    if not matches["weights"].all():
        raise CheckFailed("some worlds are not the same structures renumbered. Hint: renumber rows and columns of "
                          "weights with the same order, weights[order][:, order] per world.")
    best = best_goal_values(worlds.effects, target).max(axis=1)
    new_best = best_goal_values(new.effects, new_target).max(axis=1)
    if not matches["target"].all() or not np.allclose(best, new_best):
        raise CheckFailed("some target is not the same dial any more (the best reward reachable for it changed, or it "
                          "is another dial of the same world). The new target is the *new number of the old target*: "
                          "with order[new] = old, that is the position of the old target in order "
                          "(np.argmax(order == target[:, None], axis=1)), not order[target].")
    if not matches["all"].all():
        raise CheckFailed("noise_sd and hidden_weights belong to the dials too: renumber them with the same order as "
                          "the weights (noise_sd[order] per world).")


def check_contradicting_worlds(contradicting_worlds) -> CheckResult:
    from causal_course.worlds.dag_episodes import sample_worlds
    from causal_course.worlds.text_reports import order_worlds

    rng = np.random.default_rng(84)
    agreeing, agreeing_target = order_worlds(*sample_worlds(200, rng, "all"), rng, "causes_first")
    cases = [(agreeing, agreeing_target, "worlds named in their causal order")]
    for env in ("unequal-noise", "confounded"):
        cases.append((*sample_worlds(200, rng, "all", env), f"worlds of the {env!r} environment"))
    for worlds, target, what in cases:
        answer = contradicting_worlds(copy.deepcopy(worlds), target.copy(), np.random.default_rng(85))
        try:
            _judge_contradicting(answer, worlds, target)
        except CheckFailed as failure:
            raise CheckFailed(f"on {what}: {failure}") from None
    return CheckResult(True, "in your worlds every name contradicts the causal order, and each world is the same "
                             "world renumbered, its target included.")


EXERCISES = [
    Exercise("8.1", LESSON, "careful_notes", "A new kind of document", 3, check_careful_notes),
    Exercise("8.2", LESSON, "parse_action", "Reading a model's actions robustly", 3, check_parse_action),
    Exercise("8.3", LESSON, "prompt_effect", "The prompt effect with a paired interval", 2, check_prompt_effect),
    Exercise("8.4", LESSON, "contradicting_worlds", "Design a content-conflict test", 4, check_contradicting_worlds),
]
