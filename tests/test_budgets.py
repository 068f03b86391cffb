"""Every budget shrinks in one place, ``causal_course.config.budget``: no hand-written fast-mode ternaries.

Reads the package and the lessons' code cells with ``ast`` and fails on ``X if fast else Y`` or
``X if fast_mode() else Y`` anywhere but ``config.py`` (and the self-check, which only reports
the mode).
"""

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {"causal_course/config.py", "causal_course/authoring/selfcheck.py"}


def _mentions_fast(node: ast.AST) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and inner.id in ("fast", "fast_mode", "FAST"):
            return True
    return False


def fast_ternaries(source: str, where: str) -> list[str]:
    tree = ast.parse(source)
    return [f"{where}:{node.lineno}: {ast.unparse(node)[:80]}" for node in ast.walk(tree)
            if isinstance(node, ast.IfExp) and _mentions_fast(node.test)]


def sources():
    for path in sorted((ROOT / "causal_course").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative not in ALLOWED:
            yield relative, path.read_text()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code"
                         and not cell.source.lstrip().startswith(("%", "!")))
        yield path.relative_to(ROOT).as_posix(), code


def test_budgets_shrink_only_through_config_budget():
    found = [hit for where, source in sources() for hit in fast_ternaries(source, where)]
    assert not found, "use causal_course.config.budget(full, fast, fast_run) instead of:\n" + "\n".join(found)


@pytest.mark.parametrize("planted", ["n = 40 if fast else 100", "n = (2 if fast_mode() else 4)",
                                     "def f(fast):\n    return [1] if fast and True else [1, 2]"])
def test_a_planted_ternary_is_caught(planted):
    assert len(fast_ternaries(planted, "planted.py")) == 1
