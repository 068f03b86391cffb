"""The course's experiments, one module per lesson's study, and the loader of their cached results.
Each study function is one ``causal-course experiment NAME`` and returns a JSON-ready dict.
"""
