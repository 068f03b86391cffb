"""Grading submissions: run each in its own process, check each exercise from outside it, in parallel.

The overview is in :mod:`causal_course.grading`.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from causal_course import paths
from causal_course.checks import Exercise, exercises_for, graded_lessons, run_check
from causal_course.grading.sandbox import ControlGroup, check_available
from causal_course.grading.submissions import (
    NotANotebook,
    duplicate_counts,
    identify_lesson,
    is_check_cell,
    is_experiment_cell,
    lesson_conflicts,
    read_submission,
    submission_paths,
)
from causal_course.grading.worker import UnreadableReply, Unsupported, decode
from causal_course.grading.worker_client import RequestTimeout, WorkerDied, WorkerProcess

DEFAULT_TIMEOUT = 60.0
DEFAULT_SUBMISSION_TIMEOUT = 600.0
DEFAULT_MEMORY_MB = 2048
MAX_RESTARTS = 3


@dataclass(frozen=True)
class GradingOptions:
    """Limits for grading one submission."""

    timeout: float = DEFAULT_TIMEOUT  # seconds per cell and per exercise's check
    submission_timeout: float = DEFAULT_SUBMISSION_TIMEOUT  # seconds for the whole submission
    memory_mb: int = DEFAULT_MEMORY_MB  # address-space limit of the submission's process
    extra_exercises: tuple = ()  # hidden checks from --extra-checks
    lesson: str | None = None  # grade every submission as this lesson (else: from its metadata or name)
    sealed: bool = True  # run each submission sealed off (causal_course.grading.sandbox); False: --no-sandbox

    def __post_init__(self):
        for name in ("timeout", "submission_timeout"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}.")
        if not isinstance(self.memory_mb, int) or self.memory_mb < 256:
            raise ValueError(f"memory_mb must be an integer of at least 256 (MB), got {self.memory_mb!r}.")
        if self.lesson is not None and self.lesson not in graded_lessons():
            raise ValueError(f"unknown lesson {self.lesson!r}; lessons with exercises: {graded_lessons()}.")



class CheckTimeout(BaseException):
    """A student's function ran past the check's deadline (a BaseException so checks cannot swallow it)."""


class _StudentFunction:
    """Calls the student's function inside the submission's process; the check never sees the real one.

    ``runs_in_another_process`` tells a check that this process's global state (``np.random``'s, for one) is not
    the function's: a check that watches it skips that stage here (the grader runs checks in threads, so watching it
    would also race with other submissions' checks).
    """

    runs_in_another_process = True

    def __init__(self, session: _Session, name: str, deadline: float):
        self.session, self.__name__, self.deadline = session, name, deadline

    def __call__(self, *args, **kwargs):
        import numpy as np

        reply, timed_out = self.session.worker.request(
            {"op": "call", "name": self.__name__, "args": args, "kwargs": kwargs}, self.deadline)
        if timed_out or (reply.get("op") == "raised" and reply.get("ename") == "KeyboardInterrupt"):
            raise CheckTimeout
        op = reply.get("op")
        if op == "raised":
            name, message = str(reply.get("ename", "Exception")), str(reply.get("evalue", ""))
            if name == "NotImplementedError":
                raise NotImplementedError(message)
            raise _exception_named(name)(message)
        if op != "returned":
            raise WorkerDied(f"it answered a call with {str(op)[:40]!r}: {str(reply.get('message', ''))[:200]}")
        try:
            value = decode(reply.get("value"))
            for index, encoded in dict(reply.get("mutated") or {}).items():
                original = args[int(index)]
                changed = decode(encoded)
                if isinstance(changed, np.ndarray) and changed.shape == original.shape:
                    np.copyto(original, changed, casting="unsafe")
                else:
                    original[...] = np.nan if original.dtype.kind in "fc" else 0
            for index, encoded in dict(reply.get("generators") or {}).items():
                generator = args[int(index)]
                try:
                    generator.bit_generator.state = decode(encoded)
                except Exception:  # a state the generator refuses: leave it as it was
                    pass
        except (UnreadableReply, ValueError, TypeError, IndexError):
            raise _exception_named("UnreadableResult")(
                "the grader could not read what your function returned; return numbers, numpy arrays, lists, "
                "tuples or dicts.") from None
        if isinstance(value, Unsupported):
            raise _exception_named("UnsupportedResult")(
                f"your function returned {value.what}, which the grader cannot read; return numbers, numpy arrays, "
                "lists, tuples or dicts.")
        return value


_EXCEPTION_TYPES: dict[str, type] = {}


def _exception_named(name: str) -> type:
    """An exception class with the student's exception's name, so messages read naturally."""
    builtin = getattr(builtins, name, None)
    if isinstance(builtin, type) and issubclass(builtin, Exception):
        return builtin  # ValueError stays a ValueError, so checks that expect one see it
    clean = name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]{0,60}", name) else "Exception"
    if clean not in _EXCEPTION_TYPES:
        _EXCEPTION_TYPES[clean] = type(clean, (Exception,), {})
    return _EXCEPTION_TYPES[clean]


@dataclass
class _CellOutcome:
    index: int  # position in the notebook (0-based)
    ename: str | None = None
    evalue: str = ""
    timed_out: bool = False
    fatal: str | None = None  # why the process died in this cell
    output_size: int = 0


@dataclass
class _Session:
    """The state of one submission's grading: its process, its cells, what happened to them."""

    worker: WorkerProcess
    cells: list  # [(notebook index, source)]
    options: GradingOptions
    deadline: float
    outcomes: dict = field(default_factory=dict)
    skipped: set = field(default_factory=set)  # cells that killed the process
    restarts: int = 0
    ran_all: bool = False

    def _run(self, position: int) -> None:
        index, source = self.cells[position]
        deadline = min(self.deadline, time.monotonic() + self.options.timeout)
        outcome = _CellOutcome(index)
        try:
            reply, timed_out = self.worker.request({"op": "run_cell", "source": source}, deadline)
        except WorkerDied as died:
            outcome.fatal = str(died)
            self.outcomes[index] = outcome
            self.skipped.add(index)
            raise
        outcome.timed_out = timed_out or reply.get("ename") == "KeyboardInterrupt"
        outcome.ename, outcome.evalue = reply.get("ename"), str(reply.get("evalue", ""))[:300]
        outcome.output_size = int(reply.get("output_size", 0) or 0)
        self.outcomes.setdefault(index, outcome)

    def run_cells(self, stop_after: int | None = None) -> None:
        """Run (or replay after a restart) every cell not known to kill the process."""
        positions = range(len(self.cells)) if stop_after is None else range(stop_after)
        for position in positions:
            if self.cells[position][0] in self.skipped:
                continue
            if time.monotonic() > self.deadline:
                raise RequestTimeout
            self._run(position)

    def start_and_run(self) -> None:
        """Start the process and run the cells; restart and replay when a cell kills the process."""
        while True:
            try:
                self.worker.start()
                self.run_cells()
                self.ran_all = True
                return
            except WorkerDied:
                self.worker.close()
                self.restarts += 1
                if self.restarts > MAX_RESTARTS:
                    return

    def revive(self) -> bool:
        """After the process died during a check: restart it and replay the cells."""
        self.worker.close()
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            return False
        try:
            self.worker.start()
            self.run_cells()
            return True
        except (WorkerDied, RequestTimeout):
            self.worker.close()
            return False


