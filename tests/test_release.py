"""Release and deployment: one version everywhere, Colab install cells, Binder files, the wheel in a fresh venv."""

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import causal_course

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from importlib.util import find_spec as REAL_FIND_SPEC  # noqa: E402

import deployment  # noqa: E402


def test_one_version_everywhere():
    repository, version = deployment.project_settings(ROOT)
    assert causal_course.__version__ == version
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## {re.escape(version)} ", changelog, re.M), f"CHANGELOG.md has no section for {version}"
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", repository)


def test_notebooks_carry_this_releases_badges_and_install_cell():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "deployment.py"), "--check"], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    repository, version = deployment.project_settings(ROOT)
    for folder in ("notebooks", "solutions", "exercises"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            cells = json.loads(path.read_text())["cells"]
            first_code = next(c for c in cells if c["cell_type"] == "code")
            assert "".join(first_code["source"]).startswith(deployment.MARKER), path
            title = "".join(cells[0]["source"])
            assert f"colab.research.google.com/github/{repository}/blob/v{version}/{folder}/{path.name}" in title, path
            assert f"labpath={folder}%2F{path.name}" in title, path


def _run_install_cell(monkeypatch, on_colab: bool, installed: bool):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda command, check: calls.append(command))
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", object())
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: (REAL_FIND_SPEC(name, *a) if installed else None)
                        if name == "causal_course" else REAL_FIND_SPEC(name, *a))
    repository, version = deployment.project_settings(ROOT)
    exec(compile(deployment.colab_cell_source(repository, version), "colab-cell", "exec"), {})
    return calls


def test_install_cell_does_nothing_outside_colab(monkeypatch):
    assert _run_install_cell(monkeypatch, on_colab=False, installed=False) == []


def test_install_cell_on_colab_pins_this_release_and_keeps_torch(monkeypatch):
    (command,) = _run_install_cell(monkeypatch, on_colab=True, installed=False)
    repository, version = deployment.project_settings(ROOT)
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    assert command[-1] == f"causal-course @ git+https://github.com/{repository}@v{version}"
    assert not any(word in command for word in ("--upgrade", "-U", "--force-reinstall", "torch", "numpy"))
    assert _run_install_cell(monkeypatch, on_colab=True, installed=True) == []  # already installed: nothing


def test_environment_has_no_gpu_build_and_no_postbuild_is_needed():
    text = (ROOT / "environment.yml").read_text()
    assert "pytorch-cpu" in text and "cuda" not in text.lower() and "pytorch-gpu" not in text
    assert not (ROOT / "postBuild").exists() and not (ROOT / "binder" / "postBuild").exists()


@pytest.mark.xdist_group("release")
def test_wheel_holds_the_data_and_installs_in_a_fresh_venv(tmp_path):
    """Build the wheel, install it with torch in a new virtual environment, and run `causal-course check` there."""
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                            str(dist), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("causal_course-*.whl")
    _, version = deployment.project_settings(ROOT)
    assert f"-{version}-" in wheel.name
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.name for p in (ROOT / "causal_course" / "data").iterdir() if p.suffix in (".json", ".pt")}
    assert shipped and {f"causal_course/data/{n}" for n in shipped} <= names
    assert "causal_course/checks/lesson07.py" in names and "causal_course/grading/worker.py" in names
    assert {"causal_course/data/jupyter_config/labconfig/default_setting_overrides.json",
            "causal_course/data/jupyter_config/labconfig/page_config.json"} <= names  # what causal-course lab reads
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    torch_spec = os.environ.get("CAUSAL_COURSE_TEST_TORCH", "torch==2.13.0")
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", torch_spec, str(wheel)], capture_output=True,
                             text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-2000:]
    check = subprocess.run([str(venv / "bin" / "causal-course"), "check"], capture_output=True, text=True,
                           timeout=300, cwd=tmp_path, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert check.returncode == 0 and "Verdict: READY" in check.stdout, check.stdout + check.stderr
    where = subprocess.run([str(python), "-c", "import causal_course, sys; print(causal_course.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert str(venv) in where.stdout  # the wheel's copy, not the repository's
