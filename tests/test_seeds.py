"""Independent random streams (causal_course/seeds.py), and no generator derived from a seed by an offset."""

import ast
from pathlib import Path

import numpy as np
import pytest

from causal_course.seeds import STREAMS, stream, stream_seed

ROOT = Path(__file__).resolve().parent.parent


def test_the_main_stream_is_the_seed_itself_and_the_others_differ():
    assert stream(7, "main").random() == np.random.default_rng(7).random()  # training is unchanged
    draws = {use: stream(7, use).random() for use in STREAMS}
    assert len(set(draws.values())) == len(STREAMS)
    assert stream(7, "test_episodes").random() == stream(7, "test_episodes").random()
    assert stream_seed(7, "test_roads") == stream_seed(7, "test_roads") != stream_seed(8, "test_roads")


def test_offsets_collided_and_streams_do_not():
    # with offsets, seed 5,000's training replayed seed 0's test episodes; with streams no seed's training does
    assert np.random.default_rng(0 + 5_000).random() == np.random.default_rng(5_000).random()
    tests_of_seed_0 = stream(0, "test_episodes").random()
    assert all(stream(seed, "main").random() != tests_of_seed_0 for seed in range(10_000))


def test_stream_ids_are_distinct_and_bad_uses_are_refused():
    assert len(set(STREAMS.values())) == len(STREAMS) and STREAMS["main"] == 0
    with pytest.raises(ValueError, match="use must be one of"):
        stream(0, "tests")
    with pytest.raises((ValueError, TypeError), match="seed"):
        stream(-1, "main")


def _offset_generators(path: Path) -> list[str]:
    """``default_rng(x + 5_000)``-style calls: a seed plus a constant of 1,000 or more."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "default_rng":
            for arg in node.args:
                if isinstance(arg, ast.BinOp) and any(isinstance(side, ast.Constant) and isinstance(side.value, int)
                                                      and side.value >= 1000 for side in (arg.left, arg.right)):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_generator_is_derived_by_an_offset():
    files = [*(ROOT / "causal_course").rglob("*.py"), *(ROOT / "benchmarks").glob("*.py")]
    found = [hit for path in files for hit in _offset_generators(path)]
    assert not found, "use causal_course.seeds.stream(seed, use) instead of:\n" + "\n".join(found)


def test_the_offset_check_catches_one(tmp_path, monkeypatch):
    planted = tmp_path / "planted.py"
    planted.write_text("import numpy as np\nrng = np.random.default_rng(seed + 5_000)\nok = np.random.default_rng(seed + 1)\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert len(_offset_generators(planted)) == 1
