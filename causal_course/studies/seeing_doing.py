"""Lesson 01's study: two passive learners, one reading an experimenter's log and one reading
observational records, as their data grow.
"""

from __future__ import annotations

import numpy as np

from causal_course.causal.estimators import regression_slope
from causal_course.validation import check_n_samples, check_rng
from causal_course.worlds.tutoring import SCORE, TUTORING, randomised_trial_log, tutoring_scm


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
