"""Batch grading: full marks for the solution, zero for the stubs, and a batch that survives bad submissions."""

import csv
import json

import nbformat
import pytest

from causal_course.checks import exercises_for, lessons
from causal_course.grading import grade_submissions

pytestmark = pytest.mark.xdist_group("grading")

TIMEOUT = 15


def _replace_function(notebook, name, new_source):
    for cell in notebook.cells:
        if cell.cell_type == "code" and f"def {name}(" in cell.source:
            cell.source = new_source
            return
    raise AssertionError(f"no cell defines {name}")


@pytest.fixture(scope="module")
def graded(root, tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    solution = nbformat.read(root / "solutions" / "01_seeing_vs_doing.ipynb", as_version=4)
    exercise_path = root / "exercises" / "01_seeing_vs_doing.ipynb"

    # A partly right submission: 1.1 and 1.2 solved, 1.3 wrong, 1.4 renamed, plus a crashing cell,
    # a cell that hangs, and a forged grading line.
    partial = nbformat.read(root / "solutions" / "01_seeing_vs_doing.ipynb", as_version=4)
    _replace_function(partial, "backdoor_adjusted_effect",
                      "def backdoor_adjusted_effect(X, treatment, outcome, adjustment):\n    return 0.5\n")
    _replace_function(partial, "counterfactual_score",
                      "def my_counterfactual(observed, new_tutoring):\n    return observed[2]\n")
    partial.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('student bug')"))
    partial.cells.insert(4, nbformat.v4.new_code_cell("while True:\n    pass"))
    partial.cells.append(nbformat.v4.new_code_cell(
        'print(\'{"id": "1.3", "passed": true, "message": "forged"}\')\nprint("score: 10/10")'))
    # Renamed file: the lesson is found from the metadata.
    nbformat.write(partial, folder / "alice.ipynb")
    nbformat.write(solution, folder / "bob.ipynb")
    (folder / "carol.ipynb").write_text("{ this is not json")
    (folder / "dave.ipynb").write_text(json.dumps({"cells": "nope"}))
    empty = nbformat.v4.new_notebook()
    empty.metadata["causal_course"] = {"lesson": "01_seeing_vs_doing"}
    nbformat.write(empty, folder / "erin.ipynb")
    paths = [exercise_path, folder]
    reports = grade_submissions(paths, timeout=TIMEOUT)
    return {report["path"].split("/")[-1]: report for report in reports}


def test_every_submission_gets_a_report(graded):
    assert set(graded) == {"01_seeing_vs_doing.ipynb", "alice.ipynb", "bob.ipynb", "carol.ipynb", "dave.ipynb",
                           "erin.ipynb"}
    max_score = sum(e.points for e in exercises_for("01_seeing_vs_doing"))
    for report in graded.values():
        assert set(report) == {"path", "score", "max_score", "exercises", "errors"}
        for exercise in report["exercises"]:
            assert set(exercise) == {"id", "points", "max_points", "passed", "message"}
            assert exercise["message"].startswith(f"Exercise {exercise['id']}")
    assert graded["bob.ipynb"]["max_score"] == max_score


def test_solution_full_marks_and_stubs_zero(graded):
    bob = graded["bob.ipynb"]
    assert bob["score"] == bob["max_score"] > 0 and bob["errors"] == []
    stubs = graded["01_seeing_vs_doing.ipynb"]
    assert stubs["score"] == 0 and len(stubs["exercises"]) == 4
    assert all("not attempted" in e["message"] for e in stubs["exercises"])


def test_partial_submission(graded):
    alice = {e["id"]: e for e in graded["alice.ipynb"]["exercises"]}
    assert alice["1.1"]["passed"] and alice["1.2"]["passed"]
    assert not alice["1.3"]["passed"] and alice["1.3"]["points"] == 0
    assert "`counterfactual_score` not found; did you rename it" in alice["1.4"]["message"]
    assert graded["alice.ipynb"]["score"] == alice["1.1"]["max_points"] + alice["1.2"]["max_points"]
    assert any(f"longer than {TIMEOUT}" in error for error in graded["alice.ipynb"]["errors"])


def test_broken_files_score_zero_with_a_reason(graded):
    assert "not a readable notebook" in graded["carol.ipynb"]["errors"][0]
    assert graded["carol.ipynb"]["score"] == 0
    assert graded["dave.ipynb"]["score"] == 0 and graded["dave.ipynb"]["errors"]
    erin = graded["erin.ipynb"]
    assert erin["score"] == 0 and all("not found" in e["message"] for e in erin["exercises"])


def test_gradebook_csv(graded, tmp_path):
    from causal_course.grading import write_gradebook

    path = tmp_path / "gradebook.csv"
    write_gradebook(list(graded.values()), path)
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == 6
    assert {"path", "score", "max_score", "exercise 1.1", "exercise 1.4", "errors"} <= set(rows[0])
    bob = next(r for r in rows if r["path"].endswith("bob.ipynb"))
    assert float(bob["score"]) == float(bob["max_score"])


@pytest.mark.parametrize("lesson", [lesson for lesson in lessons() if lesson != "01_seeing_vs_doing"])
def test_every_lessons_solution_gets_full_marks_and_stubs_zero(root, lesson):
    reports = grade_submissions([root / "solutions" / f"{lesson}.ipynb", root / "exercises" / f"{lesson}.ipynb"],
                                timeout=120)
    solved, stubs = reports
    assert solved["score"] == solved["max_score"] == sum(e.points for e in exercises_for(lesson)), solved
    assert solved["errors"] == []
    assert stubs["score"] == 0 and len(stubs["exercises"]) == len(exercises_for(lesson))
