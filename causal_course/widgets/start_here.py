"""Lesson 00's demo: a slider that proves widgets render, and a first look at seeds.

Flip a fair coin ``n_flips`` times with a generator built from ``seed``, and watch the running
proportion of heads settle near one half.
"""

from __future__ import annotations

import numpy as np

from causal_course.validation import check_n_samples
from causal_course.viz.style import PALETTE


def running_heads_proportion(n_flips: int, seed: int) -> np.ndarray:
    """The proportion of heads after each of ``n_flips`` fair coin flips (lesson 00)."""
    n_flips = check_n_samples(n_flips, "n_flips")
    if n_flips == 0:
        raise ValueError("n_flips must be at least 1 to draw a running proportion.")
    flips = np.random.default_rng(seed).integers(0, 2, size=n_flips)
    return np.cumsum(flips) / np.arange(1, n_flips + 1)


def render_coin_flips(n_flips: int = 100, seed: int = 0):
    """A matplotlib Figure of the running proportion of heads (lesson 00)."""
    from causal_course.viz.style import course_figure

    proportion = running_heads_proportion(n_flips, seed)
    fig = course_figure(figsize=(6, 3), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(np.arange(1, n_flips + 1), proportion, color=PALETTE["blue"], label="running proportion")
    ax.axhline(0.5, color=PALETTE["vermillion"], linestyle="--", label="one half")
    ax.set_ylim(0, 1)
    ax.set_xlabel("number of flips")
    ax.set_ylabel("proportion of heads")
    ax.set_title(f"{n_flips} flips (seed {seed}): {proportion[-1]:.3f} heads")
    ax.legend(loc="upper right")
    return fig


def coin_flip_widget():
    """Slider for the number of flips and the seed, wired to :func:`render_coin_flips` (lesson 00)."""
    import ipywidgets as widgets

    from causal_course.widgets.wiring import interactive_figure

    controls = {
        "n_flips": widgets.IntSlider(value=100, min=1, max=2000, step=1, description="flips"),
        "seed": widgets.IntSlider(value=0, min=0, max=20, description="seed"),
    }
    return interactive_figure(render_coin_flips, controls,
                              description="<b>Move a slider.</b> If the plot redraws, widgets work.")
