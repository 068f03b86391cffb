"""Each lesson-01 check accepts the solution and rejects plausible wrong answers with a specific message."""

import dataclasses

import nbformat
import numpy as np
import pytest
import torch

from causal_course.authoring.exercises import exercise_header
from causal_course.checks import CheckNotPassed, check, exercises_for, find_exercise, graded_lessons, run_check


def solved_functions(root, lesson):
    """The functions defined in the solved exercise cells of solutions/<lesson>.ipynb."""
    notebook = nbformat.read(root / "solutions" / f"{lesson}.ipynb", as_version=4)
    namespace = {"np": np}
    # the setup cell (imports and helpers) is the first code cell after the Colab install cell
    code = [cell for cell in notebook.cells if cell.cell_type == "code" and "google.colab" not in cell.source]
    exec(compile(code[0].source, "setup", "exec"), namespace)
    for cell in code:
        if exercise_header(cell.source):
            exec(compile(cell.source, "solution", "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def solution(root):
    return solved_functions(root, "01_seeing_vs_doing")


def verdict(exercise_id, answer):
    return run_check(find_exercise(exercise_id), answer)


def rejected(exercise_id, answer, *phrases):
    """``answer`` must fail ``exercise_id``'s check with every phrase in the message (the lesson test files share it)."""
    result = verdict(exercise_id, answer)
    assert not result.passed and all(phrase in result.message for phrase in phrases), result.message
    return result.message


ALL_EXERCISES = [e for lesson in graded_lessons() for e in exercises_for(lesson)]


@pytest.mark.parametrize("exercise", ALL_EXERCISES, ids=lambda e: e.id)
def test_solution_passes(root, exercise):
    result = run_check(exercise, solved_functions(root, exercise.lesson)[exercise.name])
    assert result.passed, result.message


@pytest.mark.parametrize("exercise", ALL_EXERCISES, ids=lambda e: e.id)
def test_stub_and_empty_answers_fail(exercise):
    def stub(*args, **kwargs):
        raise NotImplementedError("stub")

    def returns_none(*args, **kwargs):
        return None

    assert "not attempted yet" in run_check(exercise, stub).message
    assert not run_check(exercise, stub).passed
    assert not run_check(exercise, returns_none).passed
    assert not run_check(exercise, 42).passed


def test_sampler_without_confounding_edge(solution):
    def sample(n_samples, rng, do=None):
        do = do or {}
        X = np.zeros((n_samples, 3))
        X[:, 0] = do.get(0, rng.normal(size=n_samples))
        X[:, 1] = do.get(1, rng.normal(size=n_samples))  # forgot motivation -> tutoring
        X[:, 2] = do.get(2, 0.5 * X[:, 1] + X[:, 0] + rng.normal(size=n_samples))
        return X

    result = verdict("1.1", sample)
    assert not result.passed and "cov(motivation, tutoring)" in result.message and "Hint" in result.message


def test_sampler_that_conditions_instead_of_intervening(solution):
    def sample(n_samples, rng, do=None):
        X = solution["sample_tutoring"](n_samples, rng)
        for column, value in (do or {}).items():
            X[:, column] = value  # overwrite after the fact: downstream variables never see it
        return X

    result = verdict("1.1", sample)
    assert not result.passed and "do(tutoring = 2)" in result.message


def test_sampler_using_global_random_state():
    def sample(n_samples, rng, do=None):
        return np.random.normal(size=(n_samples, 3))

    assert "same seed" in verdict("1.1", sample).message


def test_difference_in_means_wrong_sign_and_one_group_only():
    flipped = lambda outcome, treated: np.mean(outcome[~np.asarray(treated, bool)]) - np.mean(outcome[np.asarray(treated, bool)])
    assert "sign is flipped" in verdict("1.2", flipped).message
    treated_only = lambda outcome, treated: np.mean(outcome[np.asarray(treated, bool)])
    assert "treated group's mean only" in verdict("1.2", treated_only).message
    no_bool = lambda outcome, treated: outcome[treated].mean() - outcome[~treated].mean() if treated.dtype == bool else 0.0
    assert "0/1 integers" in verdict("1.2", no_bool).message


def test_backdoor_without_intercept_or_adjustment():
    def no_intercept(X, treatment, outcome, adjustment):
        design = X[:, [treatment, *adjustment]]
        return np.linalg.lstsq(design, X[:, outcome], rcond=None)[0][0]

    assert "intercept" in verdict("1.3", no_intercept).message

    def naive(X, treatment, outcome, adjustment):
        return np.polyfit(X[:, treatment], X[:, outcome], 1)[0]

    assert "naive observational slope" in verdict("1.3", naive).message

    def hard_coded(X, treatment, outcome, adjustment):
        return 0.5

    assert not verdict("1.3", hard_coded).passed

    def mutates(X, treatment, outcome, adjustment):
        X -= X.mean(axis=0)
        return 0.5

    assert "in place" in verdict("1.3", mutates).message


def test_counterfactual_that_forgets_abduction():
    def average_student(observed, new_tutoring):
        motivation, tutoring, score = observed
        return 0.5 * new_tutoring + 1.0 * motivation

    result = verdict("1.4", average_student)
    assert not result.passed and "abduct" in result.message

    def wrong_weight(observed, new_tutoring):
        motivation, tutoring, score = observed
        return score + 0.8 * (new_tutoring - tutoring)

    assert "abduct, act, predict" in verdict("1.4", wrong_weight).message


def test_messages_never_contain_the_true_effect_value():
    wrong = lambda X, t, o, a: 123.0
    assert "0.5" not in verdict("1.3", wrong).message


def test_registry_ids_are_unique_and_named():
    ids = [e.id for lesson in graded_lessons() for e in exercises_for(lesson)]
    assert len(ids) == len(set(ids))
    with pytest.raises(ValueError, match="known exercises"):
        find_exercise("9.9")


# ------------------------------------------------------------------------- lesson 03
def test_expert_choice_wrong_sign_or_wrong_evidence(root):
    right = solved_functions(root, "03_passive_causal_strategies")["expert_goal_choice"]

    def no_sign(actions, values, target):
        return 2 * (right(actions, values, target) // 2)

    assert "wrong sign" in verdict("3.1", no_sign).message

    def reads_intervened_variable(actions, values, target):
        best = max((s for s in range(5) if actions[s] > 0 and actions[s] - 1 != target),
                   key=lambda s: abs(values[s, actions[s] - 1]))
        return 2 * (actions[best] - 1)

    assert not verdict("3.1", reads_intervened_variable).passed

    def may_pick_target(actions, values, target):
        return 2 * target

    assert "target itself" in verdict("3.1", may_pick_target).message


def test_correlational_choice_with_covariance_is_caught():
    def covariance_choice(values, target):
        covariance = np.cov(np.asarray(values).T)[:, target]
        covariance[target] = 0.0
        j = int(np.argmax(np.abs(covariance)))
        return 2 * j + (covariance[j] < 0)

    result = verdict("3.2", covariance_choice)
    assert not result.passed and "covariance" in result.message


def test_normalised_reward_per_episode_ratio_is_caught():
    def per_episode(rewards, optimal):
        rewards, optimal = np.asarray(rewards), np.asarray(optimal)
        return float(np.nanmean(rewards / np.where(optimal == 0, np.nan, optimal)))

    assert not verdict("3.3", per_episode).passed

    def subtracts_half(rewards, optimal):
        return float((np.mean(rewards) - 0.5 * np.mean(optimal)) / (0.5 * np.mean(optimal)))

    assert "random agent" in verdict("3.3", subtracts_half).message


def test_ancestor_predicate_mistakes_are_caught():
    direct_only = lambda weights: bool(weights[0, 1] != 0)
    assert "paths of any length" in verdict("3.4", direct_only).message or "cancel" in verdict("3.4", direct_only).message

    def uses_total_effect(weights):
        w = np.asarray(weights, dtype=float)
        return bool(abs(np.linalg.inv(np.eye(5) - w)[0, 1]) > 1e-9)

    assert "cancel" in verdict("3.4", uses_total_effect).message

    transposed = lambda weights: bool(np.linalg.matrix_power(np.eye(5) + (np.asarray(weights) != 0).T, 4)[0, 1] > 0)
    assert not verdict("3.4", transposed).passed


def test_cued_exploration_mistakes_are_caught(root):
    right = solved_functions(root, "03_passive_causal_strategies")["cued_exploration"]
    assert verdict("3.5", right).passed

    def fills_with_experiments(cue, rng):  # the cued ones first, then the rest: no experiment saved
        cued = rng.permutation(np.nonzero(cue)[0]) if np.any(cue) else np.arange(5)
        rest = [v for v in range(5) if v not in cued]
        return np.array(list(cued) + rest) + 1

    assert "did not mark" in verdict("3.5", fills_with_experiments).message

    def fixed_order(cue, rng):
        chosen = np.nonzero(cue)[0] if np.any(cue) else np.arange(5)
        actions = np.zeros(5, dtype=int)
        actions[:len(chosen)] = chosen + 1
        return actions

    assert "same order" in verdict("3.5", fixed_order).message

    def observes_first(cue, rng):
        return np.roll(right(cue, rng), 5 - int(np.sum(cue)) if np.any(cue) else 0)

    assert "first" in verdict("3.5", observes_first).message

    def global_random(cue, rng):
        return right(cue, np.random.default_rng())

    assert "same seed" in verdict("3.5", global_random).message


def test_observer_choice_mistakes_are_caught(root):
    right = solved_functions(root, "03_passive_causal_strategies")["observer_goal_choice"]
    assert verdict("3.6", right).passed

    def correlation(values, target):
        c = np.corrcoef(np.asarray(values).T)[:, target]
        c[target] = 0.0
        j = int(np.argmax(np.abs(c)))
        return 2 * j + (c[j] < 0)

    assert "correlation" in verdict("3.6", correlation).message

    def reverse_slope(values, target):
        c = np.cov(np.asarray(values).T)
        slope = c[:, target] / c[target, target]
        slope[target] = 0.0
        j = int(np.argmax(np.abs(slope)))
        return 2 * j + (slope[j] < 0)

    assert not verdict("3.6", reverse_slope).passed

    def no_sign(values, target):
        return 2 * (right(values, target) // 2)

    assert "wrong sign" in verdict("3.6", no_sign).message


def _perturbed(value):
    """A near miss of ``value``: numbers shifted, booleans flipped, text extended, containers element by element."""
    if isinstance(value, (bool, np.bool_)):
        return not value
    if isinstance(value, str):
        return value + " x"
    if isinstance(value, (int, np.integer)):
        return value + 1
    if isinstance(value, (float, np.floating)):
        return value + 0.37
    if isinstance(value, np.ndarray):
        return ~value if value.dtype == bool else value + (1 if value.dtype.kind in "iu" else 0.37)
    if isinstance(value, (tuple, list)):
        return type(value)(_perturbed(v) for v in value)
    if isinstance(value, dict):
        return {k: _perturbed(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # e.g. an EpisodeBatch: its arrays, one by one
        return dataclasses.replace(value, **{f.name: _perturbed(getattr(value, f.name)) for f in dataclasses.fields(value)
                                             if isinstance(getattr(value, f.name), np.ndarray)})
    if isinstance(value, torch.Tensor):  # a loss (exercise 5.5): shifted, still carrying its gradient
        return value + 0.37
    return value


def _expected_numbers(value, found):
    if isinstance(value, (bool, np.bool_)):
        return found
    if isinstance(value, (int, float, np.integer, np.floating)):
        if np.isfinite(value) and value != int(value):
            found.update({f"{value:.3f}", f"{value:.4f}", repr(float(value))})
    elif isinstance(value, np.ndarray) and value.size <= 20 and value.dtype.kind == "f":
        for v in value.ravel():
            _expected_numbers(float(v), found)
    elif isinstance(value, (tuple, list)):
        for v in value:
            _expected_numbers(v, found)
    elif isinstance(value, dict):
        for v in value.values():
            _expected_numbers(v, found)
    elif isinstance(value, torch.Tensor) and value.numel() <= 20:
        _expected_numbers(value.detach().numpy().astype(float), found)
    return found


@pytest.mark.parametrize("exercise", ALL_EXERCISES, ids=lambda e: e.id)
def test_feedback_on_a_near_miss_never_prints_the_expected_answer(root, exercise):
    solve = solved_functions(root, exercise.lesson)[exercise.name]
    expected = set()

    def near_miss(*args, **kwargs):
        answer = solve(*args, **kwargs)
        _expected_numbers(answer, expected)
        return _perturbed(answer)

    result = run_check(exercise, near_miss)
    assert not result.passed, f"{exercise.id}: a perturbed answer passed: {result.message}"
    leaked = [number for number in expected if number in result.message]
    assert not leaked, f"{exercise.id}: the message shows the expected answer {leaked}: {result.message}"


def _wrong_sign_difference(outcome, treated):
    treated = np.asarray(treated, dtype=bool)
    return np.mean(outcome[~treated]) - np.mean(outcome[treated])


def test_check_prints_feedback_and_never_raises_in_jupyterlab(monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert check("1.2", _wrong_sign_difference) is None
    assert capsys.readouterr().out.startswith("[NOT YET] Exercise 1.2:")


@pytest.mark.parametrize("mode", ["autograde", "validate"])  # the values nbgrader 0.9 sets
def test_check_raises_under_nbgrader_so_the_cell_scores_zero(monkeypatch, capsys, mode):
    monkeypatch.setenv("NBGRADER_EXECUTION", mode)
    with pytest.raises(CheckNotPassed, match=r"^Exercise 1\.2: ") as failure:
        check("1.2", _wrong_sign_difference)
    assert isinstance(failure.value, AssertionError)  # nbgrader's convention for a failed test cell
    assert capsys.readouterr().out.startswith("[NOT YET] Exercise 1.2:")  # the feedback is printed too


def test_an_untouched_stub_raises_under_nbgrader(monkeypatch, capsys):
    def difference_in_means(outcome, treated):
        raise NotImplementedError("Exercise 1.2: Difference in means")

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(CheckNotPassed, match="not attempted yet"):
        check("1.2", difference_in_means)
    monkeypatch.setenv("NBGRADER_EXECUTION", "")  # empty: not under nbgrader
    check("1.2", difference_in_means)
    assert "[NOT YET]" in capsys.readouterr().out


def test_a_passing_check_does_not_raise_under_nbgrader(monkeypatch, capsys):
    def difference_in_means(outcome, treated):
        treated = np.asarray(treated, dtype=bool)
        return np.mean(outcome[treated]) - np.mean(outcome[~treated])

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    check("1.2", difference_in_means)
    assert capsys.readouterr().out.startswith("[PASSED] Exercise 1.2:")


def _interval(differences, quantile, spread):
    mean = float(np.mean(differences))
    return mean, mean - quantile * spread, mean + quantile * spread


@pytest.mark.parametrize("wrong, message", [
    (lambda a, b: _interval(b - a, 2.0, 0.0), "the sign is reversed"),
    (lambda a, b: _interval(a - b, 1.96, np.std(a - b, ddof=1) / np.sqrt(len(a))), "not 1.96"),
    (lambda a, b: _interval(a - b, _t(len(a) - 1), np.std(a - b) / np.sqrt(len(a))), "ddof=1"),
    (lambda a, b: _interval(a - b, _t(len(a) - 1), np.std(a - b, ddof=1)), "divides the standard deviation by sqrt(n)"),
    (lambda a, b: _interval(a - b, _t(len(a)), np.std(a - b, ddof=1) / np.sqrt(len(a))), "n - 1 degrees of freedom"),
    (lambda a, b: _interval(a - b, _t(len(a) - 1), np.sqrt(np.var(a, ddof=1) / len(a) + np.var(b, ddof=1) / len(b))),
     "treats the two conditions as independent"),
    (lambda a, b: (float(np.mean(a) - np.mean(b)),) * 3, "interval for"),
    (lambda a, b: float(np.mean(a - b)), "return three numbers"),
])
def test_paired_interval_mistakes_are_caught(wrong, message):
    result = verdict("5.4", lambda a, b: wrong(np.asarray(a), np.asarray(b)))
    assert not result.passed and message in result.message, result.message


def _t(degrees_of_freedom):
    from causal_course.statistics import t_quantile_95

    return t_quantile_95(degrees_of_freedom)


# --- issue 18: wrong-answer tests for 1.2, 4.x, 6.x
# One test per plausible wrong answer, each asserting the check's own message, so that every stage of checks
# 1.2, 4.1-4.3 and 6.1-6.3 is reached by some test (a stage that no test reaches can be weakened unnoticed).
def _right_difference(outcome, treated):
    treated = np.asarray(treated, dtype=bool)
    return float(np.mean(np.asarray(outcome, dtype=float)[treated]) - np.mean(np.asarray(outcome, dtype=float)[~treated]))


def test_difference_in_means_of_medians_or_the_overall_mean_is_rejected():
    medians = lambda outcome, treated: float(np.median(outcome[np.asarray(treated, bool)])
                                             - np.median(outcome[~np.asarray(treated, bool)]))
    result = verdict("1.2", medians)
    assert not result.passed and "does not equal the treated group's mean minus" in result.message
    treated_minus_everyone = lambda outcome, treated: float(np.mean(outcome[np.asarray(treated, bool)]) - np.mean(outcome))
    assert "does not equal the treated group's mean minus" in verdict("1.2", treated_minus_everyone).message


def test_difference_in_means_as_a_ratio_or_a_relative_lift_fails_the_shift_stage():
    """Both change when every outcome moves by a constant; a difference of means does not."""
    def lift(outcome, treated):
        treated = np.asarray(treated, bool)
        return float(np.mean(outcome[treated]) / np.mean(outcome[~treated]) - 1.0)

    result = verdict("1.2", lift)
    assert not result.passed and "adding a constant to every outcome changed your answer" in result.message
    ratio = lambda outcome, treated: float(np.mean(outcome[np.asarray(treated, bool)]) / np.mean(outcome[~np.asarray(treated, bool)]))
    assert "a ratio or a relative lift" in verdict("1.2", ratio).message


def test_difference_in_means_pasted_from_the_check_fails_the_trial_stage():
    """A number pasted in from the check's own data (here: remembered from the first call) is exact once, and
    even shift-invariant, but it is not an estimator: on a randomised trial it is far from the effect."""
    remembered = []

    def pasted(outcome, treated):
        if not remembered:
            remembered.append(_right_difference(outcome, treated))
        return remembered[0]

    result = verdict("1.2", pasted)
    assert not result.passed and "randomised trial your estimate is far from the causal effect" in result.message


def test_mixture_kinds_mistakes_are_caught():
    as_integers = lambda n, share, rng: (rng.random(n) < share).astype(int)
    assert "return a boolean array" in verdict("4.1", as_integers).message
    inverted = lambda n, share, rng: rng.random(n) > share  # the observational share instead
    assert "about 30 % of the episodes" in verdict("4.1", inverted).message
    global_random = lambda n, share, rng: np.random.random(n) < share
    assert "same seed gave a different mixture" in verdict("4.1", global_random).message
    first_episodes = lambda n, share, rng: np.arange(n) < round(share * n)  # exact share, but not random
    assert "different seeds gave the same mixture" in verdict("4.1", first_episodes).message


def test_mixture_kinds_that_forces_both_kinds_fails_at_share_0_and_1():
    def at_least_one_interventional(n, share, rng):
        kinds = rng.random(n) < share
        kinds[0] = True
        return kinds

    assert "with share 0 no episode may be interventional" in verdict("4.1", at_least_one_interventional).message

    def at_least_one_observational(n, share, rng):
        kinds = rng.random(n) < share
        kinds[0] = False
        return kinds

    assert "with share 1 every episode must be interventional" in verdict("4.1", at_least_one_observational).message


def test_mixture_kinds_that_does_not_validate_its_share_is_caught():
    unchecked = lambda n, share, rng: rng.random(n) < share
    assert "share 1.5 should raise a ValueError" in verdict("4.1", unchecked).message

    def only_too_large(n, share, rng):
        if share > 1:
            raise ValueError("share above 1")
        return rng.random(n) < share

    assert "share -0.1 should raise a ValueError" in verdict("4.1", only_too_large).message

    def percentage_slips_through(n, share, rng):  # 0 <= share <= 100 taken as a percentage: 75 passes
        if not 0 <= share <= 100 or 1 < share < 2:
            raise ValueError("share must be a fraction or a percentage")
        return rng.random(n) < (share / 100 if share > 1 else share)

    assert "share 75 should raise a ValueError" in verdict("4.1", percentage_slips_through).message

    def asserts(n, share, rng):
        assert 0 <= share <= 1, "share must be between 0 and 1"
        return rng.random(n) < share

    result = verdict("4.1", asserts)
    assert not result.passed and "raised AssertionError, not a ValueError" in result.message


@pytest.mark.parametrize("wrong, message", [
    (lambda actions: float(np.mean(actions > 0)), "you counted intervention *steps*"),
    (lambda actions: float(np.mean((actions > 0).all(axis=1))), "not the share of episodes"),
    (lambda actions: float(np.sum((actions > 0).any(axis=1))), "not the share of episodes"),
    (lambda actions: float(np.mean(actions[:, 0] > 0)), "not the share of episodes"),
    (lambda actions: float(np.mean((actions > 1).any(axis=1))), "not the share of episodes"),  # do(X0) taken as observe
])
def test_interventional_share_mistakes_are_caught(wrong, message):
    result = verdict("4.2", wrong)
    assert not result.passed and message in result.message, result.message


def _fusion(estimates, standard_errors, weight_power=2, error=None):
    estimates, standard_errors = np.asarray(estimates, float), np.asarray(standard_errors, float)
    weights = 1.0 / standard_errors ** weight_power
    estimate = float(np.sum(weights * estimates) / np.sum(weights))
    right_error = float(1.0 / np.sqrt(np.sum(1.0 / standard_errors ** 2)))
    return estimate, right_error if error is None else error(standard_errors)


@pytest.mark.parametrize("wrong, message", [
    (lambda e, s: _fusion(e, s)[0], "return a pair"),
    (lambda e, s: {"estimate": _fusion(e, s)[0], "se": _fusion(e, s)[1]}, "return a pair"),
    (lambda e, s: ("fused", _fusion(e, s)[1]), "should be a single number"),
    (lambda e, s: (float(np.mean(e)), _fusion(e, s)[1]), "you took the plain mean"),
    (lambda e, s: _fusion(e, s, weight_power=1), "not 1 / standard_error"),
    (lambda e, s: _fusion(e, 1.0 / np.asarray(s)), "the fused estimate is off"),  # weights s**2: the noisy one weighs most
    (lambda e, s: _fusion(e, s, error=lambda s: float(1.0 / np.sum(1.0 / s ** 2))), "fused *variance*"),
    (lambda e, s: _fusion(e, s, error=lambda s: float(np.mean(s))), "the fused standard error is off"),
    (lambda e, s: _fusion(e, s, error=lambda s: float(np.sqrt(np.sum(s ** 2)) / len(s))),
     "the fused standard error is off"),
])
def test_inverse_variance_fusion_mistakes_are_caught(wrong, message):
    result = verdict("4.3", wrong)
    assert not result.passed and message in result.message, result.message


@pytest.mark.parametrize("wrong, message", [
    (lambda objects, d: np.array([int(np.sum(objects[:, d] == v) == 1) for v in objects[:, d]]), "bool array of shape (4,)"),
    (lambda objects, d: np.asarray(objects)[d] != 0, "bool array of shape (4,)"),  # a row instead of a column
    (lambda objects, d: np.nonzero([np.sum(objects[:, d] == v) == 1 for v in objects[:, d]])[0], "bool array"),
    (lambda objects, d: objects[:, d] != np.bincount(objects[:, d]).argmax(), "not merely when it differs from"),
    (lambda objects, d: objects[:, d] != objects[0, d], "wrong on some scene"),  # compared with the first object only
    (lambda objects, d: np.array([np.sum(objects[:, d] == v) <= 2 for v in objects[:, d]]), "wrong on some scene"),
])
def test_is_unique_mistakes_are_caught(wrong, message):
    result = verdict("6.1", wrong)
    assert not result.passed and message in result.message, result.message


def _scene(rng, shuffle=True, new_value=None, values=6, offset=0, labels=(0, 1, 2, -1), permute_labels=True,
           pair=tuple):
    common = rng.choice(values, size=3, replace=False)
    objects = np.tile(common, (4, 1))
    for dimension in range(3):
        other = (new_value(rng, common[dimension]) if new_value
                 else rng.choice([v for v in range(values) if v != common[dimension]]))
        objects[dimension, dimension] = other
    unique_dimension = np.array(labels)
    order = rng.permutation(4) if shuffle else np.arange(4)
    return pair([objects[order] + offset, unique_dimension[order] if permute_labels else unique_dimension])


@pytest.mark.parametrize("wrong, message", [
    (lambda rng: _scene(rng, pair=list), "return a pair (objects, unique_dimension)"),
    (lambda rng: _scene(rng)[0], "return a pair"),
    (lambda rng: (_scene(rng)[0].T, _scene(rng)[1]), "objects must have shape (4, 3)"),
    (lambda rng: _scene(rng, offset=1), "values must be integers from 0 to 5"),  # values 1..6
    (lambda rng: _scene(rng, labels=(1, 2, 3, 0)), "name each dimension 0, 1, 2 once and -1 once"),
    (lambda rng: _scene(rng, new_value=lambda rng, common: rng.integers(6)), "but unique_dimension says"),
    (lambda rng: _scene(rng, permute_labels=False), "but unique_dimension says"),  # objects shuffled, labels not
    (lambda rng: _scene(np.random.default_rng(0)), "the scenes hardly vary"),
    (lambda rng: _scene(np.random.default_rng()), "the same seed gave a different scene"),
    (lambda rng: _scene(rng, shuffle=False), "always in the same place"),
])
def test_deconfounded_scene_mistakes_are_caught(wrong, message):
    result = verdict("6.2", wrong)
    assert not result.passed and message in result.message, result.message


def _shares(choices, unique_dimension, names=("colour", "shape", "texture"), none=-1, counts=False):
    picked = np.asarray(unique_dimension)[np.arange(len(choices)), np.asarray(choices)]
    reduce = np.sum if counts else np.mean
    shares = {name: float(reduce(picked == d)) for d, name in enumerate(names)}
    shares["none"] = float(reduce(picked == none))
    return shares


@pytest.mark.parametrize("wrong, message", [
    (lambda c, u: _shares(c, u, names=("color", "shape", "texture")), "return a dict with the keys"),
    (lambda c, u: list(_shares(c, u).values()), "return a dict with the keys"),
    (lambda c, u: _shares(c, u, counts=True), "the share for 'colour' is off"),
    (lambda c, u: _shares(c, u, names=("shape", "colour", "texture")), "the share for 'colour' is off"),
    (lambda c, u: _shares(c, u, none=3), "the share for 'none' is off"),
    (lambda c, u: {**_shares(c, u), "none": 1.0 - _shares(c, u)["colour"]}, "the share for 'none' is off"),
    (lambda c, u: _shares(np.arange(len(c)) % 4, u), "is off"),  # the choices ignored
    (lambda c, u: _shares(c, np.asarray(u).T[:, :len(c)] if np.asarray(u).shape[0] == 4 else np.roll(u, 1, axis=1)),
     "is off"),  # the chosen object read at the wrong index
])
def test_choice_shares_mistakes_are_caught(wrong, message):
    result = verdict("6.3", wrong)
    assert not result.passed and message in result.message, result.message


def test_choice_shares_that_skips_an_episode_is_caught():
    """Off by a five-hundredth only: the check compares exactly, so a loop that starts at 1 is caught."""
    def from_episode_one(choices, unique_dimension):
        return _shares(np.asarray(choices)[1:], np.asarray(unique_dimension)[1:])

    result = verdict("6.3", from_episode_one)
    assert not result.passed and "is off" in result.message


def test_choice_shares_by_bincount_without_minlength_fails_when_all_choices_agree():
    """Right on random choices; when every choice falls on the object unique in colour, bincount is too short."""
    def by_bincount(choices, unique_dimension):
        counts = np.bincount(np.asarray(unique_dimension)[np.arange(len(choices)), np.asarray(choices)] + 1)
        return {"none": counts[0] / len(choices), "colour": counts[1] / len(choices), "shape": counts[2] / len(choices),
                "texture": counts[3] / len(choices)}

    result = verdict("6.3", by_bincount)
    assert not result.passed and "raised IndexError" in result.message


def test_paired_interval_that_only_works_on_arrays_is_caught():
    def on_arrays_only(a, b):  # a - b on two lists raises TypeError: the lesson's cached values are lists
        d = a - b
        half = _t(len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
        return d.mean(), d.mean() - half, d.mean() + half

    assert not verdict("5.4", on_arrays_only).passed


@pytest.mark.parametrize("wrong, message", [
    (lambda r: 2 - np.digitize(r, [-2.5, 2.5]), "swapped"),
    (lambda r: np.sign(r).astype(int) + 1, "not with 0"),
    (lambda r: np.where(r > 5, 2, np.where(r < -5, 0, 1)), "otherwise left"),
])
def test_step_effect_mistakes_are_caught(wrong, message):
    result = verdict("5.2", lambda readings: wrong(np.asarray(readings)))
    assert not result.passed and message in result.message, result.message
