"""Course machinery for authors: exercise notebooks generated from solutions (``exercises``), their nbgrader
metadata and stubs (``nbgrader_stubs``), the lesson tables written from the registry (``tables``), the notebook
runner the tests and scripts use (``notebook_runner``), and the setup self-check behind ``causal-course check``
(``selfcheck``).
"""
