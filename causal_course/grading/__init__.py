"""Batch grading of submitted exercise notebooks (``causal-course grade``).

Introduced in lesson 00 (how exercises are graded); the instructor guide is ``docs/instructor.md``.

How a submission is graded:

1. The file is read as JSON and checked to be a notebook (no code of the submission runs yet).
2. Its code cells run one by one in a process of its own (:mod:`causal_course.sandbox`): an
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

from causal_course.grading.extra_checks import load_extra_checks
from causal_course.grading.grader import (
                                          DEFAULT_MEMORY_MB,
                                          DEFAULT_SUBMISSION_TIMEOUT,
                                          DEFAULT_TIMEOUT,
                                          GradingOptions,
                                          grade_notebook,
                                          grade_submissions,
)
from causal_course.grading.reports import feedback_markdown, write_feedback, write_gradebook
from causal_course.grading.submissions import identify_lesson, is_check_cell, read_submission, submission_paths

__all__ = [
    "DEFAULT_MEMORY_MB", "DEFAULT_SUBMISSION_TIMEOUT", "DEFAULT_TIMEOUT", "GradingOptions", "feedback_markdown",
    "grade_notebook", "grade_submissions", "identify_lesson", "is_check_cell", "load_extra_checks",
    "read_submission", "submission_paths", "write_feedback", "write_gradebook",
]
