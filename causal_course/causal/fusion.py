"""Pooling estimates of one causal effect from different data sources by their precision.

Introduced in lesson 04. Two unbiased estimates of the same effect (say, a small randomised
trial and a large observational study adjusted for its confounders) are best combined by
weighting each by the inverse of its variance. This is pooling, a statistical step; what the
causal literature calls data fusion (Bareinboim and Pearl 2016) asks when combining sources
identifies an effect that neither identifies alone.
"""

from __future__ import annotations

import numpy as np

from causal_course.validation import check_finite_array


def inverse_variance_fusion(estimates, standard_errors) -> tuple[float, float]:
    """``(fused estimate, its standard error)`` from independent unbiased estimates (lesson 04)."""
    estimates = check_finite_array(estimates, "estimates").ravel()
    errors = check_finite_array(standard_errors, "standard_errors").ravel()
    if estimates.shape != errors.shape or estimates.size == 0:
        raise ValueError("give one standard error per estimate (and at least one estimate).")
    if np.any(errors <= 0):
        raise ValueError("standard errors must be positive.")
    weights = 1.0 / errors**2
    return float(np.sum(weights * estimates) / np.sum(weights)), float(1.0 / np.sqrt(np.sum(weights)))
