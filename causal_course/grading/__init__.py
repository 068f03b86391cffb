"""Batch grading of submitted exercise notebooks (``causal-course grade``).

The instructor guide is ``docs/instructor.md``.

How a submission is graded:

1. The file is read as JSON and checked to be a notebook (no code of the submission runs yet).
2. Its code cells run one by one in a process of its own (:mod:`causal_course.grading.worker`): an
   IPython shell like the Jupyter kernel, with a memory limit, a timeout per cell (the cell is
   interrupted, then the process killed if it will not stop) and a cap on captured output.
   If the process dies (``os._exit``, a crash, the memory watchdog), it is restarted and the
   cells are replayed without the one that killed it, so one bad cell costs only its own work.
3. For each exercise, the exercise's check runs **in the grader**: only the student's function
   is called in the submission's process, on arguments the check made, and its return value comes
   back as plain data (never unpickled). A submission therefore cannot change its own checks,
   the checks of others, or the score; printed text means nothing to the grader.

Submissions are graded in parallel (``workers``). The report per submission follows the course
contract (COURSE.md §5)::

    {"path": str, "score": number, "max_score": number,
     "exercises": [{"id": str, "points": number, "max_points": number, "passed": bool, "message": str}],
     "errors": [str]}
"""

import importlib

# name -> submodule that defines it. Loaded on first use, so the grading worker
# (``python -m causal_course.grading.worker``) starts without the grader's imports.
_EXPORTS = {
    "load_extra_checks": "extra_checks",
    "DEFAULT_MEMORY_MB": "grader", "DEFAULT_SUBMISSION_TIMEOUT": "grader", "DEFAULT_TIMEOUT": "grader",
    "GradingOptions": "grader", "grade_notebook": "grader", "grade_submissions": "grader",
    "feedback_markdown": "reports", "write_feedback": "reports", "write_gradebook": "reports",
    "identify_lesson": "submissions", "is_check_cell": "submissions", "is_experiment_cell": "submissions",
    "read_submission": "submissions", "submission_paths": "submissions",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'causal_course.grading' has no attribute {name!r}")
    return getattr(importlib.import_module(f"causal_course.grading.{_EXPORTS[name]}"), name)
