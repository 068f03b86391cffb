"""Exercise 3.7's experiment over seeds: is a lab with a fixed protocol learned faster than the expert? Paired.

Usage (from the course folder, after `make setup`; about 4 minutes on one core):

    .venv/bin/python benchmarks/fixed_protocol.py [--seeds 0 1 2 3 4 5 6 7] [--steps 60 240] [--threads 1]

Exercise 3.7 (lesson 03's graded exercises) trains the lesson-03 transformer for 60 steps of 128 logs, once on the
expert's logs (every variable once, in a random order) and once on the logs of a lab that always experiments in the
order X0, X1, ..., X4 (the exercise's solution, repeated here), both with the expert's goal choice, and reads one
seed. This runs the same comparison for several seeds and budgets: the same seed gives both models the same initial
weights, training structures and test episodes (held-out and critical, 500 each), so the comparison is paired by seed
and test episodes. Prints, per budget, mean [95 % CI] over seeds of held-out and critical reward and of the share of
held-out episodes in which the model experiments on every variable once, and the paired difference (fixed protocol
minus expert). Figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
ROOT = Path(__file__).resolve().parent.parent
BATCH_SIZE = 128


def fixed_order_batch(batch_size, rng):
    """Exercise 3.7's solution: the fixed protocol's logs on training structures, with the expert's labels."""
    import numpy as np

    from causal_course.worlds.dag_episodes import (
        EpisodeBatch,
        goal_from_logged_evidence,
        run_exploration,
        sample_worlds,
    )

    worlds, target = sample_worlds(batch_size, rng, "train")
    actions = np.tile(np.arange(1, 6), (len(target), 1))
    values = run_exploration(worlds, actions, rng)
    goal = goal_from_logged_evidence(actions, values, target)
    return EpisodeBatch(worlds.weights, worlds.effects, target, actions, values, goal, worlds)


def run(seed: int, n_steps: int, make_batch) -> dict:
    import numpy as np

    from causal_course.learners.evaluation import (
        evaluate_agent,
        exploration_summary,
        make_test_sets,
        model_agent,
        rollout,
    )
    from causal_course.learners.models import build_model
    from causal_course.learners.training import train_behaviour_cloning
    from causal_course.seeds import stream

    tests = make_test_sets(500, stream(seed, "test_episodes"))
    model = build_model("transformer", seed=seed)
    train_behaviour_cloning(model, n_steps, np.random.default_rng(seed), batch_size=BATCH_SIZE, make_batch=make_batch,
                            progress=False)
    actions, _, _ = rollout(model, tests["heldout"].worlds, tests["heldout"].target, stream(seed, "model_actions"))
    result = {group: evaluate_agent(model_agent(model), tests[group], stream(seed, "model_actions"))
              for group in ("heldout", "critical")}
    result["every_variable_once"] = exploration_summary(actions)["all_variables_share"]
    return result


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from causal_course.learners.training import expert_sampler
    from causal_course.statistics import format_interval, mean_with_interval, paired_difference
    from causal_course.torch_setup import set_threads

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(8)))
    parser.add_argument("--steps", type=int, nargs="+", default=[60, 240], help="training budgets (steps of 128 logs)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    set_threads(args.threads)
    samplers = {"expert": expert_sampler(), "fixed protocol": fixed_order_batch}
    for n_steps in args.steps:
        results = {name: [run(seed, n_steps, make_batch) for seed in args.seeds] for name, make_batch in samplers.items()}
        print(f"\n{n_steps} steps of {BATCH_SIZE} logs, seeds {args.seeds}; mean [95 % interval]")
        for metric in ("heldout", "critical", "every_variable_once"):
            values = {name: [r[metric] for r in rows] for name, rows in results.items()}
            difference = paired_difference(values["fixed protocol"], values["expert"])
            print(f"  {metric:<20} expert {format_interval(mean_with_interval(values['expert']), 2):>20}   "
                  f"fixed protocol {format_interval(mean_with_interval(values['fixed protocol']), 2):>20}   "
                  f"difference (paired) {format_interval(difference, 2)}")
            print("    per seed (expert / fixed): " + ", ".join(
                f"{a:.2f}/{b:.2f}" for a, b in zip(values["expert"], values["fixed protocol"])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
