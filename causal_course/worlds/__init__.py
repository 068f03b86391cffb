"""The worlds learners act in: the tutoring story (``tutoring``) and Simpson's paradox (``simpson``), lesson 02's
three-variable worlds (``three_variables``), the causal-DAG episodes with their text descriptions
(``dag_episodes``) and relevance cues (``cues``), lane keeping, odd-one-out, and lesson 08's text world, the
episodes written as English reports (``text_reports``). Built on :mod:`causal_course.causal`.
"""
