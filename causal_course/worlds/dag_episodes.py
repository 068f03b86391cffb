"""The causal-DAG episode environment of lessons 03 to 05 and 07, vectorised over episodes.

Introduced in lesson 03 (*Passive learning of active causal strategies*); a CPU-scale version
of the environment of Dasgupta et al. (2019) that Lampinen et al. (2023) build on.

* Each episode has its own causal structure: 5 variables, a random DAG (strictly
  upper-triangular weights under a random ordering of the variables), each possible edge weight
  drawn uniformly from {-1, 0, +1}; linear-Gaussian mechanisms with noise sd 0.1, root means 0.
* **Exploration phase**, 5 steps: at each step the agent either observes (action 0) or
  intervenes ``do(X_i = 5)`` (action ``i + 1``), then sees the values of all 5 variables.
* **Goal phase**: a target variable is named; the agent makes one intervention
  ``do(X_j = +5)`` or ``do(X_j = -5)`` with ``j != target`` (goal action ``2 * j`` for +5,
  ``2 * j + 1`` for -5). Reward: the target's expected value under that intervention,
  ``sign * 5 * total_effect[j, target]``.
* **Normalised reward** over a set of episodes: random choice = 0, optimal = 1 (a random goal
  action has expected reward 0, because the two signs cancel; see :func:`normalised_reward`).
* **Held-out structures**: every DAG in which X0 is an ancestor of X1 is removed from training;
  the held-out test runs on exactly those. The **critical** subset has X1 as target and X0 as its
  unique best cause, so the answer hinges on the link that never appeared in training.

**Variants** (:data:`ENVIRONMENTS`), selectable by name wherever episodes are drawn:

* ``"standard"``: as above. With unit-size weights and the same noise on every variable, variance
  grows along the causal order ("varsortability", Reisach et al. 2021), so even a purely
  observational strategy (regress the target on each variable) does well with enough samples.
* ``"unequal-noise"``: each variable has its own noise sd, drawn per episode log-uniformly in
  :data:`UNEQUAL_NOISE_RANGE`, so variance carries no information about the causal order.
* ``"confounded"``: as in Dasgupta et al. (2019), an extra *hidden* variable H (a root, sd
  :data:`HIDDEN_SD`) causes every observed variable, each edge +1 or -1 at random. H is never
  shown and cannot be intervened on; it makes observed variables correlated that do not cause
  each other. ``do(X_i)`` cuts H's arrow into ``X_i`` like any other arrow into ``X_i``.

Measured (``benchmarks/variants.py``): regressing the target on each variable, with unlimited
observational data, scores about 0.97 in the standard environment *and* with unequal noise (so
varsortability is not what makes it work here: with weights of +-1, the slope of the target on one
of its descendants is usually at most 1, while an unconfounded cause's slope is its total effect),
but plateaus at about 0.75 in the confounded variant, where the best intervention cannot be
identified from observation. Five experiments reach 1 in all three.

Arrays are batch-first: ``weights`` has shape ``(n_episodes, 5, 5)`` with ``weights[b, i, j]``
the edge ``i -> j`` of episode ``b``. :class:`Worlds` bundles a batch of structures with their
noise scales and hidden variable; every function that simulates an episode accepts either a
``Worlds`` or a plain ``weights`` array (the standard environment).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from causal_course.validation import (
    as_float_array,
    check_acyclic,
    check_choice,
    check_finite_array,
    check_index_array,
    check_n_samples,
    check_rng,
    check_shape,
    check_square,
    invalid,
)

N_VARIABLES = 5
N_EXPLORATION_STEPS = 5
INTERVENTION_VALUE = 5.0
NOISE_SD = 0.1
WEIGHT_VALUES = (-1.0, 0.0, 1.0)
OBSERVE = 0
N_EXPLORATION_ACTIONS = N_VARIABLES + 1
N_GOAL_ACTIONS = 2 * N_VARIABLES
SPLITS = ("train", "heldout", "critical", "all")
ENVIRONMENTS = ("standard", "unequal-noise", "confounded")
UNEQUAL_NOISE_RANGE = (0.02, 0.5)  # sd per variable and episode, log-uniform ("unequal-noise")
HIDDEN_SD = 0.3  # sd of the hidden common cause ("confounded")
HIDDEN_WEIGHT_VALUES = (-1.0, 1.0)  # its edge into every observed variable ("confounded")


def check_env(env) -> str:
    """``env`` if it names an environment variant, else a ValueError listing them (lesson 03)."""
    return check_choice(env, ENVIRONMENTS, "env", 'for example env="confounded"')


def _check_weights(weights, name: str = "weights") -> np.ndarray:
    """Episode structures: finite ``(n_episodes, 5, 5)`` weights of DAGs (one vectorised cycle test)."""
    weights = check_finite_array(weights, name)
    check_shape(weights, name, (None, N_VARIABLES, N_VARIABLES),
                fix="draw them with sample_worlds or random_dag_weights, or add a batch axis with weights[None]")
    check_acyclic(weights, name)
    return weights


def _check_effects(effects, n_episodes: int | None = None, name: str = "effects") -> np.ndarray:
    effects = check_finite_array(effects, name)
    check_shape(effects, name, (n_episodes, N_VARIABLES, N_VARIABLES),
                fix="pass the total effects of the episodes, e.g. batch.effects or total_effects(weights)")
    return effects


def _check_target(target, n_episodes: int, name: str = "target") -> np.ndarray:
    return check_index_array(target, name, N_VARIABLES, (n_episodes,), "a variable index",
                             fix="pass one target variable per episode, e.g. batch.target")


def _check_actions(actions, n_episodes: int | None, name: str = "actions") -> np.ndarray:
    actions = check_index_array(actions, name, N_EXPLORATION_ACTIONS, None, "an exploration action (0 observes, "
                                "i + 1 is do(X_i = 5))", fix="pass exploration actions as logged, e.g. batch.actions")
    check_shape(actions, name, (n_episodes, None), fix="pass one row of exploration actions per episode")
    return actions


def _check_values(values, actions: np.ndarray, name: str = "values") -> np.ndarray:
    values = check_finite_array(values, name)
    check_shape(values, name, actions.shape + (N_VARIABLES,),
                described=f"{actions.shape + (N_VARIABLES,)} (one row of {N_VARIABLES} values per logged step)",
                fix="pass the values seen after each action, e.g. batch.values")
    return values


def _check_optional_rng(rng):
    return None if rng is None else check_rng(rng)


@dataclass
class Worlds:
    """A batch of episode worlds: structures, noise scales and the hidden variable (lesson 03).

    ``weights (n, 5, 5)``: edges between the observed variables; ``noise_sd (n, 5)``: each
    variable's own noise sd; ``hidden_weights (n, 5)``: the hidden variable's edges into the
    observed ones (all 0 without one). The agent never sees any of these; they only simulate.
    """

    weights: np.ndarray
    noise_sd: np.ndarray
    hidden_weights: np.ndarray
    env: str = "standard"
    effects: np.ndarray = field(default=None, repr=False)

    def __post_init__(self):
        if self.effects is None:  # built from outside: check everything once (the course's own code passes effects)
            self.weights = _check_weights(self.weights)
            n = len(self.weights)
            self.noise_sd = check_shape(check_finite_array(self.noise_sd, "noise_sd"), "noise_sd", (n, N_VARIABLES))
            if np.any(self.noise_sd < 0):
                raise invalid("noise_sd", "non-negative (standard deviations)", float(self.noise_sd.min()),
                              "pass noise scales of at least 0")
            self.hidden_weights = check_shape(check_finite_array(self.hidden_weights, "hidden_weights"),
                                              "hidden_weights", (n, N_VARIABLES))
            check_env(self.env)
            self.effects = _total_effects(self.weights)

    def __len__(self) -> int:
        return self.weights.shape[0]

    def __getitem__(self, rows) -> Worlds:
        return Worlds(self.weights[rows], self.noise_sd[rows], self.hidden_weights[rows], self.env, self.effects[rows])

    def exogenous(self, rng: np.random.Generator) -> np.ndarray:
        """Each variable's exogenous input for one sample, shape ``(n, 5)``: own noise plus the hidden cause's push."""
        noise = rng.normal(0.0, 1.0, size=self.noise_sd.shape) * self.noise_sd
        if np.any(self.hidden_weights):
            noise += rng.normal(0.0, HIDDEN_SD, size=(len(self), 1)) * self.hidden_weights
        return noise

    def observational_covariance(self) -> np.ndarray:
        """The exact covariance of natural samples, ``(n, 5, 5)``: what unlimited observation reveals."""
        inputs = np.einsum("bi,ij->bij", self.noise_sd**2, np.eye(N_VARIABLES))
        inputs += HIDDEN_SD**2 * np.einsum("bi,bj->bij", self.hidden_weights, self.hidden_weights)
        return np.einsum("bki,bkl,blj->bij", self.effects, inputs, self.effects)


def as_worlds(worlds) -> Worlds:
    """``worlds`` itself, or a plain ``weights`` array wrapped as standard-environment worlds (lesson 03)."""
    if isinstance(worlds, Worlds):
        return worlds
    weights = as_float_array(worlds, "weights")
    if weights.ndim != 3 or weights.shape[1:] != (N_VARIABLES, N_VARIABLES):
        raise invalid("weights", f"Worlds, or weights of shape (n_episodes, {N_VARIABLES}, {N_VARIABLES})",
                      f"shape {weights.shape}", "draw them with sample_worlds or random_dag_weights")
    weights = _check_weights(weights)
    n = weights.shape[0]
    return Worlds(weights, np.full((n, N_VARIABLES), NOISE_SD), np.zeros((n, N_VARIABLES)), "standard",
                  _total_effects(weights))


def random_worlds(weights: np.ndarray, rng: np.random.Generator, env: str = "standard",
                  effects: np.ndarray | None = None) -> Worlds:
    """Worlds on the given structures with the noise and hidden variable of ``env`` (lesson 03).

    ``effects`` (the total effects of ``weights``) may be passed to save recomputing them (they
    are then trusted: only their shape is checked).
    """
    check_env(env)
    rng = check_rng(rng)
    if effects is None:
        weights = _check_weights(weights)
        effects = _total_effects(weights)
    else:
        weights = check_shape(np.asarray(weights, dtype=float), "weights", (None, N_VARIABLES, N_VARIABLES))
        check_shape(np.asarray(effects), "effects", weights.shape, fix="pass the total effects of these weights")
    n = weights.shape[0]
    noise_sd = np.full((n, N_VARIABLES), NOISE_SD)
    hidden = np.zeros((n, N_VARIABLES))
    if env == "unequal-noise":
        low, high = np.log(UNEQUAL_NOISE_RANGE[0]), np.log(UNEQUAL_NOISE_RANGE[1])
        noise_sd = np.exp(rng.uniform(low, high, size=(n, N_VARIABLES)))
    elif env == "confounded":
        hidden = rng.choice(np.asarray(HIDDEN_WEIGHT_VALUES), size=(n, N_VARIABLES))
    return Worlds(weights, noise_sd, hidden, env, effects)


# ----------------------------------------------------------------------------- structures
def random_dag_weights(n_episodes: int, rng: np.random.Generator) -> np.ndarray:
    """Weights of ``n_episodes`` random DAGs, shape ``(n_episodes, 5, 5)`` (lesson 03)."""
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    rng = check_rng(rng)
    upper = np.triu(rng.choice(np.asarray(WEIGHT_VALUES), size=(n_episodes, N_VARIABLES, N_VARIABLES)), k=1)
    order = np.argsort(rng.random((n_episodes, N_VARIABLES)), axis=1)
    weights = np.zeros_like(upper)
    batch = np.arange(n_episodes)[:, None, None]
    weights[batch, order[:, :, None], order[:, None, :]] = upper
    return weights


def total_effects(weights: np.ndarray) -> np.ndarray:
    """``effects[b, i, j]``: the total effect of ``X_i`` on ``X_j`` (sum over directed paths) (lesson 03).

    The diagonal is 1. For a DAG on n variables, ``(I - W)^-1 = I + W + W^2 + ... + W^(n-1)``;
    ``weights`` (one ``(n, n)`` matrix or a batch ``(..., n, n)``) must be DAGs, or the sum
    would stop short of the paths that go round a cycle.
    """
    weights = check_square(weights, "weights", batch=True)
    check_acyclic(weights, "weights")
    return _total_effects(weights)


def _total_effects(weights: np.ndarray) -> np.ndarray:
    n = weights.shape[-1]
    effects = np.broadcast_to(np.eye(n), weights.shape).copy()
    power = effects.copy()
    for _ in range(n - 1):
        power = power @ weights
        effects += power
    return effects


def ancestry(weights: np.ndarray) -> np.ndarray:
    """``reach[b, i, j]`` is True when there is a directed path ``i -> ... -> j`` (lesson 03).

    Uses the edges, not the effects: paths whose effects cancel still make an ancestor.
    """
    adjacency = (check_square(weights, "weights", batch=True) != 0).astype(np.int64)
    reach = adjacency.copy()
    power = adjacency.copy()
    for _ in range(adjacency.shape[-1] - 2):
        power = np.minimum(power @ adjacency, 1)
        reach = np.maximum(reach, power)
    return reach.astype(bool)


def is_heldout(weights: np.ndarray) -> np.ndarray:
    """True for structures in which X0 is an ancestor of X1: never in training (lesson 03).

    Follows edges (not effects, which may cancel) outward from X0, one step at a time.
    """
    weights = check_square(weights, "weights", batch=True)
    if weights.shape[-1] < 2:
        raise invalid("weights", "matrices on at least 2 variables (X0 and X1)", f"shape {weights.shape}",
                      "pass the episodes' (n_episodes, 5, 5) weights")
    check_acyclic(weights, "weights")
    return _is_heldout(weights)


def _is_heldout(weights: np.ndarray) -> np.ndarray:
    adjacency = (weights != 0).astype(np.float64)
    reached = adjacency[..., 0, :]
    for _ in range(adjacency.shape[-1] - 2):
        reached = np.minimum(reached + (reached[..., None, :] @ adjacency)[..., 0, :], 1.0)
    return reached[..., 1] > 0


def best_goal_values(effects: np.ndarray, target: np.ndarray) -> np.ndarray:
    """``values[b, j] = |total effect of X_j on the target|``, with the target itself set to -inf (lesson 03)."""
    effects = _check_effects(effects)
    return _best_goal_values(effects, _check_target(target, len(effects)))


def _best_goal_values(effects: np.ndarray, target: np.ndarray) -> np.ndarray:
    n_episodes = effects.shape[0]
    values = np.abs(effects[np.arange(n_episodes), :, target])
    values[np.arange(n_episodes), target] = -np.inf
    return values


def is_critical(effects: np.ndarray, target: np.ndarray) -> np.ndarray:
    """True where the target is X1 and X0 is its unique best cause (lesson 03)."""
    effects = _check_effects(effects)
    return _is_critical(effects, _check_target(target, len(effects)))


def _is_critical(effects: np.ndarray, target: np.ndarray) -> np.ndarray:
    values = _best_goal_values(effects, target)
    best = values[:, 0]
    others = np.delete(values, 0, axis=1).max(axis=1)
    return (target == 1) & (best > others + 1e-9)


def _choose_targets(effects: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A target per episode, uniformly among variables that some other variable affects."""
    off_diagonal = np.abs(effects) * (1 - np.eye(effects.shape[-1]))
    has_cause = off_diagonal.max(axis=1) > 0  # (n, variables): variable j has a cause
    scores = rng.random(has_cause.shape) + has_cause  # the ones with a cause score above 1
    return np.argmax(scores, axis=1)


