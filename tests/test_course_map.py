"""Lesson 00's course map: a box per registered lesson, edges only between registered lessons, nothing overlapping,
and the README's picture (docs/course_map.png) up to date with the registry."""

import dataclasses
import sys
from itertools import combinations
from pathlib import Path

import pytest

from causal_course.lessons import LESSONS
from causal_course.viz import course_map
from causal_course.viz.course_map import course_edges, course_map_fingerprint, course_map_graph, render_course_map

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import course_map as course_map_script  # noqa: E402

# a lesson 09 that is not written yet: a planned edge to it is drawn only once the registry lists it
LESSON_09 = dataclasses.replace(LESSONS[3], number=9, slug="09_planned", title="A planned lesson")


def _texts(figure):
    return [text.get_text() for ax in figure.axes for text in ax.texts]


def test_every_registered_lesson_has_a_box():
    graph = course_map_graph()
    assert set(graph) == {entry.number for entry in LESSONS}
    texts = " ".join(_texts(render_course_map())).replace("\n", " ")
    for entry in LESSONS:
        assert f"{entry.code} · {entry.title}" in texts, entry.slug


def test_every_edge_joins_registered_lessons_and_has_a_label():
    numbers = {entry.number for entry in LESSONS}
    for source, target, label in course_edges():
        assert source in numbers and target in numbers, (source, target)
        assert label.strip() and all(len(line) <= 24 for line in label.splitlines()), label
    assert set(course_map_graph().edges) == {(s, t) for s, t, _ in course_edges()}
    import networkx as nx

    assert nx.is_weakly_connected(course_map_graph())  # every lesson is reached from lesson 00


def test_an_edge_to_an_unknown_lesson_is_refused_clearly():
    with pytest.raises(ValueError, match=r"03 -> 09 .*lesson 09, which is not in the lesson registry"):
        render_course_map(edges=[*course_edges(), (3, 9, "a lesson to come")])


def test_a_lesson_without_a_place_on_the_map_is_refused_clearly(monkeypatch):
    monkeypatch.delitem(course_map.POSITIONS, 6)
    with pytest.raises(ValueError, match="lesson 06 .* has no place on the course map"):
        course_map_graph()


def test_planned_edges_appear_once_their_lesson_is_registered(monkeypatch):
    monkeypatch.setattr(course_map, "PLANNED_EDGES", ((8, 9, "a planned idea"),))
    assert all(9 not in edge[:2] for edge in course_edges())
    assert (8, 9) in {edge[:2] for edge in course_edges((*LESSONS, LESSON_09))}
    assert {(3, 8), (7, 8)} <= {edge[:2] for edge in course_edges()}  # lesson 08's edges, now that it is registered


@pytest.mark.parametrize("lessons", [LESSONS], ids=["registry"])
def test_nothing_overlaps(lessons):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.patches import FancyBboxPatch

    figure = render_course_map(lessons)
    renderer = FigureCanvasAgg(figure).get_renderer()
    ax = figure.axes[0]
    boxes = [patch.get_window_extent(renderer) for patch in ax.patches if isinstance(patch, FancyBboxPatch)]
    texts = [text.get_window_extent(renderer) for text in ax.texts]
    assert len(boxes) == len(lessons)
    for a, b in combinations(boxes, 2):
        assert not a.overlaps(b)
    titles, labels = texts[:len(lessons)], texts[len(lessons):]
    for title, box in zip(titles, boxes):
        assert box.contains(title.x0, title.y0) and box.contains(title.x1, title.y1), "a title spills out of its box"
    for label in labels:
        assert not any(label.overlaps(box) for box in boxes), "an edge label touches a box"
    for a, b in combinations(labels, 2):
        assert not a.overlaps(b), "two edge labels touch"
    frame = figure.bbox
    assert all(frame.contains(t.x0, t.y0) and frame.contains(t.x1, t.y1) for t in texts)


def test_the_readme_picture_is_up_to_date_with_the_registry():
    assert course_map_script.recorded_fingerprint() == course_map_fingerprint(), (
        "docs/course_map.png is out of date with causal_course/lessons.py or the map's edges: "
        "run python scripts/course_map.py")
    assert "](docs/course_map.png)" in (ROOT / "README.md").read_text()


def test_the_fingerprint_follows_titles_and_edges():
    renamed = (dataclasses.replace(LESSONS[0], title="Begin here"), *LESSONS[1:])
    assert course_map_fingerprint(renamed) != course_map_fingerprint()
    assert course_map_fingerprint(edges=course_edges()[:-1]) != course_map_fingerprint()


def test_the_script_writes_a_deterministic_picture(tmp_path):
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    course_map_script.write(first)
    course_map_script.write(second)
    assert first.read_bytes() == second.read_bytes()
    assert course_map_script.recorded_fingerprint(first) == course_map_fingerprint()
