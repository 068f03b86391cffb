"""Exercise notebooks generated from their solved twins (``causal-course exercises``).

Introduced in lesson 00 (how exercises work). ``solutions/NN_slug.ipynb`` is the single source.
In a code cell, solution code sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` lines
(nbgrader's markers), and the cell names its exercise in a comment line such as
``# Exercise 1.2: Difference in means``. The exercise notebook is the same notebook with each
region replaced by a stub that raises ``NotImplementedError("Exercise 1.2: Difference in means")``.
In a Markdown cell (an answer to a Think! question) the region becomes "*Your answer here.*".
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

BEGIN_MARKER = "### BEGIN SOLUTION"
END_MARKER = "### END SOLUTION"
EXERCISE_HEADER = re.compile(r"^\s*#\s*Exercise\s+(\d+\.\d+)\s*:\s*(.+?)\s*$")
MARKDOWN_STUB = "*Your answer here.*"


class AuthoringError(ValueError):
    """A solution notebook that breaks the authoring rules; the message says where and how to fix it."""


def _cell_source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def exercise_header(source: str) -> tuple[str, str] | None:
    """``(id, title)`` from a cell's ``# Exercise N.M: title`` line, or None (lesson 00)."""
    for line in source.splitlines():
        match = EXERCISE_HEADER.match(line)
        if match:
            return match.group(1), match.group(2)
    return None


def strip_solution(source: str, cell_type: str = "code", where: str = "a cell") -> str:
    """Replace every solution region of one cell's source by its stub (lesson 00)."""
    lines = source.split("\n")
    if not any(line.strip() == BEGIN_MARKER for line in lines):
        if any(line.strip() == END_MARKER for line in lines):
            raise AuthoringError(f"{where}: '{END_MARKER}' without '{BEGIN_MARKER}' before it.")
        return source
    header = exercise_header(source) if cell_type == "code" else None
    if cell_type == "code" and header is None:
        raise AuthoringError(
            f"{where}: a solution region in a cell without a '# Exercise N.M: title' line; "
            "add one so the stub can name its exercise."
        )
    out, inside = [], False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped == BEGIN_MARKER:
            if inside:
                raise AuthoringError(f"{where}, line {number}: nested '{BEGIN_MARKER}'.")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            if cell_type == "code":
                exercise_id, title = header
                out.append(f"{indent}# YOUR CODE HERE")
                out.append(f"{indent}raise NotImplementedError({f'Exercise {exercise_id}: {title}'!r})")
            else:
                out.append(f"{indent}{MARKDOWN_STUB}")
            continue
        if stripped == END_MARKER:
            if not inside:
                raise AuthoringError(f"{where}, line {number}: '{END_MARKER}' without '{BEGIN_MARKER}'.")
            inside = False
            continue
        if not inside:
            out.append(line)
    if inside:
        raise AuthoringError(f"{where}: '{BEGIN_MARKER}' is never closed by '{END_MARKER}'.")
    return "\n".join(out)


def make_exercise_notebook(solution: dict, name: str = "the solution notebook") -> dict:
    """The exercise twin of a solution notebook (an nbformat dict); the input is not changed (lesson 00)."""
    exercise = copy.deepcopy(solution)
    for position, cell in enumerate(exercise.get("cells", []), start=1):
        if cell.get("cell_type") not in ("code", "markdown"):
            continue
        source = _cell_source(cell)
        if cell["cell_type"] == "markdown" and "<!-- badges -->" in source:
            # the Colab and Binder badges of an exercise open the exercise, never its solution
            source = re.sub(r"(blob/[^/)\s]+/|labpath=)solutions(/|%2F)", r"\1exercises\2", source)
        cell["source"] = strip_solution(source, cell["cell_type"], where=f"{name}, cell {position}")
    return exercise


def count_solution_regions(notebook: dict) -> int:
    """How many solution regions a notebook holds (lesson 00)."""
    return sum(
        line.strip() == BEGIN_MARKER
        for cell in notebook.get("cells", [])
        for line in _cell_source(cell).splitlines()
    )


def sync_exercises(root: Path, check_only: bool = False) -> list[str]:
    """Write (or, with ``check_only``, compare) ``exercises/`` from ``solutions/`` (lesson 00).

    Returns a list of problems: out-of-date or missing exercise notebooks, and exercise
    notebooks without a solution twin. When writing, only the orphans remain as problems.
    """
    import nbformat

    root = Path(root)
    solutions_dir, exercises_dir = root / "solutions", root / "exercises"
    if not solutions_dir.is_dir():
        raise FileNotFoundError(f"no solutions/ folder under {root}; run this from the course's top folder.")
    problems = []
    exercises_dir.mkdir(exist_ok=True)
    solution_paths = sorted(solutions_dir.glob("*.ipynb"))
    for solution_path in solution_paths:
        try:
            solution = nbformat.read(solution_path, as_version=4)
        except Exception as error:  # corrupt JSON, not a notebook, unreadable: name the file and the fix
            raise AuthoringError(
                f"{solution_path.relative_to(root)} is not a readable notebook ({type(error).__name__}: "
                f"{str(error).splitlines()[0][:160] if str(error) else 'no detail'}); restore it from git "
                f"(git checkout -- {solution_path.relative_to(root)}) or fix its JSON.") from None
        exercise = make_exercise_notebook(solution, name=str(solution_path.relative_to(root)))
        target = exercises_dir / solution_path.name
        text = nbformat.writes(nbformat.from_dict(exercise)) + "\n"
        if check_only:
            if not target.exists():
                problems.append(f"{target.relative_to(root)} is missing; run `causal-course exercises`.")
            elif target.read_text(encoding="utf-8") != text:
                problems.append(
                    f"{target.relative_to(root)} is out of sync with {solution_path.relative_to(root)}; "
                    "run `causal-course exercises`."
                )
        else:
            target.write_text(text, encoding="utf-8")
    names = {p.name for p in solution_paths}
    for orphan in sorted(exercises_dir.glob("*.ipynb")):
        if orphan.name not in names:
            problems.append(
                f"{orphan.relative_to(root)} has no solved twin in solutions/; exercises are generated only from solutions."
            )
    return problems
