import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Notebook kernels inherit the environment: plots render off-screen and busy-waiting threads stay quiet.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
