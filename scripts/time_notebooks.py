"""Benchmark: run every lesson, solution and exercise notebook on a fresh kernel and print a table of times.

Usage (from the course folder):  .venv/bin/python scripts/time_notebooks.py [--fast] [PATH ...]

The course's budget is 60 s per notebook on 2 CPU cores (never more than 120 s). This prints
figures; it is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="notebooks to time (default: notebooks/, solutions/, exercises/)")
    parser.add_argument("--fast", action="store_true", help="set CAUSAL_COURSE_FAST=1 (the CI budgets)")
    args = parser.parse_args()
    if args.fast:
        os.environ["CAUSAL_COURSE_FAST"] = "1"
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from causal_course.authoring.notebook_runner import run_notebook_file

    paths = [Path(p) for p in args.paths] or [
        p for folder in ("notebooks", "solutions", "exercises") for p in sorted((ROOT / folder).glob("*.ipynb"))
    ]
    print(f"{'notebook':<45} {'seconds':>8}  verdict (budget 60 s)")
    worst = 0.0
    for path in paths:
        try:
            _, seconds = run_notebook_file(path, timeout=300, allow_errors=path.parent.name == "exercises")
            verdict = "ok" if seconds <= 60 else ("SLOW" if seconds <= 120 else "OVER BUDGET")
        except Exception as error:  # report and go on
            seconds, verdict = float("nan"), f"FAILED: {type(error).__name__}"
        worst = max(worst, seconds) if seconds == seconds else worst
        name = f"{path.parent.name}/{path.name}"
        print(f"{name:<45} {seconds:8.1f}  {verdict}", flush=True)
    print(f"slowest: {worst:.1f} s (fast mode {'on' if args.fast else 'off'}, {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
