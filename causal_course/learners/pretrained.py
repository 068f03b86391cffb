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




LESSON_LANGUAGE_MODEL = "language_model_mixed_seed0"


def load_language_model(name: str = LESSON_LANGUAGE_MODEL, folder: Path = DATA_DIR):
    """``(model, tokenizer, metadata)``: a language model shipped with the course, ready to act (lesson 08).

    ``NAME.pt`` is a checkpoint written by ``benchmarks/language_model.py --lesson-model --save``
    (:func:`~causal_course.learners.language_model.save_checkpoint`); its metadata holds the
    tokenizer it was trained with and how it was trained (condition, seed, design).
    """
    from causal_course.learners.language_model import load_checkpoint
    from causal_course.learners.tokenizer import Tokenizer

    path = folder / f"{name}.pt"
    if not path.exists():
        available = sorted(p.stem for p in folder.glob("language_model*.pt")) if folder.exists() else []
        raise FileNotFoundError(
            f"no language model named {name!r} in {folder} (available: {available}); "
            "train it with `python benchmarks/language_model.py --lesson-model --save`."
        )
    model, state = load_checkpoint(path)
    metadata = state["metadata"]
    return model, Tokenizer.from_spec(metadata["tokenizer"]), metadata
