"""Benchmark for lesson 03: normalised reward against training wall time, and generator speed.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/passive.py                    # 5 seeds, transformer, standard environment
    .venv/bin/python benchmarks/passive.py --env confounded   # the variant where observation cannot identify effects
    .venv/bin/python benchmarks/passive.py --architecture gru
    .venv/bin/python benchmarks/passive.py --save             # also refresh the package's cached results/weights

For each seed it trains by behaviour cloning on expert logs (the code of
causal_course.learners.training), and at each checkpoint tests the model interactively on held-out and
critical structures (evaluation time is not counted as training time). It prints the mean over
seeds with 95 % confidence intervals (Student's t), the model's paired difference from the
strongest observational baseline, and the episode generator's speed. Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402

from causal_course.learners.evaluation import evaluate_agent, make_test_sets, model_agent  # noqa: E402
from causal_course.learners.models import build_model, count_parameters  # noqa: E402
from causal_course.learners.pretrained import save_pretrained  # noqa: E402
from causal_course.learners.training import expert_sampler, train_behaviour_cloning  # noqa: E402
from causal_course.paths import DATA_DIR  # noqa: E402
from causal_course.seeds import stream  # noqa: E402
from causal_course.statistics import format_interval, mean_with_interval, paired_difference  # noqa: E402
from causal_course.studies.passive import PASSIVE_STEPS, evaluate_everything  # noqa: E402
from causal_course.studies.records import json_default  # noqa: E402
from causal_course.worlds.dag_episodes import ENVIRONMENTS, expert_episodes  # noqa: E402

RESULTS_NAME = "passive_results"


def generator_speed(n_episodes: int = 100_000, repeats: int = 3) -> list:
    speeds = []
    rng = np.random.default_rng(0)
    for _ in range(repeats):
        start = time.perf_counter()
        expert_episodes(n_episodes, rng, "train")
        speeds.append(n_episodes / (time.perf_counter() - start))
    return speeds


def run_seed(seed: int, architecture: str, checkpoints: list, n_test: int, threads: int, env: str = "standard",
             sizes: dict | None = None, learning_rate: float = 5e-3, weight_decay: float = 0.01):
    test_sets = make_test_sets(n_test, stream(seed, "test_episodes"), env)
    model = build_model(architecture, seed=seed, **(sizes or {}))

    def checkpoint(model, step):
        return {"step": step, **{name: evaluate_agent(model_agent(model, seed=seed), test_set,
                                                       stream(seed, "model_actions"))
                                  for name, test_set in test_sets.items()}}

    history = train_behaviour_cloning(model, max(checkpoints), np.random.default_rng(seed), progress=False,
                                      n_threads=threads, callback=checkpoint, callback_at=set(checkpoints),
                                      make_batch=expert_sampler(env), learning_rate=learning_rate,
                                      weight_decay=weight_decay)
    curve = history.checkpoints
    for point in curve:
        point["seconds"] = history.seconds[point["step"] - 1]
    final = evaluate_everything(model, test_sets, seed)
    final.update(seed=seed, train_seconds=history.train_seconds, episodes_seen=history.total_episodes,
                 n_parameters=count_parameters(model))
    return model, curve, final


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--architecture", default="transformer", choices=["transformer", "gru"])
    parser.add_argument("--env", default="standard", choices=ENVIRONMENTS, help="environment variant")
    parser.add_argument("--width", type=int, default=None, help="model width (default: the architecture's own)")
    parser.add_argument("--layers", type=int, default=None, help="number of layers (default: the architecture's own)")
    parser.add_argument("--no-readings", action="store_true",
                        help="ablation: blank the goal query's target readings (the model before it had them)")
    parser.add_argument("--out", default=None, help="also write every seed's final figures to this JSON file")
    parser.add_argument("--learning-rate", type=float, default=5e-3)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--checkpoints", type=int, nargs="+", default=[400, 800, PASSIVE_STEPS],
                        help="training steps at which to test (256 episodes a step)")
    parser.add_argument("--test-episodes", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--save", action="store_true", help="write cached results (and seed-0 weights) into the package")
    args = parser.parse_args()

    key = args.architecture if args.env == "standard" else f"{args.architecture}_{args.env}"
    if args.no_readings:
        key += "_no_readings"
    speeds = generator_speed()
    print(f"episode generator: {np.mean(speeds):,.0f} expert episodes/s (runs: {', '.join(f'{s:,.0f}' for s in speeds)})")
    curves, finals = [], []
    for seed in args.seeds:
        sizes = {} if args.width is None else {"width": args.width}
        if args.layers is not None:
            sizes["n_layers"] = args.layers
        if args.no_readings:
            sizes["reads_target"] = False
        model, curve, final = run_seed(seed, args.architecture, sorted(args.checkpoints), args.test_episodes, args.threads,
                                       args.env, sizes, args.learning_rate, args.weight_decay)
        curves.append(curve)
        finals.append(final)
        print(f"seed {seed}: " + "; ".join(
            f"{p['step']} steps {p['seconds']:.0f} s: held-out {p['heldout']:.3f} critical {p['critical']:.3f}" for p in curve),
            flush=True)
        if args.save and seed == args.seeds[0] and not args.no_readings:  # the ablation ships no weights
            save_pretrained(model, f"passive_{key}_seed{seed}", {
                "architecture": args.architecture, "env": args.env, "seed": seed, "steps": max(args.checkpoints),
                "batch_size": 256, "learning_rate": args.learning_rate, "weight_decay": args.weight_decay, "sizes": sizes,
                "train_seconds": round(final["train_seconds"], 1), "episodes_seen": final["episodes_seen"],
                "trained_by": "benchmarks/passive.py --save (causal_course.learners.training.train_behaviour_cloning)",
            })

    groups = ("heldout", "critical", "in_distribution")
    print(f"\n{args.architecture} ({args.env} environment), {len(args.seeds)} seeds, {args.test_episodes} test episodes "
          f"per set, {args.threads} threads; mean [95 % CI] over seeds")
    print(f"{'steps':>6} {'episodes':>9} {'train s':>8} " + "".join(f"{g:>24}" for g in groups))
    for k, step in enumerate(sorted(args.checkpoints)):
        row = [curve[k] for curve in curves]
        seconds = np.mean([p["seconds"] for p in row])
        print(f"{step:>6} {step * 256:>9,} {seconds:>8.1f} "
              + "".join(f"{format_interval(mean_with_interval([p[g] for p in row])):>24}" for g in groups))
    print("\nat the end, every agent on the same test episodes:")
    for method in ("model", "model_greedy", "causal_inference", "correlational", "regression_5_samples",
                   "regression_unlimited", "memorising", "random"):
        print(f"  {method:<22} " + "".join(
            f"{format_interval(mean_with_interval([f[g][method] for f in finals])):>24}" for g in groups))
    print("\ncritical episodes (X0 is the only right answer): how often the model picks X0, per seed")
    for f in finals:
        c = f["critical_choices"]
        print(f"  seed {f['seed']}: acting on its own {c['x0_share']:.2f}, given the expert's experiments "
              f"{c['x0_share_given_expert']:.2f}; critical reward {f['critical']['model']:.3f}")
    if len(args.seeds) > 1:
        print("\nmodel (sampled) minus regression on unlimited observations, paired by seed and episodes:")
        for g in groups:
            diff = paired_difference([f[g]["model"] for f in finals], [f[g]["regression_unlimited"] for f in finals])
            verdict = "interval excludes 0" if diff["excludes_zero"] else "interval includes 0: no difference shown"
            print(f"  {g:<16} {format_interval(diff)}  ({verdict})")

    if args.out:
        with open(args.out, "w") as handle:
            json.dump({"architecture": args.architecture, "env": args.env, "sizes": sizes,
                       "learning_rate": args.learning_rate, "steps": max(args.checkpoints),
                       "n_parameters": finals[0]["n_parameters"], "runs": finals}, handle, indent=1)
        print(f"wrote {args.out}")
    if args.save:
        path = DATA_DIR / f"{RESULTS_NAME}.json"
        stored = json.loads(path.read_text()) if path.exists() else {}
        stored[key] = {
            "seeds": args.seeds,
            "env": args.env,
            "learning_rate": args.learning_rate,
            "curves": {"steps": sorted(args.checkpoints),
                       "seconds": [float(np.mean([c[k]["seconds"] for c in curves])) for k in range(len(curves[0]))],
                       **{g: [[p[g] for p in curve] for curve in curves] for g in ("in_distribution", "heldout", "critical")}},
            "runs": finals,
            "generator_episodes_per_second": float(np.mean(speeds)),
        }
        path.write_text(json.dumps(stored, indent=1, default=json_default) + "\n")
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
