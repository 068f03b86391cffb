"""What grading hands back: the CSV gradebook and a feedback file per submission.

Introduced in lesson 00 (how exercises are graded).
"""

from __future__ import annotations

import csv
from pathlib import Path


def write_gradebook(reports: list[dict], file) -> None:
    """A CSV gradebook: one row per submission, one column per exercise (lesson 00)."""
    exercise_ids = []
    for report in reports:
        for exercise in report["exercises"]:
            if exercise["id"] not in exercise_ids:
                exercise_ids.append(exercise["id"])
    with open(file, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "student", "score", "max_score", *[f"exercise {i}" for i in exercise_ids], "errors"])
        for report in reports:
            points = {e["id"]: e["points"] for e in report["exercises"]}
            writer.writerow([
                report["path"], Path(report["path"]).stem, report["score"], report["max_score"],
                *[points.get(i, "") for i in exercise_ids],
                "; ".join(report["errors"]),
            ])


def feedback_markdown(report: dict) -> str:
    """A student's feedback as Markdown: score, one line per exercise, what went wrong (lesson 00)."""
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


def write_feedback(reports: list[dict], folder) -> list[Path]:
    """One Markdown feedback file per submission in ``folder``; returns their paths (lesson 00)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written, used = [], set()
    for report in reports:
        stem = Path(report["path"]).stem or "submission"
        name, n = stem, 1
        while name in used:
            n += 1
            name = f"{stem}-{n}"
        used.add(name)
        target = folder / f"{name}.md"
        target.write_text(feedback_markdown(report), encoding="utf-8")
        written.append(target)
    return written
