"""Checks for the graded exercises of lesson 01 (*Seeing vs doing*).

Every check draws its own data from a fixed seed, compares the student's answer with the
data-generating truth (the tutoring model of :mod:`causal_course.worlds.tutoring`) within a tolerance,
and stops at the first failed property with a message that says what is wrong and gives a hint.
"""

from __future__ import annotations

import numpy as np

from causal_course.checks import CheckFailed, CheckResult, Exercise, as_number
from causal_course.worlds.tutoring import MOTIVATION, SCORE, TUTORING, VARIABLES, tutoring_scm

LESSON = "01_seeing_vs_doing"


def _as_matrix(value, n_rows: int, n_columns: int, what: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should be a numeric array, got {type(value).__name__}. Hint: return one "
                          "array with a column per variable, e.g. np.column_stack([motivation, tutoring, score]).") from None
    if array.shape != (n_rows, n_columns):
        raise CheckFailed(
            f"{what} has shape {array.shape}; expected ({n_rows}, {n_columns}): one row per sample and one "
            "column per variable (motivation, tutoring, score)."
        )
    if not np.all(np.isfinite(array)):
        raise CheckFailed(f"{what} contains NaN or inf. Hint: look for a division by zero or an unset value.")
    return array


def _compare_moments(X: np.ndarray, model, what: str, equation_hint: str, do=None) -> None:
    """Fail with a message naming the first variable or pair whose moments are off."""
    mean, cov = model.mean(do=do), model.covariance(do=do)
    sample_mean, sample_cov = X.mean(axis=0), np.cov(X.T)
    for i, name in enumerate(VARIABLES):
        if abs(sample_mean[i] - mean[i]) > 0.08:
            direction = "too large" if sample_mean[i] > mean[i] else "too small"
            raise CheckFailed(f"{what}: the mean of {name} is {direction}. Hint: {equation_hint}")
    for i in range(3):
        for j in range(i, 3):
            if abs(sample_cov[i, j] - cov[i, j]) > 0.12:
                direction = "too large" if sample_cov[i, j] > cov[i, j] else "too small"
                pair = f"the variance of {VARIABLES[i]}" if i == j else f"cov({VARIABLES[i]}, {VARIABLES[j]})"
                raise CheckFailed(
                    f"{what}: {pair} is {direction} for the model in the text. Hint: {equation_hint}"
                )


# --------------------------------------------------------------------------------- 1.1
def check_sample_tutoring(sample_tutoring) -> CheckResult:
    model = tutoring_scm()
    small = _as_matrix(sample_tutoring(5, np.random.default_rng(0)), 5, 3, "sample_tutoring(5, rng)")
    again = _as_matrix(sample_tutoring(5, np.random.default_rng(0)), 5, 3, "sample_tutoring(5, rng)")
    if not np.array_equal(small, again):
        raise CheckFailed(
            "two calls with generators built from the same seed gave different numbers. "
            "Hint: draw every random number from the `rng` argument (rng.normal(...)), not from np.random."
        )
    if np.array_equal(small, _as_matrix(sample_tutoring(5, np.random.default_rng(1)), 5, 3, "sample_tutoring")):
        raise CheckFailed("different seeds gave the same numbers. Hint: draw the noise from `rng`.")
    n = 20_000
    X = _as_matrix(sample_tutoring(n, np.random.default_rng(11)), n, 3, f"sample_tutoring({n}, rng)")
    _compare_moments(
        X, model, "observational samples",
        "write one structural equation per variable, in causal order (motivation, then tutoring, then "
        "score), each with its own standard normal noise.",
    )
    X_do = _as_matrix(sample_tutoring(n, np.random.default_rng(12), do={TUTORING: 2.0}), n, 3,
                      "sample_tutoring(n, rng, do={1: 2.0})")
    if not np.allclose(X_do[:, TUTORING], 2.0):
        raise CheckFailed(
            "under do={1: 2.0} the tutoring column should equal 2.0 in every row. "
            "Hint: an intervention replaces tutoring's equation by the constant."
        )
    if abs(X_do[:, MOTIVATION].mean()) > 0.08 or abs(X_do[:, MOTIVATION].var() - 1.0) > 0.1:
        raise CheckFailed(
            "under do={1: 2.0} the distribution of motivation changed. Hint: an intervention on tutoring "
            "cannot change its causes; only tutoring's own equation is replaced."
        )
    _compare_moments(
        X_do, model, "samples under do(tutoring = 2)",
        "after setting tutoring, compute score from its equation using the intervened tutoring value.",
        do={TUTORING: 2.0},
    )
    X_dz = _as_matrix(sample_tutoring(n, np.random.default_rng(13), do={MOTIVATION: -1.0}), n, 3,
                      "sample_tutoring(n, rng, do={0: -1.0})")
    if not np.allclose(X_dz[:, MOTIVATION], -1.0):
        raise CheckFailed("under do={0: -1.0} the motivation column should equal -1.0 in every row. Hint: any "
                          "variable can be intervened on: look up each column's index in `do`, not only tutoring's.")
    _compare_moments(
        X_dz, model, "samples under do(motivation = -1)",
        "an intervention on motivation must flow down to tutoring and score through their equations.",
        do={MOTIVATION: -1.0},
    )
    return CheckResult(True, "your sampler matches the model's means and covariances, with and without do.")


