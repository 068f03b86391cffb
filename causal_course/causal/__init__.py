"""The causal core: structural causal models, graphs (no drawing), DAG enumeration, estimators,
structure learning, experiment design and blicket detectors. Imports nothing above it.
"""
