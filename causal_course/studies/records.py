"""Typed results of the course's studies: one small dataclass per ``causal-course experiment NAME``.

Introduced in lesson 02. Each study returns one of these. It reads like the JSON object of the
course's contract (COURSE.md §5): ``result["heldout"]["model"]`` works on a fresh result and on a
cached one loaded from ``causal_course/data`` alike, and :meth:`StudyResult.to_json` (or
``json.dumps(result, default=json_default)``) writes it. Key names are uniform: a summary over
seeds is an interval record ``{"mean", "low", "high", "values"}``
(:func:`causal_course.statistics.interval_record`).

>>> result = StructureResult.from_json({"experiment": "structure", "seeds": [0], "n_dags": 1, "batch_size": 5,
...     "samples": [0], "entropy": {"observe": [{"mean": 4.64, "low": None, "high": None, "values": [4.64]}]},
...     "true_dag": {}, "true_class": {}, "differences": {}})
>>> result.entropy["observe"][0]["mean"], result["samples"], result.to_json()["experiment"]
(4.64, [0], 'structure')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from causal_course.validation import invalid

CACHE_KEYS = ("sweep_seconds",)  # what a benchmark adds to a cached result (its run time): not part of the result


@dataclass(frozen=True)
class StudyResult(Mapping):
    """A study's result: typed fields, read and written as the JSON object of the course's contract (lesson 03)."""

    experiment: ClassVar[str] = ""
    json_names: ClassVar[dict] = {}  # field -> JSON key, where the key is not a Python name ("lambda")
    optional: ClassVar[tuple] = ()  # fields left out of the JSON when they are None

    def to_json(self) -> dict:
        """The JSON-ready dict (plain dicts, lists, numbers and strings)."""
        data = {"experiment": self.experiment}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if value is None and item.name in self.optional:
                continue
            data[self.json_names.get(item.name, item.name)] = _plain(value)
        return data

    @classmethod
    def from_json(cls, data: Mapping) -> StudyResult:
        """The typed result from its JSON object; a missing or unknown key is a clear error."""
        if not isinstance(data, Mapping):
            raise invalid("data", f"the JSON object of a {cls.experiment!r} result", type(data).__name__,
                          "pass the dict the study returned or its cached file", TypeError)
        names = {cls.json_names.get(item.name, item.name): item for item in dataclasses.fields(cls)}
        required = [key for key, item in names.items() if item.name not in cls.optional
                    and item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING]
        missing = [key for key in required if key not in data]
        unknown = sorted(set(data) - set(names) - {"experiment", *CACHE_KEYS})
        if missing or unknown:
            raise invalid("data", f"the keys of a {cls.experiment!r} result", f"missing {missing}, unknown {unknown}",
                          f"add the missing keys or update {cls.__name__} in causal_course/studies/records.py")
        if data.get("experiment", cls.experiment) != cls.experiment:
            raise invalid("data", f"a {cls.experiment!r} result", f"a {data['experiment']!r} result",
                          f"load it with the record of that experiment, not {cls.__name__}")
        return cls(**{item.name: data[key] for key, item in names.items() if key in data})

    # Mapping: read like the JSON object
    def __getitem__(self, key):
        return self.to_json()[key]

    def __iter__(self):
        return iter(self.to_json())

    def __len__(self) -> int:
        return len(self.to_json())


def _plain(value):
    if isinstance(value, StudyResult):
        return value.to_json()
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def json_default(value):
    """``json.dumps(result, default=json_default)``: writes study results found anywhere inside ``result``."""
    if isinstance(value, StudyResult):
        return value.to_json()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


@dataclass(frozen=True)
class PassiveResult(StudyResult):
    """``experiment passive`` (lesson 03): scores by test group, each ``{agent: normalised reward}``."""

    experiment: ClassVar[str] = "passive"
    optional: ClassVar[tuple] = ("model_exploration", "critical_choices")
    seed: int
    env: str
    architecture: str
    n_parameters: int
    n_steps: int
    train_seconds: float
    episodes_seen: int
    test_episodes: int
    in_distribution: dict
    heldout: dict
    critical: dict
    model_exploration: dict | None = None
    critical_choices: dict | None = None


@dataclass(frozen=True)
class VariantsResult(StudyResult):
    """Lesson 03's baselines on every environment variant: ``envs[env][group][baseline]``."""

    experiment: ClassVar[str] = "variants"
    seed: int
    test_episodes: int
    envs: dict