# --------------------------------------------------------------------------------- 1.2
def check_difference_in_means(difference_in_means) -> CheckResult:
    rng = np.random.default_rng(21)
    outcome = rng.normal(3.0, 1.0, size=400)
    treated = rng.random(400) < 0.3
    outcome[treated] += 1.5
    truth = outcome[treated].mean() - outcome[~treated].mean()
    answer = as_number(difference_in_means(outcome.copy(), treated.copy()), "difference_in_means(outcome, treated)")
    if abs(answer + truth) < 1e-9 and abs(truth) > 1e-6:
        raise CheckFailed("the sign is flipped. Hint: return mean(treated) minus mean(untreated).")
    if abs(answer - truth) > 1e-9:
        if abs(answer - outcome[treated].mean()) < 1e-9:
            raise CheckFailed("you returned the treated group's mean only. Hint: subtract the untreated mean.")
        # A ratio of the means, or a relative lift as A/B-test dashboards report it, moves when every outcome moves.
        shifted = as_number(difference_in_means(outcome + 10.0, treated.copy()), "difference_in_means")
        if abs(shifted - answer) > 1e-8:
            raise CheckFailed(
                "adding a constant to every outcome changed your answer; a difference of means cannot change "
                "(a ratio or a relative lift does). Hint: subtract the two groups' means, do not divide them."
            )
        raise CheckFailed(
            "the value does not equal the treated group's mean minus the untreated group's mean. "
            "Hint: use the boolean array `treated` to select each group: outcome[treated], outcome[~treated]."
        )
    as_ints = as_number(difference_in_means(outcome.copy(), treated.astype(int)), "difference_in_means")
    if abs(as_ints - truth) > 1e-8:
        raise CheckFailed(
            "with `treated` given as 0/1 integers the answer changed. Hint: convert with treated = "
            "np.asarray(treated, dtype=bool) before indexing."
        )
    # The same estimator on a randomised trial recovers the causal effect of one unit of tutoring.
    model = tutoring_scm()
    trial_rng = np.random.default_rng(22)
    n = 20_000
    assigned = trial_rng.integers(0, 2, size=n)
    X = model.sample(n, trial_rng, do={"tutoring": assigned.astype(float)})
    trial = as_number(difference_in_means(X[:, SCORE], assigned == 1), "difference_in_means on a trial")
    if abs(trial - model.total_effect("tutoring", "score")) > 0.1:
        raise CheckFailed("on a randomised trial your estimate is far from the causal effect; check the grouping.")
    return CheckResult(True, "correct, and invariant to shifting the outcome; on a randomised trial it finds the effect.")


