"""Course machinery for authors: exercise notebooks generated from solutions, the notebook runner,
and the setup self-check.
"""
