"""A hostile class: submissions that attack the grader, each other, the package and the answers (issue 14).

Each case is a submission built by code, with the row it must get. The submissions run sealed
(bubblewrap, :mod:`causal_course.grading.sandbox`); every case here broke the grader before it was.
"""

import csv
import json
import os
import subprocess
import sys
import time

import nbformat
import pytest

from causal_course.checks import exercises_for
from causal_course.grading import GradingOptions, grade_submissions, write_feedback, write_gradebook
from causal_course.grading.grader import PACKAGE_DIR
from causal_course.grading.sandbox import probe

pytestmark = [pytest.mark.xdist_group("grading"),
              pytest.mark.skipif(probe() is not None and not os.environ.get("CI"),
                                 reason=f"no grading sandbox here: {probe()}")]

LESSON = "01_seeing_vs_doing"
POINTS = {e.id: e.points for e in exercises_for(LESSON)}
FULL = sum(POINTS.values())
MARK = "causal-course-hostile-mark"  # in the command line of processes a submission leaves behind


def _solution(root):
    return nbformat.read(root / "solutions" / f"{LESSON}.ipynb", as_version=4)


def _stubs(root):
    return nbformat.read(root / "exercises" / f"{LESSON}.ipynb", as_version=4)


def _add_cell(notebook, source):
    """A new cell right after the setup cell (the first code cell that is not the Colab install)."""
    index = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and "google.colab" not in c.source)
    notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(source))


def _replace_function(notebook, name, source):
    """Append ``source`` (a new ``def name``) to the cell that defines ``name``."""
    for cell in notebook.cells:
        if cell.cell_type == "code" and f"def {name}(" in cell.source:
            cell.source += "\n\n" + source
            return
    raise AssertionError(name)


def _points(report):
    return {e["id"]: e["points"] for e in report["exercises"]}


def _messages(report):
    return {e["id"]: e["message"] for e in report["exercises"]}


def _text(report):
    return " ".join(report["errors"]) + " " + " ".join(_messages(report).values())


