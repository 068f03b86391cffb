"""Running notebooks in a fresh Jupyter kernel: used by the tests and the timing script.

"""

from __future__ import annotations

import subprocess
import tempfile
import time
import warnings
from pathlib import Path

KERNEL_START_ATTEMPTS = 3  # a kernel that dies before its first reply is started again, at most this often


def run_notebook(notebook, timeout: float = 120.0, allow_errors: bool = False, workdir=None,
                 kernel_name: str = "python3") -> float:
    """Execute ``notebook`` (an nbformat node, changed in place) top to bottom; return the seconds taken.

    ``timeout`` limits each cell. With ``allow_errors`` a failing cell does not stop the run and a
    cell past its timeout is interrupted; otherwise the first error raises nbclient's
    ``CellExecutionError`` (or ``CellTimeoutError``). The kernel's own stderr is discarded.
    ``workdir`` is the kernel's working folder (default: a fresh temporary folder).
    """
    from nbclient import NotebookClient

    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        with tempfile.TemporaryDirectory(prefix="causal-course-run-") as scratch:
            client = NotebookClient(
                notebook,
                timeout=timeout,
                kernel_name=kernel_name,
                allow_errors=allow_errors,
                interrupt_on_timeout=allow_errors,
                resources={"metadata": {"path": str(workdir or scratch)}},
            )
            start = time.perf_counter()
            try:
                client.execute(stderr=subprocess.DEVNULL)
            except RuntimeError as error:
                # A kernel that dies before its first reply never ran a cell: a start-up failure of the
                # machine (two kernels started at once can collide), not of the notebook. Start another.
                if "before replying to kernel_info" not in str(error) or attempt == KERNEL_START_ATTEMPTS:
                    raise
                warnings.warn(f"the Jupyter kernel died while starting (attempt {attempt} of "
                              f"{KERNEL_START_ATTEMPTS}); starting a new one", RuntimeWarning, stacklevel=2)
                continue
            return time.perf_counter() - start
    raise AssertionError("unreachable")


def run_notebook_file(path, timeout: float = 120.0, allow_errors: bool = False, workdir=None):
    """Read the notebook at ``path``, execute it, and return ``(executed notebook, seconds)``."""
    import nbformat

    notebook = nbformat.read(Path(path), as_version=4)
    seconds = run_notebook(notebook, timeout=timeout, allow_errors=allow_errors,
                           workdir=workdir if workdir is not None else Path(path).resolve().parent)
    return notebook, seconds
