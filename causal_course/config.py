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


def budget(full: int, fast: int) -> int:
    """``fast`` in fast mode, else ``full``: the only place a lesson's budget may shrink (lesson 00)."""
    return fast if fast_mode() else full
