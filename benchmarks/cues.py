"""Benchmark for lesson 03's relevance cues: does the passive model use cues, also in new combinations?

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/cues.py            # 5 seeds (about 6 minutes on 2 cores)
    .venv/bin/python benchmarks/cues.py --save     # also refresh the cached results and seed-0 weights lesson 03 loads

Each seed trains the lesson-03 transformer on expert logs, half of them cued (the expert then
experiments only on the cued variables), never with a cue that holds both X3 and X4, and tests it
interactively (causal_course.studies.cues.cues). Prints mean [95 % CI] over seeds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from causal_course.learners.pretrained import save_pretrained  # noqa: E402
from causal_course.paths import DATA_DIR  # noqa: E402
from causal_course.statistics import format_interval, mean_with_interval, paired_difference, summarise_seeds  # noqa: E402
from causal_course.studies.cues import CUE_STEPS, CUED_SHARE, cue_run  # noqa: E402

RESULTS_NAME = "cues_results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--steps", type=int, default=CUE_STEPS)
    parser.add_argument("--test-episodes", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()
    runs = []
    for seed in args.seeds:
        model, run = cue_run(seed, args.steps, args.test_episodes, n_threads=args.threads)
        runs.append(run)
        print(f"seed {seed}: {run['train_seconds']:.0f} s; reward {run['reward']}; steps {run['steps_used']}; "
              f"outside the cue {run['interventions_on_uncued_share']}", flush=True)
        if args.save and seed == args.seeds[0]:
            save_pretrained(model, f"cues_transformer_seed{seed}", {
                "architecture": "transformer", "seed": seed, "steps": args.steps, "batch_size": 256,
                "cued_share": CUED_SHARE, "train_seconds": run["train_seconds"],
                "trained_by": "benchmarks/cues.py --save (causal_course.studies.cues.train_cue_model)"})
    print(f"\n{len(runs)} seeds, {args.steps} steps, {args.test_episodes} test episodes per set; mean [95 % CI]")
    for name in runs[0]["reward"]:
        line = f"  {name:<34} reward {format_interval(mean_with_interval([r['reward'][name] for r in runs]))}"
        line += f"   experiments per episode {format_interval(mean_with_interval([r['steps_used'][name] for r in runs]), 2)}"
        if name in runs[0]["interventions_on_uncued_share"]:
            line += ("   interventions outside the cue "
                     + format_interval(mean_with_interval([r["interventions_on_uncued_share"][name] for r in runs])))
        print(line)
    if len(runs) > 1:
        saved = paired_difference([r["steps_used"]["heldout_combinations_cue_hidden"] for r in runs],
                                  [r["steps_used"]["heldout_combinations"] for r in runs])
        cost = paired_difference([r["reward"]["heldout_combinations"] for r in runs],
                                 [r["reward"]["heldout_combinations_cue_hidden"] for r in runs])
        print(f"\nheld-out combinations, cue shown vs the same episodes with the cue hidden (paired):\n"
              f"  experiments saved per episode {format_interval(saved, 2)}; reward difference {format_interval(cost)}")
    if args.save:
        path = DATA_DIR / f"{RESULTS_NAME}.json"
        path.write_text(json.dumps(summarise_seeds(runs), indent=1) + "\n")
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
