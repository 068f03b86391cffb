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
    with_nbgrader_metadata,
)
from causal_course.checks import exercises_for, graded_lessons


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


# ----------------------------------------------------------------------------- nbgrader metadata
@pytest.mark.parametrize("lesson", graded_lessons())
def test_solution_cells_carry_nbgrader_metadata_from_the_registry(root, lesson):
    notebook = nbformat.read(root / "solutions" / f"{lesson}.ipynb", as_version=4)
    exercise_notebook = nbformat.read(root / "exercises" / f"{lesson}.ipynb", as_version=4)
    marked = {c.metadata.nbgrader["grade_id"]: c for c in notebook.cells if "nbgrader" in c.metadata}
    for exercise in exercises_for(lesson):
        stem = "ex" + exercise.id.replace(".", "_")
        solution, test = marked.pop(f"{stem}_solution"), marked.pop(f"{stem}_check")
        assert solution.metadata.nbgrader == {"grade": False, "grade_id": f"{stem}_solution", "locked": False,
                                              "schema_version": 3, "solution": True}
        assert exercise_header(solution.source) == (exercise.id, exercise.title)
        assert test.metadata.nbgrader == {"grade": True, "grade_id": f"{stem}_check", "locked": True,
                                          "points": exercise.points, "schema_version": 3, "solution": False}
        assert test.source.strip() == f'check("{exercise.id}", {exercise.name})'
    for grade_id, cell in marked.items():  # what is left: the Think! answers, not graded by the course
        assert cell.cell_type == "markdown" and "BEGIN SOLUTION" in cell.source
        assert cell.metadata.nbgrader == {"grade": True, "grade_id": f"answer_{cell.id}", "locked": False,
                                          "points": 0, "schema_version": 3, "solution": True}
    for cell in notebook.cells:
        if "nbgrader" not in cell.metadata:
            assert "BEGIN SOLUTION" not in cell.source and "check(" not in cell.source
    # the exercise twin carries the same metadata, cell by cell
    assert [c.metadata for c in exercise_notebook.cells] == [c.metadata for c in notebook.cells]


def _tiny_solution(*sources, cell_type="code"):
    notebook = nbformat.v4.new_notebook(metadata={"causal_course": {"lesson": "01_seeing_vs_doing"}})
    notebook.cells = [nbformat.v4.new_code_cell(source) if cell_type == "code" else
                      nbformat.v4.new_markdown_cell(source) for source in sources]
    return notebook


@pytest.mark.parametrize(
    "sources, words",
    [
        (["# Exercise 1.2: x\n### BEGIN SOLUTION\n### END SOLUTION\ncheck('1.2', f)"], "a cell of its own"),
        (['check("1.2", f)\ncheck("1.3", g)'], "one cell checks exercises 1.2, 1.3"),
        (['check("9.9", f)'], "names no exercise of this lesson"),
        (['check("1.2", f)', 'check("1.2", f)'], "grade id 'ex1_2_check' again"),
        (["### BEGIN SOLUTION\n### END SOLUTION"], "Exercise N.M"),
    ],
)
def test_nbgrader_metadata_refuses_what_nbgrader_could_not_score(sources, words):
    with pytest.raises(AuthoringError, match=words):
        with_nbgrader_metadata(_tiny_solution(*sources), name="tiny.ipynb")


def test_nbgrader_metadata_needs_a_lesson_and_is_refreshed():
    notebook = _tiny_solution('print("hello")', 'check("1.2", difference_in_means)')
    notebook.cells[0].metadata["nbgrader"] = {"grade": True, "grade_id": "stale", "points": 5}  # no longer a test
    refreshed = with_nbgrader_metadata(notebook)
    assert "nbgrader" not in refreshed.cells[0].metadata and refreshed.cells[1].metadata.nbgrader["points"] == 2
    assert "nbgrader" in notebook.cells[0].metadata  # the input is not changed
    assert with_nbgrader_metadata(refreshed) == refreshed
    del notebook.metadata["causal_course"]
    with pytest.raises(AuthoringError, match="causal_course.lesson"):
        with_nbgrader_metadata(notebook, name="tiny.ipynb")


def test_sync_refreshes_stale_nbgrader_metadata_in_solutions(root, tmp_path):
    (tmp_path / "solutions").mkdir()
    name = "01_seeing_vs_doing.ipynb"
    original = (root / "solutions" / name).read_text()
    solution = nbformat.reads(original, as_version=4)
    check_cell = next(c for c in solution.cells if c.source.startswith('check("1.2"'))
    check_cell.metadata["nbgrader"]["points"] = 99  # edited by hand: no longer the registry's points
    (tmp_path / "solutions" / name).write_text(nbformat.writes(solution) + "\n")
    assert sync_exercises(tmp_path) == []
    assert (tmp_path / "solutions" / name).read_text() == original  # points back from the registry
    assert sync_exercises(tmp_path, check_only=True) == []
    for cell in solution.cells:
        cell.metadata.pop("nbgrader", None)
    (tmp_path / "solutions" / name).write_text(nbformat.writes(solution) + "\n")
    assert sync_exercises(tmp_path, check_only=True) == [
        f"solutions/{name} lacks up-to-date nbgrader cell metadata; run `causal-course exercises`."]
    assert sync_exercises(tmp_path) == [] and (tmp_path / "solutions" / name).read_text() == original
