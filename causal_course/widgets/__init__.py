"""Interactive demos: each is a pure ``render_*`` function (tested headless) plus thin ipywidgets wiring.

Introduced in lesson 00. Import the demo you need, for instance
``from causal_course.widgets.confounding import confounding_widget``.
"""
