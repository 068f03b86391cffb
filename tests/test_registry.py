"""The lesson registry (causal_course/lessons.py) agrees with the lessons on disk, their headers, the checks and
the tables it feeds; a lesson without an entry, or an entry without a lesson, fails."""

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from causal_course.authoring.exercises import exercise_header
from causal_course.authoring.tables import sync_tables
from causal_course.checks import exercises_for, graded_lessons
from causal_course.lessons import LESSONS, lesson

ROOT = Path(__file__).resolve().parent.parent


def registry_problems(root: Path, entries=LESSONS) -> list[str]:
    """Every disagreement between ``entries`` and the notebooks under ``root``."""
    problems = []
    on_disk = {p.stem for p in (root / "notebooks").glob("*.ipynb")}
    registered = {entry.slug for entry in entries}
    problems += [f"notebooks/{slug}.ipynb has no entry in the lesson registry" for slug in sorted(on_disk - registered)]
    problems += [f"the registry lists {slug}, but notebooks/{slug}.ipynb does not exist"
                 for slug in sorted(registered - on_disk)]
    solved = {p.stem for p in (root / "solutions").glob("*.ipynb")}
    with_exercises = {entry.slug for entry in entries if entry.exercises}
    problems += [f"solutions/{slug}.ipynb exists but the registry lists no exercises for it"
                 for slug in sorted(solved - with_exercises)]
    problems += [f"the registry lists exercises for {slug}, but solutions/{slug}.ipynb does not exist"
                 for slug in sorted(with_exercises - solved)]
    numbers = [entry.number for entry in entries]
    if numbers != list(range(len(entries))):
        problems.append(f"lessons must be numbered 0, 1, 2, ... in order; got {numbers}")
    return problems


def header_problems(entry) -> list[str]:
    header = nbformat.read(ROOT / entry.notebook, as_version=4).cells[0].source
    problems = []
    if not header.startswith(f"# Lesson {entry.code} · {entry.full_heading}\n"):
        problems.append(f"{entry.slug}: the title is not 'Lesson {entry.code} · {entry.full_heading}'")
    block = header.split("**Learning objectives.**")[-1].split("**Estimated time")[0]
    objectives = tuple(re.findall(r"^\d+\. (.*)$", block, re.M))
    if objectives != entry.objectives:
        problems.append(f"{entry.slug}: the objectives differ from the registry's")
    time = entry.time_statement
    if time not in header:
        problems.append(f"{entry.slug}: the estimated time is not '{time}'")
    return problems


def test_every_lesson_on_disk_has_an_entry_and_the_reverse():
    assert registry_problems(ROOT) == []


def test_a_lesson_without_an_entry_or_an_entry_without_a_lesson_fails(tmp_path):
    for folder in ("notebooks", "solutions"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / LESSONS[1].notebook, tmp_path / "notebooks" / "99_unlisted.ipynb")
    (tmp_path / "notebooks" / f"{LESSONS[2].slug}.ipynb").unlink()
    problems = registry_problems(tmp_path)
    assert any("99_unlisted.ipynb has no entry" in p for p in problems)
    assert any(f"lists {LESSONS[2].slug}, but" in p for p in problems)


@pytest.mark.parametrize("entry", LESSONS, ids=lambda entry: entry.slug)
def test_each_notebook_header_states_what_the_registry_says(entry):
    assert header_problems(entry) == []


def test_exercises_agree_with_the_checks_and_the_solutions():
    assert graded_lessons() == [entry.slug for entry in LESSONS if entry.exercises]
    for slug in graded_lessons():
        ids = tuple(exercise.id for exercise in exercises_for(slug))
        assert ids == lesson(slug).exercises, slug
        solution = nbformat.read(ROOT / "solutions" / f"{slug}.ipynb", as_version=4)
        headed = tuple(dict.fromkeys(h[0] for cell in solution.cells if cell.cell_type == "code"
                                     for h in [exercise_header(cell.source)] if h))
        assert headed == ids, slug


def test_the_tables_fed_by_the_registry_are_in_sync():
    assert sync_tables(ROOT, check_only=True) == []


def test_an_edited_table_is_caught(tmp_path):
    for relative in ("README.md", "docs/instructor.md", "notebooks/00_start_here.ipynb"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, tmp_path / relative)
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text().replace("Seeing vs doing", "Seeing versus doing", 1))
    assert sync_tables(tmp_path, check_only=True) == ["README.md: the 'readme' lesson table is out of date with "
                                                      "causal_course/lessons.py"]
    sync_tables(tmp_path)
    assert sync_tables(tmp_path, check_only=True) == []


def test_lessons_are_found_by_number_or_slug():
    assert lesson(3) is lesson("03") is lesson("3") is lesson("03_passive_causal_strategies")
    with pytest.raises(ValueError, match="no lesson 'nine'"):
        lesson("nine")
