"""Explanations as an auxiliary objective (lesson 05).

Introduced in lesson 05. Besides imitating the expert's actions, the model predicts an
explanation, trained jointly with weight ``lam`` (lambda):

* ``"effects"``: at the goal step, the total effect of each variable on the target
  ("intervening on X2 would raise X4 by about 5"), a regression;
* ``"justification"``: at the goal step, which exploration step justifies the choice (the
  experiment on the chosen variable), a 5-way classification;
* ``"step_effects"``: after each intervention, whether it lowered, left or raised each variable
  (the sign of the intervened variable's total effect on it), a 3-way classification per variable.

All targets come from the logged episode and its structure: the explanation an expert could
write next to its log. Nothing here changes how the model acts.
"""

from __future__ import annotations

import numpy as np

from causal_course.learners.models import EXPLANATIONS, encode_episodes
from causal_course.learners.training import imitation_loss
from causal_course.torch_setup import F, torch
from causal_course.worlds.dag_episodes import N_VARIABLES, EpisodeBatch


def explanation_targets(batch: EpisodeBatch, kind: str) -> dict:
    """The explanation an expert would give for each logged episode (lesson 05)."""
    n = len(batch)
    rows = np.arange(n)
    if kind == "effects":
        return {"effects": batch.effects[rows, :, batch.target].astype(np.float32)}
    if kind == "justification":
        chosen = batch.goal_action // 2
        steps = np.argmax(batch.actions == (chosen + 1)[:, None], axis=1)
        valid = (batch.actions == (chosen + 1)[:, None]).any(axis=1)
        return {"step": steps, "valid": valid}
    if kind == "step_effects":
        intervened = batch.actions > 0
        variable = np.where(intervened, batch.actions - 1, 0)
        effect = batch.effects[rows[:, None], variable, :]  # (n, steps, variables)
        classes = (np.sign(np.round(effect, 6)) + 1).astype(np.int64)  # 0 lowered, 1 no change, 2 raised
        return {"classes": classes, "valid": intervened}
    raise ValueError(f"unknown explanation kind {kind!r}; choose one of {sorted(EXPLANATIONS)}.")


def explanation_loss(model, batch: EpisodeBatch, outputs: dict | None = None) -> torch.Tensor:
    """The auxiliary loss of ``model``'s explanation head on ``batch`` (lesson 05)."""
    kind = model.explanation
    if kind is None:
        raise ValueError("this model has no explanation head; build it with build_model(..., explanation=KIND).")
    if outputs is None:
        outputs = model.outputs(encode_episodes(batch.actions, batch.values, batch.target), batch.target)
    hidden = outputs["hidden"]
    targets = explanation_targets(batch, kind)
    if kind == "effects":
        prediction = model.explain_head(hidden[:, -1])
        return F.mse_loss(prediction, torch.from_numpy(targets["effects"]))
    if kind == "justification":
        valid = torch.from_numpy(targets["valid"])
        if not valid.any():
            return hidden.sum() * 0.0
        logits = model.explain_head(hidden[:, -1])
        return F.cross_entropy(logits[valid], torch.as_tensor(targets["step"], dtype=torch.long)[valid])
    steps = batch.actions.shape[1]
    logits = model.explain_head(hidden[:, 1:steps + 1]).reshape(len(batch), steps, N_VARIABLES, 3)
    valid = torch.from_numpy(targets["valid"])
    if not valid.any():
        return hidden.sum() * 0.0
    classes = torch.as_tensor(targets["classes"], dtype=torch.long)
    return F.cross_entropy(logits[valid].reshape(-1, 3), classes[valid].reshape(-1))


def loss_with_explanations(lam: float):
    """``loss_fn`` for :func:`causal_course.learners.training.train_behaviour_cloning`: imitation + lam * explanation (lesson 05)."""
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"the explanation weight must be a non-negative number, got {lam}.")

    def loss(model, batch: EpisodeBatch) -> torch.Tensor:
        if model.explanation is None or lam == 0:
            return imitation_loss(model, batch)
        outputs = model.outputs(encode_episodes(batch.actions, batch.values, batch.target), batch.target)
        return imitation_loss(model, batch, outputs) + lam * explanation_loss(model, batch, outputs)

    return loss