@pytest.fixture(scope="module")
def batch(root, tmp_path_factory):
    """One batch of hostile and victim submissions, graded together with 2 workers."""
    folder = tmp_path_factory.mktemp("class")
    outside = tmp_path_factory.mktemp("outside")  # where escaped processes would leave a trace
    gradebook = outside / "gradebook.csv"
    gradebook.write_text("path,score\nvictim,10\n")
    cases = {}

    def save(name, notebook):
        nbformat.write(notebook, folder / name)
        cases[name] = folder / name

    # forged grades -------------------------------------------------------------------------
    nb = _stubs(root)
    pyc = PACKAGE_DIR / "checks" / "__pycache__" / f"lesson01.cpython-{sys.version_info.major}{sys.version_info.minor}.pyc"
    _add_cell(nb, f"import os\nos.makedirs({str(pyc.parent)!r}, exist_ok=True)\n"
                  f"open({str(pyc)!r}, 'wb').write(b'forged bytecode')")
    save("a_fake_bytecode.ipynb", nb)

    nb = _stubs(root)
    _add_cell(nb, "import os, time\n"
                  "if os.fork() == 0:\n"
                  "    os.setsid()\n"
                  "    if os.fork() == 0:\n"
                  f"        os.execvp('sh', ['sh', '-c', 'sleep 6; echo path,score > {gradebook}; echo {MARK}'])\n"
                  "    os._exit(0)\n")
    save("b_outlives_grader.ipynb", nb)

    nb = _stubs(root)  # overwrite a later submission (z_victim) and plant code for every later process
    victim = folder / "z_victim.ipynb"
    _add_cell(nb, f"open({str(victim)!r}, 'w').write('{{}}')\n")
    _add_cell(nb, f"open({str(PACKAGE_DIR.parent / 'sitecustomize.py')!r}, 'w').write('raise SystemExit')\n")
    save("c_writes_others.ipynb", nb)

    nb = _stubs(root)  # run the solution's exercise cells
    source = root / "solutions" / f"{LESSON}.ipynb"
    _add_cell(nb, "import json\n"
                  f"for cell in json.load(open({str(source)!r}))['cells']:\n"
                  "    if cell['cell_type'] == 'code' and 'def ' in ''.join(cell['source']):\n"
                  "        exec(''.join(cell['source']))\n")
    save("d_reads_solutions.ipynb", nb)

    nb = _solution(root)  # look for the grader's command line (it names the hidden checks' file)
    _add_cell(nb, "import os\nseen = []\n"
                  "for pid in os.listdir('/proc'):\n"
                  "    try:\n"
                  "        seen.append(open(f'/proc/{pid}/cmdline', 'rb').read())\n"
                  "    except Exception:\n"
                  "        pass\n"
                  "raise RuntimeError('SEEN_PYTEST=' + str(any(b'pytest' in s for s in seen)))")
    save("e_reads_proc.ipynb", nb)

    # one failure must not spread --------------------------------------------------------------
    nb = _solution(root)
    _replace_function(nb, "sample_tutoring", "def sample_tutoring(*args, **kwargs):\n    import os\n    os._exit(1)")
    save("f_exit_in_function.ipynb", nb)

    nb = _solution(root)
    _replace_function(nb, "difference_in_means",
                      "def difference_in_means(*args, **kwargs):\n    import ctypes\n    return ctypes.string_at(0)")
    save("g_segfault_in_function.ipynb", nb)

    nb = _solution(root)
    _replace_function(nb, "sample_tutoring",
                      "def sample_tutoring(*args, **kwargs):\n    import numpy as np\n    return np.ones(3_000_000)")
    save("h_huge_result.ipynb", nb)

    nb = _solution(root)
    _replace_function(nb, "sample_tutoring",
                      "def sample_tutoring(*args, **kwargs):\n    import signal, time\n"
                      "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n    while True:\n        time.sleep(0.1)")
    save("i_unstoppable_function.ipynb", nb)

    nb = _solution(root)  # an extra, well-formed reply frame written by the notebook itself
    _add_cell(nb, "import json, os, struct\n"
                  "fd = int(os.environ['CAUSAL_COURSE_SANDBOX_FDS'].split(',')[1])\n"
                  "payload = json.dumps({'op': 'described', 'found': {}}).encode()\n"
                  "os.write(fd, struct.pack('>I', len(payload)) + payload)\n")
    save("j_extra_frame.ipynb", nb)

    # the grader itself -------------------------------------------------------------------------
    nb = _solution(root)
    _replace_function(nb, "difference_in_means",
                      "def difference_in_means(*args, **kwargs):\n    import numpy as np\n"
                      "    return np.empty((10**10, 5, 5), dtype='V0')")
    save("k_void_array.ipynb", nb)

    nb = _solution(root)
    _add_cell(nb, "import os, time\n"
                  "for _ in range(8):\n"
                  "    if os.fork() == 0:\n"
                  "        hog = bytearray(120 * 2**20)\n"
                  "        for i in range(0, len(hog), 4096):\n"
                  "            hog[i] = 1\n"
                  "        time.sleep(30)\n"
                  "        os._exit(0)\n"
                  "time.sleep(20)")
    save("l_forked_hogs.ipynb", nb)

    save("z_victim.ipynb", _solution(root))

    reports = grade_submissions([folder], workers=2, options=GradingOptions(timeout=10, memory_mb=512))
    finished = time.monotonic()
    return {"reports": {r["path"].split("/")[-1]: r for r in reports}, "gradebook": gradebook, "folder": folder,
            "victim": victim, "finished": finished, "pyc": pyc}


def test_fake_bytecode_never_lands_in_the_package(batch):
    report = batch["reports"]["a_fake_bytecode.ipynb"]
    assert report["score"] == 0
    assert not batch["pyc"].exists() or batch["pyc"].read_bytes() != b"forged bytecode"
    assert any("Read-only file system" in e for e in report["errors"]), report["errors"]
    assert batch["reports"]["z_victim.ipynb"]["score"] == FULL


