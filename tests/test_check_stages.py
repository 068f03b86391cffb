"""Every stage of the exercise checks of lessons 01, 02, 03, 07 (and the shared ``as_number``) can fail.

Issue 18, item 8: each stage of a check (a ``raise CheckFailed("... Hint: ...")``) is reached by a plausible
student mistake, which the check rejects with that stage's own message, and the message never shows the expected
answer. ``scripts/check_stages.py`` lists the stages no test reaches; this file covers those that the older tests
(tests/test_checks.py, test_structure.py, test_imitation.py) left out. One test per mistake, named after it.
"""

import copy
import dataclasses
import itertools

import numpy as np
import pytest
from test_checks import _expected_numbers, solved_functions

from causal_course.causal.dags import is_acyclic
from causal_course.causal.structure_learning import entropy_bits, family_score
from causal_course.checks import find_exercise, run_check
from causal_course.worlds import lane_keeping as lk
from causal_course.worlds.dag_episodes import ancestry

LESSONS = {"1": "01_seeing_vs_doing", "2": "02_experiments_reveal_structure", "3": "03_passive_causal_strategies",
           "5": "05_explanations", "7": "07_from_passive_to_active", "8": "08_language_models"}


@pytest.fixture(scope="module")
def solutions(root):
    return {major: solved_functions(root, lesson) for major, lesson in LESSONS.items()}


def rejected(solutions, exercise_id, wrong, *phrases):
    """Run ``wrong`` through the check of ``exercise_id``: it must fail with every phrase in its message, and the
    message must not contain any number the solution returns on the same inputs (the expected answer)."""
    exercise = find_exercise(exercise_id)
    solve = solutions[exercise_id.split(".")[0]][exercise.name]
    expected = set()

    def answer(*args, **kwargs):
        _expected_numbers(solve(*copy.deepcopy(args), **copy.deepcopy(kwargs)), expected)
        return wrong(*args, **kwargs)

    result = run_check(exercise, answer)
    assert not result.passed, f"{exercise_id}: the wrong answer passed: {result.message}"
    for phrase in phrases:
        assert phrase in result.message, f"{exercise_id}: expected {phrase!r} in: {result.message}"
    leaked = sorted(number for number in expected if number in result.message)
    assert not leaked, f"{exercise_id}: the message shows the expected answer {leaked}: {result.message}"
    return result.message


# ----------------------------------------------------------------------------- shared: as_number
def test_1_2_difference_in_means_that_returns_a_comparison_is_asked_for_a_number(solutions):
    def treated_did_better(outcome, treated):  # "did tutoring help?" instead of "by how much?"
        treated = np.asarray(treated, dtype=bool)
        return outcome[treated].mean() > outcome[~treated].mean()

    rejected(solutions, "1.2", treated_did_better, "should be a number, got a bool", "not a comparison")


# ----------------------------------------------------------------------------- 1.1
def _tutoring_sampler(n_samples, rng, do, noise=None):
    """The lesson's sampler, with ``noise(n)`` standing in for rng.normal(size=n) when given."""
    noise = noise or (lambda n: rng.normal(size=n))
    X = np.zeros((n_samples, 3))
    X[:, 0] = do[0] if 0 in do else noise(n_samples)
    X[:, 1] = do[1] if 1 in do else 0.8 * X[:, 0] + noise(n_samples)
    X[:, 2] = do[2] if 2 in do else 0.5 * X[:, 1] + 1.0 * X[:, 0] + noise(n_samples)
    return X


def test_1_1_sampler_that_returns_a_dict_of_columns_is_asked_for_an_array(solutions):
    def sample(n_samples, rng, do=None):
        X = _tutoring_sampler(n_samples, rng, do or {})
        return {"motivation": X[:, 0], "tutoring": X[:, 1], "score": X[:, 2]}

    rejected(solutions, "1.1", sample, "should be a numeric array, got dict", "np.column_stack")


def test_1_1_sampler_that_leaves_the_score_column_unset_is_caught(solutions):
    def sample(n_samples, rng, do=None):
        X = np.full((n_samples, 3), np.nan)  # a placeholder, so that a column never filled shows up
        X[:, 0] = rng.normal(size=n_samples)
        X[:, 1] = 0.8 * X[:, 0] + rng.normal(size=n_samples)
        X[:, 1] = 0.5 * X[:, 1] + 1.0 * X[:, 0] + rng.normal(size=n_samples)  # pasted line, column index not changed
        return X

    rejected(solutions, "1.1", sample, "contains NaN or inf", "unset value")


