"""Every lesson and solution notebook runs top to bottom on a fresh kernel; notebooks are stored clean."""

import json
from pathlib import Path

import pytest

from causal_course.authoring.notebook_runner import run_notebook_file
from causal_course.widgets.wiring import DRAW_ERROR

ROOT = Path(__file__).resolve().parent.parent
RUNNABLE = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))
ALL = RUNNABLE + sorted((ROOT / "exercises").glob("*.ipynb"))


def _id(path):
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", RUNNABLE, ids=_id)
def test_notebook_runs_top_to_bottom(path):
    notebook, seconds = run_notebook_file(path, timeout=120)
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    # A figure must show as a picture, not as its text repr '<Figure size ...>' (the kernels here run
    # with MPLBACKEND=Agg, so only figures that render themselves pass).
    shown = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
             if o.output_type in ("display_data", "execute_result")]
    text_only = [o["data"]["text/plain"] for o in shown
                 if set(o["data"]) == {"text/plain"} and o["data"]["text/plain"].startswith("<")]
    assert text_only == [], f"figures shown as text instead of pictures: {text_only}"
    # A widget whose render failed shows "Could not draw ..." instead of its figure (widgets/wiring.py); the
    # executed notebook keeps every widget's state, so a broken widget fails here, not only in a browser.
    import nbformat

    assert DRAW_ERROR not in nbformat.writes(notebook), f"a widget in {_id(path)} could not draw its figure"
    print(f"{_id(path)} ran in {seconds:.1f} s")


@pytest.mark.parametrize("path", sorted((ROOT / "exercises").glob("*.ipynb")), ids=_id)
def test_untouched_exercise_notebook_runs_without_errors(path):
    """Run All on a fresh exercise notebook shows the checks' feedback, not tracebacks."""
    notebook, _ = run_notebook_file(path, timeout=120)
    text = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    assert "not attempted yet" in text


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_stored_without_outputs_and_with_python3_kernel(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_every_lesson_follows_the_skeleton():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        text = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
        for part in ("Learning objectives", "Estimated time", "## Setup", "Section 1", "Interactive demo", "Think!"):
            assert part in text, f"{path.name} lacks '{part}'"
        assert "Key ideas" in text or "Summary" in text
        assert notebook["metadata"]["causal_course"]["lesson"] == path.stem


# every lesson: a Think! without a folded answer fails
THINK_ANSWERED = tuple(path.stem for path in sorted((ROOT / "notebooks").glob("*.ipynb")))


@pytest.mark.parametrize("lesson", THINK_ANSWERED)
def test_every_think_has_a_folded_answer(lesson):
    import re

    notebook = json.loads((ROOT / "notebooks" / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    blocks = re.split(r"(?m)^### Think!", text)[1:]
    assert blocks, f"{lesson} has no Think! block"
    for block in blocks:
        body = re.split(r"(?m)^##", block)[0]  # up to the next heading
        title = block.splitlines()[0]
        assert "<details>" in body and "</details>" in body, f"Think!{title} in {lesson} has no folded answer"
        answer = body[body.index("<details>"):body.index("</details>")]
        assert len(answer.split()) > 25, f"Think!{title} in {lesson}: the answer is too short to teach anything"
        assert not re.search(r"[A-Z_]{6,}\d", answer) and "ANSWER_" not in answer, f"placeholder left in Think!{title}"


def test_a_kernel_that_dies_while_starting_is_started_again(monkeypatch):
    """Two kernels started at once can collide; such a start-up death is retried, any other error is not."""
    import nbclient
    import nbformat

    from causal_course.authoring import notebook_runner as execution

    calls = []

    def flaky_execute(self, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return self.nb

    monkeypatch.setattr(nbclient.NotebookClient, "execute", flaky_execute)
    notebook = nbformat.v4.new_notebook()
    with pytest.warns(RuntimeWarning, match="died while starting"):
        execution.run_notebook(notebook)
    assert len(calls) == 2

    def always_dies(self, **kwargs):
        calls.append(1)
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(nbclient.NotebookClient, "execute", always_dies)
    calls.clear()
    with pytest.raises(RuntimeError, match="kernel_info"), pytest.warns(RuntimeWarning):
        execution.run_notebook(notebook)
    assert len(calls) == execution.KERNEL_START_ATTEMPTS

    def other_error(self, **kwargs):
        calls.append(1)
        raise RuntimeError("something else")

    monkeypatch.setattr(nbclient.NotebookClient, "execute", other_error)
    calls.clear()
    with pytest.raises(RuntimeError, match="something else"):
        execution.run_notebook(notebook)
    assert len(calls) == 1


def test_every_glossary_term_is_used_in_the_lessons():
    """Lesson 00's glossary defines the course's vocabulary; each term must be used by the lessons it serves."""
    import re

    def markdown(path):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        return "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")

    glossary = markdown(ROOT / "notebooks" / "00_start_here.ipynb").split("## Glossary", 1)[1].split("\n## ", 1)[0]
    terms = re.findall(r"^\* \*\*([^*]+)\*\*", glossary, re.M)
    assert len(terms) >= 10, terms
    for term in ("passive", "observational", "interventional", "expert", "held-out", "critical"):
        assert term in terms, f"the glossary lacks '{term}'"
    lessons = " ".join(markdown(p) for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if p.stem != "00_start_here")
    unused = [term for term in terms if term.lower() not in lessons.lower()]
    assert unused == [], f"glossary terms no lesson uses: {unused}"
