"""Typed study results (causal_course/studies/records.py): the cached files parse into them and back unchanged, and
a result with a missing, unknown or wrong key is refused."""

import json

import pytest

from causal_course.paths import DATA_DIR
from causal_course.studies.records import CACHE_KEYS, RECORDS, StructureResult, json_default

CACHED = sorted(p for p in DATA_DIR.glob("*_results.json")
                if json.loads(p.read_text()).get("experiment") in RECORDS and "per_seed" not in json.loads(p.read_text()))


def test_several_cached_results_have_a_record():
    assert len(CACHED) >= 6, [p.name for p in CACHED]


@pytest.mark.parametrize("path", CACHED, ids=lambda p: p.stem)
def test_a_cached_result_round_trips_through_its_record(path):
    data = json.loads(path.read_text())
    record = RECORDS[data["experiment"]].from_json(data)
    assert record.to_json() == {key: value for key, value in data.items() if key not in CACHE_KEYS}
    assert dict(record) == record.to_json() and json.loads(json.dumps({"r": record}, default=json_default))["r"]


def test_a_wrong_result_is_refused():
    data = json.loads((DATA_DIR / "structure_results.json").read_text())
    with pytest.raises(ValueError, match=r"missing \['entropy'\]"):
        StructureResult.from_json({key: value for key, value in data.items() if key != "entropy"})
    with pytest.raises(ValueError, match=r"unknown \['entropyy'\]"):
        StructureResult.from_json({**data, "entropyy": 1})
    with pytest.raises(ValueError, match="a 'structure' result, got a 'dagger' result"):
        StructureResult.from_json({**data, "experiment": "dagger"})
    with pytest.raises(TypeError, match="JSON object"):
        StructureResult.from_json([1, 2])
    record = StructureResult.from_json(data)
    with pytest.raises(AttributeError):
        record.seed = 5  # results are frozen