def test_1_1_sampler_that_builds_its_own_seeded_generator_is_caught(solutions):
    def sample(n_samples, rng, do=None):
        return _tutoring_sampler(n_samples, np.random.default_rng(0), do or {})  # ignores the `rng` argument

    rejected(solutions, "1.1", sample, "different seeds gave the same numbers", "draw the noise from `rng`")


def test_1_1_sampler_with_uniform_noise_gets_the_mean_wrong(solutions):
    def sample(n_samples, rng, do=None):
        return _tutoring_sampler(n_samples, rng, do or {}, noise=lambda n: rng.random(n))  # uniform on [0, 1)

    rejected(solutions, "1.1", sample, "the mean of motivation is too large", "standard normal noise")


def test_1_1_sampler_that_ignores_do_is_caught(solutions):
    def sample(n_samples, rng, do=None):
        return _tutoring_sampler(n_samples, rng, {})

    rejected(solutions, "1.1", sample, "the tutoring column should equal 2.0", "replaces tutoring's equation")


def test_1_1_sampler_that_conditions_on_tutoring_by_filtering_rows_is_caught(solutions):
    """Seeing instead of doing: keep the observational rows whose tutoring is close to the value, then set it."""
    def sample(n_samples, rng, do=None):
        do = do or {}
        kept = []
        while sum(len(rows) for rows in kept) < n_samples:
            X = _tutoring_sampler(200_000 if do else n_samples, rng, {})
            for column, value in do.items():
                X = X[np.abs(X[:, column] - value) < 0.25]
                X[:, column] = value
            kept.append(X)
        return np.concatenate(kept)[:n_samples]

    rejected(solutions, "1.1", sample, "the distribution of motivation changed", "cannot change its causes")


def test_1_1_sampler_that_ignores_do_on_motivation_is_named(solutions):
    def sample(n_samples, rng, do=None):
        do = do or {}
        X = _tutoring_sampler(n_samples, rng, {})
        if 1 in do:  # only the intervention the lesson shows
            X[:, 1] = do[1]
            X[:, 2] = 0.5 * X[:, 1] + 1.0 * X[:, 0] + rng.normal(size=n_samples)
        return X

    rejected(solutions, "1.1", sample, "the motivation column should equal -1.0", "not only tutoring's")


# ----------------------------------------------------------------------------- 1.3, 1.4
def test_1_3_backdoor_with_a_hard_coded_adjustment_column_fails_the_empty_set(solutions):
    def backdoor_adjusted_effect(X, treatment, outcome, adjustment):
        design = np.column_stack([np.ones(len(X)), X[:, treatment], X[:, 0]])  # motivation, whatever `adjustment` says
        return float(np.linalg.lstsq(design, X[:, outcome], rcond=None)[0][1])

    rejected(solutions, "1.3", backdoor_adjusted_effect, "empty adjustment set", "`adjustment` argument")


def test_1_4_counterfactual_of_an_average_student_is_named(solutions):
    def average_student(observed, new_tutoring):
        motivation, tutoring, score = observed
        return 0.5 * new_tutoring + 1.0 * motivation  # the structural equation without this student's noise

    rejected(solutions, "1.4", average_student, "an average student's score", "(abduction)")


def test_1_4_counterfactual_that_abducts_the_noise_without_motivation_misses_the_factual_score(solutions):
    def forgets_motivation(observed, new_tutoring):
        motivation, tutoring, score = observed
        noise = score - 0.5 * tutoring  # motivation's term left in the "noise"
        return 0.5 * new_tutoring + 1.0 * motivation + noise

    rejected(solutions, "1.4", forgets_motivation, "should be the observed score", "abduct this student's noise")


# ----------------------------------------------------------------------------- 2.1
def _pairs(n):
    return list(itertools.combinations(range(n), 2))


def test_2_1_dags_kept_as_edge_states_are_asked_for_matrices(solutions):
    def enumerate_dags(n_variables):
        dags = []
        for states in itertools.product((0, 1, -1), repeat=len(_pairs(n_variables))):
            adjacency = np.zeros((n_variables, n_variables), dtype=bool)
            for (i, j), state in zip(_pairs(n_variables), states):
                adjacency[i, j], adjacency[j, i] = state == 1, state == -1
            if is_acyclic(adjacency):
                dags.append(states)  # the states, not the matrix
        return dags

    rejected(solutions, "2.1", enumerate_dags, "adjacency matrix, got shape (0,)", "append the matrix itself")