def _not_found_message(exercise: Exercise, notebook: dict, session: _Session, found: dict) -> str:
    label = f"Exercise {exercise.id}"
    if exercise.name in found:
        kind = found[exercise.name].get("type", "value")
        return (f"{label}: `{exercise.name}` is a {kind}, not a function; did a later cell reuse the name "
                "for something else?")
    header = re.compile(rf"^\s*#\s*Exercise {re.escape(exercise.id)}\b", re.MULTILINE)
    for index, cell in enumerate(notebook["cells"]):
        if cell.get("cell_type") == "code" and header.search(cell["source"]):
            outcome = session.outcomes.get(index)
            if outcome is not None and outcome.fatal:
                return (f"{label}: function `{exercise.name}` not found: its cell (cell {index + 1}) ended the "
                        f"Python process ({outcome.fatal}).")
            if outcome is not None and outcome.timed_out:
                return (f"{label}: function `{exercise.name}` not found: its cell (cell {index + 1}) timed out "
                        f"after {session.options.timeout:g} s before defining it.")
            if outcome is not None and outcome.ename:
                return (f"{label}: function `{exercise.name}` not found: its cell (cell {index + 1}) raised "
                        f"{outcome.ename}: {outcome.evalue}")
            defined = re.findall(r"^def\s+(\w+)\s*\(", cell["source"], re.MULTILINE)
            if defined:
                return (f"{label}: function `{exercise.name}` not found; did you rename it? Its cell (cell "
                        f"{index + 1}) defines `{'`, `'.join(defined)}`.")
            return f"{label}: function `{exercise.name}` not found; did you rename it or delete its `def` line?"
    return (f"{label}: function `{exercise.name}` not found; did you rename it or delete its cell? "
            f"(no cell starts with '# Exercise {exercise.id}')")


