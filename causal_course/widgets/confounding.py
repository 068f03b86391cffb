"""Lesson 01's demo: confounder strength, observe vs intervene, slope vs true causal effect.

In "observe" mode the data are what students chose to do; in "intervene" mode an experimenter
assigned tutoring at random (a randomised trial) and we read the log. The regression slope of
score on tutoring matches the causal effect only in the second case, whatever the confounding.
"""

from __future__ import annotations

import numpy as np

from causal_course.causal.estimators import regression_slope
from causal_course.viz.style import PALETTE
from causal_course.worlds.tutoring import (
    MOTIVATION_ON_SCORE,
    MOTIVATION_ON_TUTORING,
    SCORE,
    TUTORING,
    randomised_trial_log,
    tutoring_scm,
)

MODES = ("observe", "intervene")


def confounding_data(confounder_strength: float, mode: str, n_samples: int, seed: int):
    """The model and the data the demo plots (lesson 01)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}.")
    model = tutoring_scm(
        motivation_on_tutoring=confounder_strength * MOTIVATION_ON_TUTORING,
        motivation_on_score=confounder_strength * MOTIVATION_ON_SCORE,
    )
    rng = np.random.default_rng(seed)
    if mode == "observe":
        X = model.sample(n_samples, rng)
    else:
        X = randomised_trial_log(model, n_samples, rng, spread=float(np.sqrt(model.covariance()[TUTORING, TUTORING])))
    return model, X


def confounding_summary(confounder_strength: float, mode: str, n_samples: int = 400, seed: int = 0) -> dict:
    """Regression slope of score on tutoring, the true causal effect and their gap (lesson 01)."""
    model, X = confounding_data(confounder_strength, mode, n_samples, seed)
    slope = regression_slope(X[:, TUTORING], X[:, SCORE])
    effect = model.total_effect("tutoring", "score")
    return {"slope": slope, "true_effect": effect, "bias": slope - effect}


def render_confounding(confounder_strength: float = 1.0, mode: str = "observe", n_samples: int = 400, seed: int = 0):
    """A Figure: the DAG, and score against tutoring with the fitted slope and the true effect (lesson 01)."""
    from causal_course.viz.dags import draw_dag
    from causal_course.viz.style import course_figure

    model, X = confounding_data(confounder_strength, mode, n_samples, seed)
    summary = confounding_summary(confounder_strength, mode, n_samples, seed)
    fig = course_figure(figsize=(10, 3.8), layout="constrained")
    dag_ax, data_ax = fig.subplots(1, 2, width_ratios=[1, 1.6])
    shown = model.do({"tutoring": 0.0}) if mode == "intervene" else model
    draw_dag(shown, ax=dag_ax, title="randomised: do(tutoring)" if mode == "intervene" else "observed as it happens")
    x, y = X[:, TUTORING], X[:, SCORE]
    data_ax.scatter(x, y, s=8, alpha=0.35, color=PALETTE["sky"], marker="o", label="students")
    grid = np.linspace(x.min(), x.max(), 2)
    data_ax.plot(grid, y.mean() + summary["slope"] * (grid - x.mean()), color=PALETTE["vermillion"], linewidth=2.5,
                 label=f"regression slope {summary['slope']:+.2f}")
    data_ax.plot(grid, y.mean() + summary["true_effect"] * (grid - x.mean()), color=PALETTE["black"], linewidth=2,
                 linestyle="--", label=f"true causal effect {summary['true_effect']:+.2f}")
    data_ax.set_xlabel("hours of tutoring (standardised)")
    data_ax.set_ylabel("exam score (standardised)")
    data_ax.set_title(f"{mode}: confounder strength {confounder_strength:.1f}, bias {summary['bias']:+.2f}")
    data_ax.legend(loc="upper left", fontsize=8)
    return fig


def confounding_widget(n_samples: int = 400, seed: int = 0):
    """Confounder-strength slider and observe/intervene toggle wired to :func:`render_confounding` (lesson 01)."""
    import ipywidgets as widgets

    from causal_course.widgets.wiring import interactive_figure

    controls = {
        "confounder_strength": widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.1, description="confounding"),
        "mode": widgets.ToggleButtons(options=list(MODES), value="observe", description="data"),
    }
    return interactive_figure(render_confounding, controls, fixed={"n_samples": n_samples, "seed": seed})
