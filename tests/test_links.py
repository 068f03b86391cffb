"""Links in the notebooks work in JupyterLab: each relative link names an existing notebook (or file) and,
with a #fragment, a heading of that notebook (JupyterLab's heading ids: the text with spaces as '-')."""

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb"), *ROOT.glob("exercises/*.ipynb")])
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _markdown(path):
    return ["".join(cell["source"]) for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "markdown"]


def heading_ids(path) -> set:
    """The ids JupyterLab gives the notebook's Markdown headings."""
    ids = set()
    for source in _markdown(path):
        for line in source.splitlines():
            heading = re.match(r"#{1,6}\s+(.*)", line)
            if heading:
                text = re.sub(r"<!--.*?-->|<[^>]+>|\[(!\[[^]]*\]\([^)]*\))\]\([^)]*\)", "", heading.group(1))
                ids.add(re.sub(r"\s+", "-", re.sub(r"[*_`]", "", text).strip()))
    return ids


def relative_links(path) -> list:
    return [link for source in _markdown(path) for link in LINK.findall(source)
            if not link.startswith(("http://", "https://", "mailto:"))]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_relative_links_reach_a_file_and_heading(path):
    for link in relative_links(path):
        target, _, fragment = link.partition("#")
        target_path = (path.parent / target).resolve() if target else path
        assert target_path.exists(), f"{path.name}: link to a missing file {link}"
        if fragment and target_path.suffix == ".ipynb":
            assert unquote(fragment) in heading_ids(target_path), f"{path.name}: link to a missing heading {link}"


def test_every_lesson_links_the_next_one_and_its_exercises():
    lessons = sorted(ROOT.glob("notebooks/*.ipynb"))
    for lesson, following in zip(lessons, lessons[1:]):
        assert following.name in relative_links(lesson), f"{lesson.name} does not link to {following.name}"
        if (ROOT / "exercises" / lesson.name).exists():
            assert f"../exercises/{lesson.name}" in relative_links(lesson), f"{lesson.name} does not link its exercises"


def test_the_link_checker_can_fail(tmp_path):
    notebook = tmp_path / "a.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": ["## Section 1: A story\n",
                                                                                   "[x](a.ipynb#Section-9)"]}]}))
    assert heading_ids(notebook) == {"Section-1:-A-story"}
    with pytest.raises(AssertionError, match="missing heading"):
        test_relative_links_reach_a_file_and_heading(notebook)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_reference_to_files_students_do_not_have(path):
    # the design reference lives outside the repository; a lesson must say what it needs from it itself
    assert "COURSE.md" not in path.read_text(), f"{path.name} refers to COURSE.md, which students do not have"
