"""Lesson 08's study: worlds named in causal order, what a model foresees, and the paired summary over seeds."""

import numpy as np
import pytest

from causal_course.learners.language_model import GPT, GPTConfig
from causal_course.learners.tokenizer import Tokenizer
from causal_course.studies.language_model import (
    content_test_sets,
    measure_predictions,
    parse_readings,
    predicted_readings,
    summarise_runs,
)
from causal_course.torch_setup import torch
from causal_course.worlds.dag_episodes import (
    N_VARIABLES,
    expert_episodes,
    goal_reward,
    optimal_goal_action,
    sample_worlds,
)
from causal_course.worlds.text_reports import HEADERS, build_corpus, order_worlds


@pytest.fixture(scope="module")
def worlds():
    return sample_worlds(400, np.random.default_rng(0), "all")


@pytest.mark.parametrize("name_order, keep", [("causes_first", np.triu), ("effects_first", np.tril)])
def test_ordered_worlds_run_along_the_names_and_are_the_same_worlds(worlds, name_order, keep):
    weights, target = worlds[0], worlds[1]
    renumbered, new_target = order_worlds(weights, target, np.random.default_rng(1), name_order)
    strict = keep(np.ones((N_VARIABLES, N_VARIABLES)), 1 if name_order == "causes_first" else -1)
    assert np.all(renumbered.weights[:, strict == 0] == 0)  # every edge runs along (or against) the names
    assert np.array_equal(np.count_nonzero(renumbered.weights, axis=(1, 2)), np.count_nonzero(weights.weights, axis=(1, 2)))
    before = goal_reward(weights.effects, target, optimal_goal_action(weights.effects, target))
    after = goal_reward(renumbered.effects, new_target, optimal_goal_action(renumbered.effects, new_target))
    assert np.allclose(before, after)
    # the target is the same dial: its column of total effects holds the same numbers
    rows = np.arange(len(target))
    assert np.allclose(np.sort(weights.effects[rows, :, target], axis=1), np.sort(renumbered.effects[rows, :, new_target], axis=1))
    again, _ = order_worlds(weights, target, np.random.default_rng(1), name_order)
    assert np.array_equal(again.weights, renumbered.weights)


def test_name_orders_errors_are_clear(worlds):
    with pytest.raises(ValueError, match="name_order"):
        order_worlds(worlds[0], worlds[1], np.random.default_rng(0), "alphabetical")
    with pytest.raises(ValueError, match="name_order"):
        build_corpus(np.random.default_rng(0), 4, name_order="sideways")


def test_a_corpus_named_in_causal_order_has_only_forward_edges():
    corpus = build_corpus(np.random.default_rng(0), 30, {"experimenter": 0.5, "observer": 0.5},
                          names=("rain", "grass", "path", "shoes", "floor"), name_order="causes_first", split="all")
    for batch in corpus.episodes.values():
        assert np.all(np.tril(batch.weights) == 0)
    assert all(text.split(". ")[1].startswith("Dials: rain, grass") for text in corpus.texts)


def test_content_test_sets_pair_the_same_structures_in_both_namings():
    sets = content_test_sets(200, seed=0)
    agree, contradict = sets["agree"], sets["contradict"]
    assert np.all(np.tril(agree.weights) == 0) and np.all(np.triu(contradict.weights) == 0)
    assert np.allclose(agree.optimal_reward, contradict.optimal_reward)
    assert np.array_equal(np.count_nonzero(agree.weights, axis=(1, 2)), np.count_nonzero(contradict.weights, axis=(1, 2)))


def test_parse_readings_reads_what_was_written_and_nan_for_the_rest():
    assert parse_readings("A 0.1, B -5.0, C 4.9, D -5.1, E 0.0.", "ABCDE").tolist() == [0.1, -5.0, 4.9, -5.1, 0.0]
    assert np.isnan(parse_readings("", "ABCDE")).all()
    assert np.isnan(parse_readings("<unk> 3.0, Z 1.0, B B B", "ABCDE")).all()
    assert parse_readings("A 1.0, A 2.0", "ABCDE")[0] == 1.0  # the first reading of a dial counts
    with pytest.raises(TypeError, match="string"):
        parse_readings(None, "ABCDE")


