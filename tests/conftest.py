import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Notebook kernels inherit the environment: plots render off-screen and busy-waiting threads stay quiet.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


UNDER_CI = bool(os.environ.get("CI"))  # `.ci/run` sets it: a missing tool then fails a test instead of skipping it


def skip_unless_ci(message: str):
    """Skip on a developer's machine that lacks a tool; fail under CI, where the tool must be there."""
    if UNDER_CI:
        pytest.fail(message + " (CI is set, so this fails instead of skipping)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
