"""Learners and how they are trained and scored: baselines, the sequence models (``models``), behaviour
cloning (``training``), interactive evaluation, the loggers of data mixtures (``mixtures``), explanation
objectives, lesson 07's driving imitators (``imitation``), lesson 06's odd-one-out learner (``odd_one_out``),
and the shipped weights (``pretrained``).
"""
