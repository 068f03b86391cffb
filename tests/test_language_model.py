"""Lesson 08's foundation: the text world, the tokenizer, the tiny GPT, its training and the language agent."""

import re

import numpy as np
import pytest

from causal_course.learners.evaluation import make_test_sets
from causal_course.learners.language_agent import UNPARSED, evaluate_language_agent, language_rollout, rollout_reward
from causal_course.learners.language_model import (
    GPT,
    GPTConfig,
    KVCache,
    build_language_model,
    language_model_loss,
    load_checkpoint,
    train_language_model,
)
from causal_course.learners.tokenizer import Tokenizer
from causal_course.torch_setup import torch
from causal_course.worlds.dag_episodes import expert_episodes, normalised_reward
from causal_course.worlds.text_reports import (
    HEADERS,
    KINDS,
    build_corpus,
    format_number,
    kind_counts,
    parse_exploration,
    parse_goal,
    write_report,
)

NAMES = ("rain", "sprinkler", "grass", "path", "shoes")
MIXED = {"experimenter": 0.5, "observer": 0.3, "distractor": 0.2}


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer.for_reports()


@pytest.fixture(scope="module")
def corpus():
    return build_corpus(np.random.default_rng(0), 60, MIXED, explanations=True)


def tiny_model(tokenizer, seed=0, context_length=192, number_features=False):
    config = GPTConfig(len(tokenizer), context_length, n_layers=1, n_heads=2, width=16, number_features=number_features)
    return build_language_model(config, seed, tokenizer.token_values() if number_features else None)


# ----------------------------------------------------------------------------- the tokenizer
@pytest.mark.parametrize("names, decimals", [(("A", "B", "C", "D", "E"), 1), (NAMES, 1), (NAMES, 2), (NAMES, 0)])
def test_every_kind_of_document_round_trips_through_the_tokenizer(names, decimals):
    tokenizer = Tokenizer.for_reports(names, decimals)
    texts = build_corpus(np.random.default_rng(1), 30, MIXED, explanations=True, names=names, decimals=decimals).texts
    for text in texts:
        ids = tokenizer.encode(text, bos=True, eos=True)
        assert tokenizer.unk_id not in ids, text
        assert tokenizer.decode(ids) == text
    assert Tokenizer.from_spec(tokenizer.spec()).vocabulary == tokenizer.vocabulary


def test_numbers_are_split_into_an_integer_part_and_decimals(tokenizer):
    assert tokenizer.tokens("D -5.1, E 0.0, A -0.3, B 12.5.") == [
        "D", "-5", ".1", ",", "E", "0", ".0", ",", "A", "-0", ".3", ",", "B", "12", ".5", "."]
    assert len(tokenizer) < 250  # a fixed, small vocabulary


def test_token_values_are_the_numbers_the_tokens_stand_for(tokenizer):
    values = tokenizer.token_values()
    assert [values[tokenizer.index[t]] for t in ("-12", "-0", "7", ".3", "set", "<pad>")] == pytest.approx(
        [-12, 0, 7, 0.3, 0, 0])
    model = tiny_model(tokenizer, number_features=True)
    assert torch.equal(model.token_values, torch.as_tensor(values))
    with pytest.raises(ValueError, match="token_values must be each token's value"):
        build_language_model(GPTConfig(len(tokenizer), number_features=True))


def test_unknown_text_becomes_unk_and_decodes_as_such(tokenizer):
    text = "I set B to 5: zebra 123.45, B 5.07 ~"
    tokens = tokenizer.tokens(text)
    assert tokens.count("<unk>") == 5  # zebra, 123, .45, .07 (more decimals than the vocabulary has), ~
    assert tokenizer.decode(tokenizer.encode(text)) == "I set B to 5: <unk> <unk> <unk>, B 5 <unk> <unk>"
    assert tokenizer.decode([]) == ""


def test_tokenizer_errors_are_clear(tokenizer):
    with pytest.raises(ValueError, match="token ids from 0"):
        tokenizer.decode([0, len(tokenizer)])
    with pytest.raises(TypeError, match="text must be a string"):
        tokenizer.encode(["I", "set"])
    with pytest.raises(ValueError, match="neither special tokens nor numbers"):
        Tokenizer(["I", "5"])
    with pytest.raises(ValueError, match="length must be at least the longest"):
        tokenizer.encode_batch(["I set B to 5: A 0.1, B 5.0."], 5)


