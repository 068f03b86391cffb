"""Every numbered section of every lesson ends with a short summary: a Markdown paragraph that starts with
``**In short.**`` and says in plain words what the section established.

A section is everything from a ``## Section N: ...`` (or ``## Bonus ...``) heading to the next ``## `` heading,
whichever cell that heading is in; other ``## `` headings (Setup, Coding exercises, Key ideas, ...) only end the
section before them. The summary must be the section's last Markdown paragraph (code cells may follow it), must
not sit inside a folded ``<details>`` answer, and stays short. The lessons are read from disk, never executed.

Every numbered section and every bonus section also opens with its time, ``*Estimated time: N minutes.*`` as the
first paragraph after its heading (Neuromatch's convention); the ``## Section`` times add up to the registry's
``minutes`` (the core time the header states) and the ``## Bonus`` times to its ``bonus_minutes``. Bonus sections
come after every numbered section.
"""

from pathlib import Path

import nbformat
import pytest

from causal_course.authoring.sections import sections, stated_minutes
from causal_course.lessons import LESSONS

ROOT = Path(__file__).resolve().parent.parent
MARKER = "**In short.**"
MAX_WORDS = 60  # the convention asks for one or two sentences of about 40 words; this only catches runaways

# every lesson in the registry and every lesson notebook on disk (a lesson still being written may lack one)
LESSON_SLUGS = sorted({entry.slug for entry in LESSONS} | {path.stem for path in (ROOT / "notebooks").glob("*.ipynb")})


def summary_problems(notebook, name: str) -> list[str]:
    """What is wrong with the ``**In short.**`` summaries of ``notebook``'s numbered sections (empty: nothing)."""
    problems = []
    for section in sections(notebook):
        if not section["numbered"]:
            continue
        where = f"{name}, '{section['heading']}'"
        markdown = [p for p in section["paragraphs"] if p is not None]
        summaries = [text for text, folded in markdown if text.startswith(MARKER) and not folded]
        if not summaries:
            if any(text.startswith(MARKER) for text, _ in markdown):
                problems.append(f"{where}: the '{MARKER}' paragraph is inside a folded <details> answer")
            else:
                problems.append(f"{where} has no '{MARKER}' paragraph at its end")
            continue
        if len(summaries) > 1:
            problems.append(f"{where} has {len(summaries)} '{MARKER}' paragraphs; one summary per section")
        text = summaries[-1]
        if markdown[-1][0] != text:
            problems.append(f"{where}: the '{MARKER}' paragraph is not the section's last Markdown paragraph")
        words = len(text[len(MARKER):].split())
        if words == 0:
            problems.append(f"{where}: the '{MARKER}' paragraph is empty")
        elif words > MAX_WORDS:
            problems.append(f"{where}: the '{MARKER}' paragraph has {words} words (at most {MAX_WORDS})")
    return problems


def time_problems(notebook, name: str, minutes: int, bonus_minutes: int) -> list[str]:
    """What is wrong with the per-section times of ``notebook`` against the registry's core and bonus minutes."""
    problems, core, bonus, seen_bonus = [], 0, 0, False
    for section in sections(notebook):
        if not section["numbered"]:
            continue
        is_bonus = section["heading"].startswith("Bonus")
        where = f"{name}, '{section['heading']}'"
        if seen_bonus and not is_bonus:
            problems.append(f"{where} comes after a bonus section; bonus sections go at the end of the lesson")
        seen_bonus |= is_bonus
        minutes_here = stated_minutes(section)
        if minutes_here is None:
            problems.append(f"{where} does not open with its time, '*Estimated time: N minutes.*'")
        elif is_bonus:
            bonus += minutes_here
        else:
            core += minutes_here
    if core != minutes:
        problems.append(f"{name}: the sections' times add up to {core} minutes, but the header (registry "
                        f"`minutes`) says {minutes}; change one of them")
    if bonus != bonus_minutes:
        problems.append(f"{name}: the bonus sections' times add up to {bonus} minutes, but the registry's "
                        f"`bonus_minutes` is {bonus_minutes}")
    return problems


@pytest.mark.parametrize("entry", LESSONS, ids=lambda entry: entry.slug)
def test_every_section_states_its_time_and_the_times_add_up(entry):
    notebook = nbformat.read(ROOT / entry.notebook, as_version=4)
    problems = time_problems(notebook, entry.slug, entry.minutes, entry.bonus_minutes)
    assert problems == [], "\n".join(problems)


def test_time_checker_names_a_missing_time_a_wrong_sum_and_a_misplaced_bonus():
    notebook = notebook_of(("md", "## Section 1: A\n\n*Estimated time: 5 minutes.*\n\nText."),
                           ("md", "## Bonus 1: B\n\n*Estimated time: 10 minutes.*\n\nText."),
                           ("md", "## Section 2: C\n\nText."))
    problems = time_problems(notebook, "demo", 5, 10)
    assert problems == ["demo, 'Section 2: C' comes after a bonus section; bonus sections go at the end of the lesson",
                        "demo, 'Section 2: C' does not open with its time, '*Estimated time: N minutes.*'"]
    notebook.cells[2].source = "## Section 2: C\n\n*Estimated time: 5 minutes.*\n\nText."
    notebook.cells[1], notebook.cells[2] = notebook.cells[2], notebook.cells[1]
    assert time_problems(notebook, "demo", 10, 10) == []
    assert "add up to 10 minutes, but the header" in time_problems(notebook, "demo", 15, 10)[0]
    assert "bonus sections' times add up to 10" in time_problems(notebook, "demo", 10, 0)[0]


