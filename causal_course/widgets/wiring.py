"""Thin ipywidgets wiring shared by every demo (lesson 00).

A demo's logic lives in a pure ``render(**values) -> matplotlib Figure`` function; this module
only connects controls to it, so the logic is unit-tested and headless runs never hang.
"""

from __future__ import annotations

from typing import Callable


def interactive_figure(render: Callable, controls: dict, fixed: dict | None = None, description: str = ""):
    """A VBox of ``controls`` above an output area that shows ``render(**values, **fixed)`` (lesson 00).

    The figure is redrawn whenever a control's value changes. ``controls`` maps each keyword
    argument of ``render`` to an ipywidgets control; ``fixed`` holds the other keyword arguments.
    """
    import ipywidgets as widgets
    from IPython.display import display

    fixed = dict(fixed or {})
    output = widgets.Output()

    def redraw(change=None):
        values = {name: control.value for name, control in controls.items()}
        with output:
            output.clear_output(wait=True)
            display(render(**values, **fixed))

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    children = [widgets.HTML(description)] if description else []
    children += [widgets.HBox(list(controls.values())), output]
    box = widgets.VBox(children)
    box.redraw = redraw  # lets tests and notebooks force a redraw
    return box