# ----------------------------------------------------------------------------- the text world
def test_corpus_proportions_are_exact_and_each_kind_reads_as_its_kind():
    n = 103
    corpus = build_corpus(np.random.default_rng(2), n, MIXED)
    counts = {kind: int(np.sum(corpus.kinds == kind)) for kind in KINDS}
    assert counts == kind_counts(n, MIXED) == {"experimenter": 51, "observer": 31, "distractor": 21}
    for kind in KINDS:
        texts = [t for t, k in zip(corpus.texts, corpus.kinds) if k == kind]
        assert all(t.startswith(HEADERS[kind]) for t in texts)
        assert len(corpus.rows[kind]) == counts[kind]
    experimenter = [t for t, k in zip(corpus.texts, corpus.kinds) if k == "experimenter"]
    assert all(t.count("I set") == 6 and "looked" not in t for t in experimenter)
    observer = [t for t, k in zip(corpus.texts, corpus.kinds) if k == "observer"]
    assert all(t.count("I looked at the dials:") == 5 and t.count("I set") == 1 for t in observer)
    assert all("Goal" not in t for t, k in zip(corpus.texts, corpus.kinds) if k == "distractor")
    assert kind_counts(7, {"experimenter": 1 / 3, "observer": 1 / 3, "distractor": 1 / 3}) in (
        {"experimenter": 3, "observer": 2, "distractor": 2}, {"experimenter": 2, "observer": 3, "distractor": 2},
        {"experimenter": 2, "observer": 2, "distractor": 3})
    assert list(np.unique(build_corpus(np.random.default_rng(2), 10).kinds)) == ["experimenter"]


def _numbers(text: str) -> list:
    return re.findall(r"-?\d+(?:\.\d+)?", text)


def test_reports_write_the_notes_and_nothing_hidden():
    batch = expert_episodes(40, np.random.default_rng(3))
    for row in range(len(batch)):
        args = (batch.actions[row], batch.values[row], batch.target[row], batch.goal_action[row], HEADERS["experimenter"])
        text = write_report(*args, explanations=True)
        # every number in the text is a logged reading, the 5 of an action, or the explanation's logged reading
        chosen = batch.goal_action[row] // 2
        step = int(np.flatnonzero(batch.actions[row] == chosen + 1)[0])
        expected = []
        for values in batch.values[row]:
            expected += ["5"] + [format_number(v) for v in values]
        expected += ["-5" if batch.goal_action[row] % 2 else "5", format_number(batch.values[row][step, batch.target[row]])]
        assert _numbers(text) == expected
        # the same notes in other worlds give the same text: the structure is not an input
        assert write_report(*args, explanations=True) == text
    # and no word of the world's hidden side appears anywhere, in any kind of document
    corpus = build_corpus(np.random.default_rng(4), 60, MIXED, explanations=True)
    words = set(re.findall(r"[A-Za-z]+", " ".join(corpus.texts)))
    assert not words & {"weight", "weights", "edge", "effect", "effects", "cause", "causes", "ancestor", "noise", "X"}


def test_changing_the_hidden_structure_of_the_notes_changes_no_text():
    batch = expert_episodes(30, np.random.default_rng(5))
    texts = [write_report(batch.actions[r], batch.values[r], batch.target[r], batch.goal_action[r], "Notes.",
                          explanations=True) for r in range(len(batch))]
    batch.weights[:] = 0.0  # the notes are all the writer may read
    batch.effects[:] = np.eye(5)
    again = [write_report(batch.actions[r], batch.values[r], batch.target[r], batch.goal_action[r], "Notes.",
                          explanations=True) for r in range(len(batch))]
    assert again == texts


def test_the_recap_rereads_the_targets_readings_from_the_notes():
    batch = expert_episodes(20, np.random.default_rng(7))
    for r in range(len(batch)):
        text = write_report(batch.actions[r], batch.values[r], batch.target[r], batch.goal_action[r], None, recap=True)
        recap = re.search(r"Readings of (\w): (.*?)\. I set", text)
        assert recap.group(1) == "ABCDE"[batch.target[r]]
        pairs = [entry.split() for entry in recap.group(2).split(", ")]
        assert [name for name, _ in pairs] == ["ABCDE"[a - 1] for a in batch.actions[r]]
        assert [value for _, value in pairs] == [format_number(v) for v in batch.values[r][:, batch.target[r]]]
    assert write_report(batch.actions[0], batch.values[0], batch.target[0], batch.goal_action[0], None) in [
        re.sub(r" Readings of .*?\.(?= I set)", "", write_report(batch.actions[0], batch.values[0], batch.target[0],
                                                                   batch.goal_action[0], None, recap=True))]


