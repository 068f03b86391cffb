"""Checks and defaults every study shares (course machinery for :mod:`causal_course.studies`).
"""

from __future__ import annotations

from causal_course.validation import (
    check_bool,
    check_instance,
    check_n_samples,
    check_positive_count,
    check_seed,
    invalid,
)

TEST_EPISODES = 2000


TEST_EPISODES_FAST = 300


def _check_run(seed, fast=False, *, n_seeds=None, n_steps=None, n_test=None, n_threads=None,
               progress=False) -> tuple[int, bool]:
    """Check the settings every experiment shares (each ``None`` means "the default"); return ``(seed, fast)``."""
    seed = check_seed(seed)
    fast = check_bool(fast, "fast")
    if n_seeds is not None:
        check_positive_count(n_seeds, "n_seeds", 5)
    if n_steps is not None:
        check_n_samples(n_steps, "n_steps")
    if n_test is not None:
        check_positive_count(n_test, "n_test", 1000)
    if n_threads is not None:
        check_positive_count(n_threads, "n_threads", 2)
    check_bool(progress, "progress")
    return seed, fast


def _check_list(values, name: str, check, example: str) -> list:
    """A non-empty list (or tuple, or array) of distinct values, each passed through ``check``."""
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise invalid(name, "a list", repr(values)[:40], f"pass for instance {name}={example}", TypeError)
    values = [check(v) for v in values]
    if not values:
        raise invalid(name, "a non-empty list", "an empty one", f"pass for instance {name}={example}, or None for the "
                      "default")
    if len(set(values)) != len(values):
        raise invalid(name, "a list of distinct values", values, "drop the repeated ones")
    return values


def _same(value, _checked):
    """``value`` itself, once a check has passed (so lists keep the caller's numbers, 1 rather than 1.0)."""
    return value


def _check_test_sets(test_sets, needed=()) -> dict:
    check_instance(test_sets, dict, "test_sets", "a dict {name: TestSet}",
                   "make them with causal_course.learners.evaluation.make_test_sets(n_test, rng)")
    missing = [name for name in needed if name not in test_sets]
    if not test_sets or missing:
        expected = f"a dict with the test sets {list(needed)}" if needed else "a non-empty dict {name: TestSet}"
        raise invalid("test_sets", expected, f"the keys {sorted(test_sets)}",
                      "make them with causal_course.learners.evaluation.make_test_sets(n_test, rng)")
    return test_sets
