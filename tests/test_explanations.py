"""Lesson 05: explanation targets, losses, the experiment's contract and the lambda widget."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from conftest import exercise_controls  # noqa: E402

from causal_course.learners.explanations import (  # noqa: E402
    explanation_accuracy,
    explanation_loss,
    explanation_targets,
    loss_with_explanations,
    step_effects_inputs,
    step_effects_loss,
)
from causal_course.learners.models import build_model  # noqa: E402
from causal_course.learners.training import imitation_loss, train_behaviour_cloning  # noqa: E402
from causal_course.widgets.explanations import (  # noqa: E402
    explanation_widget,
    render_condition,
    render_explanation_curves,
    render_paired_differences,
    verdict,
)
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
    values = np.zeros((1, 5, 5))
    values[0, 0] = [0.0, 0.1, 5.0, 5.05, 0.0]  # do(X2 = 5): X3 reads 5.05 (noise)
    values[0, 1] = [5.0, 4.9, 0.0, -5.0, 0.0]  # do(X0 = 5): X1 rises, X3 falls
    batch = EpisodeBatch(weights, effects, target=np.array([3]), actions=np.array([[3, 1, 0, 0, 0]]),
                         values=values, goal_action=np.array([4]))
    assert explanation_targets(batch, "answer")["effects"].tolist() == [[-1.0, -1.0, 1.0, 1.0, 0.0]]
    logged = explanation_targets(batch, "logged_effects")  # only what the log shows: X0 and X2 were tried
    assert logged["valid"].tolist() == [[True, False, True, False, False]]  # X3 is the target itself
    assert logged["effects"][0, [0, 2]] == pytest.approx([-1.0, 1.01])
    assert logged["effects"][0, [1, 3, 4]].tolist() == [0.0, 0.0, 0.0]
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
    effects = explanation_targets(batch, "answer")["effects"][b]
    assert np.allclose(effects, batch.effects[b, :, batch.target[b]])
    logged = explanation_targets(batch, "logged_effects")
    answer = explanation_targets(batch, "answer")["effects"]
    # the expert tries every variable, and the readings differ from 5 x the true effect by noise only
    assert logged["valid"].sum(axis=1).tolist() == [4] * len(batch)
    assert np.abs(logged["effects"] - answer)[logged["valid"]].max() < 0.3
    # what the module docstring claims: the step-effects classes are what the log's readings show
    step = explanation_targets(batch, "step_effects")
    readings = np.digitize(batch.values, [-2.5, 2.5])  # 0 lowered, 1 no change, 2 raised, from the log
    assert np.array_equal(readings[step["valid"]], step["classes"][step["valid"]])
    step = explanation_targets(batch, "justification")["step"][b]
    assert batch.actions[b, step] - 1 == batch.goal_action[b] // 2
    classes = explanation_targets(batch, "step_effects")["classes"][b]
    for s, action in enumerate(batch.actions[b]):
        assert classes[s, action - 1] == 2  # the intervened variable is raised (to 5)
        assert np.array_equal(classes[s], np.sign(np.round(batch.effects[b, action - 1], 6)).astype(int) + 1)
    with pytest.raises(ValueError, match="unknown explanation kind"):
        explanation_targets(batch, "vibes")


@pytest.mark.parametrize("kind", ["logged_effects", "answer", "justification", "step_effects"])
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


@pytest.mark.parametrize("kind", ["logged_effects", "answer", "justification", "step_effects"])
def test_normalised_loss_is_the_loss_over_its_value_at_chance(batch, kind):
    from causal_course.learners.explanations import _chance_classification

    model = build_model(seed=0, explanation=kind)
    raw, normalised = explanation_loss(model, batch).item(), explanation_loss(model, batch, normalised=True).item()
    targets = explanation_targets(batch, kind)
    if kind == "answer":
        chance = np.mean((targets["effects"] - targets["effects"].mean(axis=0)) ** 2)
    elif kind == "logged_effects":
        chance = np.var(targets["effects"][targets["valid"]])
    elif kind == "justification":
        counts = np.bincount(targets["step"][targets["valid"]], minlength=5)
        chance = -sum(p * np.log(p) for p in counts / counts.sum() if p > 0)
    else:
        counts = np.bincount(targets["classes"][targets["valid"]].ravel(), minlength=3)
        chance = -sum(p * np.log(p) for p in counts / counts.sum() if p > 0)
    assert normalised == pytest.approx(raw / chance, rel=1e-4)
    assert _chance_classification(torch.tensor([0, 0, 1, 1]), 3).item() == pytest.approx(np.log(2))  # by hand


def test_step_effects_loss_by_hand_and_the_head_accuracy_beside_chance(batch):
    """Exercise 5.5's loss: the mean cross-entropy over every variable of every experiment step; observations left out."""
    logits = torch.zeros(2, 2, 5, 3)
    logits[0, 0, :, 2] = np.log(2.0)  # every variable of step 0 of episode 0: probabilities 1/4, 1/4, 1/2
    classes = torch.full((2, 2, 5), 2)
    valid = torch.tensor([[True, False], [True, False]])
    expected = (5 * np.log(2.0) + 5 * np.log(3.0)) / 10  # -log(1/2) five times, -log(1/3) five times
    assert step_effects_loss(logits, classes, valid).item() == pytest.approx(expected)
    logits[:, 1] = 100.0 * torch.randn(2, 5, 3)  # the observation steps' scores do not count
    assert step_effects_loss(logits, classes, valid).item() == pytest.approx(expected)
    assert step_effects_loss(logits, classes, torch.zeros(2, 2, dtype=torch.bool)).item() == 0.0
    model = build_model(seed=0, explanation="step_effects")
    logits, classes, valid = step_effects_inputs(model, batch)
    assert logits.shape == (len(batch), 5, 5, 3) and classes.shape == (len(batch), 5, 5) and valid.shape == (len(batch), 5)
    assert explanation_loss(model, batch).item() == pytest.approx(step_effects_loss(logits, classes, valid).item())
    scores = explanation_accuracy(model, batch)
    read = classes[valid].reshape(-1)
    assert scores["chance"] == pytest.approx(torch.bincount(read).max().item() / read.numel())
    assert scores["accuracy"] == pytest.approx((logits[valid].argmax(-1).reshape(-1) == read).float().mean().item())
    with pytest.raises(ValueError, match="only the classifications"):
        explanation_accuracy(build_model(seed=0, explanation="answer"), batch)
    with pytest.raises(ValueError, match="explanation='step_effects'"):
        step_effects_inputs(build_model(seed=0, explanation="justification"), batch)


