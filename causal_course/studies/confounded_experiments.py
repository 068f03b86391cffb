"""Lesson 06's confounded experimenting odd-one-out: do explanations choose what a passive experimenter generalises on?

Lesson 05's experimenting agent learns passively, by cloning the elimination expert's logs
(``objective="imitation"``), from episodes in which colour and shape single out the same object in
every trial (:mod:`causal_course.worlds.odd_one_out_confounded_experiments`). Three conditions
train from the same seeds (same batches, same initial weights): the explanations name colour
wherever colour and shape are both true (``explain_colour``), name shape (``explain_shape``), or
there are none (``none``). All are tested, with their own greedy experiments, on the same
deconfounded and ambiguous test episodes; the measure is the share of test picks on the object
unique in colour, compared paired with ``none``.
"""

from __future__ import annotations

from causal_course.config import budget
from causal_course.seeds import stream
from causal_course.statistics import interval_record, paired_record
from causal_course.studies.common import _check_run
from causal_course.studies.records import ConfoundedExperimentsResult

N_STEPS = 600
N_STEPS_FAST = 20
N_TEST = 1000
LEARNING_RATE = 3e-3
WIDTH = 64
CONDITIONS = {"explain_colour": "colour", "explain_shape": "shape", "none": None}
SHARES = ("colour", "shape", "texture", "nothing", "right")


def _test_sets(seed: int, n_test: int, n_experiments: int) -> tuple:
    from causal_course.worlds.odd_one_out_confounded_experiments import (
        ambiguous_test_episodes,
        confounded_experiment_episodes,
        deconfounded_test_episodes,
    )

    rng = stream(seed, "confounded_experiments_test")
    deconfounded = deconfounded_test_episodes(n_test, rng, n_experiments)
    training_like = confounded_experiment_episodes(n_test, rng, n_experiments)  # the next draws of the same stream
    return {"deconfounded": deconfounded,
            "ambiguous": ambiguous_test_episodes(n_test, stream(seed, "confounded_experiments_ambiguous"),
                                                 n_experiments)}, training_like


def confounded_experiments(seed: int = 0, fast: bool = False, n_seeds: int | None = None, n_steps: int | None = None,
                           n_test: int | None = None, progress: bool = False) -> ConfoundedExperimentsResult:
    """Lesson 06: share of colour-following test picks after confounded passive training, per explanation (``experiment confounded-experiments``)."""
    from causal_course.learners.confounded_experiments import greedy_picks, train_confounded_experiments
    from causal_course.learners.explanation_task import ExplanationTaskConfig
    from causal_course.worlds.odd_one_out_confounded_experiments import expert_picks, pick_shares_at_test

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds, n_steps=n_steps, n_test=n_test, progress=progress)
    n_seeds = n_seeds or budget(8, 2, fast)
    n_steps = n_steps if n_steps is not None else budget(N_STEPS, N_STEPS_FAST, fast)
    n_test = n_test if n_test is not None else budget(N_TEST, 200, fast)
    config = ExplanationTaskConfig(objective="imitation", n_steps=n_steps, learning_rate=LEARNING_RATE, width=WIDTH)
    seeds = [seed + k for k in range(n_seeds)]
    test_names = ("deconfounded", "ambiguous")
    values = {name: {test: {share: [] for share in SHARES} for test in test_names} for name in CONDITIONS}
    train_accuracy = {name: [] for name in CONDITIONS}
    seconds = {name: [] for name in CONDITIONS}
    expert = {test: {share: [] for share in SHARES} for test in test_names}
    for s in seeds:
        tests, training_like = _test_sets(s, n_test, config.n_experiments)
        for test, episodes in tests.items():
            for share, value in pick_shares_at_test(episodes, expert_picks(episodes)).items():
                expert[test][share].append(value)
        for name, explained in CONDITIONS.items():
            run = train_confounded_experiments(config, s, explained)
            for test, episodes in tests.items():
                for share, value in pick_shares_at_test(episodes, greedy_picks(run["model"], episodes)).items():
                    values[name][test][share].append(value)
            train_accuracy[name].append(pick_shares_at_test(training_like,
                                                            greedy_picks(run["model"], training_like))["right"])
            seconds[name].append(run["train_seconds"])
            if progress:
                print(f"seed {s} {name}: colour share deconfounded {values[name]['deconfounded']['colour'][-1]:.3f}, "
                      f"ambiguous {values[name]['ambiguous']['colour'][-1]:.3f} ({run['train_seconds']:.1f} s)",
                      flush=True)
    conditions = {name: {**{test: {share: interval_record(values[name][test][share]) for share in SHARES}
                            for test in test_names},
                         "train_accuracy": interval_record(train_accuracy[name]),
                         "train_seconds": interval_record(seconds[name], digits=2)} for name in CONDITIONS}
    pairs = (("explain_colour", "none"), ("explain_shape", "none"), ("explain_colour", "explain_shape"))
    differences = {test: {f"{a} - {b}": paired_record(values[a][test]["colour"], values[b][test]["colour"])
                          for a, b in pairs} for test in test_names}
    baselines = {"elimination_expert": {test: {share: interval_record(expert[test][share]) for share in SHARES}
                                        for test in test_names}}
    return ConfoundedExperimentsResult.from_json({
        "seeds": seeds, "n_steps": n_steps, "batch_size": config.batch_size, "n_experiments": config.n_experiments,
        "learning_rate": LEARNING_RATE, "width": WIDTH, "test_episodes": n_test, "test_sets": list(test_names),
        "conditions": conditions, "differences": differences, "baselines": baselines})
