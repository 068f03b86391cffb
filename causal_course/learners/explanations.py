"""Explanations as an auxiliary objective (lesson 05).

Introduced in lesson 05. Besides imitating the expert's actions, the model predicts an
explanation, trained jointly with weight ``lam`` (lambda):

* ``"logged_effects"``: at the goal step, for each variable the expert experimented on, what
  that experiment did to the target ("my experiment on X2 moved the target to +5": the target's
  reading under ``do(X2 = 5)``, divided by 5), a regression over the variables tried. It is read
  off the log itself: *why the expert chose*, from what the expert saw;
* ``"justification"``: at the goal step, which exploration step justifies the choice (the
  experiment on the chosen variable), a 5-way classification;
* ``"step_effects"``: after each intervention, whether it lowered, left or raised each variable,
  read off the readings (:func:`reading_classes`), a 3-way classification per variable;
* ``"answer"``: at the goal step, the *true* total effect of every variable on the target, tried
  or not. This is not an explanation of the log but privileged **answer supervision**: the very
  quantity the best goal action is computed from, which the expert's log does not contain. The
  lesson keeps it only as a contrasted condition.

Nothing here changes how the model acts. With ``normalised=True`` each auxiliary loss is divided
by its value at chance (the loss of predicting, for every output, the batch's average target or
class frequencies), so every kind starts near 1 whatever its number of outputs and units: the
loss-scale control of lesson 05.
"""

from __future__ import annotations

import numpy as np

from causal_course.learners.models import EXPLANATIONS, encode_episodes
from causal_course.learners.training import imitation_loss
from causal_course.torch_setup import F, torch
from causal_course.validation import check_bool
from causal_course.worlds.dag_episodes import INTERVENTION_VALUE, N_VARIABLES, EpisodeBatch, estimated_effects

CHANGE_THRESHOLD = INTERVENTION_VALUE / 2  # a reading beyond +-2.5 after do(X_i = 5) was moved by the experiment
N_EFFECT_CLASSES = 3  # what an experiment did to a variable: 0 lowered, 1 left, 2 raised


def reading_classes(values: np.ndarray) -> np.ndarray:
    """What an experiment did to each variable, read off the log: 0 lowered, 1 left, 2 raised (lesson 05).

    A reading below ``-CHANGE_THRESHOLD`` (half the intervention) was lowered, above it raised,
    otherwise left alone: total effects are whole multiples of the intervention and the noise has
    sd 0.1, so the threshold separates them.
    """
    values = np.asarray(values, dtype=float)
    return np.digitize(values, [-CHANGE_THRESHOLD, CHANGE_THRESHOLD]).astype(np.int64)


def explanation_targets(batch: EpisodeBatch, kind: str) -> dict:
    """The explanation an expert would give for each logged episode (lesson 05)."""
    n = len(batch)
    rows = np.arange(n)
    if kind == "answer":
        return {"effects": batch.effects[rows, :, batch.target].astype(np.float32)}
    if kind == "logged_effects":
        seen = estimated_effects(batch.actions, batch.values)[rows, :, batch.target]  # NaN: never experimented on
        valid = np.isfinite(seen) & (np.arange(N_VARIABLES)[None, :] != batch.target[:, None])
        return {"effects": np.where(valid, seen, 0.0).astype(np.float32), "valid": valid}
    if kind == "justification":
        chosen = batch.goal_action // 2
        steps = np.argmax(batch.actions == (chosen + 1)[:, None], axis=1)
        valid = (batch.actions == (chosen + 1)[:, None]).any(axis=1)
        return {"step": steps, "valid": valid}
    if kind == "step_effects":
        intervened = batch.actions > 0
        return {"classes": reading_classes(batch.values), "valid": intervened}
    raise ValueError(f"unknown explanation kind {kind!r}; choose one of {sorted(EXPLANATIONS)}.")


def _chance_regression(targets: torch.Tensor) -> torch.Tensor:
    """Mean squared error of predicting every output's batch average: the regression's loss at chance."""
    return ((targets - targets.mean(dim=0, keepdim=True)) ** 2).mean().clamp_min(1e-3)


def _chance_classification(classes: torch.Tensor, n_classes: int) -> torch.Tensor:
    """Entropy of the batch's class frequencies: the cross-entropy of always predicting them."""
    frequencies = torch.bincount(classes.reshape(-1), minlength=n_classes).float()
    frequencies = frequencies / frequencies.sum()
    present = frequencies[frequencies > 0]
    return (-(present * present.log()).sum()).clamp_min(1e-3)


