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


def ols_with_standard_errors(X, y) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares coefficients of ``y`` on the columns of ``X`` (add a column of ones for an
    intercept) and their classical standard errors (lesson 04)."""
    X = check_finite_array(X, "X")
    y = check_finite_array(y, "y").ravel()
    if X.ndim != 2 or X.shape[0] != y.size:
        raise ValueError(f"X must be (n_samples, n_columns) with one row per entry of y; got {X.shape} and {y.shape}.")
    n, k = X.shape
    if n <= k:
        raise ValueError(f"need more samples ({n}) than coefficients ({k}) to estimate standard errors.")
    coefficients, *_ = np.linalg.lstsq(X, y, rcond=None)
    residuals = y - X @ coefficients
    sigma2 = residuals @ residuals / (n - k)
    covariance = sigma2 * np.linalg.pinv(X.T @ X)
    return coefficients, np.sqrt(np.diag(covariance))