@pytest.mark.parametrize("slug", LESSON_SLUGS)
def test_every_numbered_section_ends_with_a_summary(slug):
    path = ROOT / "notebooks" / f"{slug}.ipynb"
    if not path.exists():
        pytest.skip(f"notebooks/{slug}.ipynb is listed in the registry but not on disk yet")
    notebook = nbformat.read(path, as_version=4)
    assert any(section["numbered"] for section in sections(notebook)), f"{slug} has no numbered section"
    problems = summary_problems(notebook, slug)
    assert problems == [], "\n".join(problems)


# ------------------------------------------------------------------ the checker itself, on small notebooks
def notebook_of(*cells):
    """A notebook from ("md" | "code", source) pairs."""
    make = {"md": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    return nbformat.v4.new_notebook(cells=[make[kind](source) for kind, source in cells])


SUMMARY = "**In short.** Seeing is not doing."


def test_a_section_without_a_summary_fails_and_is_named():
    notebook = notebook_of(("md", "## Setup"), ("code", "import numpy"),
                           ("md", "## Section 1: A story\n\nSome text.\n\n" + SUMMARY),
                           ("md", "## Section 2: Seeing\n\nMore text."), ("code", "print(1)"),
                           ("md", "## Key ideas\n\n* one"))
    assert summary_problems(notebook, "01_demo") == ["01_demo, 'Section 2: Seeing' has no '**In short.**' paragraph "
                                                     "at its end"]
    notebook.cells.insert(5, nbformat.v4.new_markdown_cell(SUMMARY))
    assert summary_problems(notebook, "01_demo") == []


def test_the_lesson_test_fails_on_a_lesson_without_summaries(monkeypatch, tmp_path):
    (tmp_path / "notebooks").mkdir()
    nbformat.write(notebook_of(("md", "## Section 1: A story\n\nText without a summary.")),
                   tmp_path / "notebooks" / "09_demo.ipynb")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    with pytest.raises(AssertionError, match=r"09_demo, 'Section 1: A story' has no"):
        test_every_numbered_section_ends_with_a_summary("09_demo")
    with pytest.raises(pytest.skip.Exception, match="not on disk"):
        test_every_numbered_section_ends_with_a_summary("10_missing")


def test_sections_end_at_headings_inside_cells_and_unnumbered_ones_are_not_checked():
    notebook = notebook_of(("md", "## Section 1: A\n\nText.\n\n" + SUMMARY + "\n\n## Section 2: B\n\nText."),
                           ("md", "### Think! 2.1\n\nWhy?\n\n" + SUMMARY),
                           ("md", "## Bonus: more\n\nText."),
                           ("md", "## Coding exercises\n\nNo summary needed."))
    assert [s["heading"] for s in sections(notebook)] == ["Section 1: A", "Section 2: B", "Bonus: more",
                                                          "Coding exercises"]
    assert summary_problems(notebook, "demo") == ["demo, 'Bonus: more' has no '**In short.**' paragraph at its end"]


def test_a_summary_inside_a_folded_answer_does_not_count():
    think = "## Section 1: A\n\n### Think! 1.1\n\nWhy?\n\n<details><summary>Answer</summary>\n\nBecause.\n"
    notebook = notebook_of(("md", think + "\n" + SUMMARY + "\n</details>"))
    assert summary_problems(notebook, "demo") == ["demo, 'Section 1: A': the '**In short.**' paragraph is inside a "
                                                  "folded <details> answer"]
    notebook = notebook_of(("md", think + "</details>\n\n" + SUMMARY))
    assert summary_problems(notebook, "demo") == []
    notebook = notebook_of(("md", think + "</details>"), ("md", SUMMARY))
    assert summary_problems(notebook, "demo") == []


def test_a_summary_must_come_last_and_stay_short():
    notebook = notebook_of(("md", "## Section 1: A\n\n" + SUMMARY + "\n\nA paragraph after it."))
    assert summary_problems(notebook, "demo") == ["demo, 'Section 1: A': the '**In short.**' paragraph is not the "
                                                  "section's last Markdown paragraph"]
    notebook = notebook_of(("md", "## Section 1: A\n\n" + SUMMARY), ("code", "widget()"))
    assert summary_problems(notebook, "demo") == [], "a code cell (a widget, say) may follow the summary"
    notebook = notebook_of(("md", "## Section 1: A\n\n**In short.** " + "word " * (MAX_WORDS + 1)))
    assert summary_problems(notebook, "demo") == [f"demo, 'Section 1: A': the '**In short.**' paragraph has "
                                                  f"{MAX_WORDS + 1} words (at most {MAX_WORDS})"]


def test_headings_inside_code_fences_are_not_sections():
    notebook = notebook_of(("md", "## Section 1: A\n\n```markdown\n## Section 9: not a heading\n```\n\n" + SUMMARY))
    assert [s["heading"] for s in sections(notebook)] == ["Section 1: A"]
    assert summary_problems(notebook, "demo") == []
