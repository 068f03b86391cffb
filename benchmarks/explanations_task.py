"""Lesson 05's reproduction of *Tell me why!*: the experimenting odd-one-out learned from reward, with and without explanations.

Usage (from the course folder, after `make setup`; one CPU thread per run):

    .venv/bin/python benchmarks/explanations_task.py          # about 8 minutes on one core
    .venv/bin/python benchmarks/explanations_task.py --save   # also refresh causal_course/data/explanations_task_results.json
    .venv/bin/python benchmarks/explanations_task.py --long 8000 --long-seeds 3
        # only the long check: the agent without explanations at 8000 steps (4 times the budget), seeds 0-2
    .venv/bin/python benchmarks/explanations_task.py --imitation --long-seeds 1
        # only the imitation check: both conditions cloning the elimination expert's logs, 2000 steps (about 25 s)

Each condition's learning rate (1e-3, 3e-3, 1e-2) and width (32, 64) is tuned on its own tuning
seed at the study's budget (2000 REINFORCE steps of 128 episodes); then both tuned agents train
on the same 8 seeds and are tested on the same 1000 test episodes per seed. Printed: the tuning
table, the learning curves with 95 % intervals, the paired difference of the final test accuracies,
the measured training seconds per run and the baselines that see the same episodes.
"""

from __future__ import annotations

import argparse
import sys

from common import run_cached_experiment

from causal_course.studies.explanations_task import explanations_task  # noqa: E402

RESULTS_NAME = "explanations_task_results"


def _interval(record: dict) -> str:
    if record["low"] is None:
        return f"{record['mean']:.3f}"
    return f"{record['mean']:.3f} [{record['low']:.3f}, {record['high']:.3f}]"


def long_check(n_steps: int, n_seeds: int) -> int:
    """The agent without explanations, tuned as in the cached study, trained ``n_steps`` steps."""
    import json
    import time

    from causal_course.learners.explanation_task import ExplanationTaskConfig, train_explanation_task
    from causal_course.paths import DATA_DIR
    from causal_course.seeds import stream
    from causal_course.worlds.odd_one_out_experiments import experiment_episodes

    cached = json.loads((DATA_DIR / f"{RESULTS_NAME}.json").read_text())
    chosen = {key: cached["without_explanations"][key] for key in ("learning_rate", "width")}
    print(f"without explanations, {chosen}, {n_steps} steps, test accuracy every {n_steps // 8} steps")
    for seed in range(n_seeds):
        test = experiment_episodes(cached["test_episodes"], stream(seed, "explanation_task_test"))
        start = time.perf_counter()
        run = train_explanation_task(ExplanationTaskConfig(explanations=False, n_steps=n_steps, **chosen), seed, test,
                                     range(0, n_steps + 1, n_steps // 8))
        curve = " ".join(f"{value:.2f}" for value in run["curve"].values())
        print(f"seed {seed}: {curve}   ({time.perf_counter() - start:.0f} s)", flush=True)
    return 0


def imitation_check(n_seeds: int) -> int:
    """Both conditions trained by cloning the elimination expert's picks (teacher forcing) instead of by reward."""
    from causal_course.learners.explanation_task import ExplanationTaskConfig, train_explanation_task
    from causal_course.seeds import stream
    from causal_course.worlds.odd_one_out_experiments import experiment_episodes

    print("imitation of the elimination expert, lr 3e-3, width 64, 2000 steps, test accuracy every 250 steps")
    for seed in range(n_seeds):
        test = experiment_episodes(1000, stream(seed, "explanation_task_test"))
        for explanations in (True, False):
            config = ExplanationTaskConfig(explanations=explanations, objective="imitation", n_steps=2000,
                                           learning_rate=3e-3, width=64)
            run = train_explanation_task(config, seed, test, range(0, 2001, 250))
            curve = " ".join(f"{value:.2f}" for value in run["curve"].values())
            print(f"seed {seed}, {'with' if explanations else 'without'} explanations: {curve}   "
                  f"({run['train_seconds']:.0f} s)", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--long", type=int, default=None)
    parser.add_argument("--long-seeds", type=int, default=3)
    parser.add_argument("--imitation", action="store_true")
    known, rest = parser.parse_known_args()
    if known.imitation:
        return imitation_check(known.long_seeds)
    if known.long is not None:
        return long_check(known.long, known.long_seeds)
    sys.argv = [sys.argv[0], *rest]
    result = run_cached_experiment(__doc__.splitlines()[0],
                                   lambda seed, fast: explanations_task(seed=seed, fast=fast, progress=True),
                                   RESULTS_NAME)
    print(f"\n{len(result['seeds'])} seeds, {result['n_steps']} steps of {result['batch_size']} episodes, "
          f"{result['test_episodes']} test episodes per seed; took {result['sweep_seconds']:.0f} s")
    print("tuning (final test accuracy on the tuning seed, and its mean over the checkpoints):")
    for name, rows in result["tuning"].items():
        for row in rows:
            print(f"  {name:<22} lr {row['learning_rate']:<6g} width {row['width']:<3d} final {row['final']:.3f}"
                  f"  mean {row['mean_over_checkpoints']:.3f}")
    print(f"{'step':>6} {'with explanations':>28} {'without explanations':>28}")
    for k, step in enumerate(result["steps"]):
        print(f"{step:>6} {_interval(result['with_explanations']['curve'][k]):>28} "
              f"{_interval(result['without_explanations']['curve'][k]):>28}")
    for name in ("with_explanations", "without_explanations"):
        condition = result[name]
        print(f"{name}: lr {condition['learning_rate']:g}, width {condition['width']}; final {_interval(condition['final'])}"
              f"; experiment trials right {_interval(condition['experiment_accuracy'])}"
              f"; training {_interval(condition['train_seconds'])} s per run")
    print(f"rule named right by the explanation head before the test: {_interval(result['explained_rule_before_test'])}")
    difference = result["difference"]
    print(f"paired difference (with - without): {_interval(difference)}, excludes 0: {difference['excludes_zero']}")
    print("baselines on the same test episodes: " + ", ".join(
        f"{name} {_interval(value)}" for name, value in result["baselines"].items()))
    if "saved_to" in result:
        print(f"saved {result['saved_to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
