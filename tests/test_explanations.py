"""Lesson 05: explanation targets, losses, the experiment's contract and the lambda widget."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from conftest import exercise_controls  # noqa: E402

from causal_course.learners.explanations import (  # noqa: E402
    explanation_loss,
    explanation_targets,
    loss_with_explanations,
)
from causal_course.learners.models import build_model  # noqa: E402
from causal_course.learners.training import imitation_loss, train_behaviour_cloning  # noqa: E402
from causal_course.widgets.explanations import lambda_widget, render_explanation_curves, render_lambda  # noqa: E402
from causal_course.worlds.dag_episodes import expert_episodes  # noqa: E402


@pytest.fixture(scope="module")
def batch():
    return expert_episodes(128, np.random.default_rng(0))


def test_targets_of_one_episode_worked_by_hand():
    """X0 -> X1 (+1), X1 -> X3 (-1), X2 -> X3 (+1); target X3. The expert did X2, then X0, then observed three
    times, and raised X2 (goal action 2 * 2 + 0 = 4). Every expected value below is written out by hand."""
    from causal_course.worlds.dag_episodes import EpisodeBatch

    weights = np.zeros((1, 5, 5))
    weights[0, 0, 1], weights[0, 1, 3], weights[0, 2, 3] = 1.0, -1.0, 1.0
    effects = np.array([[[1, 1, 0, -1, 0],  # total effects, row = cause: X0 reaches X3 through X1 (1 * -1)
                         [0, 1, 0, -1, 0],
                         [0, 0, 1, 1, 0],
                         [0, 0, 0, 1, 0],
                         [0, 0, 0, 0, 1]]], dtype=float)
    batch = EpisodeBatch(weights, effects, target=np.array([3]), actions=np.array([[3, 1, 0, 0, 0]]),
                         values=np.zeros((1, 5, 5)), goal_action=np.array([4]))
    assert explanation_targets(batch, "effects")["effects"].tolist() == [[-1.0, -1.0, 1.0, 1.0, 0.0]]
    justification = explanation_targets(batch, "justification")
    assert justification["step"].tolist() == [0] and justification["valid"].tolist() == [True]  # X2 was tried first
    step_effects = explanation_targets(batch, "step_effects")
    assert step_effects["classes"][0, 0].tolist() == [1, 1, 2, 2, 1]  # do(X2): X2 and X3 rise, the rest stay
    assert step_effects["classes"][0, 1].tolist() == [2, 2, 1, 0, 1]  # do(X0): X0, X1 rise, X3 falls
    assert step_effects["valid"].tolist() == [[True, True, False, False, False]]
    never_tried = EpisodeBatch(weights, effects, np.array([3]), np.array([[1, 0, 0, 0, 0]]), np.zeros((1, 5, 5)),
                               np.array([4]))
    assert explanation_targets(never_tried, "justification")["valid"].tolist() == [False]


def test_targets_agree_with_the_worlds_on_many_episodes(batch):
    b = 0
    effects = explanation_targets(batch, "effects")["effects"][b]
    assert np.allclose(effects, batch.effects[b, :, batch.target[b]])
    step = explanation_targets(batch, "justification")["step"][b]
    assert batch.actions[b, step] - 1 == batch.goal_action[b] // 2
    classes = explanation_targets(batch, "step_effects")["classes"][b]
    for s, action in enumerate(batch.actions[b]):
        assert classes[s, action - 1] == 2  # the intervened variable is raised (to 5)
        assert np.array_equal(classes[s], np.sign(np.round(batch.effects[b, action - 1], 6)).astype(int) + 1)
    with pytest.raises(ValueError, match="unknown explanation kind"):
        explanation_targets(batch, "vibes")


@pytest.mark.parametrize("kind", ["effects", "justification", "step_effects"])
def test_explanation_losses_train_the_head(batch, kind):
    model = build_model(seed=0, explanation=kind)
    before = explanation_loss(model, batch).item()
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(60):
        loss = explanation_loss(model, batch)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    assert explanation_loss(model, batch).item() < 0.7 * before  # the targets are learnable


def test_lambda_zero_is_plain_imitation_and_bad_lambda_is_refused(batch):
    model = build_model(seed=0, explanation="effects")
    assert loss_with_explanations(0.0)(model, batch).item() == pytest.approx(imitation_loss(model, batch).item())
    assert loss_with_explanations(1.0)(model, batch).item() > imitation_loss(model, batch).item()
    with pytest.raises(ValueError, match="non-negative"):
        loss_with_explanations(-1.0)
    with pytest.raises(ValueError, match="no explanation head"):
        explanation_loss(build_model(seed=0), batch)
    with pytest.raises(ValueError, match="explanation must be"):
        build_model(seed=0, explanation="words")


def test_training_with_explanations_runs():
    model = build_model(seed=0, explanation="step_effects")
    history = train_behaviour_cloning(model, 4, np.random.default_rng(0), progress=False,
                                      loss_fn=loss_with_explanations(1.0))
    assert len(history.loss) == 4


def fake_results():
    episodes = [3840, 7680]
    curve = {"seconds": [1, 2], "heldout": [0.2, 0.5], "heldout_se": [0.05, 0.04], "critical": [0.1, 0.3],
             "critical_se": [0.02, 0.03]}
    sweep = {"kind": "effects", "lambdas": [0.0, 1.0, 3.0]}
    for group in ("heldout", "critical"):
        sweep[group] = [0.5, 0.6, 0.4]
        sweep[f"{group}_se"] = [0.05, 0.05, 0.05]
        sweep[f"{group}_curve"] = [[0.2, 0.5], [0.3, 0.6], [0.1, 0.4]]
        sweep[f"{group}_curve_se"] = [[0.05, 0.04]] * 3
    return {"seeds": [0, 1], "episodes": episodes, "lambda": 1.0,
            "curves": {"none": curve, "effects": dict(curve, heldout=[0.3, 0.6])}, "lambda_sweep": sweep}


def test_lambda_render_and_widget():
    results = fake_results()
    titles = {render_lambda(results, lam).axes[0].get_title() for lam in (0.0, 1.0, 3.0)}
    assert len(titles) == 3
    with pytest.raises(ValueError, match="was not swept"):
        render_lambda(results, 0.5)
    assert len(render_explanation_curves(results).axes[0].containers) == 2
    box = lambda_widget(results)
    first = box.figure.value
    box.children[0].children[0].value = 3.0
    assert box.figure.value != first and box.figure.value.startswith("<img")
    exercise_controls(box)


def test_experiment_explanations_contract():
    from causal_course.studies.explanations import explanations

    result = explanations(seed=0, fast=True, kinds=["none", "effects"], lambdas=[0.0, 1.0], n_seeds=2, n_test=30)
    assert set(result["curves"]) == {"none", "effects"}
    for curve in result["curves"].values():
        assert len(curve["heldout"]) == len(result["steps"]) == len(curve["critical_se"])
    sweep = result["lambda_sweep"]
    assert sweep["lambdas"] == [0.0, 1.0] and len(sweep["heldout"]) == 2
    assert sweep["heldout"][0] == result["curves"]["none"]["heldout"][-1]  # lambda 0 is the no-explanation run