class WritesReadings(GPT):
    """A stand-in model that writes ``script`` token by token after every colon (the end of an action)."""

    def __init__(self, tokenizer, script: str):
        super().__init__(GPTConfig(len(tokenizer), 224, n_layers=1, n_heads=1, width=4))
        self.script = tokenizer.encode(script)
        self.position = 0

    def forward(self, tokens, cache=None):
        n, length = tokens.shape
        if cache is not None:
            cache.extend(0, torch.zeros(n, 1, length, 1), torch.zeros(n, 1, length, 1))
        if int(tokens[0, -1]) == self.colon:  # every row is at the same place in its notes
            self.position = 0
        nxt = torch.full((n,), self.script[min(self.position, len(self.script) - 1)])
        self.position += 1
        logits = torch.full((n, length, self.config.vocab_size), -10.0)
        logits[torch.arange(n), -1, nxt] = 10.0
        return logits


def scripted(script):
    tokenizer = Tokenizer.for_reports()
    model = WritesReadings(tokenizer, script)
    model.colon = tokenizer.index[":"]
    return model, tokenizer


def test_predicted_readings_are_what_the_model_writes_after_each_action():
    model, tokenizer = scripted("A 1.5, B 2.0, C -3.0, D 4.0, E 0.5.")
    episodes = expert_episodes(6, np.random.default_rng(0), "heldout")
    predicted = predicted_readings(model, tokenizer, episodes, HEADERS["experimenter"])
    assert predicted.shape == (6, 5, 5) and np.allclose(predicted, [1.5, 2.0, -3.0, 4.0, 0.5])


def test_a_model_that_foresees_zeros_everywhere_misses_the_set_dial_by_5():
    """Writing 0 for every dial: as good as the rule on the other dials and after looks, 5 off on the set dial."""
    model, tokenizer = scripted("A 0.0, B 0.0, C 0.0, D 0.0, E 0.0.")
    result = measure_predictions(model, tokenizer, seed=0, n_episodes=20)
    set_dial, others = result["experimenter"]["set_dial"], result["experimenter"]["other_dials"]
    assert set_dial["model"] == pytest.approx(5.0) and set_dial["rule_only"] == 0.0
    assert others["model"] == pytest.approx(others["rule_only"])
    assert others["true_structure"] < others["rule_only"]  # the structure tells where the 5 spreads
    looks = result["observer"]["other_dials"]
    assert looks["model"] == pytest.approx(looks["rule_only"]) == pytest.approx(looks["true_structure"])
    assert result["experimenter"]["unwritten_share"] == 0


def fake_run(condition, seed, reward):
    scores = {"reward": reward, "unparseable_share": 0.0, "observe_share": 0.0, "all_variables_share": 1.0}
    acting = {prompt: {name: dict(scores) for name in ("in_distribution", "heldout", "critical")}
              for prompt in ("experimenter", "observer", "none")}
    acting["observer"]["heldout"]["reward"] = reward - 0.5
    part = {"model": 1.0, "rule_only": 1.0, "true_structure": 0.1, "model_first_step": 1.0, "model_last_step": 1.0}
    return {"condition": condition, "seed": seed, "acting": acting,
            "predictions": {"experimenter": {"set_dial": part, "other_dials": part}, "observer": {"other_dials": part}}}


def test_the_summary_pairs_conditions_by_seed_and_only_over_common_seeds():
    runs = {"experimenter": {s: fake_run("experimenter", s, 0.5 + 0.1 * s) for s in range(4)},
            "observer": {s: fake_run("observer", s, 0.1 * s) for s in range(3)},  # seed 3 missing
            "mixed": {s: fake_run("mixed", s, 0.6) for s in range(3)}}
    summary = summarise_runs(runs)
    difference = summary["differences"]["experimenter_minus_observer_corpus"]["heldout"]
    assert difference["values"] == pytest.approx([0.5, 0.5, 0.5]) and difference["excludes_zero"] is True
    prompt = summary["differences"]["mixed_prompt_experimenter_minus_observer"]["heldout"]
    assert prompt["values"] == pytest.approx([0.5] * 3)
    assert summary["acting"]["experimenter"]["experimenter"]["heldout"]["reward"]["values"] == pytest.approx([0.5, 0.6, 0.7, 0.8])
    assert "explanations_minus_none" not in summary["differences"] and summary["content"] == {}