@dataclass(frozen=True)
class CuesResult(StudyResult):
    """``experiment cues`` (lesson 03): reward, interventions outside the cue and experiments used."""

    experiment: ClassVar[str] = "cues"
    seed: int
    env: str
    n_steps: int
    train_seconds: float
    cued_share_in_training: float
    test_episodes: int
    heldout_combinations: float
    reward: dict
    interventions_on_uncued_share: dict
    steps_used: dict


@dataclass(frozen=True)
class MixturesResult(StudyResult):
    """``experiment mixtures`` (lesson 04): per-seed values and interval records per condition and share."""

    experiment: ClassVar[str] = "mixtures"
    optional: ClassVar[tuple] = ("off_record",)
    env: str
    seeds: list
    n_steps: int
    episodes_per_model: int
    test_episodes: int
    shares: list
    baselines_per_seed: list
    baselines: dict
    conditions: dict
    heldout: dict
    off_record: dict | None = None


@dataclass(frozen=True)
class ExplanationsResult(StudyResult):
    """``experiment explanations`` (lesson 05): learning curves per condition (interval records over seeds) and
    each condition's final reward against no explanation as a paired difference."""

    experiment: ClassVar[str] = "explanations"
    json_names: ClassVar[dict] = {"lam": "lambda"}
    seeds: list
    steps: list
    episodes: list
    lam: float
    test_episodes: int
    conditions: list
    curves: dict
    versus_none: dict


@dataclass(frozen=True)
class ConfoundingResult(StudyResult):
    """``experiment confounding`` (lesson 06): choice shares by feature (interval records over seeds), per
    explanation and confounded share, and the explanation's pull as paired differences."""

    experiment: ClassVar[str] = "confounding"
    seeds: list
    n_steps: int
    test_episodes: int
    confounded_shares: list
    explanations: list
    conditions: list
    pull: list


@dataclass(frozen=True)
class StructureResult(StudyResult):
    """``experiment structure`` (lesson 02): posterior entropy by strategy against samples, and the final masses.

    ``entropy[strategy]`` holds one interval record per entry of ``samples`` (per-seed ``values``, ``mean``, 95 %
    ``low``/``high``; a seed's value is the mean over its ``n_dags`` hidden worlds); ``true_dag[strategy]`` and
    ``true_class[strategy]`` one record each, the posterior mass on the true DAG and on its class after the last
    round; ``differences["a - b"][key]`` the paired differences of the same quantities (plus ``excludes_zero``),
    every strategy of a seed having learned the same hidden worlds.
    """

    experiment: ClassVar[str] = "structure"
    seeds: list
    n_dags: int
    batch_size: int
    samples: list
    entropy: dict
    true_dag: dict
    true_class: dict
    differences: dict


@dataclass(frozen=True)
class DaggerStudyResult(StudyResult):
    """``experiment dagger`` (lesson 07): per-step error and cars on the road against the horizon, by round.

    ``per_step_error[name]`` and ``on_road[name]`` hold one interval record per horizon (per-seed
    ``values``, ``mean``, 95 % ``low``/``high``) for ``"expert"``, ``"round 0"`` (behaviour cloning),
    ``"round 1"``, ...; ``differences["round k - round j"][key]`` one paired difference per horizon
    (the same record plus ``excludes_zero``), every policy of a seed tested on the same roads and gusts;
    ``growth[name][key]`` the paired change of a policy's value from the first horizon to each horizon;
    ``horizon_differences[name]["H - G"]`` the paired change of the per-step error between any two horizons.
    Beside the rounds: ``"clone size-matched"`` (round 1's data size) and ``"linear clone"``; ``finishers_error``
    is the per-step error over the cars still on the road at each horizon. Numbers are unrounded.
    """

    experiment: ClassVar[str] = "dagger"
    seeds: list
    horizons: list
    test_drives: int
    data_sizes: list
    per_step_error: dict
    on_road: dict
    finishers_error: dict
    growth: dict
    horizon_differences: dict
    differences: dict


