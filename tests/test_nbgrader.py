"""The real nbgrader releases exactly our exercises and autogrades our notebooks as our grader does.

A temporary nbgrader course (docs/nbgrader_config.py, source/<lesson>/<lesson>.ipynb from solutions/):
`nbgrader generate_assignment` for every lesson must give the notebooks in exercises/, cell by cell;
`nbgrader autograde` of two lessons must give each solution full marks, the untouched exercise 0, and a
solution with one planted wrong answer everything but that exercise's points (scores read from the
gradebook database through nbgrader's API).
"""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, skip_unless_ci

from causal_course.checks import exercises_for, graded_lessons

GRADED = ("01_seeing_vs_doing", "04_data_mixtures")  # autograded: a Think! answer each, about 5 s a run
NBGRADER_ADDS = {"checksum", "cell_type"}  # nbgrader's release adds these to a cell's nbgrader metadata
LOCKS = {"deletable", "editable"}  # nbgrader's LockCells adds these to solution and test cells


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    bin_dir = Path(sys.executable).parent  # nbgrader runs `alembic` from PATH: the one beside it
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "CAUSAL_COURSE_FAST": "1"}
    result = subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=course, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr[-4000:]}"
    return result


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    if importlib.util.find_spec("nbgrader") is None or not (Path(sys.executable).parent / "nbgrader").exists():
        skip_unless_ci("nbgrader is not installed; pip install -e '.[dev]' (or '.[nbgrader]')")
    course = tmp_path_factory.mktemp("nbgrader_course")
    shutil.copy(ROOT / "docs" / "nbgrader_config.py", course / "nbgrader_config.py")
    for lesson in graded_lessons():
        (course / "source" / lesson).mkdir(parents=True)
        shutil.copy(ROOT / "solutions" / f"{lesson}.ipynb", course / "source" / lesson)
    _nbgrader(course, "generate_assignment", "*", "--force")  # every lesson in one process
    return course


@pytest.mark.parametrize("lesson", graded_lessons())
def test_generate_assignment_releases_exactly_our_exercises(course, lesson):
    released = nbformat.read(course / "release" / lesson / f"{lesson}.ipynb", as_version=4)
    ours = nbformat.read(ROOT / "exercises" / f"{lesson}.ipynb", as_version=4)
    assert released.metadata == ours.metadata
    assert [c.id for c in released.cells] == [c.id for c in ours.cells]
    for theirs, mine in zip(released.cells, ours.cells):
        assert theirs.cell_type == mine.cell_type
        assert theirs.source == mine.source, f"cell {mine.id} differs from exercises/{lesson}.ipynb"
        assert set(theirs.metadata) - set(mine.metadata) <= LOCKS
        nbgrader = {k: v for k, v in theirs.metadata.get("nbgrader", {}).items() if k not in NBGRADER_ADDS}
        assert nbgrader == mine.metadata.get("nbgrader", {})


def _plant_wrong_answer(notebook: dict, lesson: str) -> str:
    """Make the first exercise's function return None before its solution; returns its check's grade id."""
    stem = "ex" + exercises_for(lesson)[0].id.replace(".", "_")
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"{stem}_solution")
    lines = cell.source.split("\n")
    begin = next(i for i, line in enumerate(lines) if line.strip() == "### BEGIN SOLUTION")
    indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
    cell.source = "\n".join(lines[: begin + 1] + [f"{indent}return None"] + lines[begin + 1:])
    return f"{stem}_check"


@pytest.fixture(scope="module")
def autograded(course):
    """{(student, lesson): {grade id: (score, max score)}} after `nbgrader autograde` of three students."""
    from nbgrader.api import Gradebook

    wrong = {}
    for lesson in GRADED:
        folders = {student: course / "submitted" / student / lesson for student in ("solved", "untouched", "wrong")}
        for folder in folders.values():
            folder.mkdir(parents=True)
        shutil.copy(ROOT / "solutions" / f"{lesson}.ipynb", folders["solved"])
        shutil.copy(ROOT / "exercises" / f"{lesson}.ipynb", folders["untouched"])
        notebook = nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)
        wrong[lesson] = _plant_wrong_answer(notebook, lesson)
        nbformat.write(notebook, folders["wrong"] / f"{lesson}.ipynb")
    _nbgrader(course, "autograde", "*", "--force")
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="causal_course") as gradebook:
        for lesson in GRADED:
            for student in ("solved", "untouched", "wrong"):
                submission = gradebook.find_submission_notebook(lesson, lesson, student)
                scores[student, lesson] = {g.name: (g.score, g.max_score) for g in submission.grades}
                scores[student, lesson]["total"] = (submission.score, submission.max_score)
    return scores, wrong


@pytest.mark.parametrize("lesson", GRADED)
def test_autograde_gives_solutions_full_marks_and_untouched_exercises_zero(autograded, lesson):
    scores, wrong = autograded
    total = sum(exercise.points for exercise in exercises_for(lesson))
    assert scores["solved", lesson]["total"] == (total, total)
    assert scores["untouched", lesson]["total"] == (0, total)
    for exercise in exercises_for(lesson):  # each check cell is worth the exercise's points in our grader
        grade_id = f"ex{exercise.id.replace('.', '_')}_check"
        assert scores["solved", lesson][grade_id] == (exercise.points, exercise.points)
        assert scores["untouched", lesson][grade_id] == (0, exercise.points)
    # one wrong answer costs exactly its exercise's points
    assert scores["wrong", lesson][wrong[lesson]][0] == 0
    lost = scores["wrong", lesson][wrong[lesson]][1]
    assert scores["wrong", lesson]["total"] == (total - lost, total) and lost > 0
