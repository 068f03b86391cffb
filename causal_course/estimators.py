"""Estimators: numbers computed from data alone, kept apart from the models that generate data.

Introduced in lesson 01. An estimator never looks at the structural causal model.
"""

from __future__ import annotations

import numpy as np

from causal_course.validation import check_finite_array


def regression_slope(x, y) -> float:
    """The least-squares slope of ``y`` on ``x`` (with an intercept) (lesson 01)."""
    x = check_finite_array(x, "x").ravel()
    y = check_finite_array(y, "y").ravel()
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}.")
    if x.size < 2 or np.var(x) == 0:
        raise ValueError("the slope needs at least two samples with different x values.")
    x_centred = x - x.mean()
    return float(x_centred @ (y - y.mean()) / (x_centred @ x_centred))
