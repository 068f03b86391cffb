"""Batch grading speed: grade N copies of a solution notebook (default 60) and print the wall time.

    python benchmarks/grading.py                       # 60 copies of lesson 01's solution, workers = CPUs
    python benchmarks/grading.py --lesson 05 --copies 20 --workers 2
    python benchmarks/grading.py --all-lessons         # one line per lesson
    python benchmarks/grading.py --all-lessons --compare-sandbox   # also unsealed: the sandbox's cost per submission

The target (issue 6): 60 submissions graded in <= 60 s on 2 cores. Every copy must get full marks,
or the figure does not count.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench(lesson: str, copies: int, workers: int, sealed: bool = True) -> dict:
    from causal_course.grading import GradingOptions, grade_submissions

    source = ROOT / "solutions" / f"{lesson}.ipynb"
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as folder:
        for i in range(copies):
            shutil.copy(source, Path(folder) / f"student{i:03d}.ipynb")
        start = time.perf_counter()
        reports = grade_submissions([folder], workers=workers, options=GradingOptions(sealed=sealed))
        seconds = time.perf_counter() - start
    full = sum(r["score"] == r["max_score"] > 0 for r in reports)
    return {"lesson": lesson, "copies": copies, "workers": workers, "seconds": seconds, "full_marks": full,
            "sealed": sealed}


def main() -> int:
    from causal_course.checks import graded_lessons

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="01", help="lesson number or slug (default 01)")
    parser.add_argument("--copies", type=int, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--all-lessons", action="store_true", help="benchmark every lesson with exercises")
    parser.add_argument("--compare-sandbox", action="store_true",
                        help="grade each lesson unsealed too (--no-sandbox) and print the sandbox's cost per submission")
    args = parser.parse_args()
    if args.copies < 1 or args.workers < 1:
        parser.error("--copies and --workers must be at least 1")
    slugs = graded_lessons() if args.all_lessons else [s for s in graded_lessons() if args.lesson in (s, s[:2], s[:2].lstrip("0"))]
    if not slugs:
        parser.error(f"unknown lesson {args.lesson!r}; lessons with exercises: {graded_lessons()}")
    print(f"{'lesson':<32} {'copies':>6} {'workers':>7} {'seconds':>8} {'per submission':>15} {'full marks':>10}"
          + (f" {'unsealed s':>11} {'sandbox cost':>13}" if args.compare_sandbox else ""))
    ok = True
    for slug in slugs:
        result = bench(slug, args.copies, args.workers)
        ok &= result["full_marks"] == result["copies"]
        line = (f"{slug:<32} {result['copies']:>6} {result['workers']:>7} {result['seconds']:>8.1f} "
                f"{result['seconds'] / result['copies']:>14.2f}s {result['full_marks']:>10}")
        if args.compare_sandbox:
            bare = bench(slug, args.copies, args.workers, sealed=False)
            ok &= bare["full_marks"] == bare["copies"]
            cost = (result["seconds"] - bare["seconds"]) * args.workers / args.copies  # CPU-seconds per submission
            line += f" {bare['seconds']:>11.1f} {cost:>12.2f}s"
        print(line, flush=True)
    if args.compare_sandbox:
        print("sandbox cost: (sealed - unsealed wall time) x workers / copies, i.e. seconds of a worker per submission")
    print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