@dataclass(frozen=True)
class ReturnConditioningResult(StudyResult):
    """``experiment return-conditioning`` (lesson 07): returns achieved per policy, trained in each world, tested on
    the same calm, steady and stormy days.

    ``returns[world][policy][test weather]`` is an interval record over ``seeds`` (``"calm+stormy"``: the mean of a
    calm and a stormy test day, the lucky world's weather); ``data[world][driver]`` the demonstrators' mean returns
    (``"all"`` and per weather of the world's days); ``best_quarter[world][driver]`` that driver's share of the top
    quarter of drives (``"all"`` and on each kind of day); ``differences[world]["a - b"][test weather]`` and
    ``differences["lucky - steady"]`` the paired differences the lesson draws (interval records plus
    ``excludes_zero``); ``data_differences[driver]`` a demonstrator's mean return, lucky minus steady world;
    ``day_differences[world][policy]["a - b"]`` a policy's paired change between kinds of test day;
    ``neighbour_sources[world][policy][driver]`` the share of the neighbours a return-conditioned driver steers by on
    stormy test days that are that driver's moments. Numbers are unrounded.
    """

    experiment: ClassVar[str] = "return-conditioning"
    seeds: list
    asked: list
    compared: float
    drivers: dict
    weather: dict
    worlds: dict
    test_drives: int
    data: dict
    data_differences: dict
    best_quarter: dict
    returns: dict
    differences: dict
    day_differences: dict
    neighbour_sources: dict


@dataclass(frozen=True)
class ExplanationsTaskResult(StudyResult):
    """``experiment explanations-task`` (lesson 05): test accuracy with and without explanations, paired over seeds.

    ``with_explanations`` and ``without_explanations`` each hold the tuned ``learning_rate`` and
    ``width``, the ``curve`` (one interval record per step in ``steps``), the ``final`` test
    accuracy, the ``experiment_accuracy`` and the measured ``train_seconds`` per run; ``difference``
    is the paired difference of the final accuracies (with minus without) with ``excludes_zero``.
    """

    experiment: ClassVar[str] = "explanations-task"
    seeds: list
    n_steps: int
    batch_size: int
    n_experiments: int
    test_episodes: int
    steps: list
    with_explanations: dict
    without_explanations: dict
    explained_rule_before_test: dict
    difference: dict
    baselines: dict
    tuning_seed: int
    tuning: dict


@dataclass(frozen=True)
class ConfoundedExperimentsResult(StudyResult):
    """``experiment confounded-experiments`` (lesson 06): which feature a passive experimenter generalises on.

    ``conditions[name]`` (``"explain_colour"``, ``"explain_shape"``, ``"none"``) holds, for each test
    set in ``test_sets`` (``"deconfounded"``, ``"ambiguous"``), interval records over ``seeds`` of the
    share of test picks on the object unique in colour, shape, texture or nothing and of right test
    picks, plus ``train_accuracy`` (the test pick on confounded training-like episodes) and
    ``train_seconds``. ``differences[test set]["explain_colour - none"]`` and
    ``["explain_shape - none"]`` (and ``["explain_colour - explain_shape"]``) are paired records (same seeds,
    same episodes) of the colour share.
    """

    experiment: ClassVar[str] = "confounded-experiments"
    seeds: list
    n_steps: int
    batch_size: int
    n_experiments: int
    learning_rate: float
    width: int
    test_episodes: int
    test_sets: list
    conditions: dict
    differences: dict
    baselines: dict


RECORDS = {record.experiment: record for record in (
    PassiveResult, VariantsResult, CuesResult, MixturesResult, ExplanationsResult, ConfoundingResult, StructureResult,
    DaggerStudyResult, ReturnConditioningResult, ExplanationsTaskResult, ConfoundedExperimentsResult)}


@dataclass(frozen=True)
class LanguageModelResult(StudyResult):
    """``experiment language-model`` (lesson 08): tiny language models trained on written notes, over seeds.

    ``design``: the run design (corpus size, steps, batch, ...); ``seeds[condition]``: the seeds
    run. ``summary`` (:func:`causal_course.studies.language_model.summarise_runs`): ``acting``
    (interval records of reward and how the model explored, per condition, prompt and test set),
    ``differences`` (paired records by seed), ``predictions`` (errors of foreseen readings) and
    ``content`` (agree, contradict, their paired difference). ``runs[condition]``: each seed's
    full measurements, in seed order. ``lesson_model``: the lesson's longer-trained model, measured
    the same way (from ``benchmarks/language_model.py --lesson-model``), when cached.
    """

    experiment: ClassVar[str] = "language-model"
    optional: ClassVar[tuple] = ("lesson_model",)
    design: dict
    seeds: dict
    summary: dict
    runs: dict
    lesson_model: dict | None = None
