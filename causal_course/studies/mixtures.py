"""Lesson 04's study: what an imitator learns from mixtures of experimenters' and observers' logs.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from causal_course.config import budget
from causal_course.learners.baselines import baseline_agents
from causal_course.seeds import stream
from causal_course.studies.common import (
    _check_list,
    _check_run,
    _check_test_sets,
)
from causal_course.studies.records import MixturesResult
from causal_course.validation import (
    check_choice,
    check_finite_number,
    check_n_samples,
    check_seed,
    invalid,
)
from causal_course.worlds.dag_episodes import check_env

# Lesson 04's sweep: each model trains for MIXTURE_STEPS steps of 256 logged episodes.
MIXTURE_STEPS = 1600


MIXTURE_STEPS_FAST = 40


MIXTURE_TEST_EPISODES = 1000


MIXTURE_TEST_EPISODES_FAST = 150


MIXTURE_SEEDS, MIXTURE_SEEDS_FAST = 5, 2


# condition -> (experimenter, mixing, tagged); see causal_course.learners.mixtures
MIXTURE_CONDITIONS = {
    "episodes": ("expert", "episodes", False),  # each log all-experimenter or all-observer, untagged
    "steps": ("expert", "steps", False),  # every log mixes observe and do steps
    "tagged": ("expert", "episodes", True),  # as "episodes", each log tagged with who wrote it
    "random": ("random", "episodes", False),  # the experimenter acts at random
}


# where a condition's data are those of "episodes" (the same loggers), its models are not trained twice
_SAME_AS_EPISODES = {"steps": (0.0, 1.0), "tagged": (0.0, 1.0), "random": (0.0,)}


MIXTURE_BASELINES = ("causal_inference", "regression_5_samples", "correlational")


def train_mixture_model(share: float, condition: str, seed: int, n_steps: int, progress: bool = False,
                        n_threads: int | None = None, env: str = "standard"):
    """Lesson 04: the lesson-03 transformer trained on a data mixture; returns ``(model, history)``.

    ``condition`` is a key of :data:`MIXTURE_CONDITIONS` or ``"off_record"`` (the off-record
    expert's logs; ``share`` is then ignored).
    """
    from causal_course.learners.mixtures import check_share, mixture_sampler, off_record_sampler
    from causal_course.learners.models import build_model
    from causal_course.learners.training import train_behaviour_cloning

    check_choice(condition, tuple(MIXTURE_CONDITIONS) + ("off_record",), "condition")
    _check_run(seed, n_threads=n_threads, progress=progress)
    check_n_samples(n_steps, "n_steps")
    check_env(env)
    if condition != "off_record":
        check_share(share)
    if condition == "off_record":
        make_batch = off_record_sampler(env)
    else:
        experimenter, mixing, tagged = MIXTURE_CONDITIONS[condition]
        make_batch = mixture_sampler(share, experimenter, mixing, tagged, env)
    model = build_model("transformer", seed=seed)
    history = train_behaviour_cloning(model, n_steps, np.random.default_rng(seed), progress=progress,
                                      make_batch=make_batch, n_threads=n_threads)
    return model, history


def evaluate_mixture_model(model, test_sets: dict, seed: int, asked=(None,)) -> dict:
    """Held-out and critical reward of a mixture model (lesson 04).

    For each source tag in ``asked`` (None: untagged): actions sampled from the model and greedy
    (most probable), and its goal choice given the expert's experiments instead of its own
    ("forced"); and how often it observes. Keys carry the tag: ``heldout_sampled`` (untagged),
    ``heldout_sampled_asked_experimenter``, ...
    """
    from causal_course.learners.evaluation import (
        evaluate_agent,
        exploration_summary,
        forced_goal_choice,
        model_agent,
        rollout,
    )
    from causal_course.worlds.dag_episodes import goal_reward, normalised_reward

    seed = check_seed(seed)
    _check_test_sets(test_sets, ("heldout", "critical"))
    asked = _check_list(asked, "asked", lambda source: check_choice(source, (None, "experimenter", "observer"),
                                                                    "each source in asked"), "(None, 'experimenter')")
    scores = {}
    for source in asked:
        suffix = "" if source is None else f"_asked_{source}"
        for name in ("heldout", "critical"):
            test_set = test_sets[name]
            for mode, sample in (("sampled", True), ("greedy", False)):
                scores[f"{name}_{mode}{suffix}"] = evaluate_agent(
                    model_agent(model, sample=sample, seed=seed, source=source), test_set,
                    stream(seed, "model_actions"))
            forced = forced_goal_choice(model, test_set.worlds, test_set.target, stream(seed, "model_actions"),
                                        seed=seed, source=source)
            scores[f"{name}_forced{suffix}"] = normalised_reward(
                goal_reward(test_set.effects, test_set.target, forced), test_set.optimal_reward)
        heldout = test_sets["heldout"]
        for mode, sample in (("sampled", True), ("greedy", False)):
            actions, _, _ = rollout(model, heldout.worlds, heldout.target, stream(seed, "exploration"),
                                    sample=sample, seed=seed, source=source)
            scores[f"observe_share_{mode}{suffix}"] = exploration_summary(actions)["observe_share"]
    return scores


def mixtures(seed: int = 0, fast: bool = False, shares=None, conditions=None, n_seeds: int | None = None,
             n_steps: int | None = None, n_test: int | None = None, progress: bool = False,
             n_threads: int | None = None, env: str = "standard") -> MixturesResult:
    """Lesson 04: reward against the interventional share of the passive data (``experiment mixtures``).

    Trains one model per (condition, share, seed), seeds ``seed, seed + 1, ...``, each tested on
    the same held-out and critical episodes as the baselines of its seed (paired). Conditions:
    :data:`MIXTURE_CONDITIONS` and ``"off_record"`` (one model per seed). Returns per-seed values
    under ``conditions[name]["per_seed"]`` (a list per share), their mean and 95 % interval under
    ``conditions[name]["summary"]``, and the CLI's headline ``heldout[condition]`` per share
    (including ``asked_experimenter``, the tagged model asked to act as the experimenter).
    ``env`` names the environment variant of the logs and the tests.
    """
    from causal_course.learners.evaluation import evaluate_agent, make_test_sets
    from causal_course.learners.mixtures import check_share

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds, n_steps=n_steps, n_test=n_test, n_threads=n_threads,
                            progress=progress)
    check_env(env)
    shares = _check_list(SHARES_DEFAULT if shares is None else shares, "shares", check_share, "[0.0, 0.5, 1.0]")
    known = tuple(MIXTURE_CONDITIONS) + ("off_record",)
    conditions = _check_list(known if conditions is None else conditions, "conditions",
                             lambda c: check_choice(c, known, "each condition",
                                                    f"unknown condition {c!r}: choose from these"), "['episodes']")
    n_seeds = n_seeds or budget(MIXTURE_SEEDS, MIXTURE_SEEDS_FAST, fast)
    n_steps = n_steps if n_steps is not None else budget(MIXTURE_STEPS, MIXTURE_STEPS_FAST, fast)
    n_test = n_test if n_test is not None else budget(MIXTURE_TEST_EPISODES, MIXTURE_TEST_EPISODES_FAST, fast)
    seeds = [seed + k for k in range(n_seeds)]
    tests = {s: make_test_sets(n_test, stream(s, "test_episodes"), env) for s in seeds}
    agents = {s: baseline_agents(stream(s, "baselines"), env) for s in seeds}
    baseline_runs = [{f"{group}_{name}": evaluate_agent(agents[s][name], tests[s][group], stream(s, "baseline_actions"))
                      for name in MIXTURE_BASELINES for group in ("heldout", "critical")} for s in seeds]
    trained = {}

    def runs_for(condition, share):
        if condition != "off_record" and share in _SAME_AS_EPISODES.get(condition, ()) and condition != "episodes":
            if condition == "tagged" and share == 0.0:
                return None  # no experimenter's log to be asked for
            return runs_for("episodes", share)
        key = (condition, share)
        if key not in trained:
            asked = (None, "experimenter", "observer") if condition == "tagged" else (None,)
            trained[key] = [evaluate_mixture_model(train_mixture_model(share, condition, s, n_steps, progress,
                                                                       n_threads, env)[0], tests[s], s, asked)
                            for s in seeds]
        return trained[key]

    raw = {"experiment": "mixtures", "env": env, "seeds": seeds, "n_steps": n_steps, "episodes_per_model": n_steps * 256,
           "test_episodes": n_test, "shares": shares, "baselines_per_seed": baseline_runs, "conditions": {}}
    for condition in conditions:
        if condition == "off_record":
            raw["off_record"] = {"per_seed": runs_for("off_record", 0.0)}
        else:
            raw["conditions"][condition] = {"per_seed": [runs_for(condition, share) for share in shares]}
    return summarise_mixtures(raw)


def summarise_mixtures(raw: dict) -> MixturesResult:
    """Add means and 95 % intervals over seeds to the per-seed results of :func:`mixtures` (lesson 04)."""
    from causal_course.statistics import interval_record

    def summarise(runs):
        return {key: interval_record([run[key] for run in runs]) for key in runs[0]}

    result = {key: value for key, value in raw.items() if key not in ("conditions", "off_record")}
    result["baselines"] = summarise(raw["baselines_per_seed"])
    result["conditions"] = {}
    for condition, table in raw["conditions"].items():
        result["conditions"][condition] = {
            "per_seed": table["per_seed"],
            "summary": [None if runs is None else summarise(runs) for runs in table["per_seed"]],
        }
    if "off_record" in raw:
        result["off_record"] = {"per_seed": raw["off_record"]["per_seed"],
                                "summary": summarise(raw["off_record"]["per_seed"])}
    headline = {}
    for condition, table in result["conditions"].items():
        headline[condition] = [None if s is None else s["heldout_sampled"] for s in table["summary"]]
        if condition == "tagged":
            headline["asked_experimenter"] = [None if s is None else s.get("heldout_sampled_asked_experimenter")
                                              for s in table["summary"]]
    result["heldout"] = headline
    return MixturesResult.from_json(result)


def mixture_values(results: dict, condition: str, share: float, key: str) -> list:
    """One value per seed of ``key`` for ``condition`` at ``share`` in a :func:`mixtures` result (lesson 04).

    Every condition was tested on the same seeds and test episodes, so two such lists compare paired.
    """
    shares = [float(s) for s in results["shares"]]
    check_choice(condition, tuple(sorted(results["conditions"])), "condition", "pick a condition the sweep ran")
    share = check_finite_number(share, "share")
    if share not in shares:
        raise invalid("share", f"one of the swept shares {shares}", f"{share:g}, which was not swept",
                      "pick a swept share, or run the sweep with this one")
    runs = results["conditions"][condition]["per_seed"][shares.index(share)]
    if runs is None:
        raise invalid("condition", f"a condition with models at share {share:g}",
                      f"{condition!r}, which has no model at share {share:g}", "pick another condition or share")
    return [run[key] for run in runs]


def merge_mixtures(parts: list) -> MixturesResult:
    """One sweep from sweeps over disjoint seeds (same shares, conditions and budget) (lesson 04)."""
    if not isinstance(parts, (list, tuple)) or not parts or not all(isinstance(p, Mapping) for p in parts):
        raise invalid("parts", "a non-empty list of mixtures() results", repr(parts)[:40],
                      "pass the sweeps to merge, e.g. [mixtures(seed=0), mixtures(seed=5)]", TypeError)
    first = parts[0]
    for part in parts[1:]:
        for key in ("shares", "n_steps", "test_episodes", "env"):
            if part[key] != first[key]:
                raise invalid("parts", f"sweeps with the same {key}", f"{first[key]} and {part[key]}",
                              f"cannot merge sweeps with different {key}: rerun them with the same settings")
        if set(part["conditions"]) != set(first["conditions"]):
            raise invalid("parts", "sweeps with the same conditions",
                          f"{sorted(first['conditions'])} and {sorted(part['conditions'])}",
                          "cannot merge sweeps with different conditions: rerun them with the same ones")
    raw = {key: first[key] for key in ("experiment", "env", "n_steps", "episodes_per_model", "test_episodes", "shares")}
    raw["seeds"] = [s for part in parts for s in part["seeds"]]
    raw["baselines_per_seed"] = [run for part in parts for run in part["baselines_per_seed"]]
    raw["conditions"] = {
        condition: {"per_seed": [None if first["conditions"][condition]["per_seed"][i] is None else
                                 [run for part in parts for run in part["conditions"][condition]["per_seed"][i]]
                                 for i in range(len(first["shares"]))]}
        for condition in first["conditions"]}
    if "off_record" in first:
        raw["off_record"] = {"per_seed": [run for part in parts for run in part["off_record"]["per_seed"]]}
    return summarise_mixtures(raw)


SHARES_DEFAULT = (0.0, 0.25, 0.5, 0.75, 1.0)
