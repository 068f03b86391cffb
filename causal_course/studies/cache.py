"""Cached results of the course's studies, shipped with the package (``causal_course/data``).

Introduced in lesson 02. Each ``NAME_results.json`` was written by ``benchmarks/NAME.py --save``.
"""

from __future__ import annotations

import json
from pathlib import Path

from causal_course.paths import DATA_DIR


def load_results(name: str, folder: Path = DATA_DIR) -> dict:
    """A cached results file ``NAME.json`` shipped with the package (lesson 03)."""
    path = folder / f"{name}.json"
    if not path.exists():
        available = sorted(p.stem for p in folder.glob("*_results.json")) if folder.exists() else []
        experiment = name.removesuffix("_results")
        raise FileNotFoundError(
            f"no cached results {name!r} in {folder} (available: {available}). Results of an experiment are "
            f"regenerated from a clone of the course with `python benchmarks/{experiment}.py --save`."
        )
    return json.loads(path.read_text())