def test_reports_with_several_goals_answer_each_from_the_same_notes():
    from causal_course.worlds.dag_episodes import estimated_effects, goal_from_estimates, goal_from_logged_evidence

    for kind in ("experimenter", "observer"):
        corpus = build_corpus(np.random.default_rng(8), 40, {kind: 1.0}, recap=True, goals=3)
        batch = corpus.episodes[kind]
        single = build_corpus(np.random.default_rng(8), 40, {kind: 1.0}, recap=True)
        for row, text in enumerate(corpus.texts):
            decisions = re.findall(r"Goal: raise (\w)\. Readings of (\w): (.*?)\. I set (\w) to (-?5)\.", text)
            assert len(decisions) == 3 and text.count("Goal:") == 3
            targets = ["ABCDE".index(d[0]) for d in decisions]
            assert targets[0] == batch.target[row] and len(set(targets)) == 3  # three different dials
            for target, (name, again, readings, dial, value) in zip(targets, decisions):
                assert again == name
                assert [entry.split()[1] for entry in readings.split(", ")] == [
                    format_number(v) for v in batch.values[row][:, target]]
                goal = 2 * "ABCDE".index(dial) + (value == "-5")
                notes = batch.actions[row:row + 1], batch.values[row:row + 1]
                if kind == "experimenter":
                    assert goal == goal_from_estimates(estimated_effects(*notes), np.array([target]))[0]
                else:  # the observer's rule breaks ties at random; the goal is one it could justify
                    assert parse_goal(f"I set {dial} to {value}.", target) == goal
                    assert goal_from_logged_evidence(*notes, np.array([target]), np.random.default_rng(0)).shape == (1,)
            # the first goal is the one-goal report's: the extra goals only append text
            assert text.startswith(single.texts[row].rsplit(" Goal:", 1)[0])
        # a held-out-free corpus stays held-out-free: the structures are lesson 03's training split
        from causal_course.worlds.dag_episodes import is_heldout

        assert not is_heldout(batch.weights).any()


def test_several_goals_write_nothing_hidden():
    corpus = build_corpus(np.random.default_rng(9), 30, MIXED, recap=True, goals=4, explanations=True)
    batch = corpus.episodes["experimenter"]
    rows = corpus.rows["experimenter"]
    texts = [corpus.texts[p] for p in rows]
    batch.weights[:] = 0.0
    batch.effects[:] = np.eye(5)
    targets = [[("ABCDE".index(t)) for t in re.findall(r"Goal: raise (\w)", text)] for text in texts]
    goals = [[2 * "ABCDE".index(d) + (v == "-5") for d, v in re.findall(r"I set (\w) to (-?5)(?: because .*?)?\.(?= Goal: |$)", text)]
             for text in texts]
    for r, text in enumerate(texts):
        more = list(zip(targets[r][1:], goals[r][1:]))
        assert write_report(batch.actions[r], batch.values[r], batch.target[r], batch.goal_action[r],
                            HEADERS["experimenter"], explanations=True, recap=True, more_goals=more) == text
    words = set(re.findall(r"[A-Za-z]+", " ".join(corpus.texts)))
    assert not words & {"weight", "weights", "edge", "effect", "effects", "cause", "causes", "ancestor", "noise", "X"}
    with pytest.raises(ValueError, match="goals"):
        build_corpus(np.random.default_rng(0), 10, goals=5)


def test_explanations_read_the_notes_not_the_truth():
    batch = expert_episodes(200, np.random.default_rng(6))
    noisy = 0
    for r in range(len(batch)):
        text = write_report(batch.actions[r], batch.values[r], batch.target[r], batch.goal_action[r], None,
                            explanations=True)
        moved = float(re.search(r"moved \w+ by (-?\d+\.\d)", text).group(1))
        variable = batch.goal_action[r] // 2
        noisy += moved != round(5 * batch.effects[r, variable, batch.target[r]], 1)
    assert noisy > 0  # some logged readings differ from 5 x the true effect: the text holds the readings


