"""Reading submitted notebooks without running them: is it a notebook, which lesson, which cells.

"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from causal_course.checks import graded_lessons

MAX_NOTEBOOK_BYTES = 50 * 2**20


class NotANotebook(Exception):
    pass


def _not_a_regular_file(path: Path) -> str | None:
    """Why ``path`` is not a regular file the grader may open (None: it is one)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return f"a symbolic link to {os.readlink(path)!r}, which does not exist"
        return "no such file"
    except OSError as error:
        return f"cannot read the file ({error.strerror})"
    if stat.S_ISREG(mode):
        return None
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    kind = next((name for test, name in kinds if test(mode)), "not a regular file")
    return f"{kind}, not a notebook file; the grader does not open it"


def read_submission(path: Path) -> dict:
    """The submission at ``path`` as a notebook dict, or :class:`NotANotebook` saying why not.

    Paths that are not regular files (named pipes, devices, dangling links, folders) are never
    opened; at most :data:`MAX_NOTEBOOK_BYTES` are read.
    """
    path = Path(path)
    problem = _not_a_regular_file(path)
    if problem:
        raise NotANotebook(problem)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped for something else meanwhile
                raise NotANotebook("not a regular file; the grader does not read it")
            data = handle.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as error:
        raise NotANotebook(f"cannot read the file ({error.strerror})") from None
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotANotebook(f"the file is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB; clear the outputs "
                           "(Edit > Clear Outputs of All Cells) and submit again")
    try:
        text = data.decode("utf-8")
        notebook = json.loads(text)
    except UnicodeDecodeError:
        raise NotANotebook("not a readable notebook: the file is not text (is it a notebook at all?)") from None
    except ValueError as error:
        raise NotANotebook(f"not a readable notebook: the JSON is broken ({str(error)[:120]}); "
                           "was the file edited by hand or cut short?") from None
    if not isinstance(notebook, dict):
        raise NotANotebook("not a readable notebook: the JSON is not a notebook object")
    if notebook.get("nbformat") in (1, 2, 3) or "worksheets" in notebook:
        raise NotANotebook(f"an old notebook format ({notebook.get('nbformat')!r}; the grader reads format 4): "
                           "open it in JupyterLab and save it, which converts it, then submit again")
    if not isinstance(notebook.get("cells"), list):
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


def _slug_of_name(name: str) -> str | None:
    for slug in graded_lessons():
        if name.startswith(slug) or name.startswith(slug[:2] + "_"):
            return slug
    return None


def lesson_hints(notebook: dict, path: Path) -> dict[str, str]:
    """What says which lesson a submission is: ``{"metadata"|"file name"|"folder": slug}``."""
    hints = {}
    metadata = notebook.get("metadata", {})
    metadata = metadata.get("causal_course", {}) if isinstance(metadata, dict) else {}
    lesson = metadata.get("lesson") if isinstance(metadata, dict) else None
    if isinstance(lesson, str) and lesson in graded_lessons():
        hints["metadata"] = lesson
    from_name = _slug_of_name(Path(path).stem)
    if from_name:
        hints["file name"] = from_name
    from_folder = _slug_of_name(Path(path).parent.name)  # nbgrader: submitted/<student>/<assignment>/
    if from_folder:
        hints["folder"] = from_folder
    return hints


def identify_lesson(notebook: dict, path: Path) -> str | None:
    """The lesson slug of a submission: from its metadata, else its file name, else its folder."""
    hints = lesson_hints(notebook, path)
    return next(iter(hints.values()), None)


def lesson_conflicts(notebook: dict, path: Path, graded_as: str) -> list[str]:
    """Notes for the report when the notebook or its folder name another lesson than ``graded_as``."""
    return [f"its {source} says lesson {slug}, but it was graded as lesson {graded_as}; if that is wrong, grade it "
            f"again with --lesson {slug[:2]}" for source, slug in lesson_hints(notebook, path).items() if slug != graded_as]


_CHECK_LINE = re.compile(
    r"""^\s*(from causal_course\.checks import check|check\(\s*["'][\w.-]+["']\s*,\s*\w+\s*\))?\s*(#.*)?$""")


def is_check_cell(source: str) -> bool:
    """True for a cell that only calls ``check(...)``: the grader skips those, it checks itself."""
    lines = source.splitlines()
    return any("check(" in line for line in lines) and all(_CHECK_LINE.match(line) for line in lines)


EXPERIMENT_MARKER = "# Experiment (not graded)"


def is_experiment_cell(source: str) -> bool:
    """True for a cell whose first line starts with ``# Experiment (not graded)``: the grader skips it.

    Such a cell runs an exercise's experiment (lesson 04's exercise 4.4 trains two models with the student's function);
    it earns no points and defines nothing a check needs, and skipping it keeps grading 60 submissions within a
    minute. Nothing after it may depend on it.
    """
    lines = source.strip().splitlines()
    return bool(lines) and lines[0].startswith(EXPERIMENT_MARKER)




def _notebooks_under(folder: Path) -> list[Path]:
    found = []
    for root, folders, files in os.walk(folder):  # symbolic links to folders are not followed
        folders[:] = sorted(f for f in folders if f != ".ipynb_checkpoints" and not f.startswith("."))
        found.extend(Path(root) / name for name in sorted(files) if name.endswith(".ipynb"))
    return found


def submission_paths(paths) -> list[Path]:
    """Folders expanded (recursively) to the ``*.ipynb`` entries in them, named files kept as given,
    each path once.

    nbgrader's layout ``submitted/<student>/<assignment>/<notebook>.ipynb`` is searched like any
    folder; :func:`student_name` names the student from it. Entries that are not regular files
    (dangling links, named pipes) are kept, so that they get a row saying what they are.
    """
    expanded, seen = [], set()
    for raw in paths:
        path = Path(raw)
        for found in (_notebooks_under(path) if path.is_dir() else [path]):
            key = os.path.normcase(os.path.abspath(found))
            if key not in seen:
                seen.add(key)
                expanded.append(found)
    return expanded


def duplicate_counts(paths) -> dict[str, int]:
    """``{absolute path: times given}`` for the submissions given more than once."""
    counts: dict[str, int] = {}
    for raw in paths:
        path = Path(raw)
        for found in (_notebooks_under(path) if path.is_dir() else [path]):
            key = os.path.normcase(os.path.abspath(found))
            counts[key] = counts.get(key, 0) + 1
    return {key: n for key, n in counts.items() if n > 1}


def student_name(path) -> str:
    """The student a submission belongs to: nbgrader's ``submitted/<student>/...`` if the path has it,
    else the file's name without ``.ipynb``."""
    parts = Path(path).parts
    for i, part in enumerate(parts[:-2]):
        if part == "submitted":
            return parts[i + 1]
    return Path(path).stem
