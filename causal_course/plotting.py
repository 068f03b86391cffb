"""Figure style shared by the lessons: a colour-blind-safe palette (Okabe and Ito).

Introduced in lesson 00. Colour is never the only carrier of meaning: figures also use line
styles, marker shapes or labels.
"""

from __future__ import annotations

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


def new_figure(n_columns: int = 1, width: float = 4.5, height: float = 3.5):
    """A figure with ``n_columns`` axes side by side, sized for a notebook (lesson 00)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, n_columns, figsize=(width * n_columns, height), squeeze=False)
    return fig, list(axes[0])
