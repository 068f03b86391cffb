"""Figure style shared by the lessons: a colour-blind-safe palette (Okabe and Ito).

Colour is never the only carrier of meaning: figures also use line
styles, marker shapes or labels.
"""

from __future__ import annotations

import functools

import numpy as np

PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}


def course_figure(**kwargs):
    """A matplotlib Figure that shows itself (as a PNG with alt text) when a notebook displays it.

    Plain matplotlib Figures only render in a notebook once pyplot's inline backend is loaded;
    without it, ``display(fig)`` prints ``<Figure size ...>``. Every render function of the course
    builds its figures here, so they show whatever the backend. Keyword arguments go to
    :class:`matplotlib.figure.Figure`.
    """
    return _course_figure_class()(**kwargs)


@functools.lru_cache(maxsize=1)
def _course_figure_class():
    from matplotlib.figure import Figure

    class CourseFigure(Figure):
        def _repr_html_(self) -> str:
            return figure_to_html(self)

    return CourseFigure


def new_figure(n_columns: int = 1, width: float = 4.5, height: float = 3.5):
    """A figure with ``n_columns`` axes side by side, sized for a notebook."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, n_columns, figsize=(width * n_columns, height), squeeze=False)
    return fig, list(axes[0])


def interval_error_bars(records) -> np.ndarray:
    """``(2, n)`` distances from each record's mean to the ends of its 95 % interval, for ``yerr``/``xerr``.

    ``records`` are interval records (``{"mean", "low", "high"}``, :func:`causal_course.statistics.interval_record`);
    a single seed's record has no interval (``None`` bounds) and gets no bar.
    """
    return np.array([[r["mean"] - (r["low"] if r["low"] is not None else r["mean"]) for r in records],
                     [(r["high"] if r["high"] is not None else r["mean"]) - r["mean"] for r in records]])


def figure_alt_text(fig) -> str:
    """A short text description of a figure from its titles and axis labels."""
    parts = []
    if getattr(fig, "_suptitle", None) is not None and fig._suptitle.get_text():
        parts.append(fig._suptitle.get_text())
    for ax in fig.axes:
        title = ax.get_title()
        labels = [label for label in (ax.get_xlabel(), ax.get_ylabel()) if label]
        if title or labels:
            parts.append(title + (f" ({' against '.join(reversed(labels))})" if len(labels) == 2 else ""))
    return "; ".join(p for p in parts if p) or "figure"


def figure_to_html(fig, dpi: int = 90) -> str:
    """An ``<img>`` tag holding ``fig`` as an inline PNG, with alt text.

    Widgets show figures this way, so they render the same whatever matplotlib backend the
    notebook uses.
    """
    import base64
    import html
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    alt = html.escape(figure_alt_text(fig), quote=True)
    return f'<img src="data:image/png;base64,{encoded}" alt="{alt}" title="{alt}" style="max-width: 100%;"/>'