def sample_worlds(n_episodes: int, rng: np.random.Generator, split: str = "train", env: str = "standard"):
    """``(worlds, target)``: :class:`Worlds` of the variant ``env`` for one split (lesson 03).

    The split is decided by the observed structure alone (the hidden variable is no causal link
    between observed ones), exactly as in :func:`sample_structures`.
    """
    check_env(env)
    weights, effects, target = sample_structures(n_episodes, rng, split)
    return random_worlds(weights, rng, env, effects), target


def sample_structures(n_episodes: int, rng: np.random.Generator, split: str = "train"):
    """``(weights, effects, target)`` for ``n_episodes`` episodes of one split (lesson 03).

    ``split``: ``"train"`` (X0 is never an ancestor of X1), ``"heldout"`` (it always is),
    ``"critical"`` (held-out, target X1, X0 its unique best cause) or ``"all"``. Every episode's
    target has at least one cause, so there is always something to find.
    """
    check_choice(split, SPLITS, "split")
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    rng = check_rng(rng)
    if n_episodes == 0:  # a valid, empty request
        empty = np.zeros((0, N_VARIABLES, N_VARIABLES))
        return empty, empty.copy(), np.zeros(0, dtype=np.int64)
    kept_weights, kept_effects, kept_targets, have = [], [], [], 0
    oversample = {"train": 2.0, "heldout": 3.0, "critical": 12.0, "all": 1.1}[split]
    while have < n_episodes:
        batch = max(64, int(oversample * (n_episodes - have)))
        weights = random_dag_weights(batch, rng)
        effects = _total_effects(weights)
        keep = np.abs(effects * (1 - np.eye(N_VARIABLES))).max(axis=(1, 2)) > 0  # at least one effect
        if split == "critical":
            target = np.ones(batch, dtype=np.int64)
        else:
            target = _choose_targets(effects, rng)
        if split == "train":
            keep &= ~_is_heldout(weights)
        elif split == "heldout":
            keep &= _is_heldout(weights)
        elif split == "critical":
            keep &= _is_heldout(weights) & _is_critical(effects, target)
        kept_weights.append(weights[keep])
        kept_effects.append(effects[keep])
        kept_targets.append(target[keep])
        have += int(keep.sum())
    return (np.concatenate(kept_weights)[:n_episodes], np.concatenate(kept_effects)[:n_episodes],
            np.concatenate(kept_targets)[:n_episodes])