def test_no_process_outlives_the_grader(batch):
    time.sleep(max(0.0, batch["finished"] + 8 - time.monotonic()))  # past the escaped process's 6 s
    assert batch["gradebook"].read_text() == "path,score\nvictim,10\n"
    leftover = subprocess.run(["pgrep", "-f", MARK], capture_output=True, text=True).stdout.split()
    assert leftover == [str(os.getpid())] or leftover == [], leftover
    assert batch["reports"]["b_outlives_grader.ipynb"]["score"] == 0


def test_a_submission_cannot_touch_other_submissions_or_plant_code(batch):
    hostile = batch["reports"]["c_writes_others.ipynb"]
    assert hostile["score"] == 0
    assert batch["victim"].stat().st_size > 1000  # still the victim's notebook
    assert not (PACKAGE_DIR.parent / "sitecustomize.py").exists()
    victim = batch["reports"]["z_victim.ipynb"]
    assert victim["score"] == FULL and victim["errors"] == []


def test_the_solutions_are_out_of_sight(batch):
    report = batch["reports"]["d_reads_solutions.ipynb"]
    assert report["score"] == 0
    assert any("No such file or directory" in e for e in report["errors"]), report["errors"]


def test_the_graders_command_line_is_out_of_sight(batch):
    report = batch["reports"]["e_reads_proc.ipynb"]
    assert any("SEEN_PYTEST=False" in e for e in report["errors"]), report["errors"]
    assert report["score"] == FULL


@pytest.mark.parametrize("name,lost,says", [
    ("f_exit_in_function.ipynb", "1.1", "exited with code 1"),
    ("g_segfault_in_function.ipynb", "1.2", "segmentation fault"),
    ("h_huge_result.ipynb", "1.1", "larger than 16 MB"),
    ("i_unstoppable_function.ipynb", "1.1", "did not stop when interrupted"),
    ("k_void_array.ipynb", "1.2", "could not read what your function returned"),
])
def test_a_crash_in_a_function_costs_only_its_exercise(batch, name, lost, says):
    report = batch["reports"][name]
    assert _points(report)[lost] == 0
    assert report["score"] == FULL - POINTS[lost], report
    assert says in _messages(report)[lost], _messages(report)[lost]


def test_an_extra_reply_frame_is_ignored(batch):
    report = batch["reports"]["j_extra_frame.ipynb"]
    assert report["score"] == FULL, report


def test_forked_memory_hogs_are_stopped_as_a_tree(batch):
    report = batch["reports"]["l_forked_hogs.ipynb"]
    assert report["score"] == FULL, report
    assert any("memory limit of 512 MB (all its processes together)" in e for e in report["errors"]), report["errors"]


def test_a_fork_bomb_is_capped_and_costs_nothing_else(root, tmp_path):
    nb = _solution(root)
    _add_cell(nb, "import os, time\nfor _ in range(200):\n    if os.fork() == 0:\n        time.sleep(60)\n        os._exit(0)")
    nbformat.write(nb, tmp_path / "bomb.ipynb")
    (report,) = grade_submissions([tmp_path / "bomb.ipynb"], options=GradingOptions(timeout=20))
    assert report["score"] == FULL, report
    assert any("more than 32 processes" in e or "BlockingIOError" in e or "Resource temporarily unavailable" in e
               for e in report["errors"]), report["errors"]


# ------------------------------------------------------------------------------ files and outputs
def test_files_that_are_not_notebooks_get_their_own_row(root, tmp_path):
    fifo = tmp_path / "pipe.ipynb"
    os.mkfifo(fifo)
    (tmp_path / "dangling.ipynb").symlink_to(tmp_path / "nowhere.ipynb")
    (tmp_path / "zero.ipynb").symlink_to("/dev/zero")
    reports = {r["path"].split("/")[-1]: r for r in
               grade_submissions([tmp_path], options=GradingOptions(timeout=10, lesson=LESSON))}
    assert set(reports) == {"pipe.ipynb", "dangling.ipynb", "zero.ipynb"}
    assert "named pipe (FIFO)" in _text(reports["pipe.ipynb"])
    assert "symbolic link" in _text(reports["dangling.ipynb"]) and "does not exist" in _text(reports["dangling.ipynb"])
    assert "character device" in _text(reports["zero.ipynb"])
    assert all(r["score"] == 0 and len(r["exercises"]) == len(POINTS) for r in reports.values())


