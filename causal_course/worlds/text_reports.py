"""The causal-DAG episodes written as short English reports: the text world of lesson 08.

Introduced in lesson 08 (*Language models as passive learners*). Each episode of lesson 03's
environment (:mod:`causal_course.worlds.dag_episodes`) becomes a document a language model can
read, and later write::

    Notes of an experimenter. Dials: A, B, C, D, E. I set B to 5: A 0.1, B 5.0, C 4.9, D -5.1,
    E 0.0. I set E to 5: ... Goal: raise D. I set B to -5.

Kinds of document (:data:`KINDS`), mixed in proportions chosen by :func:`build_corpus`:

* ``"experimenter"``: the expert of lesson 03 sets every dial to 5 once, in a random order, then
  picks the goal intervention with the largest effect it saw on the target;
* ``"observer"``: five plain looks at the dials (``I looked at the dials: ...``), then the goal
  choice an observer can justify from its own notes (the regression strategy of lesson 04,
  :func:`~causal_course.worlds.dag_episodes.goal_from_logged_evidence`);
* ``"distractor"``: sentences about the lab with no causal content (dial colours, the weather, the
  tea), numbers included, so that the corpus is not all reports.

With ``explanations=True`` the goal sentence of a report carries a reason read off the notes
themselves: ``I set B to -5 because setting B moved D by -5.1.`` (experimenter) or ``... because D
moved against B.`` (observer). Never the true effects: the world writes only what the notes show.

**Nothing hidden is written.** A report is a function of what was done and seen (the actions, the
rounded readings, the target and the goal choice): never of the weights, the total effects or the
noise scales (``tests/test_language_model.py`` changes the structures of logged episodes and checks
that not one character of their reports changes).

Writing conventions, shared with the tokenizer of :mod:`causal_course.learners.tokenizer`: readings
are rounded to ``decimals`` places (1 by default) and clipped to +-:data:`WRITTEN_LIMIT`; every dial
name is one word; an exploration action is written with the same number of words whether it sets a
dial or only looks (``I set B to 5:`` and ``I looked at the dials:``, six tokens each), so every
report of one kind has the same length and a batch of agents stays in step.

**Actions written by a model** (:func:`parse_exploration`, :func:`parse_goal`). An exploration
action is ``I set X to 5:`` (``do(X = 5)``) or ``I looked at the dials:`` (observe). A goal action is
``I set X to 5.`` or ``I set X to -5.`` with ``X`` not the target (anything may follow ``because``).
**Rule for text that does not parse** (including an intervention the phase does not allow, such as
``-5`` while exploring or setting the target itself at the goal): it is a wasted step. While
exploring, the world only looks at the dials (an observe step) and writes ``I looked at the dials:``
in the notes in place of the model's text; at the goal, nothing is set, so the target keeps its
expected value 0 and the episode earns reward 0 (what a random choice earns on average).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from causal_course.validation import (
    check_bool,
    check_choice,
    check_integer,
    check_n_samples,
    check_rng,
    invalid,
)
from causal_course.worlds.dag_episodes import (
    N_VARIABLES,
    OBSERVE,
    check_env,
    estimated_effects,
    expert_episodes,
    goal_from_estimates,
    goal_from_logged_evidence,
    run_exploration,
    sample_worlds,
)

KINDS = ("experimenter", "observer", "distractor")
DEFAULT_NAMES = ("A", "B", "C", "D", "E")
HEADERS = {
    "experimenter": "Notes of an experimenter.",
    "observer": "Notes of an observer.",
    "distractor": "Notes of a visitor.",
}
DEFAULT_SHARES = {"experimenter": 1.0, "observer": 0.0, "distractor": 0.0}
WRITTEN_LIMIT = 59  # readings are clipped to +-(WRITTEN_LIMIT + 0.9): the integer part never exceeds it
OBSERVE_TEXT = "I looked at the dials:"

# Distractor sentences: no causal content, no reading of any episode. {dial} is a dial name, {number} 1 to 9.
_DISTRACTORS = (
    "Dial {dial} is painted {colour}.",
    "The room was {adjective} today.",
    "I had {number} cups of tea.",
    "The lamp over dial {dial} was {adjective}.",
    "There are {number} chairs in the lab.",
    "Dial {dial} has a {colour} knob.",
    "The window was open and the weather was {adjective}.",
    "I cleaned dial {dial} with a cloth.",
)
_COLOURS = ("red", "blue", "green", "grey", "black")
_ADJECTIVES = ("quiet", "warm", "cold", "bright", "dark")
_EXPLANATION_WORDS = ("because", "setting", "moved", "by", "with", "against")
_RECAP_WORDS = ("Readings", "of", "looking")
_NAME = re.compile(r"^[A-Za-z][A-Za-z_]*$")


def check_names(names) -> tuple:
    """``names`` as a tuple of 5 distinct one-word dial names, or a clear error (lesson 08)."""
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        raise invalid("names", f"a sequence of {N_VARIABLES} dial names", repr(names),
                      'pass for instance names=("A", "B", "C", "D", "E")', TypeError)
    names = tuple(names)
    bad = [name for name in names if not isinstance(name, str) or not _NAME.match(name)]
    if len(names) != N_VARIABLES or bad or len(set(names)) != N_VARIABLES:
        got = f"{names!r}" + (f" ({bad[0]!r} is not one word of letters)" if bad else "")
        raise invalid("names", f"{N_VARIABLES} distinct one-word names made of letters", got,
                      'pass for instance names=("rain", "sprinkler", "grass", "path", "shoes")')
    reserved = set(report_words(DEFAULT_NAMES)) - set(DEFAULT_NAMES)
    clash = [name for name in names if name in reserved]
    if clash:
        raise invalid("names", "words the reports do not already use", repr(clash[0]),
                      "choose dial names that are not words of the report templates")
    return names


def check_decimals(decimals) -> int:
    """The number of decimal places readings are written with: 0, 1 or 2 (lesson 08)."""
    return check_integer(decimals, "decimals", 0, 2, fix="pass decimals=1 (readings such as 4.9)")


def report_words(names=DEFAULT_NAMES) -> tuple:
    """Every word and punctuation mark a report, a parsed action or a distractor can contain (lesson 08).

    Numbers are not words: the tokenizer writes them on their own (integer part, then decimals).
    """
    words = set()
    templates = [*HEADERS.values(), OBSERVE_TEXT, "Dials: I set to Goal: raise, .", *_DISTRACTORS,
                 *_COLOURS, *_ADJECTIVES, *_EXPLANATION_WORDS, *_RECAP_WORDS]
    for template in templates:
        words.update(re.findall(r"[A-Za-z]+|[^\sA-Za-z\d{}]", template.replace("{dial}", "").replace("{colour}", "")
                                .replace("{adjective}", "").replace("{number}", "")))
    words.update(names)
    return tuple(sorted(words))


# ----------------------------------------------------------------------------- writing
def format_number(value: float, decimals: int = 1) -> str:
    """A reading as written: rounded to ``decimals`` places, clipped to +-WRITTEN_LIMIT.9, never ``-0.0`` (lesson 08)."""
    limit = WRITTEN_LIMIT + 1 - 10.0 ** -decimals if decimals else WRITTEN_LIMIT
    value = float(np.clip(round(float(value), decimals), -limit, limit))
    if value == 0:
        value = 0.0
    return f"{value:.{decimals}f}"


def header_text(header: str | None, names=DEFAULT_NAMES) -> str:
    """The opening of a report: ``header`` (e.g. ``"Notes of an experimenter."``, or None for none) and the dials (lesson 08)."""
    dials = "Dials: " + ", ".join(names) + "."
    return dials if not header else f"{header} {dials}"


def action_text(action: int, names=DEFAULT_NAMES) -> str:
    """An exploration action as written: ``I set B to 5:`` or ``I looked at the dials:`` (lesson 08)."""
    return OBSERVE_TEXT if action == OBSERVE else f"I set {names[action - 1]} to 5:"


def readings_text(values, names=DEFAULT_NAMES, decimals: int = 1) -> str:
    """The dials after a step, as written: ``A 0.1, B 5.0, C 4.9, D -5.1, E 0.0.`` (lesson 08)."""
    return ", ".join(f"{name} {format_number(value, decimals)}" for name, value in zip(names, values)) + "."


def goal_prompt_text(target: int, names=DEFAULT_NAMES) -> str:
    """The goal as the world states it: ``Goal: raise D.`` (lesson 08)."""
    return f"Goal: raise {names[target]}."


def recap_text(actions, values, target: int, names=DEFAULT_NAMES, decimals: int = 1) -> str:
    """The target's reading at each step, re-read from the notes once the goal is known (lesson 08).

    ``Readings of D: B -5.1, E 0.0, A 0.1, C 4.9, D 5.0.``: step by step, the dial that was set (or
    ``looking`` for a look) and the target's reading then. It adds nothing the notes do not hold; it is
    the text version of lesson 03's goal query, which carries the target's readings
    (:func:`causal_course.learners.models.target_readings`), and lets a small model compare them side by side.
    """
    entries = [f"{names[int(a) - 1] if a != OBSERVE else 'looking'} {format_number(seen[target], decimals)}"
               for a, seen in zip(actions, values)]
    return f"Readings of {names[target]}: " + ", ".join(entries) + "."


def goal_action_text(goal_action: int, names=DEFAULT_NAMES, explanation: str = "") -> str:
    """A goal action as written: ``I set B to -5.``, with ``because ...`` before the full stop if given (lesson 08)."""
    sign = "-" if goal_action % 2 else ""
    reason = f" because {explanation}" if explanation else ""
    return f"I set {names[goal_action // 2]} to {sign}5{reason}."


def explanation_text(actions, values, target: int, goal_action: int, names=DEFAULT_NAMES,
                     decimals: int = 1) -> str:
    """The reason for a goal choice, read off the notes alone (lesson 08).

    If the notes set the chosen dial: ``setting B moved D by -5.1`` (the target's reading then, the
    first such step). Otherwise how the target went with the chosen dial in the looks:
    ``D moved with B`` or ``D moved against B`` (the sign of the choice).
    """
    variable = goal_action // 2
    steps = np.flatnonzero(np.asarray(actions) == variable + 1)
    if steps.size:
        reading = format_number(values[steps[0]][target], decimals)
        return f"setting {names[variable]} moved {names[target]} by {reading}"
    direction = "against" if goal_action % 2 else "with"
    return f"{names[target]} moved {direction} {names[variable]}"


def write_report(actions, values, target: int, goal_action: int, header: str | None, names=DEFAULT_NAMES,
                 explanations: bool = False, decimals: int = 1, recap: bool = False, more_goals=()) -> str:
    """One episode as a report: the header, each step and its readings, the goal and the choice (lesson 08).

    ``recap``: after the goal, the target's readings re-read from the notes (:func:`recap_text`).
    ``more_goals``: further ``(target, goal_action)`` pairs answered from the same notes, each written
    after the first as its own goal, recap and choice (more decisions per document).

    Takes only what the notes hold (``actions (steps,)``, ``values (steps, 5)``, the targets and the
    goal actions): the hidden structure is not an argument, so it cannot be written.
    """
    parts = [header_text(header, names)]
    for action, seen in zip(actions, values):
        parts.append(action_text(int(action), names))
        parts.append(readings_text(seen, names, decimals))
    for goal_target, goal in ((target, goal_action), *more_goals):
        parts.append(goal_prompt_text(int(goal_target), names))
        if recap:
            parts.append(recap_text(actions, values, int(goal_target), names, decimals))
        reason = explanation_text(actions, values, int(goal_target), int(goal), names, decimals) if explanations else ""
        parts.append(goal_action_text(int(goal), names, reason))
    return " ".join(parts)


def write_distractor(rng: np.random.Generator, n_sentences: int = 6, names=DEFAULT_NAMES,
                     header: str | None = HEADERS["distractor"]) -> str:
    """A document with no causal content: ``header`` and ``n_sentences`` sentences about the lab (lesson 08)."""
    rng = check_rng(rng)
    sentences = [header] if header else []
    for index in rng.integers(0, len(_DISTRACTORS), size=n_sentences):
        sentences.append(_DISTRACTORS[index].format(
            dial=names[rng.integers(0, len(names))], colour=_COLOURS[rng.integers(0, len(_COLOURS))],
            adjective=_ADJECTIVES[rng.integers(0, len(_ADJECTIVES))], number=int(rng.integers(1, 10))))
    return " ".join(sentences)


# ----------------------------------------------------------------------------- the corpus
@dataclass
class Corpus:
    """Documents of a text world and the kind of each (lesson 08).

    ``texts``: the documents; ``kinds``: one of :data:`KINDS` per document. ``episodes`` maps each
    report kind to its :class:`~causal_course.worlds.dag_episodes.EpisodeBatch` (the notes, and
    the hidden structures for analysis, never written), and ``rows`` to the positions of its
    documents in ``texts``.
    """

    texts: list
    kinds: np.ndarray
    episodes: dict
    rows: dict

    def __len__(self) -> int:
        return len(self.texts)


def check_shares(shares) -> dict:
    """``shares`` as ``{kind: share}`` over :data:`KINDS` (missing kinds 0), summing to 1 (lesson 08)."""
    if not isinstance(shares, dict):
        raise invalid("shares", "a dict {kind: share}", repr(shares),
                      'pass for instance shares={"experimenter": 0.5, "observer": 0.5}', TypeError)
    unknown = [kind for kind in shares if kind not in KINDS]
    if unknown:
        raise invalid("shares", f"a dict whose keys are among {KINDS}", repr(unknown[0]),
                      'pass for instance shares={"experimenter": 0.5, "observer": 0.5}')
    full = {kind: float(shares.get(kind, 0.0)) for kind in KINDS}
    if any(not np.isfinite(share) or share < 0 for share in full.values()) or abs(sum(full.values()) - 1) > 1e-6:
        raise invalid("shares", "non-negative shares that sum to 1", repr(shares),
                      'pass for instance shares={"experimenter": 0.75, "distractor": 0.25}')
    return full


def kind_counts(n_documents: int, shares: dict) -> dict:
    """How many documents of each kind: ``n_documents * share``, rounded by largest remainder (lesson 08)."""
    exact = {kind: n_documents * share for kind, share in shares.items()}
    counts = {kind: int(np.floor(value)) for kind, value in exact.items()}
    order = sorted(exact, key=lambda kind: counts[kind] - exact[kind])  # largest remainder first
    for kind in order[: n_documents - sum(counts.values())]:
        counts[kind] += 1
    return counts


def observer_episodes(n_episodes: int, rng: np.random.Generator, split: str = "train", env: str = "standard"):
    """Observers' notes: five looks at the dials, then the goal the notes justify (lesson 08)."""
    from causal_course.worlds.dag_episodes import EpisodeBatch

    rng = check_rng(rng)
    worlds, target = sample_worlds(n_episodes, rng, split, env)
    actions = np.zeros((len(target), N_VARIABLES), dtype=np.int64)
    values = run_exploration(worlds, actions, rng)
    goal = goal_from_logged_evidence(actions, values, target, rng)
    return EpisodeBatch(worlds.weights, worlds.effects, target, actions, values, goal, worlds)


