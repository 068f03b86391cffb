"""causal_course: helper package for the causal_course lessons.

Import what a lesson needs by name, for instance::

    from causal_course.causal.scm import LinearGaussianSCM
    from causal_course.viz.dags import draw_dag

Importing the package does no work: submodules load only when asked for.
"""

__version__ = "0.3.0"  # keep in step with pyproject.toml (tests/test_release.py checks)

__all__ = ["__version__"]
