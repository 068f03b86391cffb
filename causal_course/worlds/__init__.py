"""The worlds learners act in: the tutoring story (``tutoring``) and Simpson's paradox (``simpson``), lesson 02's
three-variable worlds (``three_variables``), the causal-DAG episodes with their text descriptions
(``dag_episodes``) and relevance cues (``cues``), lane keeping and odd-one-out. Built on :mod:`causal_course.causal`.
"""
