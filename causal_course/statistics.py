"""Summaries over seeds: means with 95 % confidence intervals, and paired differences.

Introduced in lesson 03. The course's statistics rule: a figure a lesson draws a conclusion from
rests on at least 5 seeds with a 95 % confidence interval, and two methods are compared *paired*
(same seed, same test episodes), by the interval of their per-seed differences. "Helps" or
"beats" only where that interval excludes 0.

Intervals use Student's t with ``n - 1`` degrees of freedom (the quantiles below; no SciPy
needed), which is what a small number of seeds calls for.

>>> summary = mean_with_interval([0.90, 0.92, 0.95, 0.91, 0.93])
>>> round(summary["mean"], 3), round(summary["low"], 3), round(summary["high"], 3)
(0.922, 0.898, 0.946)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from causal_course.validation import check_finite_array, check_integer, invalid

# two-sided 95 % quantiles of Student's t, t_{0.975, df}, for df = 1 .. 30
_T_975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
          2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
          2.045, 2.042)


def t_quantile_95(degrees_of_freedom: int) -> float:
    """The two-sided 95 % quantile of Student's t (1.96 beyond 30 degrees of freedom) (lesson 03)."""
    degrees_of_freedom = check_integer(degrees_of_freedom, "degrees_of_freedom", 1,
                                       expected="at least 1 (an interval needs at least 2 values)",
                                       fix="run more seeds, e.g. --seeds 5")
    return _T_975[degrees_of_freedom - 1] if degrees_of_freedom <= len(_T_975) else 1.96


def over_seeds(values) -> dict:
    """``{"mean", "se", "half_width", "n"}`` over the first axis (one row per seed), element by element.

    ``values`` is one number per seed, or one curve (row) per seed; ``mean``, ``se`` (standard error
    of the mean, 0 for a single seed) and ``half_width`` (of the 95 % interval, NaN for a single seed)
    have the shape of one row. Every other summary in the course is built on this one (lesson 03).

    >>> summary = over_seeds([[1.0, 0.0], [3.0, 0.0]])
    >>> summary["mean"].tolist(), summary["se"].tolist(), summary["n"]
    ([2.0, 0.0], [1.0, 0.0], 2)
    """
    values = check_finite_array(values, "values")
    if values.ndim == 0 or len(values) == 0:
        raise invalid("values", "at least one number (one per seed)", "no values", "run at least one seed, e.g. --seeds 5")
    n = len(values)
    mean = values.mean(axis=0)
    if n > 1:
        se = values.std(axis=0, ddof=1) / np.sqrt(n)
        half = t_quantile_95(n - 1) * se
    else:
        se, half = np.zeros_like(mean), np.full_like(mean, np.nan)
    return {"mean": mean, "se": se, "half_width": half, "n": n}


def mean_and_standard_error(values) -> tuple[float, float]:
    """Mean and standard error of the mean (0 for a single value) (lesson 03)."""
    summary = over_seeds(_check_values(values))
    return float(summary["mean"]), float(summary["se"])


def _check_values(values, name: str = "values") -> np.ndarray:
    """One finite number per seed, at least one."""
    values = check_finite_array(values, name).ravel()
    if values.size == 0:
        raise invalid(name, "at least one number (one per seed)", "no values", "run at least one seed, e.g. --seeds 5")
    return values


def mean_with_interval(values) -> dict:
    """``{"mean", "low", "high", "half_width", "n", "values"}``: the mean over seeds and its 95 % CI (lesson 03).

    With a single value the interval is undefined: ``low``/``high``/``half_width`` are NaN.
    """
    values = _check_values(values)
    summary = over_seeds(values)
    mean, half = float(summary["mean"]), float(summary["half_width"])
    return {"mean": mean, "low": mean - half, "high": mean + half, "half_width": half, "n": int(values.size),
            "values": values.tolist()}


def interval_record(values, digits: int = 4) -> dict:
    """``{"mean", "low", "high", "values"}`` rounded, ready for JSON (``None`` bounds for one seed) (lesson 03)."""
    digits = check_integer(digits, "digits", 0, fix="pass for instance digits=4")
    summary = mean_with_interval(values)
    rounded = {key: (round(summary[key], digits) if np.isfinite(summary[key]) else None)
               for key in ("mean", "low", "high")}
    return {**rounded, "values": [round(v, digits) for v in summary["values"]]}