def test_nbgrader_layout_duplicates_formulas_and_feedback_names(root, tmp_path):
    solved = (root / "solutions" / f"{LESSON}.ipynb").read_text()
    layout = tmp_path / "submitted"
    for student in ("alice", "bob"):
        (layout / student / "01").mkdir(parents=True)
        (layout / student / "01" / f"{LESSON}.ipynb").write_text(solved)
    for folder, name in (("dA", "alice"), ("dB", "alice"), ("dC", "alice-2")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{name}.ipynb").write_text(solved)
    formula = tmp_path / "=HYPERLINK(1).ipynb"
    formula.write_text(solved)
    paths = [layout, tmp_path / "dA", tmp_path / "dB", tmp_path / "dC", formula, formula]
    reports = grade_submissions(paths, options=GradingOptions(timeout=30, lesson=LESSON))
    assert len(reports) == 6  # the repeated file once
    assert all(r["score"] == FULL for r in reports), [r["errors"] for r in reports]
    repeated = next(r for r in reports if r["path"].endswith("=HYPERLINK(1).ipynb"))
    assert any("given 2 times" in e for e in repeated["errors"])

    write_gradebook(reports, tmp_path / "book.csv")
    rows = list(csv.DictReader((tmp_path / "book.csv").open()))
    assert {"alice", "bob"} <= {r["student"] for r in rows}
    assert all(not r["student"].startswith("=") and not r["path"].startswith("=") for r in rows)
    assert any(r["student"] == "'=HYPERLINK(1)" for r in rows)

    files = write_feedback(reports, tmp_path / "feedback")
    assert len(set(files)) == len(reports)
    contents = {str(p.relative_to(tmp_path / "feedback")): p.read_text() for p in files}
    assert "dB/alice.md" in contents and "dC/alice-2.md" in contents and "dA/alice.md" in contents
    assert "# Feedback: alice-2.ipynb" in contents["dC/alice-2.md"]


def test_old_format_and_other_lesson_are_named(root, tmp_path):
    (tmp_path / "old.ipynb").write_text(json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": []}]}))
    other = tmp_path / "02_notebook.ipynb"
    other.write_text((root / "solutions" / "02_experimenting.ipynb").read_text()
                     if (root / "solutions" / "02_experimenting.ipynb").exists()
                     else next((root / "solutions").glob("02_*.ipynb")).read_text())
    reports = {r["path"].split("/")[-1]: r for r in
               grade_submissions([tmp_path], options=GradingOptions(timeout=30, lesson=LESSON))}
    assert "old notebook format (3" in _text(reports["old.ipynb"])
    assert any("says lesson 02" in e and "graded as lesson 01" in e for e in reports["02_notebook.ipynb"]["errors"])


@pytest.mark.parametrize("flag,make,says", [
    ("--csv", lambda tmp: tmp / "missing" / "book.csv", "does not exist; create it first"),
    ("--feedback", lambda tmp: (tmp / "file.txt", (tmp / "file.txt").write_text("x"))[0], "is a file"),
])
def test_output_paths_are_checked_before_grading(root, tmp_path, flag, make, says):
    target = make(tmp_path)
    done = subprocess.run([sys.executable, "-m", "causal_course", "grade", str(root / "solutions" / f"{LESSON}.ipynb"),
                           flag, str(target)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "/10" not in done.stdout  # nothing graded


def test_no_control_group_is_left_behind(batch):
    from causal_course.grading.sandbox import ControlGroup, _group_prefix

    left = [p for parent in ControlGroup.parents() if parent.is_dir() for p in parent.glob(f"{_group_prefix()}*")]
    assert left == [], left[:3]
