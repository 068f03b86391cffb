"""The course's experiments, one function per ``causal-course experiment NAME``.

Introduced in lesson 03 (``passive``). Each returns a JSON-ready dict of figures.
"""

from __future__ import annotations

import numpy as np

from causal_course import baselines
from causal_course.config import fast_mode
from causal_course.episodes import check_env, expert_episodes
from causal_course.validation import (
    check_bool,
    check_choice,
    check_finite_number,
    check_instance,
    check_integer,
    check_n_samples,
    check_non_negative_number,
    check_positive_count,
    check_probability,
    check_rng,
    check_seed,
    invalid,
)

# Training budgets (steps of 256 episodes). On 2 idle CPU cores one step takes about 25 ms, so the
# full budget is about 55 s of training; fast mode (CI) is a few seconds.
PASSIVE_STEPS = 2200
PASSIVE_STEPS_FAST = 120
TEST_EPISODES = 2000
TEST_EPISODES_FAST = 300

BASELINE_NAMES = ("optimal", "causal_inference", "correlational", "regression_5_samples",
                  "regression_unlimited", "memorising", "random")


def _check_run(seed, fast=False, *, n_seeds=None, n_steps=None, n_test=None, n_threads=None,
               progress=False) -> tuple[int, bool]:
    """Check the settings every experiment shares (each ``None`` means "the default"); return ``(seed, fast)``."""
    seed = check_seed(seed)
    fast = check_bool(fast, "fast")
    if n_seeds is not None:
        check_positive_count(n_seeds, "n_seeds", 5)
    if n_steps is not None:
        check_n_samples(n_steps, "n_steps")
    if n_test is not None:
        check_positive_count(n_test, "n_test", 1000)
    if n_threads is not None:
        check_positive_count(n_threads, "n_threads", 2)
    check_bool(progress, "progress")
    return seed, fast


def _check_list(values, name: str, check, example: str) -> list:
    """A non-empty list (or tuple, or array) of distinct values, each passed through ``check``."""
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise invalid(name, "a list", repr(values)[:40], f"pass for instance {name}={example}", TypeError)
    values = [check(v) for v in values]
    if not values:
        raise invalid(name, "a non-empty list", "an empty one", f"pass for instance {name}={example}, or None for the "
                      "default")
    if len(set(values)) != len(values):
        raise invalid(name, "a list of distinct values", values, "drop the repeated ones")
    return values


def _same(value, _checked):
    """``value`` itself, once a check has passed (so lists keep the caller's numbers, 1 rather than 1.0)."""
    return value


def _check_test_sets(test_sets, needed=()) -> dict:
    check_instance(test_sets, dict, "test_sets", "a dict {name: TestSet}",
                   "make them with causal_course.evaluation.make_test_sets(n_test, rng)")
    missing = [name for name in needed if name not in test_sets]
    if not test_sets or missing:
        expected = f"a dict with the test sets {list(needed)}" if needed else "a non-empty dict {name: TestSet}"
        raise invalid("test_sets", expected, f"the keys {sorted(test_sets)}",
                      "make them with causal_course.evaluation.make_test_sets(n_test, rng)")
    return test_sets


def baseline_agents(rng: np.random.Generator, env: str = "standard") -> dict:
    """Every baseline of lesson 03 as ``name -> agent`` (the memorising one learns from expert logs in ``env``)."""
    check_rng(rng)
    check_env(env)
    training = expert_episodes(20_000, rng, "train", env)
    return {
        "optimal": baselines.optimal_agent,
        "causal_inference": baselines.causal_inference_agent,
        "correlational": baselines.correlational_agent,
        "regression_5_samples": baselines.regression_agent,
        "regression_unlimited": lambda w, t, r: baselines.regression_agent(w, t, r, n_samples=None),
        "memorising": baselines.memorising_agent_from(training.goal_action, training.target),
        "random": baselines.random_agent,
    }


