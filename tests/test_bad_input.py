"""Bad input to the public API gets a clear ValueError or TypeError (issue 14, item 6).

``BAD_CALLS`` lists bad calls across the graph, structure-learning, SCM, episode, mixture, cue,
training, statistics, experiment-design and experiment functions, each with the exception it
must raise and a fragment of its message. Every message follows the one template of
:mod:`causal_course.validation`: ``{name} must be {expected}, got {got}; {fix}.``

Each call here used to fail badly (a silent wrong answer, NaN, or a raw numpy/torch error), or
with a message that did not say what was expected and how to fix it.
"""

import re

import networkx as nx
import numpy as np
import pytest
import torch

import causal_course.studies.cache
import causal_course.studies.confounded_generalisation
import causal_course.studies.cues
import causal_course.studies.explanations
import causal_course.studies.imitation
import causal_course.studies.mixtures
import causal_course.studies.passive
import causal_course.studies.structure
from causal_course import statistics as ST
from causal_course import validation as V
from causal_course.causal import dags as D
from causal_course.causal import experiment_design as ED
from causal_course.causal import graphs as G
from causal_course.causal import structure_learning as SL
from causal_course.causal.scm import LinearGaussianSCM, random_linear_gaussian_scm
from causal_course.learners import mixtures as M
from causal_course.learners import training as T
from causal_course.worlds import cues as C
from causal_course.worlds import dag_episodes as E


def rng():
    return np.random.default_rng(0)


CYCLE3 = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0]])  # X0 -> X2 -> X1 -> X0
CHAIN3 = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
X3 = np.random.default_rng(1).normal(size=(30, 3))
CYCLIC5 = np.zeros((3, 5, 5))
CYCLIC5[1, 0, 2] = CYCLIC5[1, 2, 0] = 1.0  # episode 1: X0 -> X2 -> X0
SPACE3 = SL.DagSpace(3)
STATS3 = SPACE3.statistics(X3)
BATCH = E.expert_episodes(8, np.random.default_rng(2))
N = len(BATCH)
LINEAR = torch.nn.Linear(1, 1)


def chain():
    return LinearGaussianSCM.from_weights(CHAIN3, names=["A", "B", "C"])


def graph_with_nodes(*nodes):
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    return graph


def train(**kwargs):
    settings = {"model": LINEAR, "n_steps": 1, "rng": rng(), "progress": False}
    settings.update(kwargs)
    return T.train_behaviour_cloning(**settings)


def simulate(weights, intercepts, noise_sd, experiment=ED.Experiment(None)):
    return ED.simulate(np.asarray(weights, dtype=float), np.asarray(intercepts, dtype=float),
                       np.asarray(noise_sd, dtype=float), experiment, rng())