def test_lambda_zero_is_plain_imitation_and_bad_lambda_is_refused(batch):
    model = build_model(seed=0, explanation="answer")
    assert loss_with_explanations(0.0)(model, batch).item() == pytest.approx(imitation_loss(model, batch).item())
    assert loss_with_explanations(1.0)(model, batch).item() > imitation_loss(model, batch).item()
    with pytest.raises(ValueError, match="non-negative"):
        loss_with_explanations(-1.0)
    with pytest.raises(TypeError, match="normalised must be True or False"):
        loss_with_explanations(1.0, normalised="yes")
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
    def record(values):
        return {"mean": float(np.mean(values)), "low": float(np.min(values)), "high": float(np.max(values)),
                "values": values}

    curve = {"seconds": [1, 2], "heldout": [record([0.2, 0.3]), record([0.5, 0.6])],
             "critical": [record([0.1, 0.2]), record([0.3, 0.4])]}
    better = {"seconds": [1, 2], "heldout": [record([0.3, 0.4]), record([0.7, 0.8])],
              "critical": [record([0.1, 0.2]), record([0.3, 0.5])]}
    helps = {"mean": 0.2, "low": 0.1, "high": 0.3, "excludes_zero": True, "values": [0.2, 0.2]}
    unclear = {"mean": 0.05, "low": -0.1, "high": 0.2, "excludes_zero": False, "values": [0.0, 0.1]}
    return {"seeds": [0, 1], "episodes": [3840, 7680], "lambda": 1.0, "conditions": ["none", "justification"],
            "curves": {"none": curve, "justification": better},
            "versus_none": {"justification": {"heldout": helps, "critical": unclear}}}


def test_explanation_renders_and_widget():
    results = fake_results()
    assert verdict(results["versus_none"]["justification"]["heldout"]) == "helps"
    assert verdict(results["versus_none"]["justification"]["critical"]) == "no detectable difference"
    assert verdict({"mean": -0.2, "excludes_zero": True}) == "hurts"
    assert len(render_explanation_curves(results).axes[0].containers) == 2
    with_lines = render_explanation_curves(results, baselines={"correlational": 0.4, "regression": 0.66}).axes[0]
    drawn = {line.get_label(): line.get_ydata()[0] for line in with_lines.lines if line.get_label() in ("correlational", "regression")}
    assert drawn == {"correlational": 0.4, "regression": 0.66}
    labels = [t.get_text() for t in render_paired_differences(results, "heldout").axes[0].get_yticklabels()]
    assert labels == ["explain: which experiment justifies\n(helps)"]
    titles = {render_condition(results, "justification", g).axes[0].get_title() for g in ("heldout", "critical")}
    assert len(titles) == 2
    with pytest.raises(ValueError, match="no cached comparison"):
        render_condition(results, "none")
    with pytest.raises(ValueError, match="group must be one of"):
        render_explanation_curves(results, "training")
    box = explanation_widget(results)
    first = box.figure.value
    box.children[0].children[1].value = "heldout"
    assert box.figure.value != first and box.figure.value.startswith("<img")
    exercise_controls(box)


def test_experiment_explanations_contract():
    from causal_course.studies.explanations import explanations, merge_explanations

    conditions = ["logged_effects", "step_effects+normalised"]
    result = explanations(seed=0, fast=True, conditions=conditions, n_seeds=2, n_test=30)
    assert result["conditions"] == ["none", *conditions]  # the reference is always there
    for curve in result["curves"].values():
        assert len(curve["heldout"]) == len(result["steps"]) == len(curve["critical"])
        assert len(curve["critical"][-1]["values"]) == 2
    more = explanations(seed=2, fast=True, conditions=conditions, n_seeds=1, n_test=30)
    merged = merge_explanations([result, more])
    assert merged["seeds"] == [0, 1, 2]
    final = merged["curves"]["logged_effects"]["heldout"][-1]["values"]
    assert final == result["curves"]["logged_effects"]["heldout"][-1]["values"] + \
        more["curves"]["logged_effects"]["heldout"][-1]["values"]
    none = merged["curves"]["none"]["heldout"][-1]["values"]
    assert merged["versus_none"]["logged_effects"]["heldout"]["values"] == pytest.approx(np.subtract(final, none).tolist(),
                                                                                        abs=2e-4)
