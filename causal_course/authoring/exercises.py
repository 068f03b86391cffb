"""Exercise notebooks generated from their solved twins (``causal-course exercises``).

``solutions/NN_slug.ipynb`` is the single source.
In a code cell, solution code sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` lines
(nbgrader's markers), and the cell names its exercise in a comment line such as
``# Exercise 1.2: Difference in means``. The exercise notebook is the same notebook with each
region replaced by a stub that raises ``NotImplementedError("Exercise 1.2: Difference in means")``.
In a Markdown cell (an answer to a Think! question) the region becomes "*Your answer here.*".

The same command keeps the cells' nbgrader metadata (``cell.metadata["nbgrader"]``, schema 3) in
both notebooks, so nbgrader can release and autograde them (docs/instructor.md, nbgrader):

* a code cell with a solution region is an autograded answer (``ex1_2_solution``, no points);
* a check cell, ``check("1.2", difference_in_means)``, is a locked autograder test (``ex1_2_check``)
  worth the exercise's points in :mod:`causal_course.checks`;
* a Markdown cell with a solution region (a Think! answer, which the course does not grade) is a
  manually graded answer worth 0 points (``answer_<cell id>``): nbgrader accepts a written
  solution only in a grade cell.

Every other cell has no nbgrader metadata: the command owns the ``nbgrader`` key of every cell.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

BEGIN_MARKER = "### BEGIN SOLUTION"
END_MARKER = "### END SOLUTION"
EXERCISE_HEADER = re.compile(r"^\s*#\s*Exercise\s+(\d+\.\d+)\s*:\s*(.+?)\s*$")
MARKDOWN_STUB = "*Your answer here.*"
CHECK_CALL = re.compile(r"""^\s*check\(\s*["']([^"']*)["']""", re.MULTILINE)
NBGRADER_SCHEMA_VERSION = 3  # nbgrader's cell metadata schema (nbgrader 0.7 to 0.9); there is no notebook-level one


class AuthoringError(ValueError):
    """A solution notebook that breaks the authoring rules; the message says where and how to fix it."""


def _cell_source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def exercise_header(source: str) -> tuple[str, str] | None:
    """``(id, title)`` from a cell's ``# Exercise N.M: title`` line, or None."""
    for line in source.splitlines():
        match = EXERCISE_HEADER.match(line)
        if match:
            return match.group(1), match.group(2)
    return None


def code_stub(exercise_id: str, title: str) -> str:
    """The lines that replace a code cell's solution region, naming its exercise."""
    return f"# YOUR CODE HERE\nraise NotImplementedError({f'Exercise {exercise_id}: {title}'!r})"


def strip_solution(source: str, cell_type: str = "code", where: str = "a cell") -> str:
    """Replace every solution region of one cell's source by its stub."""
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
                out.extend(f"{indent}{stub_line}" for stub_line in code_stub(*header).split("\n"))
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


def exercise_badges(source: str) -> str:
    """A Markdown cell's source with its Colab and Binder badges opening the exercise, never its solution."""
    if "<!-- badges -->" not in source:
        return source
    return re.sub(r"(blob/[^/)\s]+/|labpath=)solutions(/|%2F)", r"\1exercises\2", source)


def _has_region(source: str) -> bool:
    return any(line.strip() == BEGIN_MARKER for line in source.splitlines())


def grade_id_stem(exercise_id: str) -> str:
    """``"ex1_2"`` for exercise ``"1.2"``: the start of its cells' nbgrader grade ids."""
    return "ex" + exercise_id.replace(".", "_")


def registry_points(notebook: dict, name: str = "the notebook") -> dict[str, float]:
    """``{exercise id: points}`` of a notebook's lesson in :mod:`causal_course.checks`."""
    from causal_course.checks import exercises_for

    metadata = notebook.get("metadata", {}).get("causal_course", {})
    lesson = metadata.get("lesson") if isinstance(metadata, dict) else None
    if not lesson:
        raise AuthoringError(
            f"{name}: its metadata has no causal_course.lesson, so its exercises' points cannot be looked up; "
            'add "causal_course": {"lesson": "NN_slug"} to the notebook\'s metadata.')
    try:
        return {exercise.id: exercise.points for exercise in exercises_for(lesson)}
    except ValueError as error:
        raise AuthoringError(f"{name}: {error}") from None


def nbgrader_cell_metadata(cell, points: dict[str, float], where: str = "a cell") -> dict | None:
    """The nbgrader metadata a solution notebook's cell should carry, or None for an ordinary cell.

    ``points`` maps exercise ids to their points (:func:`registry_points`).
    """
    source, cell_type = _cell_source(cell), cell.get("cell_type")
    base = {"schema_version": NBGRADER_SCHEMA_VERSION, "locked": False}
    if cell_type == "markdown" and _has_region(source):
        cell_id = cell.get("id")
        if not cell_id:
            raise AuthoringError(
                f"{where}: a Markdown answer cell without a cell id, which its nbgrader grade_id is made from; "
                "save the notebook with nbformat 4.5 or newer (JupyterLab does) to give every cell an id.")
        return {**base, "grade": True, "solution": True, "points": 0, "grade_id": f"answer_{cell_id}"}
    if cell_type != "code":
        return None
    checked = CHECK_CALL.findall(source)
    if _has_region(source):
        header = exercise_header(source)
        if header is None:
            raise AuthoringError(
                f"{where}: a solution region in a cell without a '# Exercise N.M: title' line; "
                "add one so the stub can name its exercise.")
        if checked:
            raise AuthoringError(
                f"{where}: exercise {header[0]}'s solution cell also calls check(...); "
                "move the check into a cell of its own right after the exercise.")
        return {**base, "grade": False, "solution": True, "grade_id": f"{grade_id_stem(header[0])}_solution"}
    if not checked:
        return None
    if len(checked) > 1:
        raise AuthoringError(
            f"{where}: one cell checks exercises {', '.join(checked)}; give each check(...) a cell of its own, "
            "so nbgrader can score each exercise.")
    exercise_id = checked[0]
    if exercise_id not in points:
        raise AuthoringError(
            f"{where}: check({exercise_id!r}, ...) names no exercise of this lesson (its exercises: "
            f"{', '.join(points) or 'none'}); fix the id or register the exercise in causal_course/checks.")
    return {**base, "grade": True, "solution": False, "locked": True, "points": points[exercise_id],
            "grade_id": f"{grade_id_stem(exercise_id)}_check"}


def with_nbgrader_metadata(notebook: dict, name: str = "the notebook", points: dict[str, float] | None = None) -> dict:
    """A copy of a solution notebook whose cells carry exactly the nbgrader metadata they should.

    ``points`` defaults to the registry's points for the notebook's lesson (:func:`registry_points`).
    """
    if points is None:
        points = registry_points(notebook, name)
    out = copy.deepcopy(notebook)
    seen = {}
    for position, cell in enumerate(out.get("cells", []), start=1):
        where = f"{name}, cell {position}"
        metadata = nbgrader_cell_metadata(cell, points, where=where)
        cell_metadata = cell.setdefault("metadata", {})
        if metadata is None:
            cell_metadata.pop("nbgrader", None)
            continue
        if metadata["grade_id"] in seen:
            raise AuthoringError(
                f"{where}: grade id {metadata['grade_id']!r} again (first in cell {seen[metadata['grade_id']]}); "
                "each exercise has one solution cell and one check cell.")
        seen[metadata["grade_id"]] = position
        cell_metadata["nbgrader"] = metadata
    return out


def make_exercise_notebook(solution: dict, name: str = "the solution notebook",
                           points: dict[str, float] | None = None) -> dict:
    """The exercise twin of a solution notebook (an nbformat dict); the input is not changed.

    The twin carries the solution's nbgrader metadata (:func:`with_nbgrader_metadata`).
    """
    exercise = with_nbgrader_metadata(solution, name, points)
    for position, cell in enumerate(exercise.get("cells", []), start=1):
        if cell.get("cell_type") not in ("code", "markdown"):
            continue
        source = _cell_source(cell)
        if cell["cell_type"] == "markdown":
            source = exercise_badges(source)
        cell["source"] = strip_solution(source, cell["cell_type"], where=f"{name}, cell {position}")
    return exercise


def count_solution_regions(notebook: dict) -> int:
    """How many solution regions a notebook holds."""
    return sum(
        line.strip() == BEGIN_MARKER
        for cell in notebook.get("cells", [])
        for line in _cell_source(cell).splitlines()
    )


def sync_exercises(root: Path, check_only: bool = False) -> list[str]:
    """Write (or, with ``check_only``, compare) ``exercises/`` from ``solutions/``.

    Returns a list of problems: solution notebooks whose nbgrader metadata is out of date, out-of-date
    or missing exercise notebooks, and exercise notebooks without a solution twin. When writing, the
    solutions' nbgrader metadata is refreshed in place and only the orphans remain as problems.
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
        name = str(solution_path.relative_to(root))
        refreshed = nbformat.from_dict(with_nbgrader_metadata(solution, name=name))
        if refreshed != solution:
            if check_only:
                problems.append(f"{name} lacks up-to-date nbgrader cell metadata; run `causal-course exercises`.")
            else:
                solution_path.write_text(nbformat.writes(refreshed) + "\n", encoding="utf-8")
        exercise = make_exercise_notebook(refreshed, name=name)
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
