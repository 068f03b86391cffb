"""Lesson 01 demos built from the tutoring model and the estimators: Simpson's paradox and
two passive learners, one reading an experimenter's log and one reading observational records.

Introduced in lesson 01 (*Seeing vs doing*).
"""

from __future__ import annotations

import numpy as np

from causal_course.estimators import regression_slope
from causal_course.plotting import PALETTE
from causal_course.tutoring import MOTIVATION, SCORE, TUTORING, randomised_trial_log, tutoring_scm
from causal_course.validation import check_n_samples, check_rng


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


def render_simpson(X: np.ndarray):
    """Score against tutoring, one marker and line per motivation level, plus the pooled line (lesson 01)."""
    from causal_course.plotting import course_figure

    result = stratified_slopes(X)
    fig = course_figure(figsize=(6.5, 4), layout="constrained")
    ax = fig.add_subplot()
    colours = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"], PALETTE["sky"]]
    markers = ["o", "s", "^", "D", "v"]
    for g, slope in enumerate(result["groups"]):
        rows = result["group"] == g
        x, y = X[rows, TUTORING], X[rows, SCORE]
        colour = colours[g % len(colours)]
        ax.scatter(x, y, s=10, alpha=0.35, color=colour, marker=markers[g % len(markers)])
        grid = np.linspace(x.min(), x.max(), 2)
        ax.plot(grid, y.mean() + slope * (grid - x.mean()), color=colour, linewidth=2.5,
                label=f"motivation {result['levels'][g]:g}: slope {slope:+.2f}")
    grid = np.linspace(X[:, TUTORING].min(), X[:, TUTORING].max(), 2)
    ax.plot(grid, X[:, SCORE].mean() + result["overall"] * (grid - X[:, TUTORING].mean()), color=PALETTE["black"],
            linestyle="--", linewidth=2.5, label=f"everyone pooled: slope {result['overall']:+.2f}")
    ax.set_xlabel("hours of tutoring")
    ax.set_ylabel("exam score")
    ax.set_title("Simpson's paradox: helps within each group, 'hurts' pooled")
    ax.legend(fontsize=8)
    return fig


def compare_passive_learners(sample_sizes=(25, 100, 400, 1600, 6400), n_repeats: int = 20, rng=None,
                             model=None) -> dict:
    """Slopes found by two passive learners as their data grow (lesson 01).

    Both only read data. The "log reader" reads an experimenter's randomised-trial log
    (interventional data); the "record reader" reads observational records. Returns, per sample
    size, the mean and standard deviation of each learner's estimate over ``n_repeats`` data sets,
    and the true causal effect.
    """
    rng = check_rng(rng if rng is not None else np.random.default_rng(0))
    model = model or tutoring_scm()
    sizes = [check_n_samples(n, "sample size") for n in sample_sizes]
    n_repeats = check_n_samples(n_repeats, "n_repeats")
    log_reader, record_reader = [], []
    for n in sizes:
        logs = [randomised_trial_log(model, n, rng) for _ in range(n_repeats)]
        records = [model.sample(n, rng) for _ in range(n_repeats)]
        log_reader.append([regression_slope(X[:, TUTORING], X[:, SCORE]) for X in logs])
        record_reader.append([regression_slope(X[:, TUTORING], X[:, SCORE]) for X in records])
    log_reader, record_reader = np.array(log_reader), np.array(record_reader)
    return {
        "sample_sizes": sizes,
        "log_reader_mean": log_reader.mean(axis=1), "log_reader_sd": log_reader.std(axis=1),
        "record_reader_mean": record_reader.mean(axis=1), "record_reader_sd": record_reader.std(axis=1),
        "true_effect": model.total_effect("tutoring", "score"),
    }


def render_passive_learners(result: dict):
    """The two passive learners' estimates against sample size, with the truth (lesson 01)."""
    from causal_course.plotting import course_figure

    fig = course_figure(figsize=(6.5, 3.8), layout="constrained")
    ax = fig.add_subplot()
    sizes = result["sample_sizes"]
    ax.errorbar(sizes, result["log_reader_mean"], yerr=result["log_reader_sd"], marker="o", capsize=3,
                color=PALETTE["blue"], label="reads an experimenter's log (interventional)")
    ax.errorbar(sizes, result["record_reader_mean"], yerr=result["record_reader_sd"], marker="s", capsize=3,
                linestyle=":", color=PALETTE["vermillion"], label="reads observational records")
    ax.axhline(result["true_effect"], color=PALETTE["black"], linestyle="--", label="true causal effect")
    ax.set_xscale("log")
    ax.set_xlabel("number of students in the data")
    ax.set_ylabel("estimated effect of 1 h tutoring")
    ax.set_title("Passive is not observational")
    ax.legend(fontsize=8)
    return fig
