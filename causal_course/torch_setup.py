"""PyTorch, set up in one place: every module of the course that uses torch imports it from here.

PyTorch's OpenMP threads busy-wait between parallel regions by default; on
a shared 2-core machine that made training steps 4 to 10 times slower. The wait policy must be set
before torch is first imported, so this module sets it (unless the environment already chose one)
and then imports torch; because every torch user of the package imports torch *from here*, the order
of imports elsewhere cannot matter. (A notebook that imports torch itself before the course package
keeps whatever policy was in force then.) Thread counts are set per run, by the training functions'
``n_threads`` argument (:func:`set_threads`).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

__all__ = ["F", "nn", "set_threads", "torch"]


def set_threads(n_threads: int | None) -> None:
    """``torch.set_num_threads(n_threads)``, or nothing for None."""
    if n_threads is not None:
        torch.set_num_threads(int(n_threads))
