"""Thin ipywidgets wiring shared by every demo (lesson 00).

A demo's logic lives in a pure ``render(**values) -> matplotlib Figure`` function; this module
only connects controls to it, so the logic is unit-tested and headless runs never hang. The
figure is shown as an inline PNG inside an HTML widget (with alt text), so it renders the same
whatever matplotlib backend the notebook uses.
"""

from __future__ import annotations

from typing import Callable


def interactive_figure(render: Callable, controls: dict, fixed: dict | None = None, description: str = ""):
    """A VBox of ``controls`` above the figure ``render(**values, **fixed)``, redrawn on every change (lesson 00).

    ``controls`` maps each keyword argument of ``render`` to an ipywidgets control; ``fixed``
    holds the other keyword arguments. The returned box has a ``figure`` attribute (the HTML
    widget showing the current figure) and a ``redraw()`` method.
    """
    import html

    import ipywidgets as widgets

    from causal_course.plotting import figure_to_html

    fixed = dict(fixed or {})
    figure = widgets.HTML()

    def redraw(change=None):
        values = {name: control.value for name, control in controls.items()}
        try:
            drawn = render(**values, **fixed)
        except Exception as error:  # show the problem in the widget instead of a silent blank
            figure.value = f"<pre>Could not draw this setting: {html.escape(str(error))}</pre>"
            return
        if hasattr(drawn, "savefig"):
            figure.value = figure_to_html(drawn)
        else:
            figure.value = str(drawn)

    for control in controls.values():
        if hasattr(control.style, "description_width"):
            control.style.description_width = "initial"  # show whole labels, not "confoundi..."
        control.observe(redraw, names="value")
    redraw()
    children = [widgets.HTML(description)] if description else []
    children += [widgets.HBox(list(controls.values())), figure]
    box = widgets.VBox(children)
    box.figure = figure
    box.redraw = redraw
    return box
