"""Reading submitted notebooks without running them: is it a notebook, which lesson, which cells.

Introduced in lesson 00 (how exercises are graded).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from causal_course.checks import lessons

MAX_NOTEBOOK_BYTES = 50 * 2**20


class NotANotebook(Exception):
    pass


def read_submission(path: Path) -> dict:
    """The submission at ``path`` as a notebook dict, or :class:`NotANotebook` saying why not (lesson 00)."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise NotANotebook(f"cannot read the file ({error.strerror})") from None
    if size > MAX_NOTEBOOK_BYTES:
        raise NotANotebook(f"the file is {size / 2**20:.0f} MB; clear the outputs (Edit > Clear Outputs of All Cells) "
                           "and submit again")
    try:
        text = path.read_bytes().decode("utf-8")
        notebook = json.loads(text)
    except UnicodeDecodeError:
        raise NotANotebook("not a readable notebook: the file is not text (is it a notebook at all?)") from None
    except ValueError as error:
        raise NotANotebook(f"not a readable notebook: the JSON is broken ({str(error)[:120]}); "
                           "was the file edited by hand or cut short?") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotANotebook("not a readable notebook: it has no list of cells")
    if notebook.get("nbformat") != 4:
        raise NotANotebook(f"not a readable notebook: notebook format {notebook.get('nbformat')!r}, expected 4; "
                           "open and save it in JupyterLab")
    for number, cell in enumerate(notebook["cells"], start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise NotANotebook(f"not a readable notebook: cell {number} is malformed")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            cell["source"] = "".join(source)
        elif not isinstance(source, str):
            raise NotANotebook(f"not a readable notebook: cell {number} has no text")
    return notebook


def identify_lesson(notebook: dict, path: Path) -> str | None:
    """The lesson slug of a submission: from its metadata, else from its file name (lesson 00)."""
    metadata = notebook.get("metadata", {})
    metadata = metadata.get("causal_course", {}) if isinstance(metadata, dict) else {}
    lesson = metadata.get("lesson") if isinstance(metadata, dict) else None
    if isinstance(lesson, str) and lesson in lessons():
        return lesson
    for slug in lessons():
        if path.stem.startswith(slug) or path.stem.startswith(slug[:2] + "_"):
            return slug
    return None


_CHECK_LINE = re.compile(
    r"""^\s*(from causal_course\.checks import check|check\(\s*["'][\w.-]+["']\s*,\s*\w+\s*\))?\s*(#.*)?$""")


def is_check_cell(source: str) -> bool:
    """True for a cell that only calls ``check(...)``: the grader skips those, it checks itself (lesson 00)."""
    lines = source.splitlines()
    return any("check(" in line for line in lines) and all(_CHECK_LINE.match(line) for line in lines)




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
