"""Learners and how they are trained and scored: baselines, the sequence models (``models``), behaviour
cloning (``training``), interactive evaluation, the loggers of data mixtures (``mixtures``), explanation
objectives, lesson 07's driving imitators (``imitation``), lesson 06's odd-one-out learner (``odd_one_out``),
the shipped weights (``pretrained``), and lesson 08's tokenizer (``tokenizer``), tiny GPT (``language_model``)
and the language model acting as an agent (``language_agent``).
"""
