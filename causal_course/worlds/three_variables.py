"""Lesson 02's named worlds on three variables A, B, C (chain, fork, collider, ...), as SCMs.

Introduced in lesson 02 (experiments reveal structure).
"""

from __future__ import annotations

import numpy as np

WORLDS = {
    # name -> edges (i, j, weight); variables A=0, B=1, C=2; noise sds differ per variable
    "chain A→B→C": [(0, 1, 1.0), (1, 2, -0.9)],
    "fork A←B→C": [(1, 0, 1.0), (1, 2, 0.9)],
    "collider A→B←C": [(0, 1, 1.0), (2, 1, -0.9)],
    "triangle A→B→C, A→C": [(0, 1, 1.0), (1, 2, 0.8), (0, 2, -0.7)],
    "one edge A→C": [(0, 2, 1.2)],
}


NOISE_SD = (1.0, 0.7, 1.3)


def world_scm(world: str):
    """The world ``world`` (a key of :data:`WORLDS`) as a LinearGaussianSCM on A, B, C (lesson 02)."""
    from causal_course.causal.scm import LinearGaussianSCM

    if world not in WORLDS:
        raise ValueError(f"unknown world {world!r}; choose one of {list(WORLDS)}.")
    weights = np.zeros((3, 3))
    for i, j, w in WORLDS[world]:
        weights[i, j] = w
    return LinearGaussianSCM.from_weights(weights, names=["A", "B", "C"], noise_sd=NOISE_SD)