def _grade_exercise(exercise: Exercise, session: _Session, found: dict, notebook: dict) -> tuple[bool, str]:
    label = f"Exercise {exercise.id}"
    if exercise.name not in found or not found[exercise.name].get("callable"):
        return False, _not_found_message(exercise, notebook, session, found)
    deadline = min(session.deadline + session.options.timeout, time.monotonic() + session.options.timeout)
    try:
        result = run_check(exercise, _StudentFunction(session, exercise.name, deadline))
    except CheckTimeout:
        return False, f"{label}: timed out after {session.options.timeout:g} s"
    except WorkerDied as died:
        session.revive()
        return False, f"{label}: the Python process ended while `{exercise.name}` ran: {died}"
    return result.passed, result.message


def _report(path: Path, exercises, passed_messages, errors) -> dict:
    results = [
        {"id": e.id, "points": e.points if passed else 0, "max_points": e.points, "passed": bool(passed),
         "message": message}
        for e, (passed, message) in zip(exercises, passed_messages)
    ]
    return {
        "path": str(path),
        "score": sum(r["points"] for r in results),
        "max_score": sum(e.points for e in exercises),
        "exercises": results,
        "errors": list(errors),
    }


def _failed_report(path: Path, error: str, exercises=()) -> dict:
    return _report(path, exercises, [(False, f"Exercise {e.id}: not graded: {error}") for e in exercises], [error])


def _exercises(lesson: str, options: GradingOptions) -> list[Exercise]:
    return exercises_for(lesson) + [e for e in options.extra_exercises if e.lesson == lesson]


def grade_notebook(path, options: GradingOptions | None = None, timeout: float | None = None) -> dict:
    """Grade one submitted notebook; never raises for a bad submission.

    ``options`` holds the limits (:class:`GradingOptions`); ``timeout`` is a shortcut for its
    per-cell timeout.
    """
    if options is None:
        options = GradingOptions() if timeout is None else GradingOptions(timeout=timeout)
    path = Path(path)
    try:
        notebook = read_submission(path)
    except NotANotebook as error:
        lesson = options.lesson or identify_lesson({}, path)
        return _failed_report(path, str(error), _exercises(lesson, options) if lesson else ())
    lesson = options.lesson or identify_lesson(notebook, path)
    if lesson is None:
        return _failed_report(
            path, "cannot tell which lesson this notebook belongs to: its metadata has no causal_course.lesson "
                  f"and its file name does not start with one of {graded_lessons()}")
    exercises = _exercises(lesson, options)
    notes = lesson_conflicts(notebook, path, lesson)
    cells = [(i, c["source"]) for i, c in enumerate(notebook["cells"])
             if c["cell_type"] == "code" and c["source"].strip() and not is_check_cell(c["source"])
             and not is_experiment_cell(c["source"])]

    with tempfile.TemporaryDirectory(prefix="causal-course-grade-") as workdir:
        (Path(workdir) / "submission.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        session = _Session(WorkerProcess(options.memory_mb, Path(workdir), options.sealed), cells, options,
                           deadline=time.monotonic() + options.submission_timeout)
        errors: list[str] = []
        try:
            try:
                session.start_and_run()
            except RequestTimeout:
                errors.append(f"the notebook ran longer than {options.submission_timeout:g} s in all; "
                              "later cells were not run")
            found = {}
            if session.worker.process is not None:
                try:
                    reply, _ = session.worker.request({"op": "describe", "names": [e.name for e in exercises]},
                                                       time.monotonic() + 10.0)
                    found = reply.get("found") if isinstance(reply.get("found"), dict) else {}
                except WorkerDied:
                    found = {}
            results = []
            for exercise in exercises:
                if session.worker.process is None:
                    results.append((False, f"Exercise {exercise.id}: not graded: the notebook's Python process "
                                           f"could not be kept running ({session.restarts} restarts)"))
                    continue
                results.append(_grade_exercise(exercise, session, found, notebook))
        finally:
            session.worker.close()
    errors = notes + _cell_errors(session, options) + errors
    return _report(path, exercises, results, errors)


