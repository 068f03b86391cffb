"""Exercise checks: immediate, specific feedback in the notebook, and the same checks for grading.

Introduced in lesson 00 (how exercises work). Each exercise is registered with an id such as
``"1.3"``, the name of the function the student writes, its points and a check. In a notebook::

    from causal_course.checks import check
    check("1.3", backdoor_adjusted_effect)

A check judges an answer by its properties (shape, sign, agreement with the data-generating
truth within a tolerance, invariances) and never prints the expected answer.

In JupyterLab :func:`check` only prints its verdict. Under nbgrader (``nbgrader autograde`` and
``nbgrader validate`` set the environment variable ``NBGRADER_EXECUTION``) a check that does not
pass also raises :class:`CheckNotPassed`, so nbgrader scores the check cell 0.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: passed or not, and a message for the student (lesson 00)."""

    passed: bool
    message: str


@dataclass(frozen=True)
class Exercise:
    """One graded exercise (lesson 00)."""

    id: str
    lesson: str
    name: str
    title: str
    points: float
    check: Callable[[object], CheckResult]


def _lesson_modules() -> dict:
    """Lesson slug -> module that defines ``EXERCISES``, from the lesson registry (imported only when asked for)."""
    from causal_course.lessons import LESSONS

    return {entry.slug: entry.checks_module for entry in LESSONS if entry.checks_module}


class CheckFailed(Exception):
    """Raised inside a check to stop at the first failed property with its message."""


class CheckNotPassed(AssertionError):
    """Raised by :func:`check` under nbgrader's autograder when an answer does not pass (lesson 00)."""


def under_nbgrader() -> bool:
    """True while nbgrader executes the notebook (``nbgrader autograde`` or ``validate``) (lesson 00)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def as_number(value, what: str) -> float:
    """``value`` as one finite float, or a :class:`CheckFailed` that says what came back instead."""
    import numpy as np

    if isinstance(value, (bool, np.bool_)):
        raise CheckFailed(f"{what} should be a number, got a bool. Hint: return the value itself, not a "
                          "comparison (>, <, ==) with it.")
    try:
        number = float(np.asarray(value, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should be a single number, got {type(value).__name__} {np.shape(value)}.") from None
    if not np.isfinite(number):
        raise CheckFailed(f"{what} is {number}. Hint: look for a division by zero or an empty group.")
    return number


def graded_lessons() -> list[str]:
    """Slugs of every lesson that has graded exercises (lesson 00)."""
    return sorted(_lesson_modules())


def exercises_for(lesson: str) -> list[Exercise]:
    """The exercises of ``lesson`` (a slug such as ``"01_seeing_vs_doing"``) in order (lesson 00)."""
    modules = _lesson_modules()
    if lesson not in modules:
        raise ValueError(f"no graded exercises for lesson {lesson!r}; lessons with exercises: {graded_lessons()}.")
    module = importlib.import_module(modules[lesson])
    return list(module.EXERCISES)


def find_exercise(exercise_id: str) -> Exercise:
    """The exercise with id ``exercise_id`` (for instance ``"1.3"``) (lesson 00)."""
    major = str(exercise_id).split(".")[0]
    # Look in the lesson with the exercise's number first, so a check cell imports only its own lesson.
    ordered = sorted(graded_lessons(), key=lambda slug: not (major.isdigit() and slug.startswith(f"{int(major):02d}_")))
    for lesson in ordered:
        for exercise in exercises_for(lesson):
            if exercise.id == exercise_id:
                return exercise
    known = [e.id for lesson in graded_lessons() for e in exercises_for(lesson)]
    raise ValueError(f"unknown exercise {exercise_id!r}; known exercises: {known}.")


def run_check(exercise: Exercise, answer) -> CheckResult:
    """Run ``exercise``'s check on ``answer``, turning every failure into a message (lesson 00)."""
    label = f"Exercise {exercise.id}"
    if not callable(answer):
        return CheckResult(
            False,
            f"{label}: expected the function `{exercise.name}`, got a {type(answer).__name__}. "
            f"Hint: pass the function itself, without calling it: check({exercise.id!r}, {exercise.name}).",
        )
    try:
        result = exercise.check(answer)
    except NotImplementedError:
        return CheckResult(
            False,
            f"{label}: not attempted yet: `{exercise.name}` still raises NotImplementedError. "
            "Hint: replace the `raise NotImplementedError(...)` line with your code.",
        )
    except CheckFailed as failure:
        return CheckResult(False, f"{label}: {failure}")
    except Exception as error:  # the student's code raised: report it, never crash the checker
        return CheckResult(
            False,
            f"{label}: `{exercise.name}` raised {type(error).__name__}: {error}. "
            "Hint: run your function on a small input in a cell of its own and read the traceback.",
        )
    return CheckResult(result.passed, f"{label}: {result.message}")


def check(exercise_id: str, answer) -> None:
    """Check ``answer`` for exercise ``exercise_id`` and print specific feedback (lesson 00).

    Use :func:`run_check` to get the :class:`CheckResult` instead of printed feedback. Under
    nbgrader (:func:`under_nbgrader`) an answer that does not pass also raises :class:`CheckNotPassed`
    with the same message, which is how nbgrader's autograder scores a check cell 0.
    """
    exercise = find_exercise(exercise_id)
    result = run_check(exercise, answer)
    mark = "PASSED" if result.passed else "NOT YET"
    print(f"[{mark}] {result.message}")
    if not result.passed and under_nbgrader():
        raise CheckNotPassed(result.message)
