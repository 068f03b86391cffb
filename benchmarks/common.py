"""Shared by the sweep benchmarks: parse --seed/--save, run the experiment, time it, save its cache."""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def run_cached_experiment(description: str, experiment, results_name: str) -> dict:
    """Run ``experiment(seed=..., fast=False)``; with --save, write it to causal_course/data/RESULTS_NAME.json."""
    from causal_course.paths import DATA_DIR

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", action="store_true", help="refresh the cached results the lesson loads")
    args = parser.parse_args()
    start = time.perf_counter()
    result = experiment(seed=args.seed, fast=False).to_json()  # a typed study result, as its JSON object
    result["sweep_seconds"] = round(time.perf_counter() - start, 1)
    if args.save:
        path = DATA_DIR / f"{results_name}.json"
        path.write_text(json.dumps(result, indent=1) + "\n")
        result["saved_to"] = str(path)
    return result


def write_results(result, results_name: str, out: str | None = None, save: bool = False) -> None:
    """Write ``result`` to ``out`` (if given) and, with ``save``, to causal_course/data/RESULTS_NAME.json."""
    from causal_course.paths import DATA_DIR
    from causal_course.studies.records import json_default

    for path in ([out] if out else []) + ([str(DATA_DIR / f"{results_name}.json")] if save else []):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(json.dumps(result, indent=1, default=json_default) + "\n")
        print(f"saved {path}")
