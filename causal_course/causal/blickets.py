"""Blicket detectors: learning a hidden causal rule from someone else's demonstrations, then by testing.

Introduced in lesson 02 (experiments reveal structure). In the studies of Gopnik and Sobel (2000)
and Lucas, Bridgers, Griffiths and Gopnik (2014), a machine lights up and plays music when
"blickets" are placed on it. Children watch an experimenter put objects on it, then say which
objects are blickets, or make the machine go themselves.

Here a *rule* names the blickets and how they act: **disjunctive** (any one blicket lights the
detector) or **conjunctive** (it takes two blickets at once). The detector misfires with a small
probability ``noise``. A Bayesian learner keeps a posterior over every rule; each demonstration
(objects placed, lit or not) reweights it. Placing objects is an intervention, whoever does it: a
child who only watches still sees interventional data.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from causal_course.causal.structure_learning import entropy_bits, outcome_information
from causal_course.validation import check_rng

NOISE = 0.05
KINDS = ("disjunctive", "conjunctive")


@dataclass(frozen=True)
class BlicketRule:
    """Which objects are blickets, and whether one is enough (disjunctive) or two are needed (lesson 02)."""

    blickets: frozenset
    kind: str

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}.")

    def lights(self, placed) -> bool:
        """Does the detector (without misfires) light with the objects ``placed`` on it?"""
        count = len(self.blickets & frozenset(placed))
        return count >= (1 if self.kind == "disjunctive" else 2)

    def label(self, names=None) -> str:
        names = names or object_names(max(self.blickets, default=0) + 1)
        if not self.blickets:
            return "no blickets"
        members = "+".join(names[i] for i in sorted(self.blickets))
        return f"{members} ({'any one' if self.kind == 'disjunctive' else 'two needed'})"


def object_names(n_objects: int) -> list[str]:
    """``["A", "B", ...]``: the names of ``n_objects`` objects on the detector (lesson 02)."""
    return [chr(ord("A") + i) for i in range(n_objects)]


def _check_n_objects(n_objects) -> int:
    if isinstance(n_objects, bool) or not isinstance(n_objects, (int, np.integer)) or not 1 <= n_objects <= 6:
        raise ValueError(f"n_objects must be an integer from 1 to 6, got {n_objects!r}.")
    return int(n_objects)


def all_rules(n_objects: int = 3) -> list[BlicketRule]:
    """Every distinct rule: any set of blickets acting disjunctively, any set of two or more conjunctively (lesson 02).

    Sets of fewer than two blickets never light a conjunctive detector, which is the same as
    having no blickets, so they are left out: 12 rules for 3 objects.
    """
    n = _check_n_objects(n_objects)
    rules = []
    for size in range(n + 1):
        for members in itertools.combinations(range(n), size):
            rules.append(BlicketRule(frozenset(members), "disjunctive"))
            if size >= 2:
                rules.append(BlicketRule(frozenset(members), "conjunctive"))
    return rules


def all_placements(n_objects: int) -> list[tuple]:
    """Every non-empty set of objects that can be put on the detector together (lesson 02)."""
    n = _check_n_objects(n_objects)
    return [members for size in range(1, n + 1) for members in itertools.combinations(range(n), size)]


def rule_prior(rules, p_conjunctive: float = 0.5) -> np.ndarray:
    """A prior over ``rules``: ``p_conjunctive`` of the mass on conjunctive rules, spread evenly (lesson 02)."""
    if not 0.0 <= p_conjunctive <= 1.0:
        raise ValueError(f"p_conjunctive must be between 0 and 1, got {p_conjunctive}.")
    conjunctive = np.array([rule.kind == "conjunctive" for rule in rules])
    prior = np.where(conjunctive, p_conjunctive / max(conjunctive.sum(), 1),
                     (1 - p_conjunctive) / max((~conjunctive).sum(), 1))
    return prior / prior.sum()


def _check_placement(placed, n_objects: int) -> frozenset:
    try:
        members = frozenset(int(i) for i in placed)
    except (TypeError, ValueError):
        raise TypeError(f"a placement is a collection of object indices such as (0, 2), got {placed!r}.") from None
    if not members or min(members) < 0 or max(members) >= n_objects:
        raise ValueError(f"a placement needs at least one object, each from 0 to {n_objects - 1}; got {sorted(members)}.")
    return members


def light_probabilities(rules, placed, noise: float = NOISE) -> np.ndarray:
    """p(detector lights | rule) for each rule, with misfires at rate ``noise`` (lesson 02)."""
    if not 0.0 <= noise < 0.5:
        raise ValueError(f"noise must be at least 0 and below 0.5 (a misfire rate), got {noise}.")
    return np.array([1 - noise if rule.lights(placed) else noise for rule in rules])


def update(posterior, rules, placed, lit: bool, noise: float = NOISE) -> np.ndarray:
    """Bayes' rule after one demonstration: ``placed`` objects, detector ``lit`` or not (lesson 02)."""
    posterior = np.asarray(posterior, dtype=float)
    n_objects = max(max(rule.blickets, default=0) for rule in rules) + 1
    placed = _check_placement(placed, max(n_objects, max(placed, default=0) + 1))
    likelihood = light_probabilities(rules, placed, noise)
    weighted = posterior * (likelihood if lit else 1 - likelihood)
    return weighted / weighted.sum()