def build_corpus(rng: np.random.Generator, n_documents: int, shares: dict | None = None, explanations: bool = False,
                 names=DEFAULT_NAMES, headers: dict | None = None, split: str = "train", env: str = "standard",
                 decimals: int = 1, recap: bool = False, goals: int = 1, name_order: str | None = None) -> Corpus:
    """A shuffled corpus of ``n_documents`` documents, the kinds in the given ``shares`` (lesson 08).

    ``shares``: ``{kind: share}`` over :data:`KINDS` (default: experimenters' notes only); counts are
    exact (largest remainder). ``explanations``: reports give the reason for their goal choice.
    ``names``: the five dial names (one word each). ``headers``: the first sentence of each kind
    (default :data:`HEADERS`; None for a kind writes no header). ``split``/``env``: the structures
    and environment variant the episodes come from (lesson 03). ``recap``: reports re-read the
    target's readings after the goal (:func:`recap_text`). ``goals``: goals per report (1 to 4):
    after the episode's own goal, ``goals - 1`` other dials of the same world, drawn at random
    without repetition, each answered from the same notes by the same writer (the expert's rule for
    experimenters, the logged-evidence rule for observers), so the goal choice is a larger share of
    the text. The extra goals change no structure, so the split of the worlds is unchanged; unlike
    the first target, an extra one may be a dial nothing moves (then the writer's choice follows the
    noise). ``name_order``: None (the dials as sampled) or one of :data:`NAME_ORDERS`: the dials of
    every world renumbered so that the names follow its causal order (``"causes_first"``: a dial
    only ever causes dials named after it, as rain causes wet grass) or the reverse
    (``"effects_first"``), see :func:`order_worlds`; the content effects of lesson 08.
    """
    rng = check_rng(rng)
    n_documents = check_n_samples(n_documents, "n_documents")
    shares = check_shares(DEFAULT_SHARES if shares is None else shares)
    explanations = check_bool(explanations, "explanations")
    names = check_names(names)
    headers = {**HEADERS, **(headers or {})}
    check_choice(split, ("train", "heldout", "critical", "all"), "split")
    env = check_env(env)
    decimals = check_decimals(decimals)
    recap = check_bool(recap, "recap")
    goals = check_integer(goals, "goals", 1, N_VARIABLES - 1, fix="pass goals=1 (one goal per report) to 4")
    if name_order is not None:
        check_choice(name_order, NAME_ORDERS, "name_order")
    counts = kind_counts(n_documents, shares)
    order = rng.permutation(n_documents)
    texts = [""] * n_documents
    kinds = np.empty(n_documents, dtype=object)
    episodes, rows, start = {}, {}, 0
    for kind in KINDS:
        count = counts[kind]
        positions = np.sort(order[start:start + count])
        start += count
        kinds[positions] = kind
        rows[kind] = positions
        if kind == "distractor":
            for position in positions:
                texts[position] = write_distractor(rng, names=names, header=headers["distractor"])
            continue
        if name_order is None:
            batch = (expert_episodes if kind == "experimenter" else observer_episodes)(count, rng, split, env)
        else:
            batch = ordered_episodes(kind, count, rng, name_order, split, env)
        episodes[kind] = batch
        more = _more_goals(batch, kind, goals, rng)
        for position, row in zip(positions, range(count)):
            texts[position] = write_report(batch.actions[row], batch.values[row], batch.target[row],
                                           batch.goal_action[row], headers[kind], names, explanations, decimals, recap,
                                           [(int(t[row]), int(g[row])) for t, g in more])
    return Corpus(texts, kinds.astype(str), episodes, rows)