def test_parser_reads_valid_actions():
    assert parse_exploration("I set B to 5:") == 2
    assert parse_exploration(" I set E to +5.0 :") == 5
    assert parse_exploration("I set A to 5") == 1
    assert parse_exploration("I looked at the dials:") == 0
    assert parse_exploration("I set path to 5:", NAMES) == 4
    assert parse_goal("I set B to -5.", target=3) == 3
    assert parse_goal("I set B to 5.", target=3) == 2
    assert parse_goal("I set E to +5 because setting E moved D by 5.1.", target=3) == 8
    assert parse_goal("I set rain to -5.", target=1, names=NAMES) == 1


@pytest.mark.parametrize("text", ["", "banana", "I set B to -5:", "I set B to 4:", "I set Z to 5:", "I set B",
                                  "I set B to 5: A 0.1", "<unk> set B to 5:", "I looked at the dial:", "set B to 5:",
                                  "I set B to 55:"])
def test_parser_refuses_garbage_while_exploring(text):
    assert parse_exploration(text) is None


@pytest.mark.parametrize("text", ["", "banana", "I set D to 5.", "I set D to -5.", "I set B to 3.", "I set B to 5: A",
                                  "I looked at the dials:", "I set B to 5 and C to 5.", "Goal: raise D."])
def test_parser_refuses_garbage_at_the_goal(text):
    assert parse_goal(text, target=3) is None  # D (3) is the target: setting it is not allowed


def test_text_world_errors_are_clear():
    with pytest.raises(ValueError, match="shares must be non-negative shares that sum to 1"):
        build_corpus(np.random.default_rng(0), 10, {"experimenter": 0.5})
    with pytest.raises(ValueError, match="keys are among"):
        build_corpus(np.random.default_rng(0), 10, {"experts": 1.0})
    with pytest.raises(ValueError, match="5 distinct one-word names"):
        build_corpus(np.random.default_rng(0), 10, names=("A", "B", "C", "D", "D"))
    with pytest.raises(ValueError, match="one word of letters"):
        build_corpus(np.random.default_rng(0), 10, names=("wet grass", "B", "C", "D", "E"))
    with pytest.raises(ValueError, match="words the reports do not already use"):
        build_corpus(np.random.default_rng(0), 10, names=("Goal", "B", "C", "D", "E"))
    with pytest.raises(TypeError, match="text must be a string"):
        parse_goal(None, target=0)


# ----------------------------------------------------------------------------- the model and its training
@pytest.mark.parametrize("number_features", [False, True])
def test_the_key_value_cache_gives_the_same_logits_as_a_full_pass(tokenizer, corpus, number_features):
    model = tiny_model(tokenizer, number_features=number_features).eval()
    tokens = torch.as_tensor(tokenizer.encode_batch(corpus.texts[:4], 192)[:, :50])
    with torch.no_grad():
        full = model(tokens)
        cache = KVCache(model.config.n_layers)
        parts = [model(tokens[:, :20], cache), model(tokens[:, 20:21], cache), model(tokens[:, 21:50], cache)]
        assert torch.allclose(torch.cat(parts, dim=1), full, atol=1e-5)
        cache.truncate(21)
        assert torch.allclose(model(tokens[:, 21:30], cache), full[:, 21:30], atol=1e-5)


def test_training_is_reproducible_from_a_seed_and_lowers_the_loss(tokenizer, corpus):
    tokens = tokenizer.encode_batch(corpus.texts, 192)
    probe = torch.as_tensor(tokens[:16])
    runs = []
    for batches in (7, 7, 8):
        model = tiny_model(tokenizer)
        with torch.no_grad():
            before = language_model_loss(model, probe).item()
        train_language_model(model, tokens, 40, np.random.default_rng(batches), batch_size=8, learning_rate=1e-2,
                             warmup=5, progress=False)
        with torch.no_grad():
            after = language_model_loss(model, probe).item()
        runs.append((before, after, [p.detach().clone() for p in model.parameters()]))
    assert runs[0][1] < runs[0][0] - 0.5  # 40 small steps already learn the words and the layout
    assert all(torch.equal(a, b) for a, b in zip(runs[0][2], runs[1][2]))  # same seeds, same weights
    assert not all(torch.equal(a, b) for a, b in zip(runs[0][2], runs[2][2]))  # other batches, other weights
    assert not torch.equal(tiny_model(tokenizer, 0).head.weight, tiny_model(tokenizer, 1).head.weight)