# ----------------------------------------------------------------------------- acting
def exploration_step(weights, actions: np.ndarray, rng: np.random.Generator,
                     effects: np.ndarray | None = None) -> np.ndarray:
    """The values of all variables after one exploration action per episode (lesson 03).

    ``weights``: a :class:`Worlds` or a weights array (standard environment). ``actions[b] = 0``
    observes; ``actions[b] = i + 1`` applies ``do(X_i = 5)``. Returns shape ``(n_episodes, 5)``.
    ``effects`` (the total effects of ``weights``) may be passed to save recomputing them.

    How: with ``T`` the total effects, an observation is ``x = e T`` (``e`` each variable's
    exogenous input: its own noise plus, in the confounded variant, the hidden cause's push).
    Under ``do(X_i = 5)`` every path into ``X_i`` is cut, so with ``e_i`` replaced by 5 and
    ``y = e T``: ``x = y - (y_i - 5) T[i, :]``.
    """
    worlds = as_worlds(weights)
    actions = np.asarray(actions)
    n_episodes = len(worlds)
    integer = np.issubdtype(actions.dtype, np.integer) and actions.dtype != bool
    if (actions.shape != (n_episodes,) or not (integer or actions.size == 0)
            or (integer and (actions.min(initial=0) < 0 or actions.max(initial=0) >= N_EXPLORATION_ACTIONS))):
        values = f", values {actions.min()} to {actions.max()}" if integer and actions.size else ""
        raise invalid("actions", f"one exploration action per episode (shape ({n_episodes},)), each an integer, 0 "
                      f"(observe) or 1 to {N_VARIABLES} (do(X_i = 5) is i + 1)",
                      f"shape {actions.shape}, dtype {actions.dtype}{values}", "pass integer actions, one per episode")
    rng = check_rng(rng)
    if effects is not None:
        effects = _check_effects(effects, n_episodes)
    return _exploration_step(worlds, actions.astype(np.int64, copy=False), rng, effects)