def explanation_loss(model, batch: EpisodeBatch, outputs: dict | None = None, normalised: bool = False) -> torch.Tensor:
    """The auxiliary loss of ``model``'s explanation head on ``batch`` (lesson 05).

    ``normalised=True`` divides it by the same loss at chance (see the module docstring).
    """
    kind = model.explanation
    if kind is None:
        raise ValueError("this model has no explanation head; build it with build_model(..., explanation=KIND).")
    if outputs is None:
        outputs = model.outputs(encode_episodes(batch.actions, batch.values, batch.target), batch.target)
    hidden = outputs["hidden"]
    if kind == "step_effects":
        logits, classes, valid = step_effects_inputs(model, batch, outputs)
        if not valid.any():
            return hidden.sum() * 0.0
        loss = step_effects_loss(logits, classes, valid)
        return loss / _chance_classification(classes[valid], N_EFFECT_CLASSES) if normalised else loss
    targets = explanation_targets(batch, kind)
    if kind == "answer":
        prediction = model.explain_head(hidden[:, -1])
        effects = torch.from_numpy(targets["effects"])
        loss = F.mse_loss(prediction, effects)
        return loss / _chance_regression(effects) if normalised else loss
    if kind == "logged_effects":
        valid = torch.from_numpy(targets["valid"])
        if not valid.any():
            return hidden.sum() * 0.0
        prediction = model.explain_head(hidden[:, -1])[valid]
        effects = torch.from_numpy(targets["effects"])[valid]
        loss = F.mse_loss(prediction, effects)
        return loss / ((effects - effects.mean()) ** 2).mean().clamp_min(1e-3) if normalised else loss
    valid = torch.from_numpy(targets["valid"])  # justification
    if not valid.any():
        return hidden.sum() * 0.0
    logits = model.explain_head(hidden[:, -1])
    steps = torch.as_tensor(targets["step"], dtype=torch.long)[valid]
    loss = F.cross_entropy(logits[valid], steps)
    return loss / _chance_classification(steps, logits.shape[-1]) if normalised else loss


def step_effects_inputs(model, batch: EpisodeBatch, outputs: dict | None = None) -> tuple:
    """``(logits, classes, valid)`` of the *what each experiment did* head on ``batch`` (lesson 05, exercise 5.5).

    ``logits`` ``(n, steps, 5, 3)``: the head's scores, read from the hidden state at each exploration
    step's position, for lowered / left / raised of each variable; ``classes`` ``(n, steps, 5)``: what
    the log shows (:func:`reading_classes`); ``valid`` ``(n, steps)``: True where the step was an
    experiment (an observation is no experiment, so it has no explanation).
    """
    if model.explanation != "step_effects":
        raise ValueError("step_effects_inputs needs a model built with explanation='step_effects', "
                         f"got explanation={model.explanation!r}.")
    if outputs is None:
        outputs = model.outputs(encode_episodes(batch.actions, batch.values, batch.target), batch.target)
    steps = batch.actions.shape[1]
    logits = model.explain_head(outputs["hidden"][:, 1:steps + 1])
    logits = logits.reshape(len(batch), steps, N_VARIABLES, N_EFFECT_CLASSES)
    targets = explanation_targets(batch, "step_effects")
    return logits, torch.as_tensor(targets["classes"], dtype=torch.long), torch.from_numpy(targets["valid"])


def step_effects_loss(logits: torch.Tensor, classes: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """The cross-entropy of *what each experiment did*, averaged over every variable of every experiment step (lesson 05).

    ``logits`` ``(n, steps, 5, 3)``, ``classes`` ``(n, steps, 5)`` and ``valid`` ``(n, steps)`` as
    :func:`step_effects_inputs` returns them; steps where ``valid`` is False are left out. Exercise 5.5
    asks for this function.
    """
    if not valid.any():
        return logits.sum() * 0.0
    return F.cross_entropy(logits[valid].reshape(-1, N_EFFECT_CLASSES), classes[valid].reshape(-1))


def loss_with_explanations(lam: float, normalised: bool = False):
    """``loss_fn`` for :func:`causal_course.learners.training.train_behaviour_cloning`: imitation + lam * explanation (lesson 05).

    ``normalised=True``: the explanation loss is divided by its value at chance (the loss-scale control).
    """
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"the explanation weight must be a non-negative number, got {lam}.")
    check_bool(normalised, "normalised")

    def loss(model, batch: EpisodeBatch) -> torch.Tensor:
        if model.explanation is None or lam == 0:
            return imitation_loss(model, batch)
        outputs = model.outputs(encode_episodes(batch.actions, batch.values, batch.target), batch.target)
        return imitation_loss(model, batch, outputs) + lam * explanation_loss(model, batch, outputs, normalised)

    return loss


def explanation_accuracy(model, batch: EpisodeBatch) -> dict:
    """How often the explanation head's classification is right on ``batch``, beside chance (lesson 05).

    For the two classifications: ``"justification"`` (which step) and ``"step_effects"`` (lowered /
    left / raised, every variable of every experiment step). Returns ``{"accuracy", "chance"}``,
    where ``chance`` is the share of the most frequent class: what a head that always names it scores.
    """
    kind = model.explanation
    if kind not in ("justification", "step_effects"):
        raise ValueError(f"only the classifications (justification, step_effects) have an accuracy; this model's "
                         f"explanation is {kind!r}.")
    was_training = model.training
    model.eval()
    with torch.no_grad():
        if kind == "step_effects":
            logits, classes, valid = step_effects_inputs(model, batch)
        else:
            outputs = model.outputs(encode_episodes(batch.actions, batch.values, batch.target), batch.target)
            logits = model.explain_head(outputs["hidden"][:, -1])
            targets = explanation_targets(batch, "justification")
            classes, valid = torch.as_tensor(targets["step"], dtype=torch.long), torch.from_numpy(targets["valid"])
    model.train(was_training)
    predicted, truth = logits[valid].argmax(dim=-1).reshape(-1), classes[valid].reshape(-1)
    if truth.numel() == 0:
        raise ValueError("this batch has no step to explain (no experiment in it).")
    return {"accuracy": float((predicted == truth).float().mean()),
            "chance": float(torch.bincount(truth).max() / truth.numel())}
