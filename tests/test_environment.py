"""environment.yml (conda, Binder, JupyterHub) names the same packages and minimum versions as pyproject.toml."""

import re

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import yaml

# conda-forge name -> PyPI name, where they differ
CONDA_TO_PYPI = {"pytorch-cpu": "torch"}


def _split(requirement: str):
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(>=\s*[0-9][^\s#;]*)?", requirement)
    assert match, f"cannot read requirement {requirement!r}"
    return match.group(1).lower().replace("_", "-"), (match.group(2) or "").replace(" ", "")


def test_environment_matches_pyproject(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())
    expected = dict(_split(r) for r in project["project"]["dependencies"])
    environment = yaml.safe_load((root / "environment.yml").read_text())
    assert environment["channels"] == ["conda-forge"]
    conda = {}
    pip_entries = []
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            pip_entries += entry["pip"]
            continue
        name, version = _split(entry)
        if name in ("python", "pip"):
            continue
        conda[CONDA_TO_PYPI.get(name, name)] = version
    assert conda == expected
    assert "-e ." in pip_entries or "." in pip_entries  # the course package itself


def test_environment_names_no_gpu_build(root):
    text = (root / "environment.yml").read_text().lower()
    for gpu in ("cuda", "pytorch-gpu", "cudatoolkit", "nvidia"):
        assert gpu not in text
