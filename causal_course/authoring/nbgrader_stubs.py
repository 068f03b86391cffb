"""nbgrader's ``generate_assignment`` with the course's own stubs (docs/nbgrader_config.py uses this).

nbgrader's :class:`~nbgrader.preprocessors.ClearSolutions` puts one ``code_stub`` in every solution
region. The course's stub names the exercise (``raise NotImplementedError("Exercise 1.2: Difference
in means")``, see :func:`causal_course.authoring.exercises.code_stub`), so :class:`NamedStubs` sets the stub
cell by cell from the cell's ``# Exercise N.M: title`` line, uses the course's Markdown stub, and
points the Colab and Binder badges at the exercise instead of the solution.
With it, ``nbgrader generate_assignment`` releases exactly the notebooks in ``exercises/``.

Only nbgrader's configuration imports this module; it needs nbgrader (``pip install
'causal-course[nbgrader]'``).
"""

from __future__ import annotations

from traitlets import Unicode

from causal_course.authoring.exercises import MARKDOWN_STUB, code_stub, exercise_badges, exercise_header

try:
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ClearSolutions
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        f"causal_course.authoring.nbgrader_stubs needs nbgrader ({error}); install it with "
        "pip install 'causal-course[nbgrader]' (or pip install nbgrader)."
    ) from None


class NamedStubs(ClearSolutions):
    """ClearSolutions with the stubs and badges of ``causal-course exercises``."""

    text_stub = Unicode(MARKDOWN_STUB, help="The text that replaces written solutions").tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "markdown":
            cell.source = exercise_badges(cell.source)
        header = exercise_header(cell.source) if cell.cell_type == "code" else None
        if header is None:
            return super().preprocess_cell(cell, resources, cell_index)
        language = resources["language"]
        shared = self.code_stub
        self.code_stub = {**shared, language: code_stub(*header)}
        try:
            return super().preprocess_cell(cell, resources, cell_index)
        finally:
            self.code_stub = shared


def generate_assignment_preprocessors() -> list:
    """nbgrader's ``GenerateAssignment.preprocessors`` with :class:`NamedStubs` for ``ClearSolutions``."""
    default = GenerateAssignment.class_traits()["preprocessors"].default()
    if ClearSolutions not in default:
        raise RuntimeError(
            "this nbgrader's generate_assignment has no ClearSolutions step to replace; "
            "use nbgrader 0.9 (pip install 'causal-course[nbgrader]')."
        )
    return [NamedStubs if step is ClearSolutions else step for step in default]