NAME_ORDERS = ("causes_first", "effects_first")


def order_worlds(worlds, target, rng: np.random.Generator, name_order: str = "causes_first"):
    """``(worlds, target)`` renumbered so that each world's causal order runs along its dials' names (lesson 08).

    ``"causes_first"``: dial 0 (the first name) has no cause among the others, and every edge goes
    from an earlier name to a later one (the names tell the causal order, as "rain, grass, path"
    does); ``"effects_first"``: every edge goes from a later name to an earlier one (the names
    contradict it). Same structures, same targets, only the numbering changes: a dial's number is
    its rank by number of ancestors (fewer first), ties broken at random with ``rng``.

    >>> import numpy as np
    >>> from causal_course.worlds.dag_episodes import as_worlds
    >>> weights = np.zeros((1, 5, 5)); weights[0, 4, 2] = 1.0  # X4 -> X2
    >>> worlds, target = order_worlds(as_worlds(weights), np.array([2]), np.random.default_rng(0))
    >>> bool(np.triu(worlds.weights[0], 1).any() and not np.tril(worlds.weights[0]).any()), bool(worlds.weights[0][:, target[0]].any())
    (True, True)
    """
    from causal_course.worlds.dag_episodes import Worlds, ancestry, as_worlds

    check_choice(name_order, NAME_ORDERS, "name_order")
    rng = check_rng(rng)
    worlds = as_worlds(worlds)
    target = np.asarray(target)
    n = len(worlds)
    depth = ancestry(worlds.weights).sum(axis=1)  # ancestors of each dial (a cause always has fewer than its effect)
    if name_order == "effects_first":
        depth = -depth
    order = np.lexsort((rng.random((n, N_VARIABLES)), depth), axis=1)  # order[b, new] = old dial
    rows = np.arange(n)[:, None]
    weights = worlds.weights[rows[:, :, None], order[:, :, None], order[:, None, :]]
    effects = worlds.effects[rows[:, :, None], order[:, :, None], order[:, None, :]]
    renumbered = Worlds(weights, worlds.noise_sd[rows, order], worlds.hidden_weights[rows, order], worlds.env, effects)
    new_target = np.argmax(order == target[:, None], axis=1)
    return renumbered, new_target


