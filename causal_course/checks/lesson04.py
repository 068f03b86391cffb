"""Checks for the graded exercises of lesson 04 (*Data mixtures*)."""

from __future__ import annotations

import numpy as np

from causal_course.causal.fusion import inverse_variance_fusion as reference_fusion
from causal_course.checks import CheckFailed, CheckResult, Exercise, as_number
from causal_course.learners.mixtures import interventional_share_of, mixture_episodes

LESSON = "04_data_mixtures"


# --------------------------------------------------------------------------------- 4.1
def check_mixture_kinds(mixture_kinds) -> CheckResult:
    kinds = np.asarray(mixture_kinds(20_000, 0.3, np.random.default_rng(41)))
    if kinds.shape != (20_000,) or kinds.dtype != bool:
        raise CheckFailed(f"return a boolean array with one entry per episode; got dtype {kinds.dtype}, shape {kinds.shape}.")
    if abs(kinds.mean() - 0.3) > 0.02:
        raise CheckFailed("with share 0.3, about 30 % of the episodes should be interventional. "
                          "Hint: compare rng.random(n_episodes) with the share.")
    again = np.asarray(mixture_kinds(20_000, 0.3, np.random.default_rng(41)))
    if not np.array_equal(kinds, again):
        raise CheckFailed("the same seed gave a different mixture. Hint: draw from the `rng` argument only.")
    if np.array_equal(kinds, np.asarray(mixture_kinds(20_000, 0.3, np.random.default_rng(42)))):
        raise CheckFailed("different seeds gave the same mixture: the episodes' kinds should be random.")
    if np.asarray(mixture_kinds(500, 0.0, np.random.default_rng(0))).any():
        raise CheckFailed("with share 0 no episode may be interventional.")
    if not np.asarray(mixture_kinds(500, 1.0, np.random.default_rng(0))).all():
        raise CheckFailed("with share 1 every episode must be interventional.")
    for bad in (1.5, -0.1, 75):
        try:
            mixture_kinds(10, bad, np.random.default_rng(0))
        except ValueError:
            continue
        except Exception as error:  # e.g. an `assert`: the right idea, the wrong kind of error
            raise CheckFailed(f"share {bad} raised {type(error).__name__}, not a ValueError. Hint: `raise "
                              "ValueError(...)` with a message naming the share; an `assert` is skipped when Python "
                              "runs with -O and says nothing about what is wrong.") from None
        raise CheckFailed(f"share {bad} should raise a ValueError (a share is a fraction between 0 and 1).")
    return CheckResult(True, "random, reproducible, and strict about its share.")


# --------------------------------------------------------------------------------- 4.2
def check_interventional_share(interventional_share) -> CheckResult:
    rng = np.random.default_rng(43)
    for share in (0.0, 0.4, 1.0):
        for exploration in ("expert", "random"):
            actions = mixture_episodes(400, rng, share, exploration).actions
            answer = as_number(interventional_share(actions.copy()), "interventional_share(actions)")
            truth = interventional_share_of(actions)
            if abs(answer - truth) > 1e-9:
                steps = float(np.mean(actions > 0))
                if abs(answer - steps) < 1e-9:
                    raise CheckFailed("you counted intervention *steps*; count *episodes* with at least one "
                                      "intervention. Hint: (actions > 0).any(axis=1).")
                raise CheckFailed("not the share of episodes that contain at least one intervention.")
    return CheckResult(True, "you can tell how interventional a log is.")


# --------------------------------------------------------------------------------- 4.3
def check_inverse_variance_fusion(inverse_variance_fusion) -> CheckResult:
    cases = [([0.52, 0.41], [0.05, 0.2]), ([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]), ([0.3], [0.1]),
             ([-0.2, 0.6, 0.1], [0.3, 0.1, 0.25])]
    for estimates, errors in cases:
        answer = inverse_variance_fusion(np.array(estimates), np.array(errors))
        if not isinstance(answer, (tuple, list)) or len(answer) != 2:
            raise CheckFailed("return a pair (fused estimate, standard error).")
        estimate, error = (as_number(v, "inverse_variance_fusion(...)") for v in answer)
        truth, truth_error = reference_fusion(estimates, errors)
        if abs(estimate - truth) > 1e-9:
            if abs(estimate - float(np.mean(estimates))) < 1e-9 and len(set(errors)) > 1:
                raise CheckFailed("you took the plain mean; the more precise estimate must weigh more.")
            by_se = float(np.sum(np.array(estimates) / np.array(errors)) / np.sum(1 / np.array(errors)))
            if abs(estimate - by_se) < 1e-9:
                raise CheckFailed("weights are 1 / standard_error**2 (the inverse variance), not 1 / standard_error.")
            raise CheckFailed("the fused estimate is off. Hint: sum(w * estimate) / sum(w) with w = 1 / se**2.")
        if abs(error - truth_error) > 1e-9:
            weights = 1.0 / np.array(errors) ** 2
            if abs(error - 1.0 / np.sum(weights)) < 1e-9:
                raise CheckFailed("you returned the fused *variance* 1 / sum(w); the standard error is its square root.")
            raise CheckFailed("the fused standard error is off. Hint: 1 / sqrt(sum(w)); it is smaller than every "
                              "input's standard error.")
    return CheckResult(True, "fusion weighs each source by its precision, and the result is more precise than any.")


EXERCISES = [
    Exercise("4.1", LESSON, "mixture_kinds", "Which episodes are interventional", 3, check_mixture_kinds),
    Exercise("4.2", LESSON, "interventional_share", "How interventional is a log", 3, check_interventional_share),
    Exercise("4.3", LESSON, "inverse_variance_fusion", "Pooling estimates by precision", 4, check_inverse_variance_fusion),
]