def test_2_1_dags_with_minus_one_for_reversed_edges_are_asked_for_0_and_1(solutions):
    def enumerate_dags(n_variables):
        dags = []
        for states in itertools.product((0, 1, -1), repeat=len(_pairs(n_variables))):
            signed = np.zeros((n_variables, n_variables), dtype=int)
            for (i, j), state in zip(_pairs(n_variables), states):
                signed[i, j] = state  # -1 meant as "the edge points from j to i"
            if is_acyclic(signed == 1) and is_acyclic((signed == 1) | (signed == -1).T):
                dags.append(signed)
        return dags

    rejected(solutions, "2.1", enumerate_dags, "adjacency matrices hold True/False (or 0/1)")


def test_2_1_dags_without_the_no_edge_state_are_missing_some(solutions):
    def enumerate_dags(n_variables):
        dags = []
        for states in itertools.product((1, -1), repeat=len(_pairs(n_variables))):  # forgot "no edge"
            adjacency = np.zeros((n_variables, n_variables), dtype=bool)
            for (i, j), state in zip(_pairs(n_variables), states):
                adjacency[i, j], adjacency[j, i] = state == 1, state == -1
            if is_acyclic(adjacency):
                dags.append(adjacency)
        return dags

    rejected(solutions, "2.1", enumerate_dags, "some DAGs are missing", "three states of every pair")


# ----------------------------------------------------------------------------- 2.2 to 2.5
def test_2_2_equivalence_that_counts_shielded_colliders_is_caught(solutions):
    def are_markov_equivalent(first, second):
        first, second = np.asarray(first, dtype=bool), np.asarray(second, dtype=bool)

        def colliders(adjacency):  # every A -> C <- B, whether or not A and B are adjacent
            return {(int(a), c, int(b)) for c in range(len(adjacency))
                    for a, b in itertools.combinations(np.flatnonzero(adjacency[:, c]), 2)}

        return bool(np.array_equal(first | first.T, second | second.T) and colliders(first) == colliders(second))

    rejected(solutions, "2.2", are_markov_equivalent, "two fully connected DAGs on 3 variables are equivalent",
             "only when A and B have no edge")


def test_2_3_score_that_drops_every_interventional_sample_is_caught(solutions):
    def dag_log_score(adjacency, X, intervened):
        adjacency, intervened = np.asarray(adjacency, dtype=bool), np.asarray(intervened, dtype=bool)
        observational = ~intervened.any(axis=1)  # drops a sample for every variable once anything was set
        return sum(family_score(X[observational], j, np.flatnonzero(adjacency[:, j])) for j in range(X.shape[1]))

    rejected(solutions, "2.3", dag_log_score, "dropped the interventional samples for every variable",
             "drop it only when scoring B")


def test_2_4_posterior_that_forgets_to_exponentiate_is_caught(solutions):
    rejected(solutions, "2.4", lambda log_scores: log_scores / log_scores.sum(), "normalised the log scores themselves",
             "proportional to exp(log score)")


def test_2_4_posterior_that_clips_the_log_scores_against_underflow_is_caught(solutions):
    def posterior_from_log_scores(log_scores):
        weights = np.exp(np.clip(log_scores, -700.0, None))  # avoids 0 / 0, but every score below -700 ties
        return weights / weights.sum()

    rejected(solutions, "2.4", posterior_from_log_scores, "not proportional to exp(log score)", "do not clip")


def test_2_5_information_as_the_entropy_of_the_predicted_outcome_is_caught(solutions):
    def test_information_gain(posterior, p_light):
        return float(entropy_bits([posterior @ p_light, 1 - posterior @ p_light]))

    rejected(solutions, "2.5", test_information_gain, "entropy of the predicted outcome only",
             "the detector's own noise teaches nothing")


def test_2_5_information_that_weighs_the_rules_equally_is_caught(solutions):
    def test_information_gain(posterior, p_light):
        noise = entropy_bits(np.stack([p_light, 1 - p_light], axis=-1))
        return float(entropy_bits([posterior @ p_light, 1 - posterior @ p_light]) - noise.mean())

    rejected(solutions, "2.5", test_information_gain, "by the rule's posterior probability, not equally")