def evaluate_everything(model, test_sets: dict, seed: int, agents: dict | None = None) -> dict:
    """Normalised reward of the model (sampled and greedy) and every baseline on every test set (lesson 03).

    The baselines' memorising agent learns from the test sets' own environment variant.
    """
    from causal_course.evaluation import evaluate_agent, exploration_summary, model_agent, rollout

    seed = check_seed(seed)
    _check_test_sets(test_sets, () if model is None else ("heldout", "critical"))
    env = next(iter(test_sets.values())).worlds.env
    agents = agents if agents is not None else baseline_agents(np.random.default_rng(seed + 1_000), env)
    results = {}
    for name, test_set in test_sets.items():
        group = {}
        if model is not None:
            group["model"] = evaluate_agent(model_agent(model, sample=True, seed=seed), test_set,
                                            np.random.default_rng(seed + 2_000))
            group["model_greedy"] = evaluate_agent(model_agent(model, sample=False, seed=seed), test_set,
                                                   np.random.default_rng(seed + 2_000))
        for agent_name, agent in agents.items():
            group[agent_name] = evaluate_agent(agent, test_set, np.random.default_rng(seed + 3_000))
        results[name] = group
    if model is not None:
        heldout = test_sets["heldout"]
        actions, _, _ = rollout(model, heldout.worlds, heldout.target, np.random.default_rng(seed + 4_000),
                                sample=True, seed=seed)
        results["model_exploration"] = exploration_summary(actions)
        results["critical_choices"] = critical_choices(model, test_sets["critical"], seed)
    return results


