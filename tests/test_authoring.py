"""Exercises are generated from solutions; the generator's rules and the repository's sync."""

import nbformat
import pytest

from causal_course.authoring.exercises import (
    AuthoringError,
    count_solution_regions,
    exercise_header,
    make_exercise_notebook,
    strip_solution,
    sync_exercises,
)
from causal_course.checks import exercises_for


def test_strip_solution_keeps_indentation_and_names_the_exercise():
    source = "# Exercise 2.3: Do a thing\ndef f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n"
    out = strip_solution(source)
    assert "return x + y" not in out
    assert "    raise NotImplementedError('Exercise 2.3: Do a thing')" in out
    assert out.startswith("# Exercise 2.3: Do a thing\ndef f(x):\n    y = 1\n")
    compile(out, "stub", "exec")


def test_markdown_regions_become_answer_prompts():
    out = strip_solution("Q?\n### BEGIN SOLUTION\nsecret\n### END SOLUTION\n", cell_type="markdown")
    assert "secret" not in out and "Your answer here" in out


@pytest.mark.parametrize(
    "source, words",
    [
        ("def f():\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION", "Exercise N.M"),
        ("# Exercise 1.1: x\n### BEGIN SOLUTION\npass", "never closed"),
        ("# Exercise 1.1: x\n### END SOLUTION", "without"),
        ("# Exercise 1.1: x\n### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "nested"),
    ],
)
def test_broken_markers_are_reported(source, words):
    with pytest.raises(AuthoringError, match=words):
        strip_solution(source, where="cell 3")


def test_exercise_notebook_differs_only_in_solution_regions(root):
    solution = nbformat.read(root / "solutions" / "01_seeing_vs_doing.ipynb", as_version=4)
    exercise = make_exercise_notebook(solution)
    assert count_solution_regions(solution) >= 4 and count_solution_regions(exercise) == 0
    assert len(exercise.cells) == len(solution.cells)
    for ours, theirs in zip(exercise.cells, solution.cells):
        if "<!-- badges -->" in theirs.source:  # an exercise's badges open the exercise, not the solution
            expected = theirs.source.replace("/solutions/", "/exercises/").replace("=solutions%2F", "=exercises%2F")
            assert ours.source == expected and "solutions" not in ours.source.split("<!-- /badges -->")[0]
        elif "BEGIN SOLUTION" not in theirs.source:
            assert ours == theirs
    assert exercise.metadata == solution.metadata


def test_repository_exercises_are_in_sync(root):
    assert sync_exercises(root, check_only=True) == []


def test_sync_detects_drift_and_orphans(root, tmp_path):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "notebooks").mkdir()
    source = root / "solutions" / "01_seeing_vs_doing.ipynb"
    (tmp_path / "solutions" / source.name).write_text(source.read_text())
    assert any("missing" in p for p in sync_exercises(tmp_path, check_only=True))
    assert sync_exercises(tmp_path) == []
    assert sync_exercises(tmp_path, check_only=True) == []
    exercise = tmp_path / "exercises" / source.name
    exercise.write_text(exercise.read_text().replace("Difference in means", "Difference of means"))
    assert any("out of sync" in p for p in sync_exercises(tmp_path, check_only=True))
    (tmp_path / "exercises" / "99_orphan.ipynb").write_text("{}")
    assert any("no solved twin" in p for p in sync_exercises(tmp_path, check_only=True))


def test_solution_headers_match_the_grading_registry(root):
    notebook = nbformat.read(root / "solutions" / "01_seeing_vs_doing.ipynb", as_version=4)
    headers = [exercise_header(c.source) for c in notebook.cells if c.cell_type == "code" and exercise_header(c.source)]
    registry = [(e.id, e.title) for e in exercises_for("01_seeing_vs_doing")]
    assert headers == registry
    # each exercise's function is defined in its cell and checked right after it
    for exercise in exercises_for("01_seeing_vs_doing"):
        assert any(f"def {exercise.name}(" in c.source for c in notebook.cells)
        assert any(f'check("{exercise.id}", {exercise.name})' in c.source for c in notebook.cells)
