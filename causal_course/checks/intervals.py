"""Shared diagnosis of a paired 95 % interval over seeds, for the exercises that ask for one.

Exercises 5.4 and 8.3 both ask for the mean of per-seed differences ``a - b`` and its 95 %
interval, ``mean ± t_quantile_95(n - 1) * sd(a - b, ddof=1) / sqrt(n)``. :func:`paired_interval_mistake`
recognises the usual mistakes (sign, unpaired intervals, 1.96, ddof=0, no sqrt(n), n degrees of
freedom) and returns the hint for the one it finds, so each check words its own story around it.
"""

from __future__ import annotations

import numpy as np

TOLERANCE = 1e-6


def paired_interval_mistake(mean: float, low: float, high: float, a, b,
                            difference: str = "a - b (the first condition minus the second)") -> str | None:
    """None if ``(mean, low, high)`` is the paired 95 % interval of ``a - b``, else a hint naming the mistake.

    ``a`` and ``b`` hold one value per seed in the same seed order; ``difference`` says in words
    what ``a - b`` is, for the hints.
    """
    from causal_course.statistics import paired_difference, t_quantile_95

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n = len(a)
    truth = paired_difference(a, b)
    if np.allclose([mean, low, high], [truth["mean"], truth["low"], truth["high"]], atol=TOLERANCE):
        return None
    d = a - b
    if abs(mean + truth["mean"]) < TOLERANCE and abs(truth["mean"]) > TOLERANCE:
        return f"the sign is reversed: the difference is {difference}."
    if abs(mean - truth["mean"]) > TOLERANCE:
        return f"the mean is not the mean of the per-seed differences {difference}."
    half = (high - low) / 2
    t = t_quantile_95(n - 1)
    unpaired = t * np.sqrt(a.var(ddof=1) / n + b.var(ddof=1) / n)
    separate = t * (a.std(ddof=1) + b.std(ddof=1)) / np.sqrt(n)  # the two conditions' own intervals, end to end
    if min(abs(half - unpaired), abs(half - separate)) < TOLERANCE or half > 3 * (truth["high"] - truth["mean"]):
        return ("this interval treats the two conditions as independent samples. Seed k of both shares "
                "its initial weights and test episodes: take the differences a[k] - b[k] first, then "
                "the interval of their mean.")
    se = d.std(ddof=1) / np.sqrt(n)
    if abs(half - 1.96 * se) < TOLERANCE:
        return (f"with {n} seeds use Student's t quantile (t_quantile_95(n - 1)), not 1.96: "
                "a normal quantile is too narrow for so few seeds.")
    if abs(half - t * d.std(ddof=0) / np.sqrt(n)) < TOLERANCE:
        return "use the sample standard deviation (ddof=1) of the differences."
    if abs(half - t * d.std(ddof=1)) < TOLERANCE:
        return ("that is the spread of single differences; the interval of the *mean* divides the "
                "standard deviation by sqrt(n).")
    if abs(half - t_quantile_95(n) * se) < TOLERANCE:
        return "the t quantile has n - 1 degrees of freedom, not n."
    return f"the interval for {n} seeds should be mean ± t_quantile_95(n - 1) * sd(a - b, ddof=1) / sqrt(n)."
