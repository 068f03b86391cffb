"""The lesson tables written from the lesson registry (``causal-course exercises`` rewrites them).

Each table sits between ``<!-- lessons:NAME -->`` and ``<!-- /lessons:NAME -->`` markers: ``readme``
in README.md, ``times`` in docs/instructor.md, ``map`` in lesson 00's course-map cell. Only the
text between the markers is ever rewritten.
"""

from __future__ import annotations

import re
from pathlib import Path

from causal_course.lessons import course_map, readme_table, time_table


def _points_by_lesson() -> dict:
    from causal_course.checks import exercises_for, graded_lessons

    return {slug: sum(exercise.points for exercise in exercises_for(slug)) for slug in graded_lessons()}


def _tables() -> dict:
    """``{(relative path, table name): table text}`` for every table the registry feeds."""
    return {("README.md", "readme"): readme_table(),
            ("docs/instructor.md", "times"): time_table(_points_by_lesson()),
            ("notebooks/00_start_here.ipynb", "map"): course_map()}


def _replace(text: str, name: str, table: str, where: str) -> str:
    pattern = re.compile(rf"(<!-- lessons:{name} -->\n)(.*?)(\n<!-- /lessons:{name} -->)", re.S)
    if len(pattern.findall(text)) != 1:
        raise ValueError(f"{where} must hold exactly one '<!-- lessons:{name} -->' ... '<!-- /lessons:{name} -->' "
                         f"block for the lesson table; put the markers around the table.")
    return pattern.sub(lambda m: m.group(1) + table + m.group(3), text)


def sync_tables(root: Path, check_only: bool = False) -> list[str]:
    """Rewrite (or, with ``check_only``, compare) the lesson tables under ``root``; returns the out-of-date ones."""
    import nbformat

    problems = []
    for (relative, name), table in _tables().items():
        path = Path(root) / relative
        if not path.exists():  # a partial copy of the course (no docs, say) has no such table to keep in sync
            continue
        if path.suffix == ".ipynb":
            notebook = nbformat.read(path, as_version=4)
            cells = [cell for cell in notebook.cells if f"<!-- lessons:{name} -->" in cell.source]
            if len(cells) != 1:
                raise ValueError(f"{relative} must have one cell with the '<!-- lessons:{name} -->' table markers.")
            new = _replace(cells[0].source, name, table, relative)
            if new != cells[0].source:
                problems.append(f"{relative}: the '{name}' lesson table is out of date with causal_course/lessons.py")
                if not check_only:
                    cells[0].source = new
                    nbformat.write(notebook, path)
        else:
            text = path.read_text()
            new = _replace(text, name, table, relative)
            if new != text:
                problems.append(f"{relative}: the '{name}' lesson table is out of date with causal_course/lessons.py")
                if not check_only:
                    path.write_text(new)
    return problems if check_only else []
