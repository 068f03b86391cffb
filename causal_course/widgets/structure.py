"""Lesson 02's demo: choose experiments, add samples, watch the posterior over the 25 DAGs concentrate.

The logic is :func:`structure_learning_state` and :func:`render_structure_learning`, pure
functions of the true DAG, the list of experiments run so far and a seed: the data are
regenerated from the seed each time, so the same clicks always show the same figure. The widget
only keeps that list and redraws.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from causal_course.worlds.three_variables import WORLDS, world_scm

EXPERIMENT_LABELS = {"observe": None, "do(A)": 0, "do(B)": 1, "do(C)": 2}
SAMPLES_PER_CLICK = 10


@lru_cache(maxsize=1)
def dag_space():
    """The 25 DAGs on A, B, C (built once per session) (lesson 02)."""
    from causal_course.causal.structure_learning import DagSpace

    return DagSpace(3)


def structure_learning_state(world: str, experiments=(), seed: int = 0, samples_per_experiment: int = SAMPLES_PER_CLICK):
    """Run ``experiments`` (labels such as ``"observe"`` or ``"do(B)"``) on ``world``: the data's statistics,
    the posterior, and the true DAG's index (lesson 02)."""
    from causal_course.causal.experiment_design import Experiment, run_experiment
    from causal_course.causal.structure_learning import NodeStatistics

    unknown = [e for e in experiments if e not in EXPERIMENT_LABELS]
    if unknown:
        raise ValueError(f"unknown experiments {unknown}; use {list(EXPERIMENT_LABELS)}.")
    scm = world_scm(world)
    space = dag_space()
    rng = np.random.default_rng(seed)
    statistics = NodeStatistics.empty(3)
    for label in experiments:
        X, intervened = run_experiment(scm, Experiment(EXPERIMENT_LABELS[label], samples_per_experiment), rng)
        statistics = statistics + NodeStatistics.from_data(X, intervened)
    posterior = space.posterior(statistics)
    return {"space": space, "statistics": statistics, "posterior": posterior,
            "true_index": space.index_of(scm.weights != 0), "scm": scm}


def render_world(world: str = "chain A→B→C"):
    """A Figure of the hidden world (its DAG and weights), for you, not for the learner (lesson 02)."""
    from causal_course.viz.dags import draw_dag
    from causal_course.viz.style import course_figure

    fig = course_figure(figsize=(2.6, 3.2))
    ax = fig.add_axes((0.02, 0.05, 0.96, 0.82))
    draw_dag(world_scm(world), ax=ax, title="the hidden world")
    return fig


def posterior_title(state: dict, experiments) -> str:
    """The headline of the posterior panel: samples so far, entropy, mass on the truth (lesson 02)."""
    from causal_course.causal.structure_learning import entropy_bits

    space, posterior, true_index = state["space"], state["posterior"], state["true_index"]
    counts = {label: list(experiments).count(label) * SAMPLES_PER_CLICK for label in EXPERIMENT_LABELS}
    done = ", ".join(f"{label} {n}" for label, n in counts.items() if n) or "none yet"
    true_class = space.classes[space.class_index[true_index]]
    return (f"samples: {done}. Entropy {float(entropy_bits(posterior)):.2f} bits; "
            f"true DAG {posterior[true_index]:.2f}, its class {posterior[true_class].sum():.2f}")


def posterior_panel(world: str):
    """An empty posterior figure for ``world``: ``(figure, PosteriorBars)``, to fill with ``update`` (lesson 02)."""
    from causal_course.viz.structure import PosteriorBars
    from causal_course.viz.style import course_figure

    fig = course_figure(figsize=(8.2, 3.2))  # a fixed layout: constrained layout would double the redraw time
    ax = fig.add_axes((0.08, 0.2, 0.9, 0.7))
    return fig, PosteriorBars(dag_space(), ax, dag_space().index_of(world_scm(world).weights != 0))


def render_structure_learning(world: str = "chain A→B→C", experiments=(), seed: int = 0):
    """A Figure: the posterior over the 25 DAGs after ``experiments`` on ``world`` (lesson 02)."""
    state = structure_learning_state(world, experiments, seed)
    fig, bars = posterior_panel(world)
    bars.update(state["posterior"], posterior_title(state, experiments))
    return fig


def structure_widget(world: str = "chain A→B→C", seed: int = 0):
    """The interactive demo of lesson 02: pick an experiment, add samples, watch the posterior (lesson 02)."""
    import ipywidgets as widgets

    from causal_course.viz.style import figure_to_html

    world_control = widgets.Dropdown(options=list(WORLDS), value=world, description="world")
    experiment_control = widgets.ToggleButtons(options=list(EXPERIMENT_LABELS), value="observe",
                                               description="experiment")
    add = widgets.Button(description=f"add {SAMPLES_PER_CLICK} samples", button_style="primary",
                         icon="plus")
    reset = widgets.Button(description="start again", icon="refresh")
    world_figure, figure = widgets.HTML(), widgets.HTML()
    history: list[str] = []
    drawn: dict[str, tuple] = {}  # world -> (its picture, the posterior figure and bars, updated in place)

    def redraw(change=None):
        world_name = world_control.value
        if world_name not in drawn:
            drawn[world_name] = (figure_to_html(render_world(world_name)), *posterior_panel(world_name))
        picture, posterior_figure, bars = drawn[world_name]
        state = structure_learning_state(world_name, tuple(history), seed)
        bars.update(state["posterior"], posterior_title(state, history))
        world_figure.value = picture
        figure.value = figure_to_html(posterior_figure)

    def on_add(button):
        history.append(experiment_control.value)
        redraw()

    def on_reset(change=None):
        history.clear()
        redraw()

    add.on_click(on_add)
    reset.on_click(on_reset)
    world_control.observe(on_reset, names="value")
    redraw()
    box = widgets.VBox([widgets.HBox([world_control, reset]), widgets.HBox([experiment_control, add]),
                        widgets.HBox([world_figure, figure])])
    box.figure, box.history, box.add, box.reset, box.experiment, box.world = (
        figure, history, add, reset, experiment_control, world_control)
    return box
