"""Lesson 03's cue editor: mark variables as relevant and watch where the model experiments.

The logic is :func:`play_with_cue` (the model plays one episode with the cue you chose) and the
pure :func:`render_cue_play`; :func:`cue_editor` only wires five checkboxes and an episode slider
to them.
"""

from __future__ import annotations

import numpy as np

from causal_course.viz.style import PALETTE
from causal_course.worlds.dag_episodes import (
    INTERVENTION_VALUE,
    N_VARIABLES,
    describe_exploration,
    describe_goal,
    goal_reward,
    optimal_goal_action,
)


def play_with_cue(model, episodes, episode: int = 0, cue=(), seed: int = 0) -> dict:
    """The model plays episode ``episode`` of ``episodes`` (an EpisodeBatch) with the cue ``cue`` (lesson 03).

    ``cue`` lists the variables marked as relevant (indices; empty: no cue). The same episode and
    seed give the same noise and the same sampled actions whatever the cue, so two cues are
    compared on equal terms. Returns a plain dict, the input of :func:`render_cue_play`.
    """
    from causal_course.learners.evaluation import rollout

    if not 0 <= episode < len(episodes):
        raise ValueError(f"episode must be between 0 and {len(episodes) - 1}, got {episode}.")
    cue = sorted({int(v) for v in cue})
    target = int(episodes.target[episode])
    if any(not 0 <= v < N_VARIABLES for v in cue):
        raise ValueError(f"cue holds variables 0 to {N_VARIABLES - 1}, got {cue}.")
    if target in cue:
        raise ValueError(f"the cue may not hold the target X{target} itself: it names candidate causes.")
    mask = np.zeros((1, N_VARIABLES), dtype=np.int64)
    mask[0, cue] = 1
    worlds = episodes.worlds[episode:episode + 1]
    actions, values, goal = rollout(model, worlds, np.array([target]), np.random.default_rng(seed), sample=True,
                                    seed=seed, cue=mask)
    optimal = optimal_goal_action(worlds.effects, np.array([target]))
    rewards = {name: float(goal_reward(worlds.effects, np.array([target]), np.array([g]))[0])
               for name, g in (("model", goal[0]), ("optimal", optimal[0]))}
    return {"weights": worlds.weights[0], "target": target, "cue": cue, "actions": actions[0], "values": values[0],
            "goal": int(goal[0]), "optimal": int(optimal[0]), "reward": rewards}


def render_cue_play(record: dict):
    """Where the model experimented (cued variables hatched) and what it chose (lesson 03)."""
    from causal_course.causal.graphs import weights_to_graph
    from causal_course.viz.dags import draw_dag
    from causal_course.viz.style import course_figure

    names = [f"X{i}" for i in range(N_VARIABLES)]
    target, cue = record["target"], set(record["cue"])
    fig = course_figure(figsize=(10, 3.8), layout="constrained")
    dag_ax, bar_ax = fig.subplots(1, 2, width_ratios=[1, 1.3])
    cue_text = ", ".join(names[i] for i in sorted(cue)) if cue else "no cue"
    draw_dag(weights_to_graph(record["weights"], names), ax=dag_ax,
             title=f"hidden structure\ngoal: make X{target} large; cue: {cue_text}")
    counts = np.zeros(N_VARIABLES)
    effect = np.full(N_VARIABLES, np.nan)
    for step, action in enumerate(record["actions"]):
        if action > 0:
            counts[action - 1] += 1
            effect[action - 1] = record["values"][step][target] / INTERVENTION_VALUE
    colours = [PALETTE["orange"] if i in cue else PALETTE["sky"] for i in range(N_VARIABLES)]
    hatches = ["//" if i in cue else "" for i in range(N_VARIABLES)]
    bars = bar_ax.bar(names, counts, color=colours, edgecolor="black")
    for bar, hatch in zip(bars, hatches):
        bar.set_hatch(hatch)
    for i in range(N_VARIABLES):
        if counts[i] and i != target:
            bar_ax.text(i, counts[i] + 0.05, f"effect {effect[i]:+.1f}", ha="center", fontsize=8)
    bar_ax.set_ylim(0, max(2.4, counts.max() + 0.6))  # room for the labels, even when a variable is tried 5 times
    bar_ax.set_ylabel("experiments on this variable")
    outside = sum(int(counts[i]) for i in range(N_VARIABLES) if cue and i not in cue)
    steps = ", ".join(describe_exploration(int(a)) for a in record["actions"])
    bar_ax.set_title(f"{int(counts.sum())} experiments ({outside} outside the cue)\n"
                     f"chose {describe_goal(record['goal'])}: {record['reward']['model']:+.1f} "
                     f"(best {record['reward']['optimal']:+.1f})", fontsize=9)
    bar_ax.set_xlabel(f"steps: {steps}", fontsize=7)
    bar_ax.bar([0], [0], color=PALETTE["orange"], hatch="//", edgecolor="black", label="cued")
    bar_ax.bar([0], [0], color=PALETTE["sky"], edgecolor="black", label="not cued")
    bar_ax.legend(fontsize=8, loc="upper right")
    return fig


def render_cue_choice(model, episodes, episode: int = 0, seed: int = 0, **marked) -> object:
    """:func:`render_cue_play` of :func:`play_with_cue` with the cue given as ``X0=True, ...`` (lesson 03)."""
    cue = [i for i in range(N_VARIABLES) if marked.get(f"X{i}", False)]
    target = int(episodes.target[episode])
    if target in cue:
        cue.remove(target)  # the target cannot be a candidate cause; its box is ignored
    return render_cue_play(play_with_cue(model, episodes, episode, cue, seed))


def cue_editor(model, episodes, seed: int = 0):
    """Five checkboxes (the cue) and an episode slider, wired to :func:`render_cue_choice` (lesson 03)."""
    import ipywidgets as widgets

    from causal_course.widgets.wiring import interactive_figure

    controls = {"episode": widgets.IntSlider(value=0, min=0, max=len(episodes) - 1, description="episode",
                                             continuous_update=False)}
    first = episodes.cue[0] if episodes.cue is not None else np.zeros(N_VARIABLES)
    for i in range(N_VARIABLES):
        controls[f"X{i}"] = widgets.Checkbox(value=bool(first[i]), description=f"cue X{i}", indent=False,
                                             layout=widgets.Layout(width="80px"))
    box = interactive_figure(render_cue_choice, controls, fixed={"model": model, "episodes": episodes, "seed": seed},
                             description="Tick the variables prior knowledge marks as relevant (the target's box is "
                                         "ignored: a cue names candidate causes). Moving to another episode loads its "
                                         "own cue.")

    def load_cue(change):
        cue = episodes.cue[change["new"]] if episodes.cue is not None else np.zeros(N_VARIABLES)
        for i in range(N_VARIABLES):
            controls[f"X{i}"].value = bool(cue[i])

    controls["episode"].observe(load_cue, names="value")
    box.controls = controls
    return box
