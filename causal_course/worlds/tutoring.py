"""The tutoring story of lesson 01: does extra tutoring raise exam scores?

Motivation raises both the hours of tutoring a student takes and the exam score, so the
observational slope of score on tutoring mixes the causal effect with confounding.

    motivation -> tutoring -> score
    motivation ------------> score

Columns of every data matrix ``X`` here: 0 = motivation, 1 = tutoring, 2 = score.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from causal_course.causal.scm import LinearGaussianSCM
from causal_course.validation import check_n_samples, check_rng

VARIABLES = ("motivation", "tutoring", "score")
MOTIVATION, TUTORING, SCORE = 0, 1, 2
TUTORING_EFFECT = 0.5
MOTIVATION_ON_TUTORING = 0.8
MOTIVATION_ON_SCORE = 1.0


def tutoring_scm(
    effect: float = TUTORING_EFFECT,
    motivation_on_tutoring: float = MOTIVATION_ON_TUTORING,
    motivation_on_score: float = MOTIVATION_ON_SCORE,
    noise_sd: float = 1.0,
) -> LinearGaussianSCM:
    """The lesson-01 model: motivation confounds tutoring and score (lesson 01)."""
    graph = nx.DiGraph()
    graph.add_nodes_from(VARIABLES)
    graph.add_edge("motivation", "tutoring", weight=motivation_on_tutoring)
    graph.add_edge("motivation", "score", weight=motivation_on_score)
    graph.add_edge("tutoring", "score", weight=effect)
    # Drop zero-weight edges so the drawing shows only real causal links.
    graph.remove_edges_from([(u, v) for u, v, w in graph.edges(data="weight") if w == 0])
    return LinearGaussianSCM(graph, noise_sd=noise_sd)


def randomised_trial_log(
    scm: LinearGaussianSCM, n_samples: int, rng: np.random.Generator, treatment="tutoring", spread: float = 1.0
) -> np.ndarray:
    """An experimenter's log: every unit's ``treatment`` was set at random, then all variables recorded (lesson 01).

    The experimenter draws each unit's treatment from Normal(0, spread**2), independently of
    everything else, and applies ``do``. Reading this log later is *passive* but not
    *observational*: the data are interventional.
    """
    n_samples = check_n_samples(n_samples)
    rng = check_rng(rng)
    assigned = rng.normal(0.0, spread, size=n_samples)
    return scm.sample(n_samples, rng, do={treatment: assigned})
