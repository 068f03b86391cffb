"""Model weights trained by the package's own code and shipped with it (lesson 03).

Lessons run within 60 s on a laptop CPU, so a lesson may load weights that
``benchmarks/passive.py --save`` trained with exactly the code a student can run
(``causal_course.learners.training.train_behaviour_cloning``). Each ``NAME.pt`` has a ``NAME.json``
beside it saying how it was trained.
"""

from __future__ import annotations

import json
from pathlib import Path

from causal_course.paths import DATA_DIR


def save_pretrained(model, name: str, metadata: dict, folder: Path = DATA_DIR) -> Path:
    """Save ``model``'s weights and ``metadata`` (architecture, seed, steps, ...) as ``NAME.pt``/``NAME.json``."""
    from causal_course.torch_setup import torch

    folder.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), folder / f"{name}.pt")
    (folder / f"{name}.json").write_text(json.dumps(metadata, indent=2) + "\n")
    return folder / f"{name}.pt"


def load_pretrained(name: str = "passive_transformer_seed0", folder: Path = DATA_DIR):
    """``(model, metadata)`` for shipped weights ``NAME`` (lesson 03)."""
    from causal_course.learners.models import build_model
    from causal_course.torch_setup import torch

    weights, info = folder / f"{name}.pt", folder / f"{name}.json"
    if not weights.exists() or not info.exists():
        available = sorted(p.stem for p in folder.glob("*.pt")) if folder.exists() else []
        raise FileNotFoundError(
            f"no pretrained weights named {name!r} in {folder} (available: {available}); "
            "train them with `python benchmarks/passive.py --save`."
        )
    metadata = json.loads(info.read_text())
    model = build_model(metadata["architecture"], seed=0, **metadata.get("sizes", {}))
    model.load_state_dict(torch.load(weights, weights_only=True))
    model.eval()
    return model, metadata


