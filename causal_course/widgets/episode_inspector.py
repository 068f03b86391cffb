"""Lesson 03's episode inspector: step through one held-out episode as the model played it.

At steps 1 to 5 it shows the model's exploration action and the values it then saw; at step 6
(the goal) it shows the evidence for each possible goal intervention and the choices of the
model, the optimal agent and the correlational agent.
"""

from __future__ import annotations

import numpy as np

from causal_course.viz.style import PALETTE
from causal_course.worlds.dag_episodes import (
    INTERVENTION_VALUE,
    N_EXPLORATION_STEPS,
    describe_exploration,
    describe_goal,
    goal_reward,
    optimal_goal_action,
)


def inspect_episodes(model, test_set, rng: np.random.Generator, n_episodes: int = 12, seed: int = 0) -> list:
    """Play the first ``n_episodes`` of ``test_set`` with the model and the correlational agent (lesson 03).

    Returns one plain dict per episode, the input of :func:`render_episode_step`.
    """
    from causal_course.learners.baselines import correlational_agent
    from causal_course.learners.evaluation import rollout

    worlds, target = test_set.worlds[:n_episodes], test_set.target[:n_episodes]
    weights, effects = worlds.weights, worlds.effects
    actions, values, model_goal = rollout(model, worlds, target, rng, sample=True, seed=seed)
    correlational = correlational_agent(worlds, target, rng)
    optimal = optimal_goal_action(effects, target)
    records = []
    for b in range(len(target)):
        rewards = {name: float(goal_reward(effects[b:b + 1], target[b:b + 1], np.array([goal]))[0])
                   for name, goal in (("model", model_goal[b]), ("optimal", optimal[b]),
                                      ("correlational", correlational[b]))}
        records.append({
            "weights": weights[b], "target": int(target[b]), "actions": actions[b], "values": values[b],
            "goal": {"model": int(model_goal[b]), "optimal": int(optimal[b]), "correlational": int(correlational[b])},
            "reward": rewards,
        })
    return records


def render_episode_step(records: list, episode: int = 0, step: int = 1):
    """A Figure for one step (1 to 5 exploration, 6 goal) of one inspected episode (lesson 03)."""
    from causal_course.causal.graphs import weights_to_graph
    from causal_course.viz.dags import draw_dag
    from causal_course.viz.style import course_figure

    if not 0 <= episode < len(records):
        raise ValueError(f"episode must be between 0 and {len(records) - 1}, got {episode}.")
    if not 1 <= step <= N_EXPLORATION_STEPS + 1:
        raise ValueError(f"step must be between 1 and {N_EXPLORATION_STEPS + 1}, got {step}.")
    record = records[episode]
    target = record["target"]
    names = [f"X{i}" for i in range(len(record["weights"]))]
    fig = course_figure(figsize=(10, 3.8), layout="constrained")
    dag_ax, bar_ax = fig.subplots(1, 2, width_ratios=[1, 1.3])
    if step <= N_EXPLORATION_STEPS:
        action = int(record["actions"][step - 1])
        marked = [] if action == 0 else [names[action - 1]]
        shown = np.array(record["weights"], dtype=float)
        if action:
            shown[:, action - 1] = 0.0  # do() cuts the edges into the intervened variable
        graph = weights_to_graph(shown, names)
        draw_dag(graph, ax=dag_ax, intervened=marked, title=f"hidden structure (step {step}: {describe_exploration(action)})")
        seen = record["values"][step - 1]
        colours = [PALETTE["orange"] if names[i] in marked else PALETTE["sky"] for i in range(len(seen))]
        bar_ax.bar(names, seen, color=colours, edgecolor="black")
        bar_ax.set_ylabel("value seen")
        bar_ax.set_title(f"step {step}: the model chose {describe_exploration(action)}")
    else:
        graph = weights_to_graph(record["weights"], names)
        draw_dag(graph, ax=dag_ax, title=f"hidden structure; goal: make X{target} large")
        evidence = np.full(len(names), np.nan)
        for s, action in enumerate(record["actions"]):
            if action > 0:
                evidence[action - 1] = record["values"][s][target] / INTERVENTION_VALUE
        evidence[target] = np.nan
        bar_ax.bar(names, np.nan_to_num(evidence), color=PALETTE["sky"], edgecolor="black",
                   label=f"X{target} after do(X_j = 5), / 5")
        markers = {"model": ("v", PALETTE["blue"]), "optimal": ("*", PALETTE["green"]),
                   "correlational": ("x", PALETTE["vermillion"])}
        for k, (name, goal) in enumerate(record["goal"].items()):
            marker, colour = markers[name]
            sign = -1 if goal % 2 else 1
            bar_ax.scatter([goal // 2], [sign * (1.2 + 0.35 * k)], marker=marker, s=120, color=colour,
                           label=f"{name}: {describe_goal(goal)}, reward {record['reward'][name]:+.1f}")
        bar_ax.axhline(0, color="black", linewidth=0.8)
        bar_ax.set_ylabel("estimated effect on the target")
        bar_ax.set_title(f"goal: the choices (target X{target})")
        bar_ax.legend(fontsize=8, loc="lower left")
    return fig


def episode_inspector(records: list):
    """Sliders for the episode and the step, wired to :func:`render_episode_step` (lesson 03)."""
    import ipywidgets as widgets

    from causal_course.widgets.wiring import interactive_figure

    controls = {
        "episode": widgets.IntSlider(value=0, min=0, max=len(records) - 1, description="episode"),
        "step": widgets.IntSlider(value=1, min=1, max=N_EXPLORATION_STEPS + 1, description="step (6 = goal)"),
    }
    return interactive_figure(render_episode_step, controls, fixed={"records": records})