def paired_difference(a, b) -> dict:
    """Mean and 95 % CI of ``a - b`` per seed (paired), plus ``"excludes_zero"`` (lesson 03).

    ``a`` and ``b`` hold one value per seed, in the same seed order, measured on the same test
    episodes. Only where the interval excludes 0 may a lesson say one "beats" the other.
    """
    a, b = _check_values(a, "a"), _check_values(b, "b")
    if a.shape != b.shape:
        raise invalid("a and b", "one value per seed on both sides (a paired comparison)",
                      f"{a.size} and {b.size} values", "pass the two methods' results on the same seeds, in order")
    summary = mean_with_interval(a - b)
    summary["excludes_zero"] = bool(summary["low"] > 0 or summary["high"] < 0)
    return summary


def paired_record(a, b, digits: int = 4) -> dict:
    """:func:`paired_difference` of ``a - b`` rounded and ready for JSON (lesson 03).

    ``{"mean", "low", "high", "excludes_zero", "values"}`` with the per-seed differences in ``values``
    (``None`` bounds and ``excludes_zero`` False for a single seed).

    >>> paired_record([0.9, 0.8, 0.95], [0.7, 0.7, 0.8])["values"]
    [0.2, 0.1, 0.15]
    """
    digits = check_integer(digits, "digits", 0, fix="pass for instance digits=4")
    difference = paired_difference(a, b)
    record = interval_record(difference["values"], digits)
    return {**{key: record[key] for key in ("mean", "low", "high")}, "excludes_zero": difference["excludes_zero"],
            "values": record["values"]}


def format_interval(summary: dict, digits: int = 3) -> str:
    """``"0.922 [0.898, 0.946]"`` (or just the mean for a single seed) (lesson 03).

    ``summary`` is a :func:`mean_with_interval` result or an :func:`interval_record` (whose bounds
    are ``None`` for a single seed).
    """
    if not isinstance(summary, dict) or "mean" not in summary:
        raise invalid("summary", "a dict with a 'mean' (from mean_with_interval or interval_record)",
                      type(summary).__name__, "summarise the values first with mean_with_interval(values)", TypeError)
    digits = check_integer(digits, "digits", 0, fix="pass for instance digits=3")
    low, high = summary.get("low"), summary.get("high")
    if low is None or high is None or not (np.isfinite(low) and np.isfinite(high)):
        return f"{summary['mean']:.{digits}f}"
    return f"{summary['mean']:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def summarise_seeds(runs: list) -> dict:
    """Per-seed results of one experiment, and their summary over seeds (lesson 03).

    ``runs`` are the JSON-ready dicts of one experiment run once per seed (same keys). Returns
    ``{"experiment", "seeds", "per_seed": runs, "summary": ...}`` where ``summary`` mirrors the
    nested dicts of a run and replaces every number that varies by ``{"mean", "low", "high",
    "values"}`` (a 95 % interval over seeds; ``None`` bounds for a single seed, valid JSON). Settings shared by all
    runs (the environment, the budget) are copied as they are.
    """
    if not isinstance(runs, (list, tuple)) or not runs:
        raise invalid("runs", "a non-empty list of per-seed result dicts", repr(runs)[:40],
                      "run at least one seed")
    if not all(isinstance(run, Mapping) for run in runs):
        raise invalid("runs", "a list of dicts (one experiment result per seed)",
                      [type(run).__name__ for run in runs][:5], "pass the dicts the experiment returned", TypeError)
    runs = [dict(run) for run in runs]  # typed study results (causal_course.studies.records) read as their JSON

    def merge(values):
        first = values[0]
        if isinstance(first, dict):
            return {key: merge([v[key] for v in values]) for key in first if all(key in v for v in values)}
        if isinstance(first, (bool, str)) or first is None or isinstance(first, list):
            return first if all(v == first for v in values) else values
        return interval_record(values)

    summary = merge([{k: v for k, v in run.items() if k != "seed"} for run in runs])
    return {"experiment": runs[0].get("experiment"), "seeds": [run.get("seed") for run in runs],
            "per_seed": runs, "summary": summary}
