"""Lesson 04: how fast does an imitator of observers learn the observer's strategy? A learning curve.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/observer_curve.py             # 5 seeds, up to 6,400 steps (about 15 minutes on 2 cores)
    .venv/bin/python benchmarks/observer_curve.py --save      # also refresh the cached curve lesson 04 loads

Trains the lesson-03 transformer on observers' logs only (0 % interventional: five natural samples, labelled by
the regression strategy on those samples) and tests it at each checkpoint on held-out structures: reward acting
on its own (sampled and greedy), and how often its goal choice agrees with what the observer would have chosen
from the same five samples the model saw. Prints mean [95 % CI] over seeds. Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402

from causal_course.learners.baselines import regression_agent  # noqa: E402
from causal_course.learners.evaluation import evaluate_agent, make_test_sets, rollout  # noqa: E402
from causal_course.learners.mixtures import mixture_sampler  # noqa: E402
from causal_course.learners.models import build_model  # noqa: E402
from causal_course.learners.training import train_behaviour_cloning  # noqa: E402
from causal_course.paths import DATA_DIR  # noqa: E402
from causal_course.seeds import stream  # noqa: E402
from causal_course.statistics import format_interval, interval_record, mean_with_interval  # noqa: E402
from causal_course.worlds.dag_episodes import goal_from_logged_evidence, goal_reward, normalised_reward  # noqa: E402

RESULTS_NAME = "observer_curve_results"


def run_seed(seed: int, checkpoints: list, n_test: int, threads: int) -> list:
    heldout = make_test_sets(n_test, stream(seed, "test_episodes"))["heldout"]

    def checkpoint(model, step):
        point = {"step": step}
        for mode, sample in (("sampled", True), ("greedy", False)):
            actions, values, goal = rollout(model, heldout.worlds, heldout.target, stream(seed, "model_actions"),
                                            sample=sample, seed=seed)
            reward = goal_reward(heldout.effects, heldout.target, goal)
            point[f"heldout_{mode}"] = normalised_reward(reward, heldout.optimal_reward)
            observer = goal_from_logged_evidence(actions, values, heldout.target, np.random.default_rng(0))
            point[f"agrees_with_observer_{mode}"] = float(np.mean(goal == observer))
        return point

    model = build_model("transformer", seed=seed)
    history = train_behaviour_cloning(model, max(checkpoints), np.random.default_rng(seed), progress=False,
                                      make_batch=mixture_sampler(0.0), n_threads=threads, callback=checkpoint,
                                      callback_at=set(checkpoints))
    for point in history.checkpoints:
        point["seconds"] = round(history.seconds[point["step"] - 1], 1)
    observer = evaluate_agent(regression_agent, heldout, stream(seed, "baseline_actions"))
    return history.checkpoints, observer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--checkpoints", type=int, nargs="+", default=[800, 1600, 3200, 6400])
    parser.add_argument("--test-episodes", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()
    curves, observer = [], []
    for seed in args.seeds:
        curve, observer_score = run_seed(seed, sorted(args.checkpoints), args.test_episodes, args.threads)
        curves.append(curve)
        observer.append(observer_score)
        print(f"seed {seed}: " + "; ".join(f"{p['step']} steps: {p['heldout_sampled']:.3f} sampled, "
                                           f"{p['heldout_greedy']:.3f} greedy" for p in curve), flush=True)
    print(f"\nobservers only (0 % interventional), {len(args.seeds)} seeds; mean [95 % CI]; the observer's own "
          f"strategy on these episodes: {format_interval(mean_with_interval(observer))}")
    keys = ("heldout_sampled", "heldout_greedy", "agrees_with_observer_sampled", "agrees_with_observer_greedy")
    print(f"{'steps':>6} " + "".join(f"{k:>34}" for k in keys))
    table = []
    for k, step in enumerate(sorted(args.checkpoints)):
        row = {"step": step, "seconds": float(np.mean([c[k]["seconds"] for c in curves]))}
        row.update({key: interval_record([c[k][key] for c in curves]) for key in keys})
        table.append(row)
        print(f"{step:>6} " + "".join(f"{format_interval(row[key]):>34}" for key in keys))
    if args.save:
        path = DATA_DIR / f"{RESULTS_NAME}.json"
        path.write_text(json.dumps({"seeds": args.seeds, "test_episodes": args.test_episodes, "curve": table,
                                    "observer_strategy": interval_record(observer)}, indent=1) + "\n")
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