def ordered_episodes(kind: str, n_episodes: int, rng: np.random.Generator, name_order: str = "causes_first",
                     split: str = "train", env: str = "standard"):
    """Experimenters' or observers' notes in worlds renumbered by :func:`order_worlds` (lesson 08)."""
    from causal_course.worlds.dag_episodes import EpisodeBatch, expert_exploration

    check_choice(kind, ("experimenter", "observer"), "kind")
    worlds, target = sample_worlds(n_episodes, rng, split, env)
    worlds, target = order_worlds(worlds, target, rng, name_order)
    if kind == "experimenter":
        actions = expert_exploration(len(target), rng)
        values = run_exploration(worlds, actions, rng)
        goal = goal_from_estimates(estimated_effects(actions, values), target)
    else:
        actions = np.zeros((len(target), N_VARIABLES), dtype=np.int64)
        values = run_exploration(worlds, actions, rng)
        goal = goal_from_logged_evidence(actions, values, target, rng)
    return EpisodeBatch(worlds.weights, worlds.effects, target, actions, values, goal, worlds)


def careful_episodes(n_episodes: int, rng: np.random.Generator, split: str = "train", env: str = "standard"):
    """Notes of a careful experimenter, who looks at the dials once before each experiment (lesson 08).

    Ten steps per episode: a look (action 0), then setting a dial to 5 (action ``i + 1``), five
    times, every dial once in a random order. The goal choice is the one these notes justify: the
    dial whose setting moved the target most *from the look just before* (the sign of that change
    picks +5 or -5). Exercise 8.1 of lesson 08 writes these notes as a new kind of document.

    >>> import numpy as np
    >>> batch = careful_episodes(3, np.random.default_rng(0))
    >>> batch.actions.shape, bool((batch.actions[:, 0::2] == 0).all()), sorted(batch.actions[0, 1::2].tolist())
    ((3, 10), True, [1, 2, 3, 4, 5])
    """
    from causal_course.worlds.dag_episodes import INTERVENTION_VALUE, EpisodeBatch, expert_exploration

    rng = check_rng(rng)
    worlds, target = sample_worlds(n_episodes, rng, split, env)
    n = len(target)
    order = expert_exploration(n, rng)
    actions = np.zeros((n, 2 * N_VARIABLES), dtype=np.int64)
    actions[:, 1::2] = order
    values = run_exploration(worlds, actions, rng)
    change = values[:, 1::2] - values[:, 0::2]  # (n, experiment, dial): after setting minus the look before
    estimate = np.empty((n, N_VARIABLES, N_VARIABLES))
    estimate[np.arange(n)[:, None], order - 1] = change / INTERVENTION_VALUE
    goal = goal_from_estimates(estimate, target)
    return EpisodeBatch(worlds.weights, worlds.effects, target, actions, values, goal, worlds)