# (id, call, exception, fragment of the message)
BAD_CALLS = [
    # ------------------------------------------------------------------ dags
    ("v_structures cyclic", lambda: D.v_structures(CYCLE3), ValueError, "the cycle X0 -> X2 -> X1 -> X0"),
    ("markov_equivalent cyclic first", lambda: D.markov_equivalent(CYCLE3, CHAIN3), ValueError,
     "first must be acyclic"),
    ("markov_equivalent cyclic second", lambda: D.markov_equivalent(CHAIN3, CYCLE3), ValueError,
     "second must be acyclic"),
    ("equivalence_classes cyclic", lambda: D.equivalence_classes([CHAIN3, CYCLE3]), ValueError,
     "dags[1] must be acyclic"),
    ("all_dags zero", lambda: D.all_dags(0), ValueError, "n_variables must be an integer from 1 to 4"),
    ("all_dags float", lambda: D.all_dags(2.0), TypeError, "got 2.0 (float)"),
    ("all_dags bool", lambda: D.all_dags(True), TypeError, "got True (bool)"),
    ("as_adjacency NaN", lambda: D.as_adjacency([[0, np.nan], [0, 0]]), ValueError, "adjacency must be finite"),
    ("as_adjacency 1-D", lambda: D.as_adjacency(np.zeros(3)), ValueError,
     "got shape (3,); pass one row and one column per variable"),
    ("as_adjacency strings", lambda: D.as_adjacency([["a", "b"], ["c", "d"]]), TypeError,
     "adjacency must be numeric"),
    ("class_of not a partition", lambda: D.class_of(D.all_dags(2), [[0, 1]]), ValueError,
     "classes must be a partition of the DAG indices"),
    ("dag_label too few names", lambda: D.dag_label(np.zeros((3, 3)), names=["A"]), ValueError,
     "names must be one name per variable"),
    # ------------------------------------------------------------------ graphs (construction)
    ("random_weights zero", lambda: G.random_weights(0, rng()), ValueError, "got 0; pass at least 1"),
    ("random_weights float", lambda: G.random_weights(2.5, rng()), TypeError,
     "n_variables must be a positive integer, got 2.5 (float)"),
    ("random_weights no values", lambda: G.random_weights(3, rng(), weight_values=[]), ValueError,
     "; pass for instance weight_values="),
    ("random_weights inf value", lambda: G.random_weights(3, rng(), weight_values=[1.0, np.inf]), ValueError,
     "weight_values must be finite numbers"),
    ("weights_to_graph too few names", lambda: G.weights_to_graph(np.zeros((3, 3)), names=["A", "B"]), ValueError,
     "names must be 3 different names"),
    ("weights_to_graph repeated names", lambda: G.weights_to_graph([[0, 1], [0, 0]], names=["A", "A"]), ValueError,
     "names must be 2 different names"),
    ("weights_to_graph NaN", lambda: G.weights_to_graph([[0, np.nan], [0, 0]]), ValueError,
     "weights must be finite numbers"),
    ("weights_to_graph not square", lambda: G.weights_to_graph(np.zeros((2, 3))), ValueError,
     "got shape (2, 3); pass one row and one column per variable"),
    # ------------------------------------------------------------------ structure learning
    ("dag_log_score cyclic", lambda: SL.dag_log_score(CYCLE3, X3), ValueError, "adjacency must be acyclic"),
    ("equal_noise cyclic", lambda: SL.equal_noise_log_likelihood(CYCLE3, X3), ValueError,
     "adjacency must be acyclic"),
    ("dag_log_score columns", lambda: SL.dag_log_score(np.zeros((2, 2)), X3), ValueError,
     "X must be data with one column per variable of the DAG (2 columns), got 3 columns"),
    ("entropy p > 1", lambda: SL.entropy_bits([2.0]), ValueError, "between 0 and 1 (probabilities), got 2 at index (0,)"),
    ("entropy not summing to 1", lambda: SL.entropy_bits([0.5, 0.6]), ValueError, "summing to 1"),
    ("entropy negative p", lambda: SL.entropy_bits([-0.5, 1.5]), ValueError, "between 0 and 1"),
    ("entropy NaN", lambda: SL.entropy_bits([np.nan, 1.0]), ValueError, "probabilities must be finite numbers"),
    ("binary entropy p > 1", lambda: SL.binary_entropy_bits(1.5), ValueError, "p must be values between 0 and 1 (probabilities), got 1.5;"),
    ("outcome_information p > 1", lambda: SL.outcome_information([0.5, 0.5], [1.5, 0.5]), ValueError,
     "p_outcome must be values between 0 and 1"),
    ("outcome_information posterior", lambda: SL.outcome_information([0.7, 0.7], [0.1, 0.9]), ValueError,
     "posterior must be a probability distribution"),
    ("outcome_information lengths", lambda: SL.outcome_information([0.5, 0.5], [0.1, 0.2, 0.3]), ValueError,
     "p_outcome must be an array of shape (2,)"),
    ("normalise_log NaN", lambda: SL.normalise_log([np.nan, 0.0]), ValueError, "log_weights must be log weights"),
    ("normalise_log all -inf", lambda: SL.normalise_log([-np.inf, -np.inf]), ValueError,
     "at least one finite entry per row"),
    ("normalise_log empty", lambda: SL.normalise_log([]), ValueError, "at least one log weight"),
    ("check_data mask values", lambda: SL.check_data(np.zeros((3, 2)), np.full((3, 2), 2)), ValueError,
     "intervened must be True/False"),
    ("check_data 1-D", lambda: SL.check_data(np.zeros(3)), ValueError, "got shape (3,); reshape it"),
    ("family_score node range", lambda: SL.family_score(X3, 5, []), ValueError, "got 5; pass"),
    ("family_score node type", lambda: SL.family_score(X3, "A", []), TypeError, "got 'A' (str)"),
    ("family_score parent range", lambda: SL.family_score(X3, 0, [7]), ValueError, "in every entry"),
    ("family_score repeated parent", lambda: SL.family_score(X3, 0, [1, 1]), ValueError, "each once"),
    ("BGePrior alpha_mu zero", lambda: SL.BGePrior(alpha_mu=0), ValueError, "alpha_mu must be a positive finite number"),
    ("BGePrior alpha_mu NaN", lambda: SL.BGePrior(alpha_mu=np.nan), ValueError, "alpha_mu must be a finite number"),
    ("posterior log_prior shape", lambda: SPACE3.posterior(STATS3, log_prior=np.zeros(5)), ValueError,
     "log_prior must be an array of shape (25,)"),
    ("class_posterior not a distribution", lambda: SPACE3.class_posterior(np.ones(25)), ValueError, "summing to 1"),
    ("log_marginal wrong size", lambda: SPACE3.log_marginal_likelihoods(SL.NodeStatistics.empty(2)), ValueError,
     "statistics must be statistics of 3 variables"),
    ("log_marginal wrong type", lambda: SPACE3.log_marginal_likelihoods("data"), TypeError,
     "statistics must be a NodeStatistics"),
    ("empty statistics zero", lambda: SL.NodeStatistics.empty(0), ValueError,
     "n_variables must be a positive integer, got 0"),
    ("adding statistics", lambda: SL.NodeStatistics.empty(3) + SL.NodeStatistics.empty(2), ValueError,
     "the statistics added must be statistics of 3 variables"),
    ("bge_local_score node", lambda: SL.bge_local_score(STATS3, 3, []), ValueError, "node must be a variable index"),
    ("index_of cyclic", lambda: SPACE3.index_of(CYCLE3), ValueError, "adjacency must be acyclic"),
    ("DagSpace five", lambda: SL.DagSpace(5), ValueError, "got 5; pass n_variables=3"),
    # ------------------------------------------------------------------ SCM
    ("names collide with indices", lambda: LinearGaussianSCM.from_weights(np.zeros((3, 3)), names=[1, 0, 2]),
     ValueError, "names must be strings, or integers equal to their own positions"),
    ("graph nodes collide", lambda: LinearGaussianSCM(graph_with_nodes(2, 0, 1)), ValueError,
     "the graph's nodes (the variable names) must be strings, or integers equal to their own positions"),
    ("name 0 at position 1", lambda: LinearGaussianSCM.from_weights(np.zeros((2, 2)), names=["A", 0]), ValueError,
     "got 0 at position 1"),
    ("do conflict in sample", lambda: chain().sample(5, rng(), do={0: 1.0, "A": 2.0}), ValueError,
     "do must be a dict that names each variable once"),
    ("do conflict in do", lambda: chain().do({1: 1.0, "B": 1.0}), ValueError,
     "got the keys 1 and 'B' for the same variable 'B'"),
    ("do conflict in mean", lambda: chain().mean(do={"A": 1.0, 0: 2.0}), ValueError, "keep one key per variable"),
    ("do conflict in counterfactual", lambda: chain().counterfactual([0.0, 0.0, 0.0], do={"C": 1.0, 2: 1.0}),
     ValueError, "names each variable once"),
    ("do conflict per sample", lambda: chain().sample(3, rng(), do={"A": np.zeros(3), 0: np.ones(3)}), ValueError,
     "names each variable once"),
    ("do values wrong length", lambda: chain().sample(5, rng(), do={"A": [1.0, 2.0]}), ValueError,
     "the values of do(A) must be one number, or one value per sample"),
    ("index True", lambda: chain().index(True), ValueError, "got unknown variable True"),
    ("index unhashable", lambda: chain().index([1]), TypeError, "variable must be one of this model's variables"),
    ("mean do list", lambda: chain().mean(do=[]), TypeError, "do must be a dict"),
    ("covariance do list", lambda: chain().covariance(do=()), TypeError, "do must be a dict"),
    ("from_weights cycle", lambda: LinearGaussianSCM.from_weights([[0, 1], [1, 0]]), ValueError,
     "weights must be acyclic"),
    ("from_weights repeated names", lambda: LinearGaussianSCM.from_weights(np.zeros((2, 2)), names=["A", "A"]),
     ValueError, "names must be unique (one name per variable)"),
    ("from_weights unhashable names", lambda: LinearGaussianSCM.from_weights(np.zeros((2, 2)), names=[["A"], ["B"]]),
     TypeError, "hashable labels"),
    ("random scm cycle", lambda: random_linear_gaussian_scm(CYCLE3, rng()), ValueError, "adjacency must be acyclic"),
    ("random scm weight range", lambda: random_linear_gaussian_scm(CHAIN3, rng(), weight_range=(1.5, 0.5)),
     ValueError, "weight_range must be a pair (low, high)"),
    ("random scm noise range", lambda: random_linear_gaussian_scm(CHAIN3, rng(), noise_range=(-1.0, 1.0)),
     ValueError, "noise_range must be a pair (low, high)"),
    ("empty graph", lambda: LinearGaussianSCM(nx.DiGraph()), ValueError, "graph must be a graph with at least one"),
    ("total_effect unknown", lambda: chain().total_effect("A", 3), ValueError, "got unknown variable 3"),
    # ------------------------------------------------------------------ episodes
    ("total_effects cyclic", lambda: E.total_effects(CYCLIC5), ValueError,
     "weights[1] must be acyclic (a DAG: no directed path returns to where it started), got the cycle X0 -> X2 -> X0"),
    ("is_heldout cyclic", lambda: E.is_heldout(CYCLIC5), ValueError, "weights[1] must be acyclic"),
    ("total_effects not square", lambda: E.total_effects(np.zeros((2, 3))), ValueError,
     "weights must be a square (..., n, n) matrix"),
    ("is_heldout one variable", lambda: E.is_heldout(np.zeros((4, 1, 1))), ValueError, "at least 2 variables"),
    ("as_worlds cyclic", lambda: E.as_worlds(CYCLIC5), ValueError, "weights[1] must be acyclic"),
    ("random_worlds cyclic", lambda: E.random_worlds(CYCLIC5, rng()), ValueError, "weights[1] must be acyclic"),
    ("Worlds negative noise", lambda: E.Worlds(np.zeros((1, 5, 5)), np.full((1, 5), -0.1), np.zeros((1, 5))),
     ValueError, "noise_sd must be non-negative"),
    ("normalised_reward NaN", lambda: E.normalised_reward([np.nan], [1.0]), ValueError, "reward must be finite numbers"),
    ("normalised_reward 20", lambda: E.normalised_reward([2.0], [0.1]), ValueError,
     "reward must be at most the optimal reward"),
    ("normalised_reward negative optimum", lambda: E.normalised_reward([1.0, 1.0], [-0.9, 1.0]), ValueError,
     "optimal must be non-negative"),
    ("normalised_reward inf optimum", lambda: E.normalised_reward([1.0], [np.inf]), ValueError,
     "optimal must be finite numbers"),
    ("normalised_reward empty", lambda: E.normalised_reward([], []), ValueError, "got shapes (0,) and (0,)"),
    ("sample_structures split", lambda: E.sample_structures(5, rng(), "test"), ValueError,
     "; for example split='train'"),
    ("goal_reward short goal", lambda: E.goal_reward(BATCH.effects, BATCH.target, BATCH.goal_action[:3]), ValueError,
     f"goal_action must be an array of shape ({N},)"),
    ("goal_reward target range", lambda: E.goal_reward(BATCH.effects, BATCH.target + 5, BATCH.goal_action),
     ValueError, "target must be a variable index from 0 to 4 in every entry"),
    ("goal_reward goal range", lambda: E.goal_reward(BATCH.effects, BATCH.target, np.full(N, 10)), ValueError,
     "goal_action must be a goal action from 0 to 9"),
    ("goal_reward float goals", lambda: E.goal_reward(BATCH.effects, BATCH.target, BATCH.goal_action + 0.5),
     TypeError, "goal_action must be integers"),
    ("optimal_goal_action small effects", lambda: E.optimal_goal_action(BATCH.effects[:, :3, :3], BATCH.target),
     ValueError, "effects must be an array of shape (n, 5, 5)"),
    ("best_goal_values short target", lambda: E.best_goal_values(BATCH.effects, BATCH.target[:2]), ValueError,
     f"target must be an array of shape ({N},)"),
    ("estimated_effects values shape", lambda: E.estimated_effects(BATCH.actions, BATCH.values[:, :3]), ValueError,
     "values must be an array of shape"),
    ("estimated_effects action range", lambda: E.estimated_effects(BATCH.actions + 10, BATCH.values), ValueError,
     "actions must be an exploration action"),
    ("logged evidence short target",
     lambda: E.goal_from_logged_evidence(BATCH.actions, BATCH.values, BATCH.target[:3], rng()), ValueError,
     f"target must be an array of shape ({N},)"),
    ("strongest estimate without rng", lambda: E.strongest_estimate_action(np.full((2, 5), np.nan), np.array([0, 1])),
     ValueError, "rng must be a numpy.random.Generator when some episode has no estimate"),
    ("strongest estimate shape", lambda: E.strongest_estimate_action(np.zeros((2, 4)), np.array([0, 1]), rng()),
     ValueError, "estimate must be an array of shape (n, 5)"),
    ("random_goal_actions target", lambda: E.random_goal_actions(np.array([5]), rng()), ValueError,
     "target must be a variable index from 0 to 4"),
    ("run_exploration cyclic", lambda: E.run_exploration(CYCLIC5, np.zeros((3, 5), dtype=int), rng()), ValueError,
     "weights[1] must be acyclic"),
    ("run_exploration 1-D actions", lambda: E.run_exploration(BATCH.weights, np.zeros(N, dtype=int), rng()),
     ValueError, f"actions must be an array of shape ({N}, n)"),
    ("exploration_step float actions", lambda: E.exploration_step(BATCH.weights, np.full(N, 1.5), rng()), ValueError,
     "each an integer"),
    ("expert_exploration negative", lambda: E.expert_exploration(-1, rng()), ValueError,
     "n_episodes must be a non-negative integer"),
    ("goal_from_estimates inf", lambda: E.goal_from_estimates(np.full((1, 5, 5), np.inf), np.array([1])), ValueError,
     "estimate must be finite numbers, or NaN where unknown"),
    # ------------------------------------------------------------------ mixtures
    ("mixture tagged string", lambda: M.mixture_episodes(5, rng(), 0.5, tagged="yes"), TypeError,
     "tagged must be True or False"),
    ("mixture split", lambda: M.mixture_episodes(5, rng(), 0.5, split="val"), ValueError,
     "; for example split='train'"),
    ("mixture_kinds percentage", lambda: M.mixture_kinds(10, 1.5, rng()), ValueError, "got 1.5; pass a fraction"),
    ("step_mixed negative", lambda: M.step_mixed_exploration(-1, 0.5, rng()), ValueError,
     "n_episodes must be a non-negative integer"),
    ("random_exploration float", lambda: M.random_exploration(2.5, rng()), TypeError,
     "n_episodes must be a non-negative integer"),
    ("mixture_sampler env", lambda: M.mixture_sampler(0.5, env="lab"), ValueError, "env must be one of"),
    ("off_record_sampler env", lambda: M.off_record_sampler(env="lab"), ValueError, "env must be one of"),
    ("share_of 1-D", lambda: M.interventional_share_of(np.zeros(5)), ValueError, "got shape (5,); pass"),
    ("sampler tagged steps", lambda: M.mixture_sampler(0.5, mixing="steps", tagged=True), ValueError,
     "mixing must be 'episodes' for source tags"),
    ("expert_goal_labels rng", lambda: M.expert_goal_labels(BATCH.weights, BATCH.effects, BATCH.target, 0),
     TypeError, "rng must be a numpy.random.Generator"),
    # ------------------------------------------------------------------ cues
    ("cued_share above 1", lambda: C.cue_episodes(5, rng(), cued_share=1.5), ValueError, "(a probability), got 1.5"),
    ("cue_split", lambda: C.cue_episodes(5, rng(), cue_split="nope"), ValueError, "cue_split must be one of"),
    ("structure_split", lambda: C.cue_episodes(5, rng(), structure_split="nope"), ValueError,
     "structure_split must be one of"),
    ("cued_exploration shape", lambda: C.cued_exploration(np.ones((2, 4), dtype=int), rng()), ValueError,
     "cue must be an array of shape (n, 5)"),
    ("cued_exploration values", lambda: C.cued_exploration(np.full((2, 5), 2), rng()), ValueError,
     "cue must be a mask of 0 and 1 values"),
    ("outside_cue rows", lambda: C.interventions_outside_cue(np.zeros((3, 5), dtype=int), np.zeros((2, 5), dtype=int)),
     ValueError, "cue must be an array of shape (3, 5)"),
    ("experiments_per_episode 1-D", lambda: C.experiments_per_episode(np.zeros(5, dtype=int)), ValueError,
     "actions must be an array of shape (n_episodes, n_steps)"),
    ("sample_cues split", lambda: C.sample_cues(BATCH.effects, BATCH.target, rng(), split="x"), ValueError,
     "; for example split='train'"),
    ("is_heldout_cue shape", lambda: C.is_heldout_cue(np.zeros((2, 3))), ValueError,
     "cue must be an array of shape (n, 5)"),
    ("cue_sampler share", lambda: C.cue_sampler(cued_share=2), ValueError, "cued_share must be between 0 and 1"),
    # ------------------------------------------------------------------ training
    ("batch_size zero", lambda: train(batch_size=0), ValueError, "batch_size must be a positive integer"),
    ("learning rate negative", lambda: train(learning_rate=-1.0), ValueError,
     "learning_rate must be a positive finite number"),
    ("learning rate NaN", lambda: train(learning_rate=np.nan), ValueError, "learning_rate must be a finite number"),
    ("model not a module", lambda: train(model="model"), TypeError, "model must be a torch.nn.Module"),
    ("make_batch not callable", lambda: train(make_batch=None), TypeError, "make_batch must be callable"),
    ("n_threads zero", lambda: train(n_threads=0), ValueError, "n_threads must be a positive integer"),
    ("progress string", lambda: train(progress="no"), TypeError, "progress must be True or False"),
    ("average_decay above 1", lambda: train(average_decay=1.5), ValueError, "average_decay must be a decay from 0"),
    ("callback_at number", lambda: train(callback_at=5), TypeError, "callback_at must be a collection"),
    ("weight_decay negative", lambda: train(weight_decay=-0.1), ValueError,
     "weight_decay must be a non-negative finite number"),
    # ------------------------------------------------------------------ statistics
    ("standard error NaN", lambda: ST.mean_and_standard_error([1.0, np.nan]), ValueError,
     "values must be finite numbers"),
    ("standard error empty", lambda: ST.mean_and_standard_error([]), ValueError, "values must be at least one number"),
    ("interval empty", lambda: ST.mean_with_interval([]), ValueError, "values must be at least one number"),
    ("t quantile zero", lambda: ST.t_quantile_95(0), ValueError, "degrees_of_freedom must be at least 1"),
    ("t quantile float", lambda: ST.t_quantile_95(2.5), TypeError, "degrees_of_freedom must be at least 1"),
    ("paired lengths", lambda: ST.paired_difference([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError,
     "a and b must be one value per seed"),
    ("paired empty", lambda: ST.paired_difference([], []), ValueError, "a must be at least one number"),
    ("interval_record digits", lambda: ST.interval_record([1.0, 2.0], digits=-1), ValueError,
     "digits must be a non-negative integer"),
    ("format_interval list", lambda: ST.format_interval([0.5]), TypeError, "summary must be a dict"),
    ("summarise no runs", lambda: ST.summarise_seeds([]), ValueError, "runs must be a non-empty list"),
    ("summarise numbers", lambda: ST.summarise_seeds([1, 2]), TypeError, "runs must be a list of dicts"),
    # ------------------------------------------------------------------ experiment design
    ("run_strategy negative rounds", lambda: ED.run_strategy(chain(), "greedy", -1, rng()), ValueError,
     "n_rounds must be a non-negative integer"),
    ("run_strategy float rounds", lambda: ED.run_strategy(chain(), "observe", 2.5, rng()), TypeError,
     "n_rounds must be a non-negative integer"),
    ("run_strategy batch zero", lambda: ED.run_strategy(chain(), "observe", 1, rng(), batch_size=0), ValueError,
     "batch_size must be a positive integer"),
    ("run_strategy simulations zero", lambda: ED.run_strategy(chain(), "greedy", 1, rng(), n_simulations=0),
     ValueError, "n_simulations must be a positive integer"),
    ("run_strategy five variables", lambda: ED.run_strategy(LinearGaussianSCM.from_weights(np.zeros((5, 5))),
                                                            "observe", 1, rng()), ValueError,
     "scm must be a world on at most 4 variables"),
    ("run_strategy not a world", lambda: ED.run_strategy("world", "observe", 1, rng()), TypeError,
     "scm must be a LinearGaussianSCM"),
    ("run_strategy space size", lambda: ED.run_strategy(chain(), "observe", 1, rng(), space=SL.DagSpace(2)),
     ValueError, "space must be a DagSpace on the world's 3 variables"),
    ("run_strategy unknown", lambda: ED.run_strategy(chain(), "clever", 1, rng()), ValueError,
     "strategy must be one of"),
    ("Experiment negative target", lambda: ED.Experiment(-1), ValueError, "target must be a variable index (0 or more)"),
    ("Experiment infinite do_sd", lambda: ED.Experiment(0, do_sd=np.inf), ValueError, "do_sd must be a finite number"),
    ("Experiment string do_sd", lambda: ED.Experiment(0, do_sd="2"), TypeError, "do_sd must be a real number"),
    ("simulate cyclic", lambda: simulate([np.zeros((3, 3)), CYCLE3], np.zeros((2, 3)), np.ones((2, 3))), ValueError,
     "weights[1] must be acyclic"),
    ("simulate intercepts shape", lambda: simulate(np.zeros((2, 3, 3)), np.zeros((2, 2)), np.ones((2, 3))),
     ValueError, "intercepts must be an array of shape (2, 3)"),
    ("simulate target", lambda: simulate(np.zeros((1, 3, 3)), np.zeros((1, 3)), np.ones((1, 3)), ED.Experiment(5)),
     ValueError, "experiment.target must be a variable of this model"),
    ("information gain target", lambda: ED.expected_information_gain(SPACE3, STATS3, ED.Experiment(3), rng()),
     ValueError, "experiment.target must be a variable of this model"),
    ("information gain simulations", lambda: ED.expected_information_gain(SPACE3, STATS3, ED.Experiment(0), rng(),
                                                                          n_simulations=0), ValueError,
     "n_simulations must be a positive integer"),
    ("information gains statistics", lambda: ED.information_gains(SPACE3, SL.NodeStatistics.empty(2),
                                                                  ED.candidate_experiments(3), rng()), ValueError,
     "statistics must be statistics of 3 variables"),
    ("candidate_experiments zero", lambda: ED.candidate_experiments(0), ValueError,
     "n_variables must be a positive integer"),
    ("run_experiment not an experiment", lambda: ED.run_experiment(chain(), "observe", rng()), TypeError,
     "experiment must be an Experiment"),
    ("sample_parameters cyclic", lambda: ED.sample_parameters(STATS3, CYCLE3, rng()), ValueError,
     "dag must be acyclic"),
    ("Experiment label names", lambda: ED.Experiment(1).label(["A"]), ValueError, "names must be a name for every"),
    # ------------------------------------------------------------------ experiments
    ("structure no seeds", lambda: causal_course.studies.structure.structure(fast=True, n_seeds=0), ValueError, "n_seeds must be a positive integer"),
    ("dagger no seeds", lambda: causal_course.studies.imitation.dagger(fast=True, n_seeds=0), ValueError, "n_seeds must be a positive integer"),
    ("return conditioning no seeds", lambda: causal_course.studies.imitation.return_conditioning(fast=True, n_seeds=0), ValueError,
     "n_seeds must be a positive integer"),
    ("explanations no seeds", lambda: causal_course.studies.explanations.explanations(fast=True, n_seeds=0), ValueError,
     "n_seeds must be a positive integer"),
    ("mixtures no seeds", lambda: causal_course.studies.mixtures.mixtures(fast=True, n_seeds=0), ValueError, "n_seeds must be a positive integer"),
    ("confounding no seeds", lambda: causal_course.studies.confounded_generalisation.confounding(fast=True, n_seeds=0), ValueError,
     "n_seeds must be a positive integer"),
    ("passive negative seed", lambda: causal_course.studies.passive.passive(seed=-1, fast=True), ValueError,
     "seed must be a non-negative integer (a random seed)"),
    ("passive float seed", lambda: causal_course.studies.passive.passive(seed=1.5, fast=True), TypeError, "seed must be a non-negative integer"),
    ("cues fast string", lambda: causal_course.studies.cues.cues(fast="yes"), TypeError, "fast must be True or False"),
    ("mixtures no shares", lambda: causal_course.studies.mixtures.mixtures(fast=True, shares=[]), ValueError, "shares must be a non-empty list"),
    ("mixtures repeated share", lambda: causal_course.studies.mixtures.mixtures(fast=True, shares=[0.5, 0.5]), ValueError,
     "shares must be a list of distinct values"),
    ("mixtures percentage", lambda: causal_course.studies.mixtures.mixtures(fast=True, shares=[50]), ValueError, "got 50.0; pass a fraction"),
    ("structure negative rounds", lambda: causal_course.studies.structure.structure(fast=True, n_rounds=-2), ValueError,
     "n_rounds must be a positive integer"),
    ("structure DAG index", lambda: causal_course.studies.structure.structure(fast=True, dag_indices=[30]), ValueError,
     "each DAG index must be an index into the 25 DAGs"),
    ("explanations kind", lambda: causal_course.studies.explanations.explanations(fast=True, conditions=["magic"]), ValueError,
     "the explanation kind of a condition must be one of"),
    ("explanations none normalised", lambda: causal_course.studies.explanations.explanations(fast=True, conditions=["none+normalised"]),
     ValueError, "without an explanation there is no loss to normalise"),
    ("explanations lambda", lambda: causal_course.studies.explanations.explanations(fast=True, lam=-1.0), ValueError,
     "lam must be a non-negative finite number"),
    ("explanations merge overlapping seeds", lambda: causal_course.studies.explanations.merge_explanations(
        [causal_course.studies.cache.load_results("explanations_results")] * 2), ValueError, "runs over disjoint seeds"),
    ("confounding share", lambda: causal_course.studies.confounded_generalisation.confounding(fast=True, confounded_shares=[1.5]), ValueError,
     "each confounded share must be between 0 and 1"),
    ("baselines envs string", lambda: causal_course.studies.passive.baselines_by_env(fast=True, envs="standard"), TypeError,
     "envs must be a list"),
    ("merge nothing", lambda: causal_course.studies.mixtures.merge_mixtures([]), TypeError, "parts must be a non-empty list"),
    ("train mixture condition", lambda: causal_course.studies.mixtures.train_mixture_model(0.5, "everything", 0, 1), ValueError,
     "got 'everything'; for example"),
    ("train mixture share", lambda: causal_course.studies.mixtures.train_mixture_model(1.5, "episodes", 0, 1), ValueError,
     "got 1.5; pass a fraction"),
    ("cue test sets empty", lambda: causal_course.studies.cues.cue_test_sets(0, 0), ValueError, "n_test must be a positive integer"),
    ("evaluate without test sets", lambda: causal_course.studies.passive.evaluate_everything(None, {}, 0), ValueError,
     "test_sets must be a non-empty dict"),
]

TEMPLATE = re.compile(r"^.+ must be .+, got .+; .+\.$", re.DOTALL)


def test_the_table_is_large_and_ids_are_unique():
    assert len(BAD_CALLS) >= 100
    assert len({case[0] for case in BAD_CALLS}) == len(BAD_CALLS)


@pytest.mark.parametrize("call, error, fragment", [case[1:] for case in BAD_CALLS], ids=[case[0] for case in BAD_CALLS])
def test_bad_call_gets_a_clear_error(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error  # not a subclass such as numpy's AxisError
    message = str(info.value)
    assert fragment in message
    assert TEMPLATE.match(message), f"not in the template '{{name}} must be {{expected}}, got {{got}}; {{fix}}.': {message}"


# ---------------------------------------------------------------------------------- valid edge cases still work
def test_the_cycle_check_accepts_every_generated_dag():
    generator = np.random.default_rng(3)
    for split in E.SPLITS:
        weights, effects, _ = E.sample_structures(5_000, generator, split)
        assert not V.has_cycle(weights).any()
        assert np.allclose(E.total_effects(weights), effects)
        E.is_heldout(weights)
    assert not V.has_cycle(E.random_dag_weights(50_000, generator)).any()
    for n in range(1, 5):
        assert all(not V.has_cycle(dag) for dag in D.all_dags(n))


def test_the_vectorised_cycle_check_agrees_with_networkx():
    generator = np.random.default_rng(4)
    for n in range(1, 7):
        graphs = generator.random((400, n, n)) < 0.3
        found = V.has_cycle(graphs)
        for adjacency, cyclic in zip(graphs, found):
            graph = nx.DiGraph()
            graph.add_nodes_from(range(n))
            graph.add_edges_from(zip(*np.nonzero(adjacency)))
            assert cyclic == (not nx.is_directed_acyclic_graph(graph))
            cycle = V.find_cycle(adjacency)
            assert (cycle is not None) == cyclic
            if cycle is not None:
                assert cycle[0] == cycle[-1] and all(adjacency[a, b] for a, b in zip(cycle, cycle[1:]))


def test_do_by_name_and_by_index_agree():
    model = chain()
    by_name = model.sample(200, np.random.default_rng(5), do={"B": 1.5})
    by_index = model.sample(200, np.random.default_rng(5), do={1: 1.5})
    assert np.array_equal(by_name, by_index)
    assert np.allclose(model.mean(do={"A": 2.0}), model.mean(do={0: 2.0}))
    per_sample = np.linspace(-1, 1, 50)
    assert np.array_equal(model.sample(50, np.random.default_rng(6), do={"A": per_sample}),
                          model.sample(50, np.random.default_rng(6), do={0: per_sample}))


def test_integer_names_equal_to_their_positions_are_fine():
    model = LinearGaussianSCM.from_weights(CHAIN3, names=[0, 1, 2])
    assert model.index(1) == 1 and np.allclose(model.mean(do={1: 3.0}), [0.0, 3.0, 3.0])
    graph = nx.DiGraph()
    graph.add_weighted_edges_from([(0, 1, 1.0), (1, 2, 0.5)])
    assert LinearGaussianSCM(graph).index(2) == 2


def test_zero_counts_give_empty_results():
    generator = np.random.default_rng(7)
    assert len(E.expert_episodes(0, generator)) == 0
    assert len(M.mixture_episodes(0, generator, 0.5)) == 0
    assert len(M.off_record_episodes(0, generator)) == 0
    assert len(C.cue_episodes(0, generator)) == 0
    weights, effects, target = E.sample_structures(0, generator, "critical")
    assert weights.shape == effects.shape == (0, 5, 5) and target.shape == (0,)
    assert chain().sample(0, generator).shape == (0, 3)
    history = ED.run_strategy(chain(), "observe", 0, generator)
    assert len(history["entropy"]) == 1 and history["experiments"] == []


def test_probabilities_off_by_rounding_are_accepted():
    predicted = 1.0 + 2e-16
    assert SL.entropy_bits([predicted, 1.0 - predicted]) == pytest.approx(0.0, abs=1e-12)
    assert SL.outcome_information([0.5, 0.5], [1.0, 1.0]) == pytest.approx(0.0, abs=1e-12)
    posterior = np.random.default_rng(8).dirichlet(np.ones(12))
    assert SL.outcome_information(posterior, np.full(12, 0.95)) == pytest.approx(0.0, abs=1e-12)


def test_normalised_reward_of_real_episodes():
    optimal = BATCH.optimal_reward
    assert E.normalised_reward(optimal, optimal) == 1.0
    assert E.normalised_reward(-optimal, optimal) == -1.0
    assert -1.0 <= E.normalised_reward(BATCH.reward, optimal) <= 1.0


def test_the_message_template():
    assert V.error_message("n_seeds", "a positive integer", 0, "pass n_seeds=5.") == \
        "n_seeds must be a positive integer, got 0; pass n_seeds=5."
    with pytest.raises(ValueError, match=r"^share must be between 0 and 1 \(a probability\), got 1.5; "):
        V.check_probability(1.5, "share")
    with pytest.raises(TypeError, match="seed must be a non-negative integer"):
        V.check_seed(np.float64(1.0))
    assert V.check_seed(np.int64(3)) == 3 and type(V.check_seed(np.int64(3))) is int
