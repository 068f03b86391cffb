"""Figures: the course style, DAG drawing, result figures and structure-learning figures. Used only by
the layers above the core (studies' callers, widgets, notebooks); the core never draws.
"""
