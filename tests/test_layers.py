"""The package's layers: data flow one way, causal <- worlds <- learners <- studies <- widgets.

Every ``causal_course`` import in the package (also those inside functions) is read with ``ast``
and checked against the layer order below. A module may import from its own layer and from any
layer ranked below it; layers of equal rank (viz and studies; widgets and checks; grading and
authoring) may not import each other. The README's "Package layout" section describes the same.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "causal_course"

# layer -> rank. A module's layer is its subpackage, or "base" for the top-level modules below.
RANKS = {
    "base": 0,  # config, paths, validation, statistics, torch_setup, lessons (the registry): no course concepts
    "causal": 1,  # SCMs, graphs, structure learning, experiment design: the science, no drawing
    "worlds": 2,  # environments built on the causal core
    "learners": 3,  # agents, models, training, evaluation
    "viz": 4,  # figures; never imported by the layers below
    "studies": 4,  # one module per lesson's experiments
    "widgets": 5,  # the top of the lesson stack
    "checks": 5,  # exercise checks (course machinery)
    "grading": 6,
    "authoring": 6,
    "cli": 7,  # cli.py, __main__.py
}
BASE_MODULES = {"config", "paths", "validation", "statistics", "torch_setup", "lessons", "seeds", "__init__"}
CLI_MODULES = {"cli", "__main__"}


def layer_of(module: str) -> str:
    """``causal_course.worlds.cues`` -> ``worlds``; ``causal_course.config`` -> ``base``."""
    parts = module.split(".")
    if parts[0] != "causal_course":
        raise ValueError(module)
    if len(parts) == 1:
        return "base"
    if parts[1] in RANKS and parts[1] not in ("base", "cli"):
        return parts[1]
    if parts[1] in CLI_MODULES:
        return "cli"
    if parts[1] in BASE_MODULES:
        return "base"
    raise AssertionError(f"{module} belongs to no layer: put it in a subpackage or add it to BASE_MODULES")


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def course_imports(path: Path):
    """``(line, imported module)`` for every import of causal_course in the file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "causal_course":  # from causal_course import worlds -> the subpackage
                for alias in node.names:
                    yield node.lineno, f"causal_course.{alias.name}"
            elif node.module.startswith("causal_course."):
                yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("causal_course."):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level:
            yield node.lineno, "relative import"


def allowed(importer: str, imported: str) -> bool:
    return importer == imported or RANKS[imported] < RANKS[importer]


def violations(files) -> list[str]:
    found = []
    for path in files:
        importer = layer_of(module_name(path))
        for line, module in course_imports(path):
            if module == "relative import":
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: relative import; import causal_course.… by name")
                continue
            imported = layer_of(module)
            if not allowed(importer, imported):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {importer} imports {module} ({imported}), "
                             f"which is not below it")
    return found


def test_every_module_belongs_to_a_layer():
    for path in PACKAGE.rglob("*.py"):
        layer_of(module_name(path))


def test_imports_respect_the_layer_order():
    problems = violations(sorted(PACKAGE.rglob("*.py")))
    assert not problems, "imports against the layer order:\n" + "\n".join(problems)


@pytest.mark.parametrize("source, layer, message", [
    ("from causal_course.viz.dags import draw_dag\n", "causal", "causal imports causal_course.viz.dags (viz)"),
    ("def f():\n    from causal_course.studies.passive import passive\n", "learners", "learners imports"),
    ("from causal_course import widgets\n", "studies", "studies imports causal_course.widgets (widgets)"),
    ("import causal_course.studies.cache\n", "viz", "viz imports causal_course.studies.cache (studies)"),
    ("from .scm import LinearGaussianSCM\n", "causal", "relative import"),
])
def test_the_layer_check_catches_a_planted_import(tmp_path, monkeypatch, source, layer, message):
    folder = tmp_path / "causal_course" / layer
    folder.mkdir(parents=True)
    planted = folder / "planted.py"
    planted.write_text(source)
    monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path / "causal_course")
    problems = violations([planted])
    assert len(problems) == 1 and message in problems[0]


def test_a_lower_layer_may_be_imported(tmp_path, monkeypatch):
    folder = tmp_path / "causal_course" / "studies"
    folder.mkdir(parents=True)
    planted = folder / "fine.py"
    planted.write_text("from causal_course.learners.models import build_model\nfrom causal_course.config import budget\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path / "causal_course")
    assert violations([planted]) == []