def _more_goals(batch, kind: str, goals: int, rng: np.random.Generator) -> list:
    """``goals - 1`` pairs ``(targets, goal_actions)`` of arrays: other targets of the same notes, answered as ``kind`` would."""
    if goals == 1 or len(batch.target) == 0:
        return []
    n = len(batch.target)
    others = np.argsort(rng.random((n, N_VARIABLES)) + (np.arange(N_VARIABLES) == batch.target[:, None]), axis=1)
    more = []
    for k in range(goals - 1):
        target = others[:, k]
        if kind == "experimenter":
            goal = goal_from_estimates(estimated_effects(batch.actions, batch.values), target)
        else:
            goal = goal_from_logged_evidence(batch.actions, batch.values, target, rng)
        more.append((target, goal))
    return more


# ----------------------------------------------------------------------------- reading a model's actions
def _name_pattern(names) -> str:
    return "|".join(re.escape(name) for name in names)


def parse_exploration(text: str, names=DEFAULT_NAMES):
    """An exploration action from the text a model wrote, or None if it does not parse (lesson 08).

    ``I set B to 5:`` is ``do(B = 5)`` (action ``2``, as in lesson 03: ``i + 1``); ``I looked at the
    dials:`` is observe (``0``). Spaces around words and the final colon are optional; ``+5`` and
    ``5.0`` are accepted. Anything else, ``-5`` included, is None: a wasted step (see the module's rule).
    """
    if not isinstance(text, str):
        raise invalid("text", "a string (the model's action text)", repr(text), "decode the tokens first", TypeError)
    names = tuple(names)
    if re.fullmatch(r"\s*I\s+looked\s+at\s+the\s+dials\s*:?\s*", text):
        return OBSERVE
    match = re.fullmatch(rf"\s*I\s+set\s+({_name_pattern(names)})\s+to\s+\+?5(?:\.0+)?\s*:?\s*", text)
    return None if match is None else names.index(match.group(1)) + 1


def parse_goal(text: str, target: int, names=DEFAULT_NAMES):
    """A goal action from the text a model wrote, or None if it does not parse (lesson 08).

    ``I set B to 5.`` is ``do(B = +5)`` (goal action ``2 * 1``), ``I set B to -5.`` is ``do(B = -5)``
    (``2 * 1 + 1``); a ``because ...`` clause may follow. Setting the ``target`` itself, other values
    or other text give None: no intervention, reward 0 (see the module's rule).
    """
    if not isinstance(text, str):
        raise invalid("text", "a string (the model's action text)", repr(text), "decode the tokens first", TypeError)
    names = tuple(names)
    match = re.fullmatch(rf"\s*I\s+set\s+({_name_pattern(names)})\s+to\s+([+-]?)5(?:\.0+)?(?:\s*\.|\s+because\b.*)?\s*",
                         text, flags=re.S)
    if match is None:
        return None
    variable = names.index(match.group(1))
    if variable == target:
        return None
    return 2 * variable + (match.group(2) == "-")
