"""The course's experiments: one module per lesson's study, each function a ``causal-course experiment NAME``
(lesson 01's ``seeing_doing`` is run in the lesson only) returning a typed result (``records``); shared checks
(``common``); and the loader of the cached results (``cache``).
"""