def posterior_after(demonstrations, rules, prior=None, noise: float = NOISE) -> np.ndarray:
    """The posterior over ``rules`` after a list of ``(placed, lit)`` demonstrations (lesson 02)."""
    posterior = np.full(len(rules), 1 / len(rules)) if prior is None else np.asarray(prior, dtype=float)
    for placed, lit in demonstrations:
        posterior = update(posterior, rules, placed, bool(lit), noise)
    return posterior


def information_gain(posterior, rules, placed, noise: float = NOISE) -> float:
    """Expected information (bits) about the rule from one test of ``placed`` (lesson 02).

    The mutual information between the rule and the binary outcome: the entropy of the
    predicted outcome minus its expected entropy given the rule.
    """
    return outcome_information(posterior, light_probabilities(rules, placed, noise))


def most_informative_placement(posterior, rules, n_objects: int, noise: float = NOISE) -> tuple:
    """The placement with the largest information gain (ties: the fewest objects, then the first) (lesson 02)."""
    placements = all_placements(n_objects)
    gains = [information_gain(posterior, rules, p, noise) for p in placements]
    return placements[int(np.argmax(np.round(gains, 12)))]


class BlicketDetector:
    """The machine: lights under a hidden ``rule``, misfiring at rate ``noise`` (lesson 02)."""

    def __init__(self, rule: BlicketRule, n_objects: int, rng: np.random.Generator, noise: float = NOISE):
        self.rule, self.n_objects, self.noise, self.rng = rule, _check_n_objects(n_objects), noise, check_rng(rng)

    def place(self, placed) -> bool:
        placed = _check_placement(placed, self.n_objects)
        correct = self.rule.lights(placed)
        return bool(correct) != bool(self.rng.random() < self.noise)


def demonstrations(detector: BlicketDetector, placements) -> list[tuple]:
    """An experimenter's demonstrations: each placement in turn, with what the detector did (lesson 02)."""
    return [(tuple(p), detector.place(p)) for p in placements]


def informative_placements(n_objects: int) -> list[tuple]:
    """Each object alone, then each pair: enough to tell every rule apart (lesson 02)."""
    return [p for p in all_placements(n_objects) if len(p) <= 2]


def uninformative_placements(n_objects: int, repeats: int = 3) -> list[tuple]:
    """All objects together, again and again: many rules predict the same thing (lesson 02)."""
    return [tuple(range(n_objects))] * repeats


def predict_accuracy(posterior, rules, true_rule: BlicketRule, n_objects: int) -> float:
    """Share of placements where the learner's most likely outcome matches the true rule (lesson 02)."""
    placements = all_placements(n_objects)
    hits = [(posterior @ light_probabilities(rules, p, 0.0) > 0.5) == true_rule.lights(p) for p in placements]
    return float(np.mean(hits))


def watch_then_test(true_rule: BlicketRule, n_objects: int, watched, n_tests: int, rng,
                    noise: float = NOISE, p_conjunctive: float = 0.5) -> dict:
    """A learner watches an experimenter's ``watched`` placements, then makes ``n_tests`` tests of its own,
    each the most informative placement (lesson 02). Returns the posterior and accuracy after each stage."""
    rng = check_rng(rng)
    rules = all_rules(n_objects)
    detector = BlicketDetector(true_rule, n_objects, rng, noise)
    true_index = rules.index(true_rule)
    posterior = posterior_after(demonstrations(detector, watched), rules, rule_prior(rules, p_conjunctive), noise)
    stages = [{"stage": "watched", "posterior": posterior, "p_true": float(posterior[true_index]),
               "entropy": float(entropy_bits(posterior)), "accuracy": predict_accuracy(posterior, rules, true_rule,
                                                                                        n_objects)}]
    tests = []
    for _ in range(n_tests):
        placed = most_informative_placement(posterior, rules, n_objects, noise)
        lit = detector.place(placed)
        tests.append((placed, lit))
        posterior = update(posterior, rules, placed, lit, noise)
        stages.append({"stage": f"test {len(tests)}", "posterior": posterior, "p_true": float(posterior[true_index]),
                       "entropy": float(entropy_bits(posterior)),
                       "accuracy": predict_accuracy(posterior, rules, true_rule, n_objects)})
    return {"rules": rules, "stages": stages, "tests": tests}


def demonstration_study(n_objects: int = 3, n_repeats: int = 20, n_tests: int = 2, seed: int = 0,
                        noise: float = NOISE) -> dict:
    """Informative vs uninformative demonstrations, over every true rule and ``n_repeats`` detectors (lesson 02).

    Returns, per kind of demonstration, the mean posterior probability of the true rule and the
    mean prediction accuracy after watching, and after ``n_tests`` tests of the learner's own.
    """
    rng = np.random.default_rng(seed)
    kinds = {"informative": informative_placements(n_objects), "uninformative": uninformative_placements(n_objects)}
    result = {}
    for kind, watched in kinds.items():
        runs = [watch_then_test(rule, n_objects, watched, n_tests, rng, noise)
                for rule in all_rules(n_objects) for _ in range(n_repeats)]
        result[kind] = {
            "p_true_watched": float(np.mean([r["stages"][0]["p_true"] for r in runs])),
            "accuracy_watched": float(np.mean([r["stages"][0]["accuracy"] for r in runs])),
            "p_true_tested": float(np.mean([r["stages"][-1]["p_true"] for r in runs])),
            "accuracy_tested": float(np.mean([r["stages"][-1]["accuracy"] for r in runs])),
        }
    return result
