"""Learners and how they are trained and scored: baselines, the sequence models, behaviour cloning,
interactive evaluation, data mixtures, explanation objectives, imitation, shipped weights.
"""
