"""One vocabulary, d2l style: every public function or class of the course's content layers names the lesson that
introduces it (in its own docstring or its module's); the course machinery names none."""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "causal_course"
CONTENT = ("causal", "worlds", "learners", "studies", "viz", "widgets")
MACHINERY = ["validation.py", "paths.py", "torch_setup.py", "cli.py", "widgets/wiring.py", "viz/style.py",
             "authoring/exercises.py", "authoring/notebook_runner.py", "authoring/tables.py", "authoring/nbgrader_stubs.py",
             *(f"grading/{p.name}" for p in (PACKAGE / "grading").glob("*.py"))]
LESSON = re.compile(r"\blessons? \d\d\b", re.I)


def public_definitions(path: Path):
    tree = ast.parse(path.read_text())
    module_doc = ast.get_docstring(tree) or ""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            yield node.name, ast.get_docstring(node) or "", module_doc


def test_content_names_its_lesson():
    missing = []
    for layer in CONTENT:
        for path in sorted((PACKAGE / layer).glob("*.py")):
            if path.relative_to(PACKAGE).as_posix() in MACHINERY:
                continue
            for name, doc, module_doc in public_definitions(path):
                if not doc:
                    missing.append(f"{path.relative_to(PACKAGE)}: {name} has no docstring")
                elif not (LESSON.search(doc) or LESSON.search(module_doc)):
                    missing.append(f"{path.relative_to(PACKAGE)}: {name}'s docstring (or its module's) names no lesson")
    assert not missing, "\n".join(missing)


def test_machinery_names_no_lesson():
    tagged = [f"{relative}: {line.strip()[:80]}" for relative in MACHINERY
              for line in (PACKAGE / relative).read_text().splitlines() if re.search(r"\(lesson \d\d\)", line)]
    assert not tagged, "\n".join(tagged)
