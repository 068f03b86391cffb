"""The grading sandbox's value codec and process client: round trips, hostile replies, limits."""

import base64
import json
import pickle

import numpy as np
import pytest
import torch

from causal_course.grading.worker import CappedWriter, UnreadableReply, Unsupported, decode, encode
from causal_course.grading.worker_client import WorkerDied, WorkerProcess


def roundtrip(value):
    return decode(json.loads(json.dumps(encode(value))))


def test_plain_values_round_trip():
    value = {"a": (1, 2.5, None, True), "b": [np.float64(1.25), np.int64(3)], 7: "seven", "big": 2**100}
    back = roundtrip(value)
    assert back["a"] == (1, 2.5, None, True) and back[7] == "seven" and back["big"] == 2**100
    assert isinstance(back["b"][0], np.floating) and back["b"][0] == 1.25 and back["b"][1] == 3


def test_arrays_keep_dtype_shape_and_nan():
    for array in (np.arange(12.0).reshape(3, 4), np.array([True, False]), np.array([[1, 2]], dtype=np.int32),
                  np.array([np.nan, np.inf, -1.0])):
        back = roundtrip(array)
        assert back.dtype == array.dtype and back.shape == array.shape
        assert np.array_equal(back, array, equal_nan=array.dtype.kind == "f")
    assert np.isnan(roundtrip(float("nan")))


def test_tensors_arrive_as_arrays_and_odd_objects_as_unsupported():
    assert np.array_equal(roundtrip(torch.tensor([1.0, 2.0])), np.array([1.0, 2.0], dtype=np.float32))
    back = roundtrip(object())
    assert isinstance(back, Unsupported) and "object" in back.what
    assert isinstance(roundtrip({(1, 2): 3}), Unsupported)


def test_a_tensor_that_requires_gradients_arrives_as_one():
    """Exercise 5.5's check tells a loss that can train from a detached one, in the grader as in the notebook."""
    loss = (torch.tensor([1.0, 2.0], requires_grad=True) ** 2).mean()
    back = roundtrip(loss)
    assert isinstance(back, torch.Tensor) and back.requires_grad and back.shape == () and float(back.detach()) == 2.5
    for detached in (loss.detach(), torch.tensor(2.5)):
        back = roundtrip(detached)
        assert isinstance(back, np.ndarray) and back.shape == () and float(back) == 2.5
    payload = encode(np.arange(3))
    payload["__requires_grad__"] = True  # a hostile reply: integers cannot require gradients
    with pytest.raises(UnreadableReply):
        decode(json.loads(json.dumps(payload)))


def test_worlds_round_trip_field_by_field_even_when_they_break_the_rules():
    """Lesson 08's exercise 8.4 returns a Worlds; the grader rebuilds it from plain arrays, never unpickling it."""
    from causal_course.worlds.dag_episodes import Worlds, sample_worlds

    worlds, _ = sample_worlds(3, np.random.default_rng(0), "all", "confounded")
    back = roundtrip(worlds)
    assert isinstance(back, Worlds) and back.env == "confounded"
    for name in ("weights", "noise_sd", "hidden_weights", "effects"):
        assert np.array_equal(getattr(back, name), getattr(worlds, name))
    cyclic = np.ones((1, 5, 5))  # a world the class would refuse: the check, not the codec, judges it
    back = roundtrip(Worlds(cyclic, np.zeros((1, 5)), np.zeros((1, 5)), "standard", np.zeros((1, 5, 5))))
    assert isinstance(back, Worlds) and np.array_equal(back.weights, cyclic)


def test_episode_batches_round_trip_field_by_field():
    """Lesson 04's exercise 4.4 returns an EpisodeBatch; the grader rebuilds it from plain arrays, never unpickling it."""
    from causal_course.learners.mixtures import mixture_episodes
    from causal_course.worlds.dag_episodes import EpisodeBatch

    batch = mixture_episodes(4, np.random.default_rng(0), 0.5, tagged=True)
    back = roundtrip(batch)
    assert isinstance(back, EpisodeBatch) and back.cue is None and back.worlds.env == "standard"
    for name in ("weights", "effects", "target", "actions", "values", "goal_action", "source"):
        assert np.array_equal(getattr(back, name), getattr(batch, name))
        assert getattr(back, name).dtype == getattr(batch, name).dtype
    wrong = EpisodeBatch(*(np.zeros(3) for _ in range(6)))  # wrong shapes arrive as they are: the check judges them
    assert roundtrip(wrong).actions.shape == (3,)


@pytest.mark.parametrize("payload", [
    {"__episodes__": [1, 2]},
    {"__episodes__": [{"__list__": [1.0]}] * 6 + [None, None, None]},
    {"__episodes__": [None] * 9},
])
def test_malformed_episode_batches_are_refused(payload):
    with pytest.raises(UnreadableReply):
        decode(payload)


@pytest.mark.parametrize("payload", [
    {"__worlds__": [1, 2, 3]},
    {"__worlds__": [{"__list__": [1.0]}, {"__list__": [1.0]}, {"__list__": [1.0]}, "standard", {"__list__": [1.0]}]},
    {"__worlds__": [None, None, None, {"__list__": ["x"]}, None]},
])
def test_malformed_worlds_are_refused(payload):
    with pytest.raises(UnreadableReply):
        decode(payload)


@pytest.mark.parametrize("payload", [
    {"__npy__": base64.b64encode(pickle.dumps(np.array([object()], dtype=object))).decode()},
    {"__npy__": "not base64 at all!"},
    {"__float__": "1e400x"},
    {"__bigint__": "1" * 1000},
    {"__tuple__": "abc"},
    {"__dict__": [[{"__tuple__": [1]}, 2]]},
    {"__mystery__": 1},
    {},
])
def test_hostile_payloads_are_refused(payload):
    with pytest.raises(UnreadableReply):
        decode(payload)


def test_object_arrays_in_npy_are_refused_without_unpickling():
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(UnreadableReply):
        decode({"__npy__": base64.b64encode(buffer.getvalue()).decode()})


def test_capped_writer_keeps_the_head_and_counts_everything():
    writer = CappedWriter()
    for _ in range(1000):
        writer.write("x" * 100)
    assert writer.size == 100_000 and len(writer.text()) == 2_000


def test_sandbox_runs_cells_calls_functions_and_reports_death(tmp_path):
    import time

    sandbox = WorkerProcess(memory_mb=1024, workdir=tmp_path)
    sandbox.start()
    try:
        deadline = lambda: time.monotonic() + 30  # noqa: E731
        reply, timed_out = sandbox.request({"op": "run_cell", "source": "def double(x):\n    x *= 2\n    return x.sum()"},
                                           deadline())
        assert reply["op"] == "cell_done" and "ename" not in reply and not timed_out
        array = np.ones(3)
        reply, _ = sandbox.request({"op": "call", "name": "double", "args": (array,), "kwargs": {}}, deadline())
        assert reply["op"] == "returned" and decode(reply["value"]) == 6.0
        assert np.array_equal(decode(reply["mutated"]["0"]), [2.0, 2.0, 2.0])  # the in-place change comes back
        reply, timed_out = sandbox.request({"op": "run_cell", "source": "while True:\n    pass"}, time.monotonic() + 1)
        assert timed_out and reply["ename"] == "KeyboardInterrupt"
        with pytest.raises(WorkerDied, match="exited with code 3"):
            sandbox.request({"op": "run_cell", "source": "import os\nos._exit(3)"}, deadline())
    finally:
        sandbox.close()
