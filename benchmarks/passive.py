"""Benchmark for lesson 03: normalised reward against training wall time, and generator speed.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/passive.py                    # 3 seeds, transformer
    .venv/bin/python benchmarks/passive.py --architecture gru
    .venv/bin/python benchmarks/passive.py --save             # also refresh the package's cached results/weights

For each seed it trains by behaviour cloning on expert logs (the code of
causal_course.training), and at each checkpoint tests the model interactively on held-out and
critical structures (evaluation time is not counted as training time). It prints mean and
standard error over seeds, and the episode generator's speed. Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402

from causal_course.episodes import expert_episodes  # noqa: E402
from causal_course.evaluation import evaluate_agent, make_test_sets, model_agent  # noqa: E402
from causal_course.experiments import PASSIVE_STEPS, evaluate_everything  # noqa: E402
from causal_course.figures import mean_and_standard_error  # noqa: E402
from causal_course.models import build_model, count_parameters  # noqa: E402
from causal_course.pretrained import DATA_DIR, save_pretrained  # noqa: E402
from causal_course.training import train_behaviour_cloning  # noqa: E402

RESULTS_NAME = "passive_results"


def generator_speed(n_episodes: int = 100_000, repeats: int = 3) -> list:
    speeds = []
    rng = np.random.default_rng(0)
    for _ in range(repeats):
        start = time.perf_counter()
        expert_episodes(n_episodes, rng, "train")
        speeds.append(n_episodes / (time.perf_counter() - start))
    return speeds


def run_seed(seed: int, architecture: str, checkpoints: list, n_test: int, threads: int):
    test_sets = make_test_sets(n_test, np.random.default_rng(seed + 5_000))
    model = build_model(architecture, seed=seed)

    def checkpoint(model, step):
        return {"step": step, **{name: evaluate_agent(model_agent(model, seed=seed), test_set,
                                                       np.random.default_rng(seed + 2_000))
                                  for name, test_set in test_sets.items()}}

    history = train_behaviour_cloning(model, max(checkpoints), np.random.default_rng(seed), progress=False,
                                      n_threads=threads, callback=checkpoint, callback_at=set(checkpoints))
    curve = history.checkpoints
    for point in curve:
        point["seconds"] = history.seconds[point["step"] - 1]
    final = evaluate_everything(model, test_sets, seed)
    final.update(seed=seed, train_seconds=history.train_seconds, episodes_seen=history.total_episodes,
                 n_parameters=count_parameters(model))
    return model, curve, final


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--architecture", default="transformer", choices=["transformer", "gru"])
    parser.add_argument("--checkpoints", type=int, nargs="+", default=[400, 800, PASSIVE_STEPS],
                        help="training steps at which to test (256 episodes a step)")
    parser.add_argument("--test-episodes", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--save", action="store_true", help="write cached results (and seed-0 weights) into the package")
    args = parser.parse_args()

    speeds = generator_speed()
    print(f"episode generator: {np.mean(speeds):,.0f} expert episodes/s (runs: {', '.join(f'{s:,.0f}' for s in speeds)})")
    curves, finals = [], []
    for seed in args.seeds:
        model, curve, final = run_seed(seed, args.architecture, sorted(args.checkpoints), args.test_episodes, args.threads)
        curves.append(curve)
        finals.append(final)
        print(f"seed {seed}: " + "; ".join(
            f"{p['step']} steps {p['seconds']:.0f} s: held-out {p['heldout']:.3f} critical {p['critical']:.3f}" for p in curve),
            flush=True)
        if args.save and seed == args.seeds[0]:
            save_pretrained(model, f"passive_{args.architecture}_seed{seed}", {
                "architecture": args.architecture, "seed": seed, "steps": max(args.checkpoints), "batch_size": 256,
                "train_seconds": round(final["train_seconds"], 1), "episodes_seen": final["episodes_seen"],
                "trained_by": "benchmarks/passive.py --save (causal_course.training.train_behaviour_cloning)",
            })

    print(f"\n{args.architecture}, {len(args.seeds)} seeds, {args.test_episodes} test episodes per set, "
          f"{args.threads} threads; mean ± standard error")
    print(f"{'steps':>6} {'episodes':>9} {'train s':>8} {'held-out':>15} {'critical':>15} {'in-distribution':>16}")
    for k, step in enumerate(sorted(args.checkpoints)):
        row = [curve[k] for curve in curves]
        cells = {g: mean_and_standard_error([p[g] for p in row]) for g in ("heldout", "critical", "in_distribution")}
        seconds = np.mean([p["seconds"] for p in row])
        print(f"{step:>6} {step * 256:>9,} {seconds:>8.1f} "
              + " ".join(f"{cells[g][0]:>8.3f} ± {cells[g][1]:.3f}" for g in ("heldout", "critical", "in_distribution")))
    print("\nbaselines (mean over seeds):")
    for method in ("causal_inference", "correlational", "regression_5_samples", "regression_unlimited", "memorising", "random"):
        print(f"  {method:<22} " + "  ".join(
            f"{g} {np.mean([f[g][method] for f in finals]):.3f}" for g in ("heldout", "critical", "in_distribution")))

    if args.save:
        path = DATA_DIR / f"{RESULTS_NAME}.json"
        stored = json.loads(path.read_text()) if path.exists() else {}
        stored[args.architecture] = {
            "seeds": args.seeds,
            "curves": {"steps": sorted(args.checkpoints),
                       "seconds": [float(np.mean([c[k]["seconds"] for c in curves])) for k in range(len(curves[0]))],
                       **{g: [[p[g] for p in curve] for curve in curves] for g in ("in_distribution", "heldout", "critical")}},
            "runs": finals,
            "generator_episodes_per_second": float(np.mean(speeds)),
        }
        path.write_text(json.dumps(stored, indent=1) + "\n")
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