def test_2_5_information_as_the_entropy_of_the_posterior_is_caught(solutions):
    """How uncertain the rule is now, not what the test's outcome would tell: right on a decisive test only."""
    rejected(solutions, "2.5", lambda posterior, p_light: float(entropy_bits(posterior)),
             "a test teaches nothing: the gain must be 0", "not how uncertain the rule is now")


# ----------------------------------------------------------------------------- 3.1 to 3.6
def _strongest(scores, target):
    scores = np.array(scores, dtype=float)
    scores[target] = 0.0
    j = int(np.argmax(np.abs(scores)))
    return j, scores[j]


def _strongest_experiment(actions, values, target):
    """The step whose intervention (not on the target) moved the target most: the expert's evidence."""
    steps = [s for s in range(len(actions)) if actions[s] > 0 and actions[s] - 1 != target]
    return max(steps, key=lambda s: abs(values[s, target]))


def test_3_1_choice_that_returns_the_step_number_as_the_variable_is_named(solutions):
    def expert_goal_choice(actions, values, target):
        step = _strongest_experiment(actions, values, target)
        return 2 * step + int(values[step, target] < 0)  # the step, not actions[step] - 1

    rejected(solutions, "3.1", expert_goal_choice, "step number as the variable", "actions[step] - 1")


def test_3_1_choice_of_the_weakest_experiment_is_named(solutions):
    def expert_goal_choice(actions, values, target):
        steps = [s for s in range(5) if actions[s] > 0 and actions[s] - 1 != target]
        step = min(steps, key=lambda s: abs(values[s, target]))  # min for max
        return 2 * (actions[step] - 1) + int(values[step, target] < 0)

    rejected(solutions, "3.1", expert_goal_choice, "moved the target most", "skipping observe steps")


def test_3_1_choice_of_a_variable_the_episode_never_intervened_on_is_named(solutions):
    def expert_goal_choice(actions, values, target):
        untouched = [j for j in range(5) if j != target and j + 1 not in actions]
        if untouched:  # "the one we know least about might be the strongest"
            return 2 * untouched[0]
        step = _strongest_experiment(actions, values, target)
        return 2 * (actions[step] - 1) + int(values[step, target] < 0)

    rejected(solutions, "3.1", expert_goal_choice, "never intervened on", "evidence is values[step, target]")


def test_3_4_ancestor_by_paths_of_up_to_three_edges_is_caught_on_a_long_chain(solutions):
    def x0_ancestor_of_x1(weights):
        edges = (np.asarray(weights) != 0).astype(int)
        reach = edges + edges @ edges + edges @ edges @ edges  # one edge short of n - 1 = 4
        return bool(reach[0, 1] > 0)

    rejected(solutions, "3.4", x0_ancestor_of_x1, "path of four edges", "up to n - 1 edges")


@pytest.mark.parametrize("scale, phrases", [
    (lambda c: 1.0, ("ranked by the covariance", "divides by var(X_j)")),  # forgot to divide by var(X_j)
    (lambda c: np.sqrt(np.diag(c)), ("divided by sd(X_j), which ranks the same", "var(X_j)")),  # sd for variance
], ids=["raw covariance", "divided by the sd"])
def test_3_6_observer_that_ranks_by_the_wrong_scale_is_named(solutions, scale, phrases):
    def observer_goal_choice(values, target):
        c = np.cov(np.asarray(values).T)
        slope = c[:, target] / scale(c)
        slope[target] = 0.0
        j = int(np.argmax(np.abs(slope)))
        return 2 * j + int(slope[j] < 0)

    rejected(solutions, "3.6", observer_goal_choice, *phrases)


def test_3_2_choice_with_a_precedence_slip_returns_a_bool(solutions):
    def correlational_choice(values, target):
        j, r = _strongest(np.corrcoef(np.asarray(values).T)[:, target], target)
        return 2 * j + r < 0  # means 2 * j + (r < 0)

    rejected(solutions, "3.2", correlational_choice, "should be an integer goal action (0 to 9), got a bool")


def test_3_2_choice_that_returns_the_correlation_is_asked_for_an_action(solutions):
    def correlational_choice(values, target):
        return _strongest(np.corrcoef(np.asarray(values).T)[:, target], target)[1]

    rejected(solutions, "3.2", correlational_choice, "should be an integer from 0 to 9", "2 * j + 1 for -5")


