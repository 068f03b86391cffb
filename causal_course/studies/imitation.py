"""Lesson 07's studies: DAgger against behaviour cloning, and return-conditioning in a lucky world.
"""

from __future__ import annotations

import numpy as np

from causal_course.config import budget
from causal_course.seeds import stream, stream_seed
from causal_course.studies.common import (
    _check_list,
    _check_run,
    _mean_se,
    _same,
)
from causal_course.studies.records import DaggerStudyResult, ReturnConditioningResult
from causal_course.validation import (
    check_finite_number,
    check_n_samples,
)


def dagger(seed: int = 0, fast: bool = False, n_seeds: int = 3, rounds: int | None = None) -> DaggerStudyResult:
    """Lesson 07: per-step error and the share of cars on the road against the horizon, for behaviour
    cloning (round 0), DAgger rounds and the expert; mean and standard error over seeds ``seed``, ``seed + 1``, ..."""
    from causal_course.learners.imitation import dagger_study

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds)
    if rounds is not None:
        check_n_samples(rounds, "rounds")
    rounds = rounds if rounds is not None else budget(4, 2, fast)
    horizons = budget((10, 25, 50, 100, 200), (10, 50, 100), fast)
    studies = [dagger_study(seed + s, rounds, n_test=budget(200, 60, fast), horizons=horizons) for s in range(n_seeds)]
    result = {"experiment": "dagger", "seed": seed, "n_seeds": n_seeds, "horizons": list(horizons),
              "data_sizes": np.mean([s.data_sizes for s in studies], axis=0).round().astype(int).tolist(),
              "per_step_error": {}, "per_step_error_se": {}, "on_road": {}, "on_road_se": {}}
    for name in studies[0].curves:
        for key in ("per_step_error", "on_road"):
            result[key][name], result[key + "_se"][name] = _mean_se([s.curves[name][key] for s in studies])
    return DaggerStudyResult.from_json(result)


RC_ASKED = (50, 100, 150, 175, 190)


RC_WORLDS = {
    # name -> (gust levels, drives per kind of driver); "steady": one gust level, so returns reflect skill;
    # in "lucky", calm days make poor drivers look good
    "steady": ((0.003,), {"expert": 10, "noisy": 10, "poor": 10, "random": 10}),
    "lucky": ((0.0005, 0.006), {"expert": 5, "noisy": 10, "poor": 20, "random": 5}),
}


def return_conditioning(seed: int = 0, fast: bool = False, n_seeds: int = 3, asked=RC_ASKED) -> ReturnConditioningResult:
    """Lesson 07: returns achieved by cloning everything, cloning the best quarter, and return-conditioned
    imitation asked for each return in ``asked``, in a world where returns reflect skill and one where
    they also reflect luck; mean and standard error over seeds."""
    from causal_course.learners.imitation import (
        DRIVERS,
        NearestNeighbourPolicy,
        ReturnConditionedPolicy,
        achieved_return,
        mixed_demonstrations,
    )
    from causal_course.worlds import lane_keeping as lk

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds)
    asked = _check_list(asked, "asked", lambda a: _same(a, check_finite_number(a, "each asked return")), "[100, 190]")
    n_test = budget(100, 40, fast)
    asked = budget(list(asked), [100, 190], fast) if tuple(asked) == RC_ASKED else list(asked)
    result = {"experiment": "return-conditioning", "seed": seed, "n_seeds": n_seeds, "asked": asked,
              "test_drives": n_test, "worlds": {}}
    for world, (gusts, drivers) in RC_WORLDS.items():
        rows = {"expert": [], "clone all": [], "clone best 25%": [], "data": {d: [] for d in DRIVERS}}
        rows.update({f"asked {a}": [] for a in asked})
        for s in range(n_seeds):
            rng = np.random.default_rng(seed + s)
            data = mixed_demonstrations(rng, drivers, gusts=gusts)
            best = data.best_drives(0.25)  # the top quarter of drives by return (ties kept)
            drive_returns, drive_drivers = data.per_drive()
            test_gust = stream(seed + s, "test_gusts").choice(np.asarray(gusts), n_test)
            test_seed = stream_seed(seed + s, "test_roads")

            def score(policy):
                return float(achieved_return(policy, n_test, 200, test_seed, test_gust).mean())

            rows["expert"].append(score(lk.expert_policy))
            rows["clone all"].append(score(NearestNeighbourPolicy(data.features, data.actions)))
            rows["clone best 25%"].append(score(NearestNeighbourPolicy(data.features[best], data.actions[best])))
            conditioned = ReturnConditionedPolicy(data)
            for a in asked:
                rows[f"asked {a}"].append(score(conditioned.start(a, n_test)))
            for d in DRIVERS:
                rows["data"][d].append(float(drive_returns[drive_drivers == d].mean()))
        summary = {}
        for name, values in rows.items():
            if name == "data":
                summary["data"] = {d: round(float(np.mean(v)), 1) for d, v in values.items()}
                continue
            mean, se = _mean_se(np.asarray(values)[:, None])
            summary[name], summary[name + "_se"] = round(mean[0], 1), round(se[0], 1)
        result["worlds"][world] = summary
    return ReturnConditioningResult.from_json(result)
