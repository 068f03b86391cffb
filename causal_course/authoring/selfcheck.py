"""The setup self-check behind ``causal-course check`` and lesson 00.

Each item says what was checked, whether it is fine, and if not how to fix it; the verdict is
READY only when every required item passes.
"""

from __future__ import annotations

import importlib
import platform
import sys
from dataclasses import dataclass

REQUIRED_PACKAGES = (
    ("numpy", "1.24"),
    ("matplotlib", "3.7"),
    ("networkx", "3.1"),
    ("ipywidgets", "8.1"),
    ("jupyterlab", "4.0"),
    ("jupyterlab_widgets", "3.0"),
    ("nbclient", "0.8"),
    ("torch", "2.2"),
)


@dataclass(frozen=True)
class CheckItem:
    """One line of the self-check (lesson 00)."""

    name: str
    ok: bool
    detail: str
    required: bool = True


def _version_tuple(version: str) -> tuple:
    parts = []
    for piece in version.split("+")[0].split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def _package_item(name: str, minimum: str) -> CheckItem:
    try:
        module = importlib.import_module(name)
    except Exception as error:
        return CheckItem(name, False, f"cannot import ({type(error).__name__}: {error}); "
                                      "run `make setup` (or `pip install -e .`) in the course folder.")
    version = getattr(module, "__version__", "unknown")
    if version != "unknown" and _version_tuple(version) < _version_tuple(minimum):
        return CheckItem(name, False, f"version {version} is older than {minimum}; upgrade it with pip.")
    return CheckItem(name, True, f"version {version}")


def run_self_check() -> list[CheckItem]:
    """Check Python, the packages, torch's CPU threads and a tiny model computation (lesson 00)."""
    items = [
        CheckItem(
            "python",
            sys.version_info >= (3, 10),
            f"{platform.python_version()} ({sys.executable})"
            + ("" if sys.version_info >= (3, 10) else "; the course needs Python 3.10 or newer"),
        )
    ]
    items += [_package_item(name, minimum) for name, minimum in REQUIRED_PACKAGES]
    try:
        from causal_course.torch_setup import torch

        threads = torch.get_num_threads()
        cuda = torch.cuda.is_available()
        items.append(CheckItem("torch threads", threads >= 1,
                               f"{threads} CPU thread(s); GPU {'available (not needed)' if cuda else 'not used'}"))
    except Exception as error:
        items.append(CheckItem("torch threads", False, f"torch did not start: {error}"))
    try:
        import numpy as np

        from causal_course.worlds.tutoring import tutoring_scm

        model = tutoring_scm()
        X = model.sample(20_000, np.random.default_rng(0), do={"tutoring": 1.0})
        ok = bool(abs(X[:, 2].mean() - model.mean(do={"tutoring": 1.0})[2]) < 0.05)
        items.append(CheckItem("course code", ok, "sampling under do matches the closed form" if ok
                               else "sampling under do disagrees with the closed form: please report this"))
    except Exception as error:
        items.append(CheckItem("course code", False, f"{type(error).__name__}: {error}"))
    try:
        import ipywidgets

        ipywidgets.IntSlider(value=1)
        items.append(CheckItem("widgets", True, "ipywidgets can build a slider; lesson 00 shows one live"))
    except Exception as error:
        items.append(CheckItem("widgets", False, f"cannot build a slider: {error}"))
    from causal_course.config import fast_mode

    items.append(CheckItem("fast mode", True, "on (CAUSAL_COURSE_FAST=1): budgets shrunk" if fast_mode()
                           else "off (full budgets)", required=False))
    return items


def verdict(items: list[CheckItem]) -> str:
    """``"READY"`` or ``"NOT READY: ..."`` naming what to fix (lesson 00)."""
    failed = [item.name for item in items if item.required and not item.ok]
    return "READY" if not failed else "NOT READY: fix " + ", ".join(failed)


def format_report(items: list[CheckItem]) -> str:
    """The self-check as aligned text lines ending with the verdict (lesson 00)."""
    width = max(len(item.name) for item in items)
    lines = [f"  {'ok ' if item.ok else 'FAIL'} {item.name:<{width}}  {item.detail}" for item in items]
    return "\n".join(["causal_course setup check", *lines, f"Verdict: {verdict(items)}"])
