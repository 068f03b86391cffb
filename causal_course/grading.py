"""Batch grading of submitted exercise notebooks (``causal-course grade``).

Introduced in lesson 00 (how exercises are graded). Each submission runs top to bottom in a fresh
kernel (errors do not stop it; a cell that runs longer than the timeout is interrupted), then one
grading cell per exercise runs that exercise's check on the student's function. The result of
each grading cell is read back only if it carries a random token made for this run, so printed
text cannot forge a score. One broken submission never stops the batch.

The report per submission follows the course contract (COURSE.md §5)::

    {"path": str, "score": number, "max_score": number,
     "exercises": [{"id": str, "points": number, "max_points": number, "passed": bool, "message": str}],
     "errors": [str]}
"""

from __future__ import annotations

import csv
import json
import secrets
from pathlib import Path

from causal_course.checks import exercises_for, lessons, run_check
from causal_course.execution import run_notebook

DEFAULT_TIMEOUT = 60.0


def report_exercise(lesson: str, exercise_id: str, namespace: dict, token: str) -> None:
    """Run one exercise's check inside the student's kernel and print the tokened result (lesson 00)."""
    exercise = next(e for e in exercises_for(lesson) if e.id == exercise_id)
    answer = namespace.get(exercise.name)
    if answer is None:
        passed, message = False, (
            f"Exercise {exercise.id}: function `{exercise.name}` not found; did you rename it or delete its cell?"
        )
    else:
        result = run_check(exercise, answer)
        passed, message = result.passed, result.message
    print(token + json.dumps({"id": exercise.id, "passed": bool(passed), "message": message}))


def identify_lesson(notebook: dict, path: Path) -> str | None:
    """The lesson slug of a submission: from its metadata, else from its file name (lesson 00)."""
    metadata = notebook.get("metadata", {}).get("causal_course", {})
    lesson = metadata.get("lesson") if isinstance(metadata, dict) else None
    if lesson in lessons():
        return lesson
    for slug in lessons():
        if path.stem.startswith(slug) or path.stem.startswith(slug[:2] + "_"):
            return slug
    return None


def _empty_report(path: Path, error: str, max_score: float = 0.0, exercises=()) -> dict:
    return {
        "path": str(path),
        "score": 0,
        "max_score": max_score,
        "exercises": [
            {"id": e.id, "points": 0, "max_points": e.points, "passed": False, "message": f"Exercise {e.id}: not graded: {error}"}
            for e in exercises
        ],
        "errors": [error],
    }


def _grading_cell(lesson: str, exercise_id: str, token: str):
    import nbformat

    source = (
        "from causal_course.grading import report_exercise as _causal_course_report\n"
        f"_causal_course_report({lesson!r}, {exercise_id!r}, globals(), {token!r})"
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["causal_course_grading"] = exercise_id
    return cell


def _read_grading_output(cell, token: str, timeout: float) -> dict | None | str:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            for line in output.get("text", "").splitlines():
                if line.startswith(token):
                    try:
                        return json.loads(line[len(token):])
                    except json.JSONDecodeError:
                        return None
        if output.get("output_type") == "error":
            if output.get("ename") == "KeyboardInterrupt":
                return f"timed out after {timeout:g} s"
            return f"the check could not run ({output.get('ename')}: {output.get('evalue')})"
    return None


def grade_notebook(path, timeout: float = DEFAULT_TIMEOUT, kernel_name: str = "python3") -> dict:
    """Grade one submitted notebook; never raises for a bad submission (lesson 00).

    ``timeout`` is the limit in seconds for each cell; a cell past it is interrupted and
    grading goes on.
    """
    import nbformat
    from nbclient.exceptions import DeadKernelError

    path = Path(path)
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # not JSON, not a notebook, unreadable
        return _empty_report(path, f"not a readable notebook ({type(error).__name__}): {str(error)[:200]}")
    lesson = identify_lesson(notebook, path)
    if lesson is None:
        return _empty_report(
            path,
            "cannot tell which lesson this notebook belongs to: its metadata has no causal_course.lesson "
            f"and its file name does not start with one of {lessons()}",
        )
    exercises = exercises_for(lesson)
    max_score = sum(e.points for e in exercises)
    token = "@@causal-course-grade-" + secrets.token_hex(16) + "@@"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    first_grading_cell = len(notebook.cells)
    for exercise in exercises:
        notebook.cells.append(_grading_cell(lesson, exercise.id, token))

    errors: list[str] = []
    try:
        run_notebook(notebook, timeout=timeout, allow_errors=True, kernel_name=kernel_name)
    except DeadKernelError:
        errors.append("the kernel died while running the notebook (did it call os._exit or run out of memory?)")
    except Exception as error:
        errors.append(f"the notebook could not be run: {type(error).__name__}: {str(error)[:300]}")

    for cell in notebook.cells[:first_grading_cell]:
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and output.get("ename") == "KeyboardInterrupt":
                    errors.append(f"a cell ran longer than {timeout:g} s and was interrupted")

    results = []
    for exercise, cell in zip(exercises, notebook.cells[first_grading_cell:]):
        outcome = _read_grading_output(cell, token, timeout)
        if isinstance(outcome, dict):
            passed, message = outcome["passed"], outcome["message"]
        elif isinstance(outcome, str):
            passed, message = False, f"Exercise {exercise.id}: {outcome}"
        else:
            passed, message = False, f"Exercise {exercise.id}: not graded: " + (errors[-1] if errors else "no result")
        results.append({
            "id": exercise.id,
            "points": exercise.points if passed else 0,
            "max_points": exercise.points,
            "passed": bool(passed),
            "message": message,
        })
    return {
        "path": str(path),
        "score": sum(r["points"] for r in results),
        "max_score": max_score,
        "exercises": results,
        "errors": errors,
    }


def submission_paths(paths) -> list[Path]:
    """Expand folders to the ``*.ipynb`` files in them; keep named files as given (lesson 00)."""
    expanded = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            expanded.extend(sorted(p for p in path.glob("*.ipynb") if p.is_file()))
        else:
            expanded.append(path)
    return expanded


def grade_submissions(paths, timeout: float = DEFAULT_TIMEOUT, progress=None) -> list[dict]:
    """Grade every submission in ``paths`` (files or folders), one after another (lesson 00)."""
    reports = []
    for path in submission_paths(paths):
        if not path.exists():
            reports.append(_empty_report(path, "no such file"))
        else:
            reports.append(grade_notebook(path, timeout=timeout))
        if progress is not None:
            progress(reports[-1])
    return reports


def write_gradebook(reports: list[dict], file) -> None:
    """A CSV gradebook: one row per submission, one column per exercise (lesson 00)."""
    exercise_ids = []
    for report in reports:
        for exercise in report["exercises"]:
            if exercise["id"] not in exercise_ids:
                exercise_ids.append(exercise["id"])
    with open(file, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "score", "max_score", *[f"exercise {i}" for i in exercise_ids], "errors"])
        for report in reports:
            points = {e["id"]: e["points"] for e in report["exercises"]}
            writer.writerow([
                report["path"], report["score"], report["max_score"],
                *[points.get(i, "") for i in exercise_ids],
                "; ".join(report["errors"]),
            ])
