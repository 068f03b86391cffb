"""Benchmark: how fast the widgets answer.

Usage: .venv/bin/python benchmarks/widget_response.py

Lesson 04: render_mixture (building the figure), a first draw (figure plus PNG encoding), and what
a student feels: a slider move in the built widget, which shows figures drawn ahead from the cached
sweep. Target: <= 100 ms per slider move.

Lesson 02: a click on "add 10 samples" in the structure widget (new data, the exact posterior over
the 25 DAGs, a new figure). Target: < 200 ms.
"""

from __future__ import annotations

import statistics
import sys
import time

from causal_course.studies.cache import load_results
from causal_course.viz.style import figure_to_html
from causal_course.widgets.mixtures import LOG_KINDS, render_mixture


def main() -> int:
    results = load_results("mixtures_results")
    render_mixture(results, 50)  # warm-up: imports and font cache
    render_times, redraw_times = [], []
    for _ in range(3):
        for logs in LOG_KINDS:
            for share in (0, 25, 50, 75, 100):
                start = time.perf_counter()
                fig = render_mixture(results, share, logs)
                middle = time.perf_counter()
                figure_to_html(fig)
                end = time.perf_counter()
                render_times.append(1000 * (middle - start))
                redraw_times.append(1000 * (end - start))
    from causal_course.widgets.mixtures import mixture_widget

    start = time.perf_counter()
    widget = mixture_widget(results)
    build = 1000 * (time.perf_counter() - start)
    slider, toggle = widget.controls["share_percent"], widget.controls["logs"]
    moves = []
    for _ in range(3):
        for logs in LOG_KINDS:
            toggle.value = logs
            for share in (0, 25, 50, 75, 100, 50):
                start = time.perf_counter()
                slider.value = share
                moves.append(1000 * (time.perf_counter() - start))
    rows = (("render_mixture (figure only)", render_times), ("first draw (figure + PNG)", redraw_times),
            ("slider move in the widget", moves))
    for name, times in rows:
        print(f"{name:<30} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms   ({len(times)} moves)")
    print(f"building the widget (draws every setting ahead): {build:.0f} ms")
    structure_clicks()
    return 0


def structure_clicks(n_rounds: int = 5) -> None:
    """Lesson 02: time clicks on 'add 10 samples' in the structure widget, every experiment in turn."""
    from causal_course.widgets.structure import EXPERIMENT_LABELS, structure_widget

    widget = structure_widget()
    widget.add.click()  # warm-up
    clicks = []
    for _ in range(n_rounds):
        widget.reset.click()
        for label in EXPERIMENT_LABELS:
            widget.experiment.value = label
            for _ in range(2):
                start = time.perf_counter()
                widget.add.click()
                clicks.append(1000 * (time.perf_counter() - start))
    clicks.sort()
    print(f"{'lesson 02: add 10 samples':<30} median {statistics.median(clicks):7.1f} ms   90th percentile "
          f"{clicks[int(0.9 * len(clicks))]:7.1f} ms   max {max(clicks):7.1f} ms   ({len(clicks)} clicks)")


if __name__ == "__main__":
    sys.exit(main())