def _exploration_step(worlds: Worlds, actions: np.ndarray, rng: np.random.Generator,
                      effects: np.ndarray | None) -> np.ndarray:
    if effects is None:
        effects = worlds.effects
    noise = worlds.exogenous(rng)
    rows = np.nonzero(actions > 0)[0]
    variable = actions[rows] - 1
    noise[rows, variable] = INTERVENTION_VALUE
    values = (noise[:, None, :] @ effects)[:, 0, :]
    values[rows] -= (values[rows, variable] - INTERVENTION_VALUE)[:, None] * effects[rows, variable, :]
    return values


def goal_reward(effects: np.ndarray, target: np.ndarray, goal_action: np.ndarray) -> np.ndarray:
    """The target's expected value under each episode's goal intervention (lesson 03).

    ``goal_action = 2 * j`` is ``do(X_j = +5)``, ``2 * j + 1`` is ``do(X_j = -5)``. Intervening on
    the target itself is not allowed and raises.
    """
    effects = _check_effects(effects)
    target = _check_target(target, len(effects))
    goal_action = check_index_array(goal_action, "goal_action", N_GOAL_ACTIONS, (len(effects),), "a goal action",
                                    fix="pass one goal action per episode: 2 * j for do(X_j = +5), 2 * j + 1 for -5")
    variable, negative = goal_action // 2, goal_action % 2 == 1
    if np.any(variable == target):
        episode = int(np.flatnonzero(variable == target)[0])
        raise invalid("goal_action", "an intervention on another variable than the target",
                      f"do(X_{target[episode]}) in episode {episode}, on the target itself",
                      "choose j != target")
    sign = np.where(negative, -1.0, 1.0)
    return sign * INTERVENTION_VALUE * effects[np.arange(len(target)), variable, target]


