"""Batch grading against a corpus of broken and hostile submissions built from the exercise and solution notebooks.

Every submission must get its row with a clear message, the batch must finish, and no submission may
change its own score or anyone else's.
"""

import csv
import json
import os
import re

import nbformat
import pytest

from causal_course.checks import exercises_for, graded_lessons
from causal_course.grading import (
    GradingOptions,
    feedback_markdown,
    grade_submissions,
    is_check_cell,
    is_experiment_cell,
    write_feedback,
)
from causal_course.grading.sandbox import probe

pytestmark = [pytest.mark.xdist_group("grading"),
              pytest.mark.skipif(probe() is not None and not os.environ.get("CI"),
                                 reason=f"no grading sandbox here: {probe()}")]

LESSON = "01_seeing_vs_doing"
TIMEOUT = 8
POINTS = {e.id: e.points for e in exercises_for(LESSON)}
FULL = sum(POINTS.values())


def _cell_defining(notebook, name):
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and f"def {name}(" in cell.source:
            return index
    raise AssertionError(f"no cell defines {name}")


def _first_code_cell(notebook):
    """The setup cell: the first code cell after the Colab install cell."""
    return next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and "google.colab" not in c.source)


def _insert_after_setup(notebook, source):
    notebook.cells.insert(_first_code_cell(notebook) + 1, nbformat.v4.new_code_cell(source))


MONKEYPATCH = """\
import causal_course.checks as checks_module
import causal_course.checks.lesson01 as lesson01
import causal_course.grading as grading
from causal_course.checks import CheckResult
checks_module.run_check = lambda exercise, answer: CheckResult(True, "hacked")
grading.run_check = checks_module.run_check
for exercise in lesson01.EXERCISES:
    object.__setattr__(exercise, "check", lambda answer: CheckResult(True, "hacked"))
    object.__setattr__(exercise, "points", 1000)
print('{"id": "1.1", "passed": true, "message": "forged"}')
print("score: 10/10")
"""


