"""Lesson 04's sweep: held-out and critical reward against the interventional share of the passive data.

Usage (from the course folder, after `make setup`):

    .venv/bin/python benchmarks/mixtures.py            # print the sweep (about 20 minutes on 2 cores)
    .venv/bin/python benchmarks/mixtures.py --save     # also refresh the cached results lesson 04 loads

Shares 0, 25, 50, 75 and 100 %, expert vs random exploration, 3 seeds, each model trained by
causal_course.experiments.train_mixture_model. Mean ± standard error over seeds.
"""

from __future__ import annotations

import sys

from common import run_cached_experiment

from causal_course.experiments import mixtures  # noqa: E402

RESULTS_NAME = "mixtures_results"


def main() -> int:
    result = run_cached_experiment(__doc__.splitlines()[0], mixtures, RESULTS_NAME)
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
    if "saved_to" in result:
        print(f"saved {result['saved_to']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
