"""Figures: the course style (``style``), DAG drawing (``dags``), lesson 01's (``seeing_doing``), lesson 02's
(``structure``) and lesson 03's (``passive``) result figures, and lesson 00's course map (``course_map``). Only the
layers listed after this one in the README (widgets, notebooks) use it; the causal core, worlds and learners never draw.
"""
