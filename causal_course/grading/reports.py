"""What grading hands back: the CSV gradebook and a feedback file per submission.

"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from causal_course.grading.submissions import student_name

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A CSV cell a spreadsheet shows as text: strings starting like a formula get a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _write_atomically(target: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``target``, then rename it over ``target``."""
    target = Path(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def write_gradebook(reports: list[dict], file) -> None:
    """A CSV gradebook: one row per submission, one column per exercise."""
    exercise_ids = []
    for report in reports:
        for exercise in report["exercises"]:
            if exercise["id"] not in exercise_ids:
                exercise_ids.append(exercise["id"])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["path", "student", "score", "max_score", *[f"exercise {i}" for i in exercise_ids], "errors"])
    for report in reports:
        points = {e["id"]: e["points"] for e in report["exercises"]}
        writer.writerow([_cell(value) for value in [
            report["path"], student_name(report["path"]), report["score"], report["max_score"],
            *[points.get(i, "") for i in exercise_ids],
            "; ".join(report["errors"]),
        ]])
    _write_atomically(Path(file), buffer.getvalue())


def feedback_markdown(report: dict) -> str:
    """A student's feedback as Markdown: score, one line per exercise, what went wrong."""
    lines = [f"# Feedback: {Path(report['path']).name}", "",
             f"**Score: {report['score']:g} / {report['max_score']:g}**", ""]
    if report["exercises"]:
        lines += ["| exercise | points | feedback |", "|---|---|---|"]
        for exercise in report["exercises"]:
            message = exercise["message"].replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {exercise['id']} | {exercise['points']:g} / {exercise['max_points']:g} | {message} |")
        lines.append("")
    if report["errors"]:
        lines += ["## While running your notebook", ""]
        lines += [f"- {error}" for error in report["errors"]]
        lines.append("")
    lines += ["Run your notebook top to bottom on a fresh kernel (Kernel > Restart Kernel and Run All Cells) "
              "before you submit: the grader does exactly that.", ""]
    return "\n".join(lines)


def feedback_names(paths) -> list[Path]:
    """One feedback file name per submission, unique and stable: the submission's path relative to the
    folder the batch shares, with ``.md`` for ``.ipynb``. ``dA/alice.ipynb`` and
    ``dB/alice.ipynb`` give ``dA/alice.md`` and ``dB/alice.md``; no counter is ever appended."""
    absolute = [Path(os.path.abspath(p)) for p in paths]
    if not absolute:
        return []
    common = Path(os.path.commonpath([str(p.parent) for p in absolute]))
    names = []
    for path in absolute:
        relative = path.relative_to(common)
        names.append(relative.with_name((relative.stem or "submission") + ".md"))
    return names


def write_feedback(reports: list[dict], folder) -> list[Path]:
    """One Markdown feedback file per submission in ``folder`` (see :func:`feedback_names`); returns
    their paths. Each file is written to a temporary name, then renamed."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for report, name in zip(reports, feedback_names([r["path"] for r in reports])):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(target, feedback_markdown(report))
        written.append(target)
    return written