def test_3_2_choice_that_keeps_the_targets_own_correlation_picks_the_target(solutions):
    def correlational_choice(values, target):
        correlation = np.corrcoef(np.asarray(values).T)[:, target]  # 1 on the target itself
        j = int(np.argmax(np.abs(correlation)))
        return 2 * j + int(correlation[j] < 0)

    rejected(solutions, "3.2", correlational_choice, "intervenes on the target itself")


def test_3_2_choice_without_the_absolute_value_is_caught(solutions):
    def correlational_choice(values, target):
        correlation = np.corrcoef(np.asarray(values).T)[:, target]
        correlation[target] = -np.inf
        j = int(np.argmax(correlation))  # a strong negative correlation never wins
        return 2 * j + int(correlation[j] < 0)

    rejected(solutions, "3.2", correlational_choice, "not the variable most correlated with the target",
             "np.corrcoef(values.T)[:, target]")


def test_3_3_normalised_reward_clipped_to_0_1_is_caught(solutions):
    def normalised_reward(rewards, optimal):
        return float(np.clip(np.mean(rewards) / np.mean(optimal), 0.0, 1.0))  # "a score lies between 0 and 1"

    rejected(solutions, "3.3", normalised_reward, "not mean(reward) / mean(optimal reward)")


def test_3_4_ancestor_only_when_x0_is_a_root_is_caught_on_random_dags(solutions):
    def x0_ancestor_of_x1(weights):
        edges = np.asarray(weights) != 0
        if edges[:, 0].any():  # "an ancestor is where the causal chain starts": X0 must have no parents
            return False
        return bool(ancestry(edges.astype(float))[0, 1])

    rejected(solutions, "3.4", x0_ancestor_of_x1, "wrong on some random DAGs", "directed path of edges")


def test_3_5_actions_with_the_observe_steps_as_one_array_are_not_array_like(solutions):
    def cued_exploration(cue, rng):
        cued = rng.permutation(np.flatnonzero(cue)) if np.any(cue) else rng.permutation(5)
        return list(cued + 1) + [np.zeros(5 - len(cued), dtype=int)]  # appended, not extended

    rejected(solutions, "3.5", cued_exploration, "should return 5 integer actions, got list")


def test_3_5_actions_padded_with_minus_one_are_out_of_range(solutions):
    def cued_exploration(cue, rng):
        cued = rng.permutation(np.flatnonzero(cue)) if np.any(cue) else rng.permutation(5)
        return np.concatenate([cued + 1, -np.ones(5 - len(cued), dtype=int)])  # -1 for "nothing to do"

    rejected(solutions, "3.5", cued_exploration, "actions are 0 (observe) or i + 1", "so 0 to 5")


def test_3_5_cued_variables_drawn_with_replacement_are_caught(solutions):
    def cued_exploration(cue, rng):
        cued = np.flatnonzero(cue) if np.any(cue) else np.arange(5)
        chosen = rng.choice(cued, size=len(cued))  # replace=True by default: repeats and gaps
        return np.concatenate([chosen + 1, np.zeros(5 - len(cued), dtype=int)])

    rejected(solutions, "3.5", cued_exploration, "intervened on exactly once (no repeats, none skipped)")


def test_3_5_exploration_that_does_nothing_without_a_cue_is_caught(solutions):
    def cued_exploration(cue, rng):
        cued = rng.permutation(np.flatnonzero(cue))  # no cue: observe five times
        return np.concatenate([cued + 1, np.zeros(5 - len(cued), dtype=int)]).astype(int)

    rejected(solutions, "3.5", cued_exploration, "without a cue (all zeros)", "all five variables")


def test_3_6_observer_that_keeps_the_targets_own_slope_picks_the_target(solutions):
    def observer_goal_choice(values, target):
        c = np.cov(np.asarray(values).T)
        slope = c[:, target] / np.diag(c)  # 1 on the target itself
        j = int(np.argmax(np.abs(slope)))
        return 2 * j + int(slope[j] < 0)

    rejected(solutions, "3.6", observer_goal_choice, "intervenes on the target itself")


