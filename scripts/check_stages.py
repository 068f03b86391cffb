"""Which stages of the exercise checks no test reaches (issue 18, item 8: "the tests prove each stage can fail").

    .venv/bin/python scripts/check_stages.py [tests/test_checks.py ...]

Runs the check tests in this process with a line tracer on ``causal_course/checks/``, then prints every
``raise CheckFailed(...)`` line (a stage's rejection with its hint) that no test executed, per check module.
A stage listed here can be weakened or deleted without any test failing. Exit status 1 when any is listed.
It is an audit for authors, not part of the test suite (tracing makes the tests several times slower).
"""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ROOT / "causal_course" / "checks"
DEFAULT_TESTS = ["tests/test_checks.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_checks_*.py")),
                 "tests/test_check_stages.py", "tests/test_imitation.py", "tests/test_structure.py",
                 "tests/test_explanations.py"]


def rejection_lines(path: Path) -> list[int]:
    """Line numbers of ``raise CheckFailed(`` in one check module."""
    return [number for number, line in enumerate(path.read_text().splitlines(), 1)
            if re.match(r"\s*raise CheckFailed\(", line)]


def main() -> int:
    tests = sys.argv[1:] or DEFAULT_TESTS
    executed: dict[str, set[int]] = {}
    prefix = str(CHECKS)

    def tracer(frame, event, arg):
        filename = frame.f_code.co_filename
        if not filename.startswith(prefix):
            return None
        lines = executed.setdefault(filename, set())

        def local(frame, event, arg):
            if event == "line":
                lines.add(frame.f_lineno)
            return local
        return local

    sys.settrace(tracer)
    threading.settrace(tracer)
    status = pytest.main(["-q", "-p", "no:cacheprovider", "-x", *[t for t in tests if (ROOT / t).exists()]])
    sys.settrace(None)
    if status not in (0, 5):
        print("the tests failed; fix them before reading the audit")
        return 2
    missing = 0
    for path in sorted(CHECKS.glob("*.py")):
        unreached = [n for n in rejection_lines(path) if n not in executed.get(str(path), set())]
        total = len(rejection_lines(path))
        if total:
            print(f"{path.relative_to(ROOT)}: {total - len(unreached)} of {total} rejections reached by a test")
        for number in unreached:
            print(f"    line {number}: {path.read_text().splitlines()[number - 1].strip()[:110]}")
        missing += len(unreached)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