def test_resuming_from_a_checkpoint_gives_the_same_weights(tokenizer, corpus, tmp_path):
    tokens = tokenizer.encode_batch(corpus.texts, 192)
    options = {"batch_size": 4, "learning_rate": 1e-2, "warmup": 2, "progress": False}
    straight = tiny_model(tokenizer)
    history = train_language_model(straight, tokens, 6, np.random.default_rng(9), **options)
    path = tmp_path / "lm.pt"
    interrupted = tiny_model(tokenizer)
    first = train_language_model(interrupted, tokens, 6, np.random.default_rng(9), checkpoint=path, stop_after=3,
                                 metadata={"tokenizer": tokenizer.spec()}, **options)
    assert first.steps == [1, 2, 3]
    resumed_model = tiny_model(tokenizer, seed=5)  # overwritten by the checkpoint
    resumed = train_language_model(resumed_model, tokens, 6, np.random.default_rng(12345), checkpoint=path, **options)
    assert resumed.steps == [1, 2, 3, 4, 5, 6] and resumed.loss == pytest.approx(history.loss)
    for a, b in zip(straight.parameters(), resumed_model.parameters()):
        assert torch.equal(a, b)
    numbers = tiny_model(tokenizer, number_features=True)
    train_language_model(numbers, tokens, 2, np.random.default_rng(0), checkpoint=tmp_path / "n.pt", **options)
    reloaded, _ = load_checkpoint(tmp_path / "n.pt")  # the token values travel with the weights
    assert torch.equal(reloaded.token_values, numbers.token_values) and reloaded.token_values.abs().max() > 0
    loaded, state = load_checkpoint(path)
    assert all(torch.equal(a, b) for a, b in zip(loaded.parameters(), straight.parameters()))
    assert Tokenizer.from_spec(state["metadata"]["tokenizer"]).vocabulary == tokenizer.vocabulary
    with pytest.raises(ValueError, match="same config"):
        train_language_model(build_language_model(GPTConfig(len(tokenizer), 192, 1, 2, 8)), tokens, 6,
                             np.random.default_rng(0), checkpoint=path, **options)


def test_the_callback_runs_outside_training(tokenizer, corpus):
    tokens = tokenizer.encode_batch(corpus.texts, 192)
    seen = []
    history = train_language_model(tiny_model(tokenizer), tokens, 5, np.random.default_rng(0), batch_size=4,
                                   progress=False, callback=lambda model, step, loss: seen.append(
                                       (step, model.training)) or step, callback_every=2)
    assert seen == [(2, False), (4, False), (5, False)] and history.checkpoints == [2, 4, 5]


def test_model_and_training_errors_are_clear(tokenizer):
    with pytest.raises(ValueError, match="width must be a multiple of n_heads"):
        GPTConfig(len(tokenizer), width=30, n_heads=4)
    model = tiny_model(tokenizer, context_length=8)
    with pytest.raises(ValueError, match="corpus must be a non-empty"):
        train_language_model(model, np.zeros((0, 5), dtype=int), 1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="token ids from 0"):
        train_language_model(model, np.full((2, 5), 10_000), 1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="context_length"):
        model(torch.zeros((1, 9), dtype=torch.long))
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        load_checkpoint("/nonexistent/lm.pt")


# ----------------------------------------------------------------------------- the model as an agent
@pytest.fixture(scope="module")
def test_sets():
    return make_test_sets(12, np.random.default_rng(10))


@pytest.mark.parametrize("limit", [1, 3, 12])
def test_generation_respects_the_token_limit(tokenizer, test_sets, limit):
    model = tiny_model(tokenizer)  # untrained: it writes noise
    test = test_sets["heldout"]
    rollout = language_rollout(model, tokenizer, test.worlds, test.target, np.random.default_rng(0), sample=True,
                               max_action_tokens=limit)
    lengths = np.concatenate([rollout.explore_lengths.ravel(), rollout.goal_lengths])
    assert lengths.max() <= limit and lengths.min() >= 1
    assert rollout.generated_tokens == lengths.sum() <= len(test.target) * 6 * limit
    if limit < 5:  # no action fits: every one is wasted, and the episode earns nothing
        assert rollout.unparseable_share == 1.0 and np.all(rollout.actions == 0)
        assert np.all(rollout.goal_action == UNPARSED)
        assert np.all(rollout_reward(rollout, test.effects, test.target) == 0)
    # whatever the model wrote, the notes are the world's: well-formed, one step per action
    worlds_part = [note.split(" Goal:", 1)[0] for note in rollout.notes]  # the rest is the model's goal text
    assert all(tokenizer.decode(tokenizer.encode(part)) == part and "<unk>" not in part for part in worlds_part)
    assert all(part.count(" to 5:") + part.count("looked") == 5 for part in worlds_part)