def test_3_6_observer_with_a_multiple_regression_is_caught(solutions):
    def observer_goal_choice(values, target):
        values = np.asarray(values)
        others = [j for j in range(5) if j != target]  # the target on all the others at once
        design = np.column_stack([np.ones(len(values)), values[:, others]])
        coefficients = np.linalg.lstsq(design, values[:, target], rcond=None)[0][1:]
        k = int(np.argmax(np.abs(coefficients)))
        return 2 * others[k] + int(coefficients[k] < 0)

    rejected(solutions, "3.6", observer_goal_choice, "not the steepest slope of the target on another variable",
             "c[:, target] / np.diag(c)")


# ----------------------------------------------------------------------------- 7.1 to 7.3
def test_7_1_returns_to_go_as_a_reversed_iterator_is_asked_for_an_array(solutions):
    def returns_to_go(rewards):
        return reversed(np.cumsum(np.asarray(rewards)[..., ::-1], axis=-1))  # an iterator, not an array

    rejected(solutions, "7.1", returns_to_go, "should be a numeric array, got reversed", "np.array(...)")


def test_7_1_returns_to_go_that_stops_one_step_early_leaves_a_nan(solutions):
    def returns_to_go(rewards):
        rewards = np.asarray(rewards, dtype=float)
        to_go = np.full(rewards.shape, np.nan)
        for t in range(rewards.shape[-1] - 1):  # off by one: the last step is never filled
            to_go[..., t] = rewards[..., t:].sum(axis=-1)
        return to_go

    rejected(solutions, "7.1", returns_to_go, "contains NaN or inf", "never filled")


def test_7_1_returns_to_go_that_starts_after_step_t_is_caught(solutions):
    def returns_to_go(rewards):
        rewards = np.asarray(rewards, dtype=float)
        return np.stack([rewards[..., t + 1:].sum(axis=-1) for t in range(rewards.shape[-1])], axis=-1)

    rejected(solutions, "7.1", returns_to_go, "left out the reward of step t itself", "includes r_t")


def test_7_1_returns_to_go_along_the_first_axis_fails_on_a_batch(solutions):
    def returns_to_go(rewards):
        rewards = np.asarray(rewards, dtype=float)
        return np.flip(np.cumsum(np.flip(rewards, axis=0), axis=0), axis=0)  # right for one drive only

    rejected(solutions, "7.1", returns_to_go, "sum along each row (the last axis)")


def test_7_2_per_step_error_squared_is_caught(solutions):
    def per_step_error(actions, expert_actions, on_road):
        return float(((actions - expert_actions)[np.asarray(on_road, dtype=bool)] ** 2).mean())

    rejected(solutions, "7.2", per_step_error, "mean squared difference", "mean absolute difference")


def test_7_3_share_on_road_that_ends_at_the_line_is_caught(solutions):
    def share_on_road(offsets):
        return np.logical_and.accumulate(np.abs(offsets) < 1, axis=1).mean(axis=0)  # < instead of <=

    rejected(solutions, "7.3", share_on_road, "exactly on the line (|y| = 1) is still on the road")


def test_7_3_share_on_road_without_the_absolute_value_is_caught_on_random_drives(solutions):
    def share_on_road(offsets):
        return np.logical_and.accumulate(np.asarray(offsets) <= 1, axis=1).mean(axis=0)  # the right edge only

    rejected(solutions, "7.3", share_on_road, "wrong on random drives", "one row per car")


# ----------------------------------------------------------------------------- 7.4
def _new_steps(policy, rng, on_road_only=True):
    drives = lk.drive(policy, 10, 200, rng)
    kept = drives.on_road if on_road_only else np.ones_like(drives.on_road)
    return drives, drives.observations[kept], kept


def test_7_4_dagger_with_np_append_flattens_the_features(solutions):
    def dagger_round(policy, features, labels, rng):
        drives, new, kept = _new_steps(policy, rng)
        return np.append(features, new), np.append(labels, drives.expert_actions[kept])  # no axis=: flattened

    rejected(solutions, "7.4", dagger_round, "should be an (N, 3) array", "np.append without axis= flattens")


def test_7_4_dagger_that_drops_the_result_of_concatenate_adds_nothing(solutions):
    def dagger_round(policy, features, labels, rng):
        drives, new, kept = _new_steps(policy, rng)
        np.concatenate([features, new])  # not in place: the result is thrown away
        np.concatenate([labels, drives.expert_actions[kept]])
        return features, labels

    rejected(solutions, "7.4", dagger_round, "no new situations were added", "let the current policy drive")


