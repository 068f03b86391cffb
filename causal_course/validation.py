"""Argument checks shared by the package: clear errors that name the problem and the fix.

Introduced in lesson 01 (every public function of the course validates its input with these).
"""

from __future__ import annotations

import numbers

import numpy as np


def check_n_samples(n_samples, name: str = "n_samples") -> int:
    """Return ``n_samples`` as an ``int`` or raise a clear error (lesson 01)."""
    if isinstance(n_samples, (bool, np.bool_)) or not isinstance(n_samples, numbers.Integral):
        raise TypeError(
            f"{name} must be a non-negative integer, got {n_samples!r} "
            f"({type(n_samples).__name__}); pass a whole number such as {name}=1000."
        )
    if n_samples < 0:
        raise ValueError(
            f"{name} must be a non-negative integer, got {n_samples}; "
            f"pass a count such as {name}=1000."
        )
    return int(n_samples)


def check_rng(rng) -> np.random.Generator:
    """Return ``rng`` if it is a ``numpy.random.Generator``, else raise (lesson 01)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator, got {type(rng).__name__}; "
            "make one from a seed with rng = np.random.default_rng(0)."
        )
    return rng


def check_finite_number(value, what: str) -> float:
    """Return ``value`` as a finite ``float`` or raise (lesson 01)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a real number, got {value!r} ({type(value).__name__}).")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value}; replace NaN or inf by a real value.")
    return value


def check_finite_array(array, what: str) -> np.ndarray:
    """Return ``array`` as a float array, raising if it holds NaN or inf (lesson 01)."""
    try:
        array = np.asarray(array, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what} must be numeric, could not convert it to numbers: {error}") from None
    if not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))
        first = tuple(int(i) for i in bad[0])
        raise ValueError(
            f"{what} contains NaN or inf ({len(bad)} entries, the first at index {first}); "
            "replace them by finite numbers (0 means 'no edge' for weights)."
        )
    return array
