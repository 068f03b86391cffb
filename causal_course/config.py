"""Run-time settings read from the environment.

Introduced in lesson 00. ``CAUSAL_COURSE_FAST=1`` asks every lesson to shrink its budgets
(training steps, sample counts) without changing the code path; CI sets it.
"""

from __future__ import annotations

import os

FAST_MODE_VARIABLE = "CAUSAL_COURSE_FAST"


def fast_mode() -> bool:
    """True when ``CAUSAL_COURSE_FAST`` is set to 1/true/yes (lesson 00)."""
    return os.environ.get(FAST_MODE_VARIABLE, "").strip().lower() in {"1", "true", "yes", "on"}


def budget(full, fast, fast_run: bool = False):
    """``fast`` in fast mode or for a fast run, else ``full``: the only place a budget may shrink (lesson 00).

    Fast mode is ``CAUSAL_COURSE_FAST=1``; ``fast_run`` is a study's own ``fast=True`` (``--fast``
    on the command line). A budget is anything a run may shrink: a number of training steps, test
    episodes or seeds, or a list of conditions.

    >>> budget(2200, 120, fast_run=True)
    120
    """
    return fast if (fast_run or fast_mode()) else full