def build_corpus(root, folder):
    """Write the corpus into ``folder``; return {file name: what the submission does}."""
    solution_path = root / "solutions" / f"{LESSON}.ipynb"
    exercise_path = root / "exercises" / f"{LESSON}.ipynb"

    def solution():
        return nbformat.read(solution_path, as_version=4)

    def stubs():
        return nbformat.read(exercise_path, as_version=4)

    corpus = {}

    def save(name, notebook, what):
        nbformat.write(notebook, folder / name)
        corpus[name] = what

    save("solved.ipynb", solution(), "the solution")
    save("stubs.ipynb", stubs(), "the unsolved exercises")

    nb = solution()
    _insert_after_setup(nb, "raise RuntimeError('student bug')")
    save("crash_elsewhere.ipynb", nb, "a crash in a cell that defines nothing graded")

    nb = solution()
    index = _cell_defining(nb, "difference_in_means")
    nb.cells[index].source = nb.cells[index].source.replace(
        "def difference_in_means", "undefined_helper()\n\ndef difference_in_means", 1)
    save("crash_in_exercise.ipynb", nb, "the cell of exercise 1.2 crashes before its def")

    nb = solution()
    _insert_after_setup(nb, "while True:\n    pass")
    save("infinite_loop.ipynb", nb, "a cell that never ends")

    nb = solution()
    _insert_after_setup(nb, "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.1)")
    save("unstoppable_loop.ipynb", nb, "a cell that ignores interrupts and never ends")

    nb = solution()
    _insert_after_setup(nb, "import sys\nsys.exit()")
    save("sys_exit.ipynb", nb, "sys.exit() in a cell")

    nb = solution()
    _insert_after_setup(nb, "import os\nos._exit(1)")
    save("os_exit.ipynb", nb, "os._exit(1) in a cell")

    nb = solution()
    _insert_after_setup(nb, "print('x' * 5_000_000)")
    save("big_output.ipynb", nb, "5 MB of output")

    nb = solution()
    index = _cell_defining(nb, "backdoor_adjusted_effect")
    nb.cells[index].source += "\n\ndef backdoor_adjusted_effect(X, treatment, outcome, adjustment):\n    return float('nan')\n"
    save("nan_result.ipynb", nb, "exercise 1.3 returns NaN")

    nb = solution()
    for name in ("sample_tutoring", "counterfactual_score"):
        del nb.cells[_cell_defining(nb, name)]
    save("deleted_cells.ipynb", nb, "the cells of exercises 1.1 and 1.4 deleted")

    nb = solution()
    index = _cell_defining(nb, "counterfactual_score")
    nb.cells[index].source = nb.cells[index].source.replace("def counterfactual_score(", "def my_counterfactual(")
    save("renamed.ipynb", nb, "exercise 1.4's function renamed")

    nb = stubs()
    _insert_after_setup(nb, MONKEYPATCH)
    nb.cells.append(nbformat.v4.new_code_cell(MONKEYPATCH))
    save("monkeypatch.ipynb", nb, "unsolved, but patches the checks and prints forged results")

    nb = solution()
    index = _cell_defining(nb, "difference_in_means")
    nb.cells[index].source += "\n\n_real = difference_in_means\ndef difference_in_means(outcome, treated):\n    while True:\n        pass\n"
    save("hanging_function.ipynb", nb, "exercise 1.2's function never returns")

    nb = solution()
    _insert_after_setup(nb, "import numpy as np\nhog = np.ones(10**10)")
    save("memory_hog.ipynb", nb, "a cell that asks for 80 GB")

    nb = solution()
    _insert_after_setup(nb, "hog = []\nwhile True:\n    hog.append(bytearray(10**8))")
    save("memory_creep.ipynb", nb, "a cell that grows until it runs out of memory")

    empty = nbformat.v4.new_notebook()
    empty.metadata["causal_course"] = {"lesson": LESSON}
    save("empty.ipynb", empty, "an empty notebook")

    (folder / "not_a_notebook.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    corpus["not_a_notebook.ipynb"] = "a picture renamed .ipynb"
    text = solution_path.read_text()
    (folder / "corrupt.ipynb").write_text(text[: len(text) // 2])
    corpus["corrupt.ipynb"] = "a notebook cut short (corrupt JSON)"
    (folder / "wrong_shape.ipynb").write_text(json.dumps({"cells": "nope", "nbformat": 4}))
    corpus["wrong_shape.ipynb"] = "JSON that is not a notebook"
    return corpus


@pytest.fixture(scope="module")
def graded(root, tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    corpus = build_corpus(root, folder)
    reports = grade_submissions([folder], workers=2, options=GradingOptions(timeout=TIMEOUT, memory_mb=1024))
    by_name = {report["path"].split("/")[-1]: report for report in reports}
    assert set(by_name) == set(corpus)
    return by_name


def points(report):
    return {e["id"]: e["points"] for e in report["exercises"]}


def messages(report):
    return {e["id"]: e["message"] for e in report["exercises"]}


def test_every_submission_gets_a_well_formed_report(graded):
    for name, report in graded.items():
        assert set(report) == {"path", "score", "max_score", "exercises", "errors"}, name
        assert report["score"] == sum(e["points"] for e in report["exercises"])
        for exercise in report["exercises"]:
            assert set(exercise) == {"id", "points", "max_points", "passed", "message"}
            assert exercise["message"].startswith(f"Exercise {exercise['id']}: "), (name, exercise)
            assert len(exercise["message"]) > len("Exercise 1.1: ") + 10
        json.dumps(report)


def test_solution_full_marks_and_stubs_zero(graded):
    assert graded["solved.ipynb"]["score"] == FULL and graded["solved.ipynb"]["errors"] == []
    stubs = graded["stubs.ipynb"]
    assert stubs["score"] == 0 and stubs["max_score"] == FULL
    assert all("not attempted" in m for m in messages(stubs).values())


def test_hostile_submission_cannot_change_scores(graded):
    hacked = graded["monkeypatch.ipynb"]
    assert hacked["score"] == 0 and hacked["max_score"] == FULL
    assert all(e["max_points"] == POINTS[e["id"]] for e in hacked["exercises"])
    assert all("not attempted" in m for m in messages(hacked).values())
    # graded in the same batch, after and beside it: still full marks
    assert graded["solved.ipynb"]["score"] == FULL


@pytest.mark.parametrize("name", ["crash_elsewhere.ipynb", "sys_exit.ipynb", "big_output.ipynb"])
def test_harmless_failures_keep_full_marks_and_say_what_happened(graded, name):
    report = graded[name]
    assert report["score"] == FULL
    expected = {"crash_elsewhere.ipynb": r"cell \d+ \(`raise RuntimeError\('student bug'\)`\) raised RuntimeError: student bug",
                "sys_exit.ipynb": r"cell \d+ \(`import sys`\) called sys.exit\(\)",
                "big_output.ipynb": r"cell \d+ \(`print\('x' \* 5_000_000\)`\) printed 5\.0 MB of output"}[name]
    assert any(re.search(expected, error) for error in report["errors"]), report["errors"]


@pytest.mark.parametrize("name", ["infinite_loop.ipynb", "unstoppable_loop.ipynb"])
def test_endless_cells_are_stopped(graded, name):
    report = graded[name]
    assert report["score"] == FULL, report
    assert any(f"longer than {TIMEOUT} s" in e or "did not stop when interrupted" in e for e in report["errors"])


def test_os_exit_costs_only_that_cell(graded):
    report = graded["os_exit.ipynb"]
    assert report["score"] == FULL
    assert any("ended the Python process" in e and "exited with code 1" in e for e in report["errors"])


@pytest.mark.parametrize("name", ["memory_hog.ipynb", "memory_creep.ipynb"])
def test_memory_hogs_are_stopped(graded, name):
    report = graded[name]
    assert report["score"] == FULL, report
    assert any("MemoryError" in e or "memory limit" in e for e in report["errors"]), report["errors"]


def test_a_crash_before_the_def_earns_nothing_for_that_exercise(graded):
    report = graded["crash_in_exercise.ipynb"]
    assert points(report)["1.2"] == 0 and report["score"] == FULL - POINTS["1.2"]
    assert re.search(r"`difference_in_means` not found: its cell \(cell \d+\) raised NameError", messages(report)["1.2"])


def test_nan_result(graded):
    report = graded["nan_result.ipynb"]
    assert points(report)["1.3"] == 0 and report["score"] == FULL - POINTS["1.3"]
    assert "nan" in messages(report)["1.3"].lower() and "Hint" in messages(report)["1.3"]


def test_deleted_and_renamed(graded):
    deleted = graded["deleted_cells.ipynb"]
    assert deleted["score"] == FULL - POINTS["1.1"] - POINTS["1.4"]
    assert "did you rename it or delete its cell?" in messages(deleted)["1.1"]
    renamed = graded["renamed.ipynb"]
    assert renamed["score"] == FULL - POINTS["1.4"]
    assert "function `counterfactual_score` not found; did you rename it?" in messages(renamed)["1.4"]
    assert "`my_counterfactual`" in messages(renamed)["1.4"]


def test_a_hanging_function_times_out_and_the_rest_is_graded(graded):
    report = graded["hanging_function.ipynb"]
    assert messages(report)["1.2"] == f"Exercise 1.2: timed out after {TIMEOUT} s"
    assert report["score"] == FULL - POINTS["1.2"]


@pytest.mark.parametrize("name,reason", [("empty.ipynb", "not found"),
                                         ("not_a_notebook.ipynb", "not a readable notebook"),
                                         ("corrupt.ipynb", "the JSON is broken"),
                                         ("wrong_shape.ipynb", "no list of cells")])
def test_broken_files_score_zero_with_a_reason(graded, name, reason):
    report = graded[name]
    assert report["score"] == 0
    text = " ".join(report["errors"]) + " ".join(messages(report).values())
    assert reason in text, text


def test_gradebook_and_feedback(graded, tmp_path):
    from causal_course.grading import write_gradebook

    reports = list(graded.values())
    write_gradebook(reports, tmp_path / "gradebook.csv")
    rows = list(csv.DictReader((tmp_path / "gradebook.csv").open()))
    assert len(rows) == len(reports)
    assert {"path", "student", "score", "max_score", "exercise 1.1", "exercise 1.4", "errors"} <= set(rows[0])
    solved = next(r for r in rows if r["student"] == "solved")
    assert float(solved["score"]) == FULL and float(solved["exercise 1.3"]) == POINTS["1.3"]
    files = write_feedback(reports, tmp_path / "feedback")
    assert len(files) == len(reports)
    text = (tmp_path / "feedback" / "renamed.md").read_text()
    assert f"Score: {FULL - POINTS['1.4']:g} / {FULL:g}" in text and "my_counterfactual" in text


def test_feedback_lists_every_exercise_and_error():
    report = {"path": "x/alice.ipynb", "score": 2, "max_score": 5, "errors": ["cell 3 raised ValueError: bad | pipe"],
              "exercises": [{"id": "1.1", "points": 2, "max_points": 2, "passed": True, "message": "Exercise 1.1: ok"},
                            {"id": "1.2", "points": 0, "max_points": 3, "passed": False, "message": "Exercise 1.2: no"}]}
    text = feedback_markdown(report)
    assert "Score: 2 / 5" in text and "| 1.2 | 0 / 3 | Exercise 1.2: no |" in text and "- cell 3 raised ValueError: bad | pipe" in text


def test_extra_checks_add_hidden_exercises(root, tmp_path):
    extra = tmp_path / "hidden.py"
    extra.write_text(
        "import numpy as np\n"
        "from causal_course.checks import CheckFailed, CheckResult, Exercise\n"
        "def check_zero_treated(difference_in_means):\n"
        "    outcome = np.arange(6.0)\n"
        "    value = difference_in_means(outcome, np.array([1, 1, 1, 0, 0, 0], dtype=bool))\n"
        "    if abs(value + 3.0) > 1e-9:\n"
        "        raise CheckFailed('wrong on a hidden case.')\n"
        "    return CheckResult(True, 'hidden case passed.')\n"
        "EXERCISES = [Exercise('1.2-hidden', '01_seeing_vs_doing', 'difference_in_means', 'Hidden', 1,"
        " check_zero_treated)]\n")
    from causal_course.grading import load_extra_checks

    options = GradingOptions(timeout=30, extra_exercises=load_extra_checks(extra))
    solved, stubs = grade_submissions([root / "solutions" / f"{LESSON}.ipynb", root / "exercises" / f"{LESSON}.ipynb"],
                                      options=options)
    assert solved["score"] == solved["max_score"] == FULL + 1
    assert points(solved)["1.2-hidden"] == 1 and messages(solved)["1.2-hidden"] == "Exercise 1.2-hidden: hidden case passed."
    assert stubs["score"] == 0 and "1.2-hidden" in points(stubs)


@pytest.mark.parametrize("source,problem", [
    (None, "no such file"),
    ("x = (", "could not be loaded"),
    ("EXERCISES = []", "non-empty list EXERCISES"),
    ("from causal_course.checks import Exercise\nEXERCISES = [Exercise('1.2', '01_seeing_vs_doing', 'f', 't', 1, print)]",
     "already taken"),
    ("from causal_course.checks import Exercise\nEXERCISES = [Exercise('9.9', 'nope', 'f', 't', 1, print)]",
     "names lesson 'nope'"),
])
def test_extra_checks_errors_are_clear(tmp_path, source, problem):
    from causal_course.grading import load_extra_checks

    path = tmp_path / "extra.py"
    if source is not None:
        path.write_text(source)
    with pytest.raises(ValueError, match=problem):
        load_extra_checks(path)


def test_check_cells_are_recognised():
    assert is_check_cell('check("1.3", backdoor_adjusted_effect)')
    assert is_check_cell('from causal_course.checks import check\n\ncheck("1.3", f)  # run me')
    assert not is_check_cell('x = 1\ncheck("1.3", f)')
    assert not is_check_cell("def check(x):\n    pass")
    assert not is_check_cell("print(1)")


def test_experiment_cells_are_recognised_by_their_first_line():
    assert is_experiment_cell("# Experiment (not graded): train two models\nmodel = build_model()")
    assert is_experiment_cell("\n  # Experiment (not graded)\nx = 1")
    assert not is_experiment_cell("x = 1\n# Experiment (not graded)")
    assert not is_experiment_cell("# Exercise 4.4: More interventional data\ndef make_batch(n, rng, share): ...")
    assert not is_experiment_cell("")


def test_bad_options_are_clear_errors():
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        GradingOptions(timeout=0)
    with pytest.raises(ValueError, match="memory_mb"):
        GradingOptions(memory_mb=10)
    with pytest.raises(ValueError, match="workers must be a positive integer"):
        grade_submissions([], workers=0)


@pytest.mark.parametrize("lesson", [lesson for lesson in graded_lessons() if lesson != LESSON])
def test_every_lessons_solution_gets_full_marks_and_stubs_zero(root, lesson):
    solved, stubs = grade_submissions([root / "solutions" / f"{lesson}.ipynb", root / "exercises" / f"{lesson}.ipynb"],
                                      timeout=120)
    assert solved["score"] == solved["max_score"] == sum(e.points for e in exercises_for(lesson)), solved
    assert solved["errors"] == []
    assert stubs["score"] == 0 and len(stubs["exercises"]) == len(exercises_for(lesson))


def test_a_sealed_submission_cannot_write_package_files(root, tmp_path):
    from causal_course.grading.grader import PACKAGE_DIR

    target = PACKAGE_DIR / "checks" / "lesson01.py"
    before = target.read_bytes()
    nb = nbformat.read(root / "exercises" / f"{LESSON}.ipynb", as_version=4)
    _insert_after_setup(nb, f"open({str(target)!r}, 'a').write('\\nEXERCISES = []\\n')")
    nbformat.write(nb, tmp_path / "tamper.ipynb")
    (report,) = grade_submissions([tmp_path / "tamper.ipynb"], options=GradingOptions(timeout=30))
    assert target.read_bytes() == before
    assert report["score"] == 0
    assert any("Read-only file system" in e for e in report["errors"]), report["errors"]


def test_an_unsealed_submission_that_rewrites_package_files_is_flagged(root, tmp_path, monkeypatch):
    import shutil

    import causal_course.grading.grader as grader

    copy = tmp_path / "package"
    shutil.copytree(root / "causal_course" / "checks", copy / "checks")
    monkeypatch.setattr(grader, "PACKAGE_DIR", copy)
    nb = nbformat.read(root / "exercises" / f"{LESSON}.ipynb", as_version=4)
    target = copy / "checks" / "lesson01.py"
    _insert_after_setup(nb, f"open({str(target)!r}, 'a').write('\\nEXERCISES = []\\n')")
    nbformat.write(nb, tmp_path / "tamper.ipynb")
    (report,) = grade_submissions([tmp_path / "tamper.ipynb"], options=GradingOptions(timeout=30, sealed=False))
    assert report["score"] == 0
    assert any("package's files changed" in e and "checks/lesson01.py" in e for e in report["errors"]), report["errors"]