def test_7_4_dagger_that_keeps_the_steps_after_leaving_the_road_is_caught(solutions):
    def dagger_round(policy, features, labels, rng):
        drives, new, kept = _new_steps(policy, rng, on_road_only=False)
        return np.concatenate([features, new]), np.concatenate([labels, drives.expert_actions[kept]])

    rejected(solutions, "7.4", dagger_round, "some added situations are off the road", "on_road is True")


def test_7_4_dagger_that_labels_with_the_rewards_is_caught(solutions):
    def dagger_round(policy, features, labels, rng):
        drives, new, kept = _new_steps(policy, rng)
        return np.concatenate([features, new]), np.concatenate([labels, drives.rewards[kept]])

    rejected(solutions, "7.4", dagger_round, "not the expert's actions in the new situations",
             "drives.expert_actions at the same steps")


def test_7_4_dagger_with_its_own_generator_is_caught(solutions):
    def dagger_round(policy, features, labels, rng):
        drives, new, kept = _new_steps(policy, np.random.default_rng(0))  # not the `rng` it is given
        return np.concatenate([features, new]), np.concatenate([labels, drives.expert_actions[kept]])

    rejected(solutions, "7.4", dagger_round, "with the rng you are given")


# ----------------------------------------------------------------------------- 8.4
def test_8_4_renumbering_that_leaves_a_dial_unfilled_is_caught(solutions):
    """Reaching this stage takes a Worlds built without its own validation (dataclasses.replace keeps the old
    effects, so Worlds does not check the new arrays); the NaN comes from a loop that stops one dial early."""
    def contradicting_worlds(worlds, target, rng):
        order = np.argsort(-ancestry(worlds.weights).sum(axis=1), axis=1, kind="stable")  # most ancestors first
        rows = np.arange(len(worlds))[:, None]
        weights = worlds.weights[rows[:, :, None], order[:, :, None], order[:, None, :]]
        noise_sd = np.full_like(worlds.noise_sd, np.nan)
        for new in range(4):  # off by one: dial 4 keeps its placeholder
            noise_sd[:, new] = worlds.noise_sd[rows[:, 0], order[:, new]]
        renumbered = dataclasses.replace(worlds, weights=weights, noise_sd=noise_sd,
                                         hidden_weights=worlds.hidden_weights[rows, order])
        return renumbered, np.argmax(order == np.asarray(target)[:, None], axis=1)

    rejected(solutions, "8.4", contradicting_worlds, "noise_sd contain NaN or inf")


# ----------------------------------------------------------------------------- 3.7 and 5.5: the last stages
def test_3_7_batch_with_the_last_readings_only_has_the_wrong_shape(solutions):
    def fixed_order_batch(batch_size, rng):
        batch = solutions["3"]["fixed_order_batch"](batch_size, rng)
        return dataclasses.replace(batch, values=batch.values[:, -1])  # "the readings after the last experiment"

    rejected(solutions, "3.7", fixed_order_batch, "batch.values has shape", "should be")


def test_3_7_batch_with_the_direct_weights_as_effects_is_caught(solutions):
    def fixed_order_batch(batch_size, rng):
        batch = solutions["3"]["fixed_order_batch"](batch_size, rng)
        return dataclasses.replace(batch, effects=batch.weights)  # direct edges, not total effects

    rejected(solutions, "3.7", fixed_order_batch, "not the total effects of batch.weights", "worlds.effects")


def test_5_5_loss_that_takes_the_log_before_picking_the_logged_class_is_infinite(solutions):
    import torch

    def step_effects_loss(logits, classes, valid):
        probabilities = torch.softmax(logits[valid], dim=-1)
        picked = probabilities * torch.nn.functional.one_hot(classes[valid], 3)  # zeros for the other classes
        return -torch.log(picked).sum(-1).mean()  # log(0) = -inf before the sum

    rejected(solutions, "5.5", step_effects_loss, "the loss is inf", "log_softmax")


def test_5_5_loss_that_transposes_before_reshaping_mixes_variables_and_classes(solutions):
    import torch.nn.functional as F

    def step_effects_loss(logits, classes, valid):
        scores = logits[valid].transpose(-1, -2).reshape(-1, 3)  # groups of 3 now cut across variables
        return F.cross_entropy(scores, classes[valid].reshape(-1))

    rejected(solutions, "5.5", step_effects_loss, "softmax runs over the wrong axis", "dim=-1")
