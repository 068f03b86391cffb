"""Simpson's paradox in the tutoring story: motivated students take less tutoring yet score higher.

Introduced in lesson 01 (*Seeing vs doing*).
"""

from __future__ import annotations

import numpy as np

from causal_course.causal.estimators import regression_slope
from causal_course.validation import check_n_samples, check_rng
from causal_course.worlds.tutoring import MOTIVATION, SCORE, TUTORING, tutoring_scm


def simpson_model():
    """A tutoring model in which motivated students take *less* tutoring but score higher (lesson 01)."""
    return tutoring_scm(effect=0.5, motivation_on_tutoring=-1.5, motivation_on_score=2.0)


def simpson_data(n_samples: int, rng: np.random.Generator, n_groups: int = 3, spacing: float = 1.5) -> np.ndarray:
    """Students from :func:`simpson_model` whose motivation takes ``n_groups`` levels (lesson 01).

    Motivation is a root variable, so drawing its value for each student and applying it with a
    per-sample ``do`` is the same as sampling it from that discrete distribution; tutoring and
    score then follow their equations.
    """
    n_samples = check_n_samples(n_samples)
    rng = check_rng(rng)
    levels = rng.integers(0, n_groups, size=n_samples) * spacing
    return simpson_model().sample(n_samples, rng, do={"motivation": levels.astype(float)})


def stratified_slopes(X: np.ndarray) -> dict:
    """Slope of score on tutoring overall and within each level of motivation (lesson 01).

    Motivation must take a few distinct values (stratify a discrete confounder). Returns
    ``{"overall": slope, "levels": [motivation levels], "groups": [slope per level], "group": level index per row}``.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 3:
        raise ValueError(f"X must have the three tutoring columns (motivation, tutoring, score); got shape {X.shape}.")
    levels, group = np.unique(X[:, MOTIVATION], return_inverse=True)
    if len(levels) > 10:
        raise ValueError(
            f"motivation takes {len(levels)} distinct values; stratifying needs a discrete confounder "
            "(use simpson_data, or bin motivation first)."
        )
    slopes = [regression_slope(X[group == g, TUTORING], X[group == g, SCORE]) for g in range(len(levels))]
    return {"overall": regression_slope(X[:, TUTORING], X[:, SCORE]), "levels": levels, "groups": slopes,
            "group": group}