def _cell_name(index: int, source: str) -> str:
    """'cell 8 (`first line`)': the position counts every cell, Markdown included, from 1."""
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    return f"cell {index + 1} (`{first[:50]}{'...' if len(first) > 50 else ''}`)"


def _cell_errors(session: _Session, options: GradingOptions) -> list[str]:
    errors = []
    sources = dict(session.cells)
    for index in sorted(session.outcomes):
        outcome = session.outcomes[index]
        where = _cell_name(index, sources.get(index, ""))
        if outcome.fatal:
            errors.append(f"{where} ended the Python process: {outcome.fatal}; graded without that cell")
        elif outcome.timed_out:
            errors.append(f"{where} ran longer than {options.timeout:g} s and was interrupted")
        elif outcome.ename == "MemoryError":
            errors.append(f"{where} raised MemoryError (the limit is {options.memory_mb} MB): {outcome.evalue}".rstrip(": "))
        elif outcome.ename == "SystemExit":
            errors.append(f"{where} called sys.exit(); the grader went on with the next cell")
        elif outcome.ename:
            errors.append(f"{where} raised {outcome.ename}: {outcome.evalue}")
        if outcome.output_size > 1_000_000:
            errors.append(f"{where} printed {outcome.output_size / 1e6:.1f} MB of output; the grader kept only "
                          "the start")
    return errors


PACKAGE_DIR = paths.PACKAGE_DIR  # a module attribute, so a test can point it at a copy of the package


def package_fingerprint(folder: Path) -> dict[str, str]:
    """SHA-256 of every file of the package (compiled bytecode included), to notice a submission that
    plants or rewrites one. Sealed submissions cannot write there; this is a second line."""
    digests = {}
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() or p.is_symlink()):
        try:
            digests[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue
    return digests


def grade_submissions(paths, timeout: float = DEFAULT_TIMEOUT, progress=None, workers: int | None = None,
                      options: GradingOptions | None = None) -> list[dict]:
    """Grade every submission in ``paths`` (files or folders), ``workers`` at a time.

    ``workers`` defaults to the number of CPUs. Reports come back (and ``progress`` is called)
    in the order of the paths.
    """
    if options is None:
        options = GradingOptions(timeout=timeout)
    if workers is None:
        workers = os.cpu_count() or 1
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}.")
    if options.sealed:
        check_available()  # refuse to run submissions unsealed unless the instructor said so
    for lesson in graded_lessons():
        exercises_for(lesson)  # load every check before any submission runs
    package_dir = PACKAGE_DIR
    writes_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # so that the grader's own imports change no file of the package
    try:
        return _grade_all(paths, progress, workers, options, package_dir)
    finally:
        sys.dont_write_bytecode = writes_bytecode
        if options.sealed:
            ControlGroup.sweep()


def _grade_all(paths, progress, workers, options, package_dir) -> list[dict]:
    before = package_fingerprint(package_dir)

    duplicates = duplicate_counts(paths)

    def grade(path: Path) -> dict:
        if not path.exists() and not path.is_symlink():
            return _failed_report(path, "no such file", _exercises(options.lesson, options) if options.lesson else ())
        try:
            report = grade_notebook(path, options)
        except Exception as error:  # a bug of the grader: report it on this row, keep the batch going
            report = _failed_report(path, f"the grader failed on this submission: {type(error).__name__}: {error}")
        changed = sorted(name for name, digest in package_fingerprint(package_dir).items() if before.get(name) != digest)
        changed += sorted(set(before) - set(package_fingerprint(package_dir)))
        if changed:
            report["errors"].append(
                f"the course package's files changed while this submission was being graded ({', '.join(changed[:5])}): "
                "a submission may have written to them. Restore the package (git checkout, or reinstall) and "
                "grade this batch again")
        times = duplicates.get(os.path.normcase(os.path.abspath(path)))
        if times:
            report["errors"].append(f"this file was given {times} times; it was graded once")
        return report

    reports = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(grade, path) for path in submission_paths(paths)]:
            reports.append(future.result())
            if progress is not None:
                progress(reports[-1])
    return reports


