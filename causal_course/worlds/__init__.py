"""The worlds learners act in: the tutoring story, the causal-DAG episodes (with their text
descriptions and relevance cues), lane keeping and odd-one-out. Built on :mod:`causal_course.causal`.
"""