def optimal_goal_action(effects: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The goal action of an agent that knows the structure (lesson 03)."""
    effects = _check_effects(effects)
    target = _check_target(target, len(effects))
    values = _best_goal_values(effects, target)
    variable = np.argmax(values, axis=1)
    effect = effects[np.arange(len(target)), variable, target]
    return 2 * variable + (effect < 0)


def normalised_reward(reward: np.ndarray, optimal: np.ndarray) -> float:
    """``mean(reward) / mean(optimal reward)``: random choice scores 0 and optimal 1 (lesson 03).

    A uniformly random goal action has expected reward exactly 0 (for each variable the +5 and
    -5 interventions cancel), so no random baseline needs subtracting.

    ``reward[b]`` and ``optimal[b]`` belong to the same episode: the optimal reward is never
    negative, and no goal action earns more than it (or less than its negative).
    """
    reward, optimal = check_finite_array(reward, "reward"), check_finite_array(optimal, "optimal")
    if reward.shape != optimal.shape or reward.size == 0:
        raise invalid("reward and optimal", "non-empty arrays of the same shape (one entry per episode)",
                      f"shapes {reward.shape} and {optimal.shape}",
                      "pass the rewards and the optimal rewards of the same episodes")
    if np.any(optimal < 0):
        episode = int(np.flatnonzero(optimal.ravel() < 0)[0])
        raise invalid("optimal", "non-negative in every episode (the best goal action earns at least 0)",
                      f"{optimal.ravel()[episode]:g} in episode {episode}",
                      "pass the optimal rewards, e.g. batch.optimal_reward, as the second argument")
    above = np.abs(reward) > optimal + 1e-9 * (1.0 + optimal)
    if np.any(above):
        episode = int(np.flatnonzero(above.ravel())[0])
        raise invalid("reward", "at most the optimal reward in absolute value, episode by episode",
                      f"{reward.ravel()[episode]:g} against an optimum of {optimal.ravel()[episode]:g} in episode "
                      f"{episode}", "pass the rewards and optimal rewards of the same episodes, in that order")
    total = optimal.sum()
    if total <= 0:
        raise invalid("optimal", "positive in some episode (something to normalise by)",
                      "0 in every episode", "evaluate on episodes whose target has a cause")
    return float(reward.sum() / total)


# ----------------------------------------------------------------------------- the expert
def expert_exploration(n_episodes: int, rng: np.random.Generator) -> np.ndarray:
    """The expert's exploration actions: every variable intervened on once, in a random order (lesson 03)."""
    n_episodes = check_n_samples(n_episodes, "n_episodes")
    rng = check_rng(rng)
    return np.argsort(rng.random((n_episodes, N_VARIABLES)), axis=1) + 1


def estimated_effects(actions: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Effects on every variable estimated from an episode's own interventions (lesson 03).

    ``estimate[b, j, k]`` is (value of ``X_k`` when ``do(X_j = 5)``) / 5, averaged over the
    steps that intervened on ``X_j``; NaN where ``X_j`` was never intervened on.
    """
    actions = _check_actions(actions, None)
    values = _check_values(values, actions)
    return _estimated_effects(actions, values)


def _estimated_effects(actions: np.ndarray, values: np.ndarray) -> np.ndarray:
    intervened = np.zeros(actions.shape + (N_VARIABLES,))  # (n, steps, variables): one-hot of do(X_j)
    rows, steps = np.nonzero(actions > 0)
    intervened[rows, steps, actions[rows, steps] - 1] = 1.0
    total = np.einsum("bsj,bsk->bjk", intervened, values) / INTERVENTION_VALUE
    count = intervened.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count[:, :, None]


def goal_from_estimates(estimate: np.ndarray, target: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
    """The goal action that maximises the estimated effect on the target (lesson 03).

    Variables never intervened on (NaN estimates) are skipped; an episode without any usable
    estimate gets a random goal action (needs ``rng``).
    """
    estimate = _check_estimate(estimate, (None, N_VARIABLES, N_VARIABLES))
    target = _check_target(target, len(estimate))
    return _goal_from_estimates(estimate, target, _check_optional_rng(rng))


def _check_estimate(estimate, shape, name: str = "estimate") -> np.ndarray:
    """Estimated effects: NaN means unknown, inf is refused."""
    estimate = as_float_array(estimate, name)
    check_shape(estimate, name, shape, fix="pass the estimates of every episode, e.g. from estimated_effects")
    if np.isinf(estimate).any():
        raise invalid(name, "finite numbers, or NaN where unknown", "inf", "replace inf by NaN (unknown)")
    return estimate


def _goal_from_estimates(estimate: np.ndarray, target: np.ndarray, rng) -> np.ndarray:
    n_episodes = len(target)
    on_target = estimate[np.arange(n_episodes), :, target].copy()
    return _strongest_estimate_action(on_target, target, rng)


def strongest_estimate_action(estimate: np.ndarray, target: np.ndarray,
                              rng: np.random.Generator | None = None) -> np.ndarray:
    """The goal action on the variable with the largest ``|estimate|`` (its sign decides +5 or -5) (lesson 03).

    ``estimate`` ``(n, 5)``: each variable's estimated effect on the target, NaN where unknown; the
    target itself is skipped. Episodes with no estimate at all get a random goal action (needs ``rng``).
    """
    estimate = _check_estimate(estimate, (None, N_VARIABLES))
    target = _check_target(target, len(estimate))
    return _strongest_estimate_action(estimate, target, _check_optional_rng(rng))


def _strongest_estimate_action(estimate: np.ndarray, target: np.ndarray, rng) -> np.ndarray:
    rows = np.arange(len(target))
    estimate = np.array(estimate, dtype=float)
    estimate[rows, target] = np.nan
    magnitude = np.where(np.isnan(estimate), -np.inf, np.abs(estimate))
    variable = np.argmax(magnitude, axis=1)
    action = 2 * variable + (estimate[rows, variable] < 0)
    unknown = np.isinf(magnitude.max(axis=1))
    if np.any(unknown):
        if rng is None:
            raise invalid("rng", "a numpy.random.Generator when some episode has no estimate at all",
                          f"None with {int(unknown.sum())} such episodes",
                          "pass rng to choose for them at random")
        action[unknown] = _random_goal_actions(target[unknown], rng)
    return action


def goal_from_logged_evidence(actions: np.ndarray, values: np.ndarray, target: np.ndarray,
                              rng: np.random.Generator | None = None) -> np.ndarray:
    """The goal action a logger can justify from its own log alone (lesson 04).

    For each variable ``X_j`` (not the target): if the log intervened on ``X_j``, the effect read off
    that experiment (as :func:`estimated_effects`); otherwise, if the log has at least two
    observe steps, the slope of the target on ``X_j`` over those natural samples (the regression
    strategy of lesson 03); otherwise nothing. The largest estimate in absolute value wins, with
    its sign. So an experimenter's log gives the expert's choice, an observer's log gives the
    regression strategy's, and a log that mixes both combines them. Episodes with no usable
    estimate get a random goal action (needs ``rng``).
    """
    actions = _check_actions(actions, None)
    values = _check_values(values, actions)
    target = _check_target(target, len(actions))
    rng = _check_optional_rng(rng)
    n_episodes = len(target)
    rows = np.arange(n_episodes)
    estimate = _estimated_effects(actions, values)[rows, :, target]  # NaN where never intervened on
    observed = (actions == OBSERVE).astype(float)  # (n, steps)
    count = observed.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.einsum("bs,bsk->bk", observed, values) / count[:, None]
        centred = (values - mean[:, None, :]) * observed[:, :, None]
        covariance = np.einsum("bsk,bs->bk", centred, centred[rows, :, target])
        variance = np.einsum("bsk,bsk->bk", centred, centred)
        slope = np.where((count[:, None] >= 2) & (variance > 1e-12), covariance / variance, np.nan)
    return _strongest_estimate_action(np.where(np.isnan(estimate), slope, estimate), target, rng)


def random_goal_actions(target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Uniformly random goal actions that never intervene on the target (lesson 03)."""
    target = check_index_array(target, "target", N_VARIABLES, (None,), "a variable index")
    return _random_goal_actions(target, check_rng(rng))


def _random_goal_actions(target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    variable = rng.integers(0, N_VARIABLES - 1, size=len(target))
    variable = variable + (variable >= target)  # skip the target
    return 2 * variable + rng.integers(0, 2, size=len(target))


@dataclass
class EpisodeBatch:
    """Logged episodes: the structures, what was done and seen, and the goal choice (lesson 03)."""

    weights: np.ndarray  # (n, 5, 5)
    effects: np.ndarray  # (n, 5, 5) total effects
    target: np.ndarray  # (n,)
    actions: np.ndarray  # (n, steps): 0 observe, i + 1 do(X_i = 5)
    values: np.ndarray  # (n, steps, 5): what was seen after each action
    goal_action: np.ndarray  # (n,)
    worlds: Worlds | None = None  # noise scales and hidden variable (None: the standard environment)
    source: np.ndarray | None = None  # (n,) who wrote each log, codes of models.SOURCES (lesson 04); None: untagged
    cue: np.ndarray | None = None  # (n, 5) 0/1 relevance cue (lesson 03); None: no cue

    def __len__(self) -> int:
        return len(self.target)

    def __getitem__(self, rows) -> EpisodeBatch:
        """The episodes ``rows`` (a slice, indices or a boolean mask) as a new batch (lesson 03)."""
        return EpisodeBatch(self.weights[rows], self.effects[rows], self.target[rows], self.actions[rows],
                            self.values[rows], self.goal_action[rows],
                            None if self.worlds is None else self.worlds[rows],
                            None if self.source is None else self.source[rows],
                            None if self.cue is None else self.cue[rows])

    @property
    def reward(self) -> np.ndarray:
        return goal_reward(self.effects, self.target, self.goal_action)

    @property
    def optimal_reward(self) -> np.ndarray:
        return goal_reward(self.effects, self.target, optimal_goal_action(self.effects, self.target))


def join_batches(*batches: EpisodeBatch) -> EpisodeBatch:
    """One batch holding the episodes of ``batches``, in order (lesson 04: a mixture built from two loggers' logs).

    The batches must agree on what they carry: all with worlds or none, all tagged or none, all cued or none.

    >>> rng = np.random.default_rng(0)
    >>> len(join_batches(expert_episodes(3, rng), expert_episodes(0, rng), expert_episodes(2, rng)))
    5
    """
    if not batches or not all(isinstance(batch, EpisodeBatch) for batch in batches):
        raise invalid("batches", "one or more EpisodeBatch", ", ".join(type(b).__name__ for b in batches) or "none",
                      "pass batches such as expert_episodes(n, rng)", TypeError)

    def joined(name):
        parts = [getattr(batch, name) for batch in batches]
        if all(part is None for part in parts):
            return None
        if any(part is None for part in parts):
            raise invalid("batches", f"all with {name} or all without", "a mix",
                          "join batches of one kind (for instance all untagged)")
        return np.concatenate(parts)

    worlds = None
    if all(batch.worlds is not None for batch in batches):
        parts = [batch.worlds for batch in batches]
        if len({part.env for part in parts}) > 1:
            raise invalid("batches", "worlds of one environment variant", ", ".join(sorted({p.env for p in parts})),
                          "join batches from the same env")
        worlds = Worlds(*(np.concatenate([getattr(p, name) for p in parts])
                          for name in ("weights", "noise_sd", "hidden_weights")), parts[0].env,
                        np.concatenate([p.effects for p in parts]))
    elif any(batch.worlds is not None for batch in batches):
        raise invalid("batches", "all with worlds or all without", "a mix", "join batches made the same way")
    return EpisodeBatch(*(joined(name) for name in ("weights", "effects", "target", "actions", "values", "goal_action")),
                        worlds, joined("source"), joined("cue"))


def run_exploration(weights, actions: np.ndarray, rng: np.random.Generator,
                    effects: np.ndarray | None = None) -> np.ndarray:
    """Values seen after a fixed sequence of exploration actions ``(n, steps)``: shape ``(n, steps, 5)`` (lesson 03).

    ``weights``: a :class:`Worlds` or a weights array (standard environment).
    """
    worlds = as_worlds(weights)
    actions = _check_actions(actions, len(worlds))
    rng = check_rng(rng)
    if effects is not None:
        effects = _check_effects(effects, len(worlds))
    if actions.shape[1] == 0:
        return np.zeros((len(worlds), 0, N_VARIABLES))
    return np.stack([_exploration_step(worlds, actions[:, s], rng, effects) for s in range(actions.shape[1])], axis=1)


def expert_episodes(n_episodes: int, rng: np.random.Generator, split: str = "train",
                    env: str = "standard") -> EpisodeBatch:
    """Logs of the expert: it intervenes on each variable once, then picks the best goal from its data (lesson 03).

    ``env`` names the environment variant (:data:`ENVIRONMENTS`).
    """
    rng = check_rng(rng)
    worlds, target = sample_worlds(n_episodes, rng, split, env)
    actions = expert_exploration(len(target), rng)
    values = run_exploration(worlds, actions, rng)
    goal = _goal_from_estimates(_estimated_effects(actions, values), target, None)
    return EpisodeBatch(worlds.weights, worlds.effects, target, actions, values, goal, worlds)


# Text descriptions of actions, as the lessons and widgets print them.
def describe_goal(action: int) -> str:
    """``do(X3 = -5)`` style text for a goal action (lesson 03)."""
    return f"do(X{action // 2} = {'-' if action % 2 else '+'}5)"


def describe_exploration(action: int) -> str:
    """``observe`` or ``do(X2 = 5)`` for an exploration action (lesson 03)."""
    return "observe" if action == 0 else f"do(X{action - 1} = 5)"