# --------------------------------------------------------------------------------- 1.3
def check_backdoor_adjusted_effect(backdoor_adjusted_effect) -> CheckResult:
    cases = [
        (dict(effect=0.5, motivation_on_tutoring=0.8, motivation_on_score=1.0), 31),
        (dict(effect=-0.7, motivation_on_tutoring=1.2, motivation_on_score=0.6), 32),
        (dict(effect=1.5, motivation_on_tutoring=-0.9, motivation_on_score=2.0), 33),
    ]
    for parameters, seed in cases:
        model = tutoring_scm(**parameters)
        X = model.sample(20_000, np.random.default_rng(seed)) + np.array([4.0, 10.0, 50.0])
        original = X.copy()
        answer = as_number(
            backdoor_adjusted_effect(X, TUTORING, SCORE, [MOTIVATION]),
            "backdoor_adjusted_effect(X, 1, 2, [0])",
        )
        if not np.array_equal(X, original):
            raise CheckFailed("your function changed the data matrix X in place. Hint: work on a copy.")
        truth = model.total_effect("tutoring", "score")
        if abs(answer - truth) > 0.05:
            no_intercept = np.linalg.lstsq(X[:, [TUTORING, MOTIVATION]], X[:, SCORE], rcond=None)[0][0]
            naive = np.polyfit(X[:, TUTORING], X[:, SCORE], 1)[0]
            if abs(answer - no_intercept) < 1e-6 and abs(no_intercept - truth) > 0.05:
                raise CheckFailed(
                    "your regression has no intercept, so the variables' non-zero means bias it. "
                    "Hint: add a column of ones to the design matrix."
                )
            if abs(answer - naive) < 0.02:
                raise CheckFailed(
                    "this is the naive observational slope: motivation still confounds it. "
                    "Hint: put the adjustment columns into the regression beside the treatment."
                )
            raise CheckFailed(
                "on data from a confounded model with a known effect, your estimate is off by more than 0.05. "
                "Hint: regress the outcome on [1, treatment, adjustment columns] and return the treatment's "
                "coefficient."
            )
    # With no adjustment set, backdoor adjustment is the plain regression slope.
    X = tutoring_scm().sample(5_000, np.random.default_rng(34))
    answer = as_number(backdoor_adjusted_effect(X, TUTORING, SCORE, []), "backdoor_adjusted_effect(X, 1, 2, [])")
    if abs(answer - np.polyfit(X[:, TUTORING], X[:, SCORE], 1)[0]) > 1e-6:
        raise CheckFailed("with an empty adjustment set the answer should be the ordinary regression slope. Hint: "
                          "take the adjustment columns from the `adjustment` argument (it may be empty), not from "
                          "fixed column numbers.")
    return CheckResult(True, "adjusting for motivation recovers the causal effect on three different models.")


# --------------------------------------------------------------------------------- 1.4
def _reject_an_average_student(answer: float, model, observed: np.ndarray, tutoring: float) -> None:
    """Fail when ``answer`` is the score of an average student given ``tutoring`` (or of one with this motivation
    but no noise of their own). Asked at both stages: such an answer already misses the factual score."""
    average = model.mean(do={"tutoring": tutoring})[SCORE]
    population = model.weights[MOTIVATION, SCORE] * observed[MOTIVATION] + model.weights[TUTORING, SCORE] * tutoring
    if abs(answer - average) < 1e-6 or abs(answer - population) < 1e-6:
        raise CheckFailed(
            "you predicted an average student's score, not this student's. Hint: keep this "
            "student's own noise term (abduction) and add it back in the prediction step."
        )


def check_counterfactual_score(counterfactual_score) -> CheckResult:
    model = tutoring_scm()
    rng = np.random.default_rng(41)
    students = model.sample(6, rng)
    for row in students:
        observed = row.copy()
        same = as_number(counterfactual_score(observed.copy(), float(observed[TUTORING])), "counterfactual_score")
        if abs(same - observed[SCORE]) > 1e-6:
            _reject_an_average_student(same, model, observed, float(observed[TUTORING]))
            raise CheckFailed(
                "with the tutoring the student actually had, the counterfactual score should be the observed "
                "score. Hint: abduct this student's noise term from the observed row first."
            )
        new_tutoring = float(rng.normal(0.0, 2.0))
        answer = as_number(counterfactual_score(observed.copy(), new_tutoring), "counterfactual_score")
        truth = model.counterfactual(observed, do={"tutoring": new_tutoring})[SCORE]
        if abs(answer - truth) > 1e-6:
            _reject_an_average_student(answer, model, observed, new_tutoring)
            raise CheckFailed(
                "the counterfactual score does not follow from abduct, act, predict. Hint: noise = score - "
                "(its structural equation without noise); then recompute score with the new tutoring and "
                "the same motivation and noise."
            )
    return CheckResult(True, "abduct, act, predict done right: the same student, another amount of tutoring.")


EXERCISES = [
    Exercise("1.1", LESSON, "sample_tutoring", "Sample the tutoring model, with and without do", 3,
             check_sample_tutoring),
    Exercise("1.2", LESSON, "difference_in_means", "Difference in means", 2, check_difference_in_means),
    Exercise("1.3", LESSON, "backdoor_adjusted_effect", "Backdoor adjustment", 3, check_backdoor_adjusted_effect),
    Exercise("1.4", LESSON, "counterfactual_score", "A counterfactual by abduct, act, predict", 2,
             check_counterfactual_score),
]
