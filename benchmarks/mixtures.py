"""Lesson 04's sweep: held-out and critical reward against the interventional share of the passive data.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/mixtures.py            # print the sweep (about 20 minutes on 2 cores)
    .venv/bin/python benchmarks/mixtures.py --save     # also refresh the cached results lesson 04 loads

Shares 0, 25, 50, 75 and 100 %, expert vs random exploration, 3 seeds, each model trained by
causal_course.experiments.train_mixture_model. Mean ± standard error over seeds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from causal_course.experiments import mixtures  # noqa: E402
from causal_course.pretrained import DATA_DIR  # noqa: E402

RESULTS_NAME = "mixtures_results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    result = mixtures(seed=args.seed, fast=False)
    result["sweep_seconds"] = round(time.perf_counter() - start, 1)
    print(f"{len(result['seeds'])} seeds, {result['n_steps']} steps ({result['episodes_per_model']:,} episodes) per model, "
          f"{result['test_episodes']} test episodes; mean ± standard error; sweep took {result['sweep_seconds']:.0f} s")
    for exploration, table in result["by_exploration"].items():
        print(f"\n{exploration} exploration")
        print(f"{'share':>6} " + " ".join(f"{k:>22}" for k in ("held-out sampled", "critical sampled", "held-out greedy",
                                                            "held-out forced", "observe share")))
        for i, share in enumerate(result["shares"]):
            cells = [(table["heldout_sampled"][i], table["heldout_sampled_se"][i]),
                     (table["critical_sampled"][i], table["critical_sampled_se"][i]),
                     (table["heldout_greedy"][i], table["heldout_greedy_se"][i]),
                     (table["heldout_forced"][i], table["heldout_forced_se"][i]),
                     (table["observe_share_sampled"][i], table["observe_share_sampled_se"][i])]
            print(f"{share:>6.0%} " + " ".join(f"{m:>14.3f} ± {se:.3f}" for m, se in cells))
    if args.save:
        path = DATA_DIR / f"{RESULTS_NAME}.json"
        path.write_text(json.dumps(result, indent=1) + "\n")
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
