"""The causal core: structural causal models (``scm``), random DAG weights and graphs without drawing
(``graphs``), enumeration of DAGs and Markov equivalence classes (``dags``), estimators, pooling estimates
by precision (``fusion``), structure learning, experiment design and blicket detectors. It imports only
the top-level modules (validation, statistics).
"""