def critical_choices(model, critical, seed: int) -> dict:
    """How often the model picks X0 on critical episodes, where X0 is the only right answer (lesson 03).

    ``x0_share``: acting on its own (sampled); ``x0_share_given_expert``: given the expert's
    experiments instead of its own. A model that learned the training prior "X0 never affects X1"
    avoids X0 in both; one that explores badly but has the strategy picks X0 when given the
    expert's experiments.
    """
    from causal_course.evaluation import forced_goal_choice, rollout

    seed = check_seed(seed)
    _, _, goal = rollout(model, critical.worlds, critical.target, np.random.default_rng(seed + 2_000), sample=True,
                         seed=seed)
    forced = forced_goal_choice(model, critical.worlds, critical.target, np.random.default_rng(seed + 2_000), seed=seed)
    return {"x0_share": round(float(np.mean(goal // 2 == 0)), 4),
            "x0_share_given_expert": round(float(np.mean(forced // 2 == 0)), 4)}


def passive(seed: int = 0, fast: bool = False, n_steps: int | None = None, architecture: str = "transformer",
            n_test: int | None = None, progress: bool = False, n_threads: int | None = None,
            env: str = "standard") -> dict:
    """Lesson 03: train by behaviour cloning on expert logs, then test interactively (``experiment passive``).

    Returns ``{"seed", "env", "train_seconds", "episodes_seen", "heldout", "in_distribution", "critical", ...}``
    where each group maps ``model``, ``optimal``, ``causal_inference``, ``correlational``, ``random``
    (and the extra baselines) to a normalised reward (random = 0, optimal = 1). ``env`` names the
    environment variant the expert's logs and the tests come from.
    """
    from causal_course.episodes import check_env
    from causal_course.evaluation import make_test_sets
    from causal_course.models import build_model, count_parameters
    from causal_course.training import expert_sampler, train_behaviour_cloning

    seed, fast = _check_run(seed, fast, n_steps=n_steps, n_test=n_test, n_threads=n_threads, progress=progress)
    check_env(env)
    fast = fast or fast_mode()
    n_steps = n_steps if n_steps is not None else (PASSIVE_STEPS_FAST if fast else PASSIVE_STEPS)
    n_test = n_test if n_test is not None else (TEST_EPISODES_FAST if fast else TEST_EPISODES)
    test_sets = make_test_sets(n_test, np.random.default_rng(seed + 5_000), env)
    model = build_model(architecture, seed=seed)
    history = train_behaviour_cloning(model, n_steps, np.random.default_rng(seed), progress=progress,
                                      n_threads=n_threads, make_batch=expert_sampler(env))
    results = evaluate_everything(model, test_sets, seed)
    return {
        "experiment": "passive",
        "seed": seed,
        "env": env,
        "architecture": architecture,
        "n_parameters": count_parameters(model),
        "n_steps": n_steps,
        "train_seconds": round(history.train_seconds, 2),
        "episodes_seen": history.total_episodes,
        "test_episodes": n_test,
        **{key: ({k: round(v, 4) for k, v in value.items()}) for key, value in results.items()},
    }


def baselines_by_env(seed: int = 0, fast: bool = False, envs=None, n_test: int | None = None) -> dict:
    """Lesson 03: every baseline on every environment variant, one seed (``benchmarks/variants.py``).

    Returns ``{"seed", "test_episodes", "envs": {env: {group: {baseline: normalised reward}}}}``;
    no model is trained, so this takes seconds.
    """
    from causal_course.episodes import ENVIRONMENTS
    from causal_course.evaluation import make_test_sets

    seed, fast = _check_run(seed, fast, n_test=n_test)
    fast = fast or fast_mode()
    envs = _check_list(ENVIRONMENTS if envs is None else envs, "envs", check_env, "['standard', 'confounded']")
    n_test = n_test if n_test is not None else (TEST_EPISODES_FAST if fast else TEST_EPISODES)
    result = {"experiment": "variants", "seed": seed, "test_episodes": n_test, "envs": {}}
    for env in envs:
        test_sets = make_test_sets(n_test, np.random.default_rng(seed + 5_000), env)
        scores = evaluate_everything(None, test_sets, seed)
        result["envs"][env] = {group: {k: round(v, 4) for k, v in values.items()} for group, values in scores.items()}
    return result


# Lesson 03's relevance cues: one model per seed, trained on cued and uncued expert logs.
CUE_STEPS, CUE_STEPS_FAST = 1600, 60
CUED_SHARE = 0.5


def cues(seed: int = 0, fast: bool = False, n_steps: int | None = None, n_test: int | None = None,
         progress: bool = False, n_threads: int | None = None, env: str = "standard") -> dict:
    """Lesson 03: does a passively trained model learn to use relevance cues, also new combinations? (``experiment cues``)

    Trains the lesson-03 transformer on expert logs where half the episodes carry a cue (and the
    expert experiments only on the cued variables), never with a cue holding both X3 and X4.
    Tests it interactively, on training structures, with cues of the trained combinations, with
    the held-out combinations, and without a cue. Returns the normalised reward of each
    (``heldout_combinations``, ...), ``interventions_on_uncued_share`` (the share of its
    interventions on variables the cue did not mark) and ``steps_used`` (interventions per
    episode), beside the cued and the uncued expert.
    """
    seed, fast = _check_run(seed, fast, n_steps=n_steps, n_test=n_test, n_threads=n_threads, progress=progress)
    check_env(env)
    fast = fast or fast_mode()
    n_steps = n_steps if n_steps is not None else (CUE_STEPS_FAST if fast else CUE_STEPS)
    n_test = n_test if n_test is not None else (TEST_EPISODES_FAST if fast else 1000)
    return cue_run(seed, n_steps, n_test, progress, n_threads, env)[1]


def cue_run(seed: int, n_steps: int, n_test: int, progress: bool = False, n_threads: int | None = None,
            env: str = "standard"):
    """Lesson 03: train and test one cue model; returns ``(model, result)`` (the result of :func:`cues`)."""
    _check_run(seed, n_threads=n_threads, progress=progress)
    check_n_samples(n_steps, "n_steps")
    check_positive_count(n_test, "n_test", 1000)
    check_env(env)
    model, history = train_cue_model(seed, n_steps, progress, n_threads, env)
    result = {"experiment": "cues", "seed": seed, "env": env, "n_steps": n_steps,
              "train_seconds": round(history.train_seconds, 2), "cued_share_in_training": CUED_SHARE}
    result.update(evaluate_cue_model(model, seed, n_test, env))
    return model, result


def train_cue_model(seed: int, n_steps: int, progress: bool = False, n_threads: int | None = None,
                    env: str = "standard"):
    """Lesson 03: the transformer trained on cued and uncued expert logs; returns ``(model, history)``."""
    from causal_course.cues import cue_sampler
    from causal_course.models import build_model
    from causal_course.training import train_behaviour_cloning

    _check_run(seed, n_threads=n_threads, progress=progress)
    check_n_samples(n_steps, "n_steps")
    check_env(env)
    model = build_model("transformer", seed=seed)
    history = train_behaviour_cloning(model, n_steps, np.random.default_rng(seed), progress=progress,
                                      make_batch=cue_sampler(CUED_SHARE, env), n_threads=n_threads)
    return model, history


def cue_test_sets(seed: int, n_test: int, env: str = "standard") -> dict:
    """Lesson 03: cued test episodes on training structures: trained cue combinations, held-out ones, no cue."""
    from causal_course.cues import cue_episodes

    check_seed(seed)
    check_positive_count(n_test, "n_test", 1000)
    check_env(env)
    rng = np.random.default_rng(seed + 5_000)
    return {"trained_combinations": cue_episodes(n_test, rng, 1.0, "train", env=env),
            "heldout_combinations": cue_episodes(2 * n_test, rng, 1.0, "heldout", env=env)[:n_test],
            "uncued": cue_episodes(n_test, rng, 0.0, "train", env=env)}


def evaluate_cue_model(model, seed: int, n_test: int, env: str = "standard") -> dict:
    """Lesson 03: reward, interventions outside the cue and experiments used, on :func:`cue_test_sets`."""
    from causal_course.cues import experiments_per_episode, interventions_outside_cue
    from causal_course.episodes import goal_reward, normalised_reward
    from causal_course.evaluation import rollout

    tests = cue_test_sets(seed, n_test, env)  # checks seed, n_test and env
    reward, outside, used = {}, {}, {}
    for name, test in tests.items():
        actions, _, goal = rollout(model, test.worlds, test.target, np.random.default_rng(seed + 2_000), sample=True,
                                   seed=seed, cue=test.cue)
        reward[name] = round(normalised_reward(goal_reward(test.effects, test.target, goal), test.optimal_reward), 4)
        used[name] = round(experiments_per_episode(actions), 3)
        if name != "uncued":
            outside[name] = round(interventions_outside_cue(actions, test.cue), 4)
    held = tests["heldout_combinations"]
    actions, _, goal = rollout(model, held.worlds, held.target, np.random.default_rng(seed + 2_000), sample=True,
                               seed=seed)  # the same episodes with the cue hidden
    reward["heldout_combinations_cue_hidden"] = round(
        normalised_reward(goal_reward(held.effects, held.target, goal), held.optimal_reward), 4)
    used["heldout_combinations_cue_hidden"] = round(experiments_per_episode(actions), 3)
    used["cued_expert"] = round(experiments_per_episode(held.actions), 3)
    used["uncued_expert"] = float(tests["uncued"].actions.shape[1])
    return {"test_episodes": n_test, "heldout_combinations": reward["heldout_combinations"], "reward": reward,
            "interventions_on_uncued_share": outside, "steps_used": used}


# Lesson 04's sweep: each model trains for MIXTURE_STEPS steps of 256 logged episodes.
MIXTURE_STEPS = 1600
MIXTURE_STEPS_FAST = 40
MIXTURE_TEST_EPISODES = 1000
MIXTURE_TEST_EPISODES_FAST = 150
MIXTURE_SEEDS, MIXTURE_SEEDS_FAST = 5, 2
# condition -> (experimenter, mixing, tagged); see causal_course.mixtures
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
    from causal_course.mixtures import check_share, mixture_sampler, off_record_sampler
    from causal_course.models import build_model
    from causal_course.training import train_behaviour_cloning

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
    from causal_course.episodes import goal_reward, normalised_reward
    from causal_course.evaluation import (
        evaluate_agent,
        exploration_summary,
        forced_goal_choice,
        model_agent,
        rollout,
    )

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
                    np.random.default_rng(seed + 2_000))
            forced = forced_goal_choice(model, test_set.worlds, test_set.target, np.random.default_rng(seed + 2_000),
                                        seed=seed, source=source)
            scores[f"{name}_forced{suffix}"] = normalised_reward(
                goal_reward(test_set.effects, test_set.target, forced), test_set.optimal_reward)
        heldout = test_sets["heldout"]
        for mode, sample in (("sampled", True), ("greedy", False)):
            actions, _, _ = rollout(model, heldout.worlds, heldout.target, np.random.default_rng(seed + 4_000),
                                    sample=sample, seed=seed, source=source)
            scores[f"observe_share_{mode}{suffix}"] = exploration_summary(actions)["observe_share"]
    return scores


def mixtures(seed: int = 0, fast: bool = False, shares=None, conditions=None, n_seeds: int | None = None,
             n_steps: int | None = None, n_test: int | None = None, progress: bool = False,
             n_threads: int | None = None, env: str = "standard") -> dict:
    """Lesson 04: reward against the interventional share of the passive data (``experiment mixtures``).

    Trains one model per (condition, share, seed), seeds ``seed, seed + 1, ...``, each tested on
    the same held-out and critical episodes as the baselines of its seed (paired). Conditions:
    :data:`MIXTURE_CONDITIONS` and ``"off_record"`` (one model per seed). Returns per-seed values
    under ``conditions[name]["per_seed"]`` (a list per share), their mean and 95 % interval under
    ``conditions[name]["summary"]``, and the CLI's headline ``heldout[condition]`` per share
    (including ``asked_experimenter``, the tagged model asked to act as the experimenter).
    ``env`` names the environment variant of the logs and the tests.
    """
    from causal_course.evaluation import evaluate_agent, make_test_sets
    from causal_course.mixtures import check_share

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds, n_steps=n_steps, n_test=n_test, n_threads=n_threads,
                            progress=progress)
    check_env(env)
    fast = fast or fast_mode()
    shares = _check_list(SHARES_DEFAULT if shares is None else shares, "shares", check_share, "[0.0, 0.5, 1.0]")
    known = tuple(MIXTURE_CONDITIONS) + ("off_record",)
    conditions = _check_list(known if conditions is None else conditions, "conditions",
                             lambda c: check_choice(c, known, "each condition",
                                                    f"unknown condition {c!r}: choose from these"), "['episodes']")
    n_seeds = n_seeds or (MIXTURE_SEEDS_FAST if fast else MIXTURE_SEEDS)
    n_steps = n_steps if n_steps is not None else (MIXTURE_STEPS_FAST if fast else MIXTURE_STEPS)
    n_test = n_test if n_test is not None else (MIXTURE_TEST_EPISODES_FAST if fast else MIXTURE_TEST_EPISODES)
    seeds = [seed + k for k in range(n_seeds)]
    tests = {s: make_test_sets(n_test, np.random.default_rng(s + 5_000), env) for s in seeds}
    agents = {s: baseline_agents(np.random.default_rng(s + 1_000), env) for s in seeds}
    baseline_runs = [{f"{group}_{name}": evaluate_agent(agents[s][name], tests[s][group], np.random.default_rng(s + 3_000))
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


def summarise_mixtures(raw: dict) -> dict:
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
    return result


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


def merge_mixtures(parts: list) -> dict:
    """One sweep from sweeps over disjoint seeds (same shares, conditions and budget) (lesson 04)."""
    if not isinstance(parts, (list, tuple)) or not parts or not all(isinstance(p, dict) for p in parts):
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


# Lesson 05: explanations as an auxiliary objective, compared at equal training budgets.
EXPLANATION_STEPS = 900
EXPLANATION_CHECKPOINTS = (150, 300, 600, 900)
EXPLANATION_STEPS_FAST = 30
EXPLANATION_CHECKPOINTS_FAST = (15, 30)
EXPLANATION_KINDS = ("none", "effects", "justification", "step_effects")
EXPLANATION_LAMBDAS = (0.0, 0.1, 0.3, 1.0, 3.0)


def train_with_explanation(kind: str, lam: float, seed: int, n_steps: int, checkpoints, test_sets: dict,
                           progress: bool = False) -> list:
    """Lesson 05: train with an explanation head (``kind``, weight ``lam``); held-out and critical reward at each checkpoint."""
    from causal_course.evaluation import evaluate_agent, model_agent
    from causal_course.explanations import loss_with_explanations
    from causal_course.models import build_model
    from causal_course.training import train_behaviour_cloning

    check_choice(kind, EXPLANATION_KINDS, "kind")
    check_non_negative_number(lam, "lam", 1.0)
    _check_run(seed, progress=progress)
    check_n_samples(n_steps, "n_steps")
    checkpoints = _check_list(checkpoints, "checkpoints", lambda step: check_positive_count(step, "each checkpoint", 100),
                              "[150, 300]")
    _check_test_sets(test_sets, ("heldout", "critical"))
    model = build_model("transformer", seed=seed, explanation=None if kind == "none" else kind)

    def checkpoint(model, step):
        return {"step": step, **{name: evaluate_agent(model_agent(model, seed=seed), test_sets[name],
                                                      np.random.default_rng(seed + 2_000))
                                 for name in ("heldout", "critical")}}

    history = train_behaviour_cloning(model, n_steps, np.random.default_rng(seed), progress=progress,
                                      loss_fn=loss_with_explanations(lam), callback=checkpoint,
                                      callback_at=set(checkpoints))
    for point in history.checkpoints:
        point["seconds"] = round(history.seconds[point["step"] - 1], 2)
    return history.checkpoints


def explanations(seed: int = 0, fast: bool = False, kinds=None, lambdas=None, sweep_kind: str = "effects",
                 n_seeds: int | None = None, n_test: int | None = None, progress: bool = False) -> dict:
    """Lesson 05: learning curves with and without explanations, and a sweep of the weight lambda (``experiment explanations``)."""
    from causal_course.evaluation import make_test_sets
    from causal_course.statistics import mean_and_standard_error

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds, n_test=n_test, progress=progress)
    fast = fast or fast_mode()
    kinds = _check_list(EXPLANATION_KINDS if kinds is None else kinds, "kinds",
                        lambda kind: check_choice(kind, EXPLANATION_KINDS, "each kind"), "['none', 'effects']")
    lambdas = _check_list(EXPLANATION_LAMBDAS if lambdas is None else lambdas, "lambdas",
                          lambda lam: _same(lam, check_non_negative_number(lam, "each lambda", 1.0)), "[0.0, 1.0]")
    check_choice(sweep_kind, EXPLANATION_KINDS, "sweep_kind")
    n_seeds = n_seeds or (2 if fast else 3)
    n_steps = EXPLANATION_STEPS_FAST if fast else EXPLANATION_STEPS
    checkpoints = list(EXPLANATION_CHECKPOINTS_FAST if fast else EXPLANATION_CHECKPOINTS)
    n_test = n_test if n_test is not None else (TEST_EPISODES_FAST if fast else 1000)
    seeds = [seed + k for k in range(n_seeds)]
    tests = {s: make_test_sets(n_test, np.random.default_rng(s + 5_000)) for s in seeds}
    runs = {}

    def run(kind, lam):
        key = ("none", 0.0) if kind == "none" or lam == 0 else (kind, float(lam))
        if key not in runs:
            runs[key] = [train_with_explanation(key[0], key[1], s, n_steps, checkpoints, tests[s], progress)
                         for s in seeds]
        return runs[key]

    def summary(curves, group):
        stats = [mean_and_standard_error([curve[i][group] for curve in curves]) for i in range(len(checkpoints))]
        return [round(m, 4) for m, _ in stats], [round(se, 4) for _, se in stats]

    result = {"experiment": "explanations", "seeds": seeds, "steps": checkpoints,
              "episodes": [256 * s for s in checkpoints], "lambda": 1.0, "test_episodes": n_test, "curves": {}}
    for kind in kinds:
        curves = run(kind, 1.0)
        entry = {"seconds": [round(float(np.mean([c[i]["seconds"] for c in curves])), 1) for i in range(len(checkpoints))]}
        for group in ("heldout", "critical"):
            entry[group], entry[f"{group}_se"] = summary(curves, group)
        result["curves"][kind] = entry
    sweep = {"kind": sweep_kind, "lambdas": lambdas}
    for group in ("heldout", "critical"):
        finals = [summary(run(sweep_kind, lam), group) for lam in lambdas]
        sweep[group] = [f[0][-1] for f in finals]
        sweep[f"{group}_se"] = [f[1][-1] for f in finals]
        sweep[f"{group}_curve"] = [f[0] for f in finals]
        sweep[f"{group}_curve_se"] = [f[1] for f in finals]
    result["lambda_sweep"] = sweep
    return result


# Lesson 06: confounded generalisation steered by explanations.
CONFOUNDED_SHARES = (1.0, 0.9, 0.75, 0.5)
ODD_ONE_OUT_STEPS = 1000
ODD_ONE_OUT_STEPS_FAST = 60


def confounding(seed: int = 0, fast: bool = False, confounded_shares=None, n_seeds: int | None = None,
                n_steps: int | None = None, n_test: int | None = None) -> dict:
    """Lesson 06: deconfounded choice shares by dimension for each explanation and confounding level (``experiment confounding``)."""
    from causal_course.odd_one_out_learner import EXPLANATION_CHOICES, evaluate_odd_one_out, train_odd_one_out
    from causal_course.statistics import mean_and_standard_error

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds, n_steps=n_steps, n_test=n_test)
    fast = fast or fast_mode()
    if confounded_shares is not None:
        confounded_shares = _check_list(confounded_shares, "confounded_shares",
                                        lambda share: _same(share, check_probability(share, "each confounded share")),
                                        "[1.0, 0.5]")
    shares = list(confounded_shares or ((1.0, 0.5) if fast else CONFOUNDED_SHARES))
    n_seeds = n_seeds or (2 if fast else 3)
    n_steps = n_steps if n_steps is not None else (ODD_ONE_OUT_STEPS_FAST if fast else ODD_ONE_OUT_STEPS)
    n_test = n_test if n_test is not None else (500 if fast else 2000)
    seeds = [seed + k for k in range(n_seeds)]
    conditions = []
    for explanation in EXPLANATION_CHOICES:
        for share in shares:
            runs = [evaluate_odd_one_out(train_odd_one_out(explanation, share, seed=s, n_steps=n_steps),
                                         np.random.default_rng(s + 6_000), n_test) for s in seeds]
            row = {"explanation": explanation, "confounded_share": share}
            for key in runs[0]:
                mean, se = mean_and_standard_error([run[key] for run in runs])
                row[key], row[f"{key}_se"] = round(mean, 4), round(se, 4)
            conditions.append(row)
    return {"experiment": "confounding", "seeds": seeds, "n_steps": n_steps, "test_episodes": n_test,
            "confounded_shares": shares, "explanations": list(EXPLANATION_CHOICES), "conditions": conditions}


def _mean_se(values):
    """Mean and standard error over the first axis (seeds), rounded, as lists (or floats for one value per seed)."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        raise invalid("values", "at least one result (one per seed)", "none", "run at least one seed (n_seeds >= 1)")
    se = values.std(axis=0, ddof=1) / np.sqrt(len(values)) if len(values) > 1 else np.zeros(values.shape[1:])
    return np.round(values.mean(axis=0), 4).tolist(), np.round(se, 4).tolist()


STRUCTURE_ROUNDS, STRUCTURE_ROUNDS_FAST = 12, 6
STRUCTURE_SIMULATIONS, STRUCTURE_SIMULATIONS_FAST = 64, 16


def structure(seed: int = 0, fast: bool = False, n_seeds: int = 3, batch_size: int = 5, n_rounds: int | None = None,
              n_simulations: int | None = None, dag_indices=None, progress: bool = False) -> dict:
    """Lesson 02: posterior entropy against samples for observing, random and greedy experiments.

    For each of ``n_seeds`` seeds (``seed``, ``seed + 1``, ...) and each true DAG on 3 variables
    (all 25; a spread of 5 in fast mode), a world with random weights and noise scales is learned
    by each strategy in rounds of ``batch_size`` samples. Returns the mean and standard error
    over seeds of the entropy (bits) after each round, and the final posterior mass on the true
    DAG and on its equivalence class.
    """
    from causal_course.experiment_design import STRATEGIES, run_strategy
    from causal_course.scm import random_linear_gaussian_scm
    from causal_course.structure_learning import DagSpace

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds, progress=progress)
    batch_size = check_positive_count(batch_size, "batch_size", 5)
    if n_rounds is not None:
        check_positive_count(n_rounds, "n_rounds", STRUCTURE_ROUNDS)
    if n_simulations is not None:
        check_positive_count(n_simulations, "n_simulations", STRUCTURE_SIMULATIONS)
    fast = fast or fast_mode()
    n_rounds = n_rounds or (STRUCTURE_ROUNDS_FAST if fast else STRUCTURE_ROUNDS)
    n_simulations = n_simulations or (STRUCTURE_SIMULATIONS_FAST if fast else STRUCTURE_SIMULATIONS)
    space = DagSpace(3)
    if dag_indices is None:
        dag_indices = [0, 1, 6, 12, 24] if fast else range(len(space))
    dag_indices = _check_list(dag_indices, "dag_indices",
                              lambda k: check_integer(k, "each DAG index", 0, len(space) - 1,
                                                      expected=f"an index into the {len(space)} DAGs on 3 variables "
                                                               f"(0 to {len(space) - 1})",
                                                      fix=f"pick indices from range({len(space)})"), "[6, 12]")
    per_seed = {s: {"entropy": [], "true_dag": [], "true_class": []} for s in STRATEGIES}
    for offset in range(n_seeds):
        rng = np.random.default_rng(seed + offset)
        runs = {s: [] for s in STRATEGIES}
        for index in dag_indices:
            world = random_linear_gaussian_scm(space.dags[index], rng, names=["A", "B", "C"])
            for strategy in STRATEGIES:
                runs[strategy].append(run_strategy(world, strategy, n_rounds, rng, batch_size, n_simulations, space))
        for strategy in STRATEGIES:
            per_seed[strategy]["entropy"].append(np.mean([r["entropy"] for r in runs[strategy]], axis=0))
            per_seed[strategy]["true_dag"].append(np.mean([r["true_dag"][-1] for r in runs[strategy]]))
            per_seed[strategy]["true_class"].append(np.mean([r["true_class"][-1] for r in runs[strategy]]))

    result = {"experiment": "structure", "seed": seed, "n_seeds": n_seeds, "n_dags": len(dag_indices),
              "batch_size": batch_size, "samples": [batch_size * r for r in range(n_rounds + 1)],
              "entropy": {}, "entropy_se": {}, "true_dag": {}, "true_dag_se": {}, "true_class": {},
              "true_class_se": {}}
    for strategy in STRATEGIES:
        for key in ("entropy", "true_dag", "true_class"):
            result[key][strategy], result[key + "_se"][strategy] = _mean_se(per_seed[strategy][key])
    return result


def dagger(seed: int = 0, fast: bool = False, n_seeds: int = 3, rounds: int | None = None) -> dict:
    """Lesson 07: per-step error and the share of cars on the road against the horizon, for behaviour
    cloning (round 0), DAgger rounds and the expert; mean and standard error over seeds ``seed``, ``seed + 1``, ..."""
    from causal_course.imitation import dagger_study

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds)
    if rounds is not None:
        check_n_samples(rounds, "rounds")
    fast = fast or fast_mode()
    rounds = rounds if rounds is not None else (2 if fast else 4)
    horizons = (10, 50, 100) if fast else (10, 25, 50, 100, 200)
    studies = [dagger_study(seed + s, rounds, n_test=60 if fast else 200, horizons=horizons) for s in range(n_seeds)]
    result = {"experiment": "dagger", "seed": seed, "n_seeds": n_seeds, "horizons": list(horizons),
              "data_sizes": np.mean([s.data_sizes for s in studies], axis=0).round().astype(int).tolist(),
              "per_step_error": {}, "per_step_error_se": {}, "on_road": {}, "on_road_se": {}}
    for name in studies[0].curves:
        for key in ("per_step_error", "on_road"):
            result[key][name], result[key + "_se"][name] = _mean_se([s.curves[name][key] for s in studies])
    return result


RC_ASKED = (50, 100, 150, 175, 190)
RC_WORLDS = {
    # name -> (gust levels, drives per kind of driver); in "lucky", calm days make poor drivers look good
    "deterministic": ((0.003,), {"expert": 10, "noisy": 10, "poor": 10, "random": 10}),
    "lucky": ((0.0005, 0.006), {"expert": 5, "noisy": 10, "poor": 20, "random": 5}),
}


def return_conditioning(seed: int = 0, fast: bool = False, n_seeds: int = 3, asked=RC_ASKED) -> dict:
    """Lesson 07: returns achieved by cloning everything, cloning the best quarter, and return-conditioned
    imitation asked for each return in ``asked``, in a world where returns reflect skill and one where
    they also reflect luck; mean and standard error over seeds."""
    from causal_course import lane_keeping as lk
    from causal_course.imitation import (
        DRIVERS,
        NearestNeighbourPolicy,
        ReturnConditionedPolicy,
        achieved_return,
        mixed_demonstrations,
    )

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds)
    asked = _check_list(asked, "asked", lambda a: _same(a, check_finite_number(a, "each asked return")), "[100, 190]")
    fast = fast or fast_mode()
    n_test = 40 if fast else 100
    asked = [100, 190] if fast and tuple(asked) == RC_ASKED else list(asked)
    result = {"experiment": "return-conditioning", "seed": seed, "n_seeds": n_seeds, "asked": asked,
              "test_drives": n_test, "worlds": {}}
    for world, (gusts, drivers) in RC_WORLDS.items():
        rows = {"expert": [], "clone all": [], "clone best 25%": [], "data": {d: [] for d in DRIVERS}}
        rows.update({f"asked {a}": [] for a in asked})
        for s in range(n_seeds):
            rng = np.random.default_rng(seed + s)
            data = mixed_demonstrations(rng, drivers, gusts=gusts)
            drive_returns = np.unique(data.drive_return)
            best = data.drive_return >= np.quantile(drive_returns, 0.75)
            test_gust = np.random.default_rng(seed + s + 5000).choice(np.asarray(gusts), n_test)
            test_seed = seed + s + 7000

            def score(policy):
                return float(achieved_return(policy, n_test, 200, test_seed, test_gust).mean())

            rows["expert"].append(score(lk.expert_policy))
            rows["clone all"].append(score(NearestNeighbourPolicy(data.features, data.actions)))
            rows["clone best 25%"].append(score(NearestNeighbourPolicy(data.features[best], data.actions[best])))
            conditioned = ReturnConditionedPolicy(data)
            for a in asked:
                rows[f"asked {a}"].append(score(conditioned.start(a, n_test)))
            for d in DRIVERS:
                rows["data"][d].append(float(np.unique(data.drive_return[data.driver == d]).mean()))
        summary = {}
        for name, values in rows.items():
            if name == "data":
                summary["data"] = {d: round(float(np.mean(v)), 1) for d, v in values.items()}
                continue
            mean, se = _mean_se(np.asarray(values)[:, None])
            summary[name], summary[name + " se"] = round(mean[0], 1), round(se[0], 1)
        result["worlds"][world] = summary
    return result
