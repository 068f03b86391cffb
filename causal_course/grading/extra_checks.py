"""Hidden checks an instructor keeps outside the repository (``causal-course grade --extra-checks FILE``).

See docs/instructor.md for the file's format.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from causal_course.checks import Exercise, exercises_for, graded_lessons


def load_extra_checks(path) -> tuple[Exercise, ...]:
    """Hidden checks from an instructor's Python file that defines ``EXERCISES``.

    The file is written like ``causal_course/checks/lesson01.py``: a list ``EXERCISES`` of
    :class:`causal_course.checks.Exercise`, each naming a lesson, the student's function and a check.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"--extra-checks: no such file {str(path)!r}.")
    spec = importlib.util.spec_from_file_location(f"causal_course_extra_checks_{abs(hash(str(path.resolve())))}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise ValueError(f"--extra-checks: {path} could not be loaded: {type(error).__name__}: {error}") from None
    exercises = getattr(module, "EXERCISES", None)
    if not isinstance(exercises, (list, tuple)) or not exercises:
        raise ValueError(f"--extra-checks: {path} must define a non-empty list EXERCISES of "
                         "causal_course.checks.Exercise (see docs/instructor.md).")
    known = {e.id for lesson in graded_lessons() for e in exercises_for(lesson)}
    seen = set()
    for exercise in exercises:
        if not isinstance(exercise, Exercise):
            raise ValueError(f"--extra-checks: every item of EXERCISES must be an Exercise, got {type(exercise).__name__}.")
        if exercise.lesson not in graded_lessons():
            raise ValueError(f"--extra-checks: exercise {exercise.id!r} names lesson {exercise.lesson!r}; "
                             f"lessons with exercises: {graded_lessons()}.")
        if exercise.id in known or exercise.id in seen:
            raise ValueError(f"--extra-checks: exercise id {exercise.id!r} is already taken; give hidden checks their "
                             "own ids, for instance '1.3-hidden'.")
        if not callable(exercise.check) or not (isinstance(exercise.points, (int, float)) and exercise.points > 0):
            raise ValueError(f"--extra-checks: exercise {exercise.id!r} needs a callable check and positive points.")
        seen.add(exercise.id)
    return tuple(exercises)