class ScriptedGPT(GPT):
    """A stand-in 'language model' that always writes ``script`` (token by token: each token's successor)."""

    def __init__(self, tokenizer, script: str):
        super().__init__(GPTConfig(len(tokenizer), 192, n_layers=1, n_heads=1, width=4))
        ids = tokenizer.encode(script)
        self.following = {a: b for a, b in zip(ids, ids[1:])}
        self.first = ids[0]

    def forward(self, tokens, cache=None):
        n, length = tokens.shape
        if cache is not None:  # the agent rewinds by the cache's length: keep it honest
            cache.extend(0, torch.zeros(n, 1, length, 1), torch.zeros(n, 1, length, 1))
        nxt = torch.tensor([self.following.get(int(t), self.first) for t in tokens[:, -1]])
        logits = torch.full((n, length, self.config.vocab_size), -10.0)
        logits[torch.arange(n), -1, nxt] = 10.0
        return logits


def test_a_model_that_always_sets_b_explores_as_written_and_wastes_its_goal(tokenizer, test_sets):
    model = ScriptedGPT(tokenizer, "I set B to 5:")
    test = test_sets["in_distribution"]
    rollout = language_rollout(model, tokenizer, test.worlds, test.target, np.random.default_rng(0))
    assert np.all(rollout.actions == 2) and rollout.explore_parsed.all()
    assert all(text == "I set B to 5:" for row in rollout.explore_texts for text in row)
    # at the goal it writes the same again and again (a colon is no full stop) until the limit: wasted
    assert not rollout.goal_parsed.any()
    scores = evaluate_language_agent(model, tokenizer, test, np.random.default_rng(0), batch_size=5)
    assert scores["reward"] == 0 and scores["explore_unparseable_share"] == 0
    assert scores["unparseable_share"] == pytest.approx(1 / 6) and scores["observe_share"] == 0


def test_a_model_that_always_sets_a_to_minus_5_is_scored_like_that_goal_action(tokenizer, test_sets):
    model = ScriptedGPT(tokenizer, "I set A to -5.")
    test = test_sets["heldout"]
    rollout = language_rollout(model, tokenizer, test.worlds, test.target, np.random.default_rng(0))
    assert not rollout.explore_parsed.any() and np.all(rollout.actions == 0)  # -5 is no exploration: observed
    on_a = test.target == 0  # setting the target itself is not allowed: wasted
    assert np.all(rollout.goal_action[~on_a] == 1) and np.all(rollout.goal_action[on_a] == UNPARSED)
    expected = np.where(on_a, 0.0, -5.0 * test.effects[np.arange(len(on_a)), 0, test.target])
    assert np.allclose(rollout_reward(rollout, test.effects, test.target), expected)
    scores = evaluate_language_agent(model, tokenizer, test, np.random.default_rng(0))
    assert scores["reward"] == pytest.approx(normalised_reward(expected, test.optimal_reward))
    assert scores["observe_share"] == 1.0 and scores["goal_unparseable_share"] == pytest.approx(on_a.mean())
    recapped = language_rollout(model, tokenizer, test.worlds, test.target, np.random.default_rng(0), recap=True)
    assert np.array_equal(recapped.goal_action, rollout.goal_action)
    assert all(re.search(r"Goal: raise \w\. Readings of \w: (looking -?\d+\.\d, ){4}looking -?\d+\.\d\. I set A", note)
               for note in recapped.notes)


def test_agent_errors_are_clear(tokenizer, test_sets):
    model = tiny_model(tokenizer)
    test = test_sets["heldout"]
    with pytest.raises(ValueError, match="the model's vocabulary"):
        language_rollout(model, Tokenizer.for_reports(decimals=2), test.worlds, test.target, np.random.default_rng(0))
    with pytest.raises(ValueError, match="names must be dial names in the tokenizer"):
        language_rollout(model, tokenizer, test.worlds, test.target, np.random.default_rng(0),
                         names=("P", "Q", "R", "S", "T"))
    with pytest.raises(ValueError, match="max_action_tokens"):
        language_rollout(model, tokenizer, test.worlds, test.target, np.random.default_rng(0), max_action_tokens=0)
    with pytest.raises(ValueError, match="one target per episode"):
        language_rollout(model, tokenizer, test.worlds, test.target[:3], np.random.default_rng(0))
