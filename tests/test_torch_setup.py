"""Torch is set up in one place (causal_course.torch_setup), so import order cannot matter (issue 15, item 4)."""

import ast
import os
import subprocess
import sys

from causal_course.paths import course_root

PACKAGE = course_root() / "causal_course"


def test_no_module_but_torch_setup_imports_torch_itself():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "torch_setup.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            if any(name == "torch" or name.startswith("torch.") for name in names):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == [], f"import torch from causal_course.torch_setup instead: {offenders}"


def test_the_wait_policy_is_set_whatever_module_comes_first():
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    for first in ("causal_course.learners.evaluation", "causal_course.learners.explanations", "causal_course.learners.training",
                  "causal_course.learners.odd_one_out", "causal_course.learners.pretrained"):
        code = (f"import {first}, os, sys\n"
                "from causal_course.learners.pretrained import load_pretrained\n"
                "load_pretrained()\n"  # pretrained imports torch lazily: it must go through torch_setup too
                "print(os.environ.get('OMP_WAIT_POLICY'), 'torch' in sys.modules)")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr[-800:]
        assert done.stdout.split() == ["PASSIVE", "True"], (first, done.stdout)
