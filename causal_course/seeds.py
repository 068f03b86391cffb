"""Independent random streams from one seed: the only way a run derives more than one generator.

A run has one seed. Its training draws from the seed's main stream, ``numpy.random.default_rng(seed)``;
every other use (the test episodes, the baselines' memory, the model's and the baselines' actions
during a test, ...) draws from a stream of its own, ``default_rng([seed, k])`` with a fixed ``k`` per
use. NumPy's ``SeedSequence`` makes these streams independent for every pair of seeds and uses, which
offsets (``seed + 5_000``) do not: seed 5,000's training would replay seed 0's test episodes.

>>> main = stream(3, "main").random()
>>> main == np.random.default_rng(3).random()
True
>>> stream(3, "test_episodes").random() == stream(3, "test_episodes").random() != main
True
"""

from __future__ import annotations

import numpy as np

from causal_course.validation import check_choice, check_seed

# use -> k. Never renumber or reuse a k: cached results were drawn with these.
STREAMS = {
    "main": 0,  # default_rng(seed) itself: training batches, model initialisation
    "baselines": 1,  # what the baseline agents learn from (the memorising agent's logs)
    "model_actions": 2,  # the environment's noise while a model acts in a test
    "baseline_actions": 3,  # the same for the baseline agents
    "exploration": 4,  # the episodes on which a model's exploration is summarised
    "test_episodes": 5,  # the test structures, targets and worlds
    "odd_one_out_test": 6,  # lesson 06's deconfounded test scenes
    "test_roads": 7,  # lesson 07's test roads and gusts
    "test_gusts": 8,  # lesson 07's weather per test drive
    "explanation_task_test": 9,  # lesson 05's experimenting odd-one-out: the test episodes of a seed
    "explanation_task_tuning": 10,  # the same task: the seed of the runs that tune each condition
    "extra_demonstrations": 11,  # lesson 07's further expert drives that size-match cloning to a DAgger round
    "confounded_experiments_test": 30,  # lesson 06's confounded experimenting odd-one-out: deconfounded test episodes
    "confounded_experiments_ambiguous": 31,  # the same task: test episodes with confounded experiments, deconfounded test
    "lm_corpus": 20,  # lesson 08: the documents of the language model's training corpus
    "lm_batches": 21,  # lesson 08: which documents make each training batch
    "lm_actions": 22,  # lesson 08: the environment's noise while the language model acts in a test
    "lm_probe": 23,  # lesson 08: held-out notes the model predicts readings for; tie-breaks of content orderings
    "explanation_head_test": 65,  # lesson 05: the held-out episodes on which a briefly trained explanation head is scored
    "lm_demo": 40,  # lesson 08's demo: the worlds a learner meets one after another, and each world's noise
    "structure_worlds": 50,  # lesson 02's study: the hidden worlds (weights, noise scales) every experimenter meets
    "structure_observe": 51,  # lesson 02's study: the samples of the experimenter that only observes
    "structure_random": 52,  # the same for the random experimenter (its choices and samples)
    "structure_greedy": 53,  # the same for the most informative (greedy) experimenter (its simulations and samples)
}


def stream(seed: int, use: str) -> np.random.Generator:
    """The generator for ``use`` (a key of :data:`STREAMS`) of the run with seed ``seed``."""
    seed = check_seed(seed)
    check_choice(use, tuple(STREAMS), "use")
    return np.random.default_rng([seed, STREAMS[use]])


def stream_seed(seed: int, use: str) -> int:
    """An integer seed for ``use``, for functions that take a seed rather than a generator."""
    seed = check_seed(seed)
    check_choice(use, tuple(STREAMS), "use")
    return int(np.random.SeedSequence([seed, STREAMS[use]]).generate_state(1, dtype=np.uint64)[0] >> 1)
