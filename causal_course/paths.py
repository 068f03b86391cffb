"""Where the course's folders are.

The course root is the folder holding ``notebooks/`` and ``solutions/``: taken from the
``CAUSAL_COURSE_ROOT`` environment variable, else found by walking up from the working
directory, else the folder above the installed package (an editable install of a clone).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT_VARIABLE = "CAUSAL_COURSE_ROOT"
PACKAGE_DIR = Path(__file__).resolve().parent  # the installed package, causal_course/
# the model weights and cached results shipped inside the package
DATA_DIR = PACKAGE_DIR / "data"


def _is_root(path: Path) -> bool:
    return (path / "notebooks").is_dir() and (path / "solutions").is_dir()


def course_root(start=None) -> Path:
    """The course's top folder, or a FileNotFoundError that says how to point at it."""
    if os.environ.get(ROOT_VARIABLE):
        root = Path(os.environ[ROOT_VARIABLE]).expanduser().resolve()
        if not _is_root(root):
            raise FileNotFoundError(f"{ROOT_VARIABLE}={root} has no notebooks/ and solutions/ folders.")
        return root
    here = Path(start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if _is_root(candidate):
            return candidate
    package_parent = Path(__file__).resolve().parent.parent
    if _is_root(package_parent):
        return package_parent
    raise FileNotFoundError(
        "cannot find the course folder (with notebooks/ and solutions/); run the command inside your "
        f"clone of the course, or set {ROOT_VARIABLE} to its path."
    )
