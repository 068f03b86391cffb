import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Notebook kernels inherit the environment: plots render off-screen and busy-waiting threads stay quiet.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


UNDER_CI = bool(os.environ.get("CI"))  # `.ci/run` sets it: a missing tool then fails a test instead of skipping it


def skip_unless_ci(message: str):
    """Skip on a developer's machine that lacks a tool; fail under CI, where the tool must be there."""
    if UNDER_CI:
        pytest.fail(message + " (CI is set, so this fails instead of skipping)")
    pytest.skip(message)


# Markers by file (and a few slow tests by name), in one place: `make quick` deselects all four.
MARKED_FILES = {"test_notebooks.py": "notebook", "test_browser.py": "browser", "test_site.py": "site",
                "test_grading.py": "slow", "test_grading_hostile.py": "slow", "test_torch_setup.py": "slow",
                "test_nbgrader.py": "slow"}
SLOW_TESTS = ("test_experiment_", "test_lab_starts", "contract", "live_retraining", "test_every_lessons_solution",
              "test_wheel_holds_the_data")


def pytest_collection_modifyitems(config, items):
    for item in items:
        marker = MARKED_FILES.get(item.path.name)
        if marker:
            item.add_marker(getattr(pytest.mark, marker))
        if any(part in item.name for part in SLOW_TESTS):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


# ------------------------------------------------------------------ widgets: a real figure after every change
SELECTIONS = ("Dropdown", "ToggleButtons", "RadioButtons", "SelectionSlider", "Select")
SLIDERS = ("IntSlider", "FloatSlider", "FloatLogSlider")


def assert_drawn(box) -> str:
    """The widget's current figure is a real picture, not the 'Could not draw' message of widgets/wiring.py."""
    from causal_course.widgets.wiring import DRAW_ERROR

    value = box.figure.value
    assert DRAW_ERROR not in value, value[:300]
    assert "data:image/png" in value, f"no figure shown: {value[:200]}"
    return value


def controls_of(widget) -> list:
    """Every selection, slider and checkbox inside ``widget`` (depth first)."""
    found = []
    kind = type(widget).__name__
    if kind in SELECTIONS or kind in SLIDERS or kind in ("Checkbox", "ToggleButton"):
        found.append(widget)
    for child in getattr(widget, "children", ()):
        found += controls_of(child)
    return found


def exercise_controls(box, max_options: int = 4) -> int:
    """Move every control of ``box`` through a few values, asserting a real figure after each; returns the changes."""
    assert_drawn(box)
    changes = 0
    for control in controls_of(box):
        kind = type(control).__name__
        if kind in SELECTIONS:
            steps = [("index", i) for i in range(min(len(control.options), max_options))]
        elif kind in SLIDERS:
            steps = [("value", control.max), ("value", control.min)]
        else:
            steps = [("value", not control.value), ("value", control.value)]
        for attribute, value in steps:
            setattr(control, attribute, value)
            assert_drawn(box)
            changes += 1
    assert changes > 0, "the widget has no controls to move"
    return changes
