"""Thin ipywidgets wiring shared by every demo.

A demo's logic lives in a pure ``render(**values) -> matplotlib Figure`` function; this module
only connects controls to it, so the logic is unit-tested and headless runs never hang. The
figure is shown as an inline PNG inside an HTML widget (with alt text), so it renders the same
whatever matplotlib backend the notebook uses.
"""

from __future__ import annotations

from collections.abc import Callable

DRAW_ERROR = "Could not draw this setting"  # what a widget shows instead of a figure its render could not draw


def interactive_figure(render: Callable, controls: dict, fixed: dict | None = None, description: str = "",
                       cache_version: Callable[[], object] | None = None):
    """A VBox of ``controls`` above the figure ``render(**values, **fixed)``, redrawn on every change.

    ``controls`` maps each keyword argument of ``render`` to an ipywidgets control; ``fixed``
    holds the other keyword arguments. With ``cache_version`` (a function returning anything
    hashable that changes whenever ``fixed`` changes), each drawn figure is kept and a control
    setting seen before is shown again at once; ``box.precompute(settings)`` draws a list of
    settings (dicts of control values) ahead of time. The returned box has a ``figure``
    attribute (the HTML widget showing the current figure) and a ``redraw()`` method.
    """
    import html

    import ipywidgets as widgets

    from causal_course.viz.style import figure_to_html

    fixed = dict(fixed or {})
    figure = widgets.HTML()
    drawn_cache: dict = {}

    def draw(values: dict) -> str:
        key = None
        if cache_version is not None:
            key = (tuple(sorted(values.items())), cache_version())
            if key in drawn_cache:
                return drawn_cache[key]
        try:
            drawn = render(**values, **fixed)
        except Exception as error:  # show the problem in the widget instead of a silent blank
            return f"<pre>{DRAW_ERROR}: {html.escape(str(error))}</pre>"
        text = figure_to_html(drawn) if hasattr(drawn, "savefig") else str(drawn)
        if key is not None:
            drawn_cache[key] = text
        return text

    def redraw(change=None):
        figure.value = draw({name: control.value for name, control in controls.items()})

    def precompute(settings):
        for values in settings:
            draw(dict(values))

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
    box.precompute = precompute
    return box
