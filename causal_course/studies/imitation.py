"""Lesson 07's studies: DAgger against behaviour cloning, and return-conditioning in a lucky world.
"""

from __future__ import annotations

import numpy as np

from causal_course.config import budget
from causal_course.seeds import stream_seed
from causal_course.statistics import paired_record
from causal_course.studies.common import (
    _check_list,
    _check_run,
    _same,
)
from causal_course.studies.records import DaggerStudyResult, ReturnConditioningResult
from causal_course.validation import (
    check_finite_number,
    check_n_samples,
)

DAGGER_SEEDS, DAGGER_SEEDS_FAST = 8, 3


def dagger(seed: int = 0, fast: bool = False, n_seeds: int | None = None, rounds: int | None = None) -> DaggerStudyResult:
    """Lesson 07: per-step error and the share of cars on the road against the horizon, for behaviour
    cloning (round 0), DAgger rounds and the expert, on seeds ``seed``, ``seed + 1``, ...

    Every policy of a seed is tested on the same roads and gusts, so rounds compare paired: each value
    is an interval record (per-seed values, mean, 95 % interval); ``differences`` holds the paired
    differences ``round k - round 0`` and ``round k - round k-1`` at each horizon, and ``growth`` each
    policy's paired change from the first horizon to each horizon (do its errors compound?)."""
    from causal_course.learners.imitation import dagger_study
    from causal_course.statistics import interval_record

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds)
    if rounds is not None:
        check_n_samples(rounds, "rounds")
    n_seeds = n_seeds if n_seeds is not None else budget(DAGGER_SEEDS, DAGGER_SEEDS_FAST, fast)
    rounds = rounds if rounds is not None else budget(4, 2, fast)
    horizons = list(budget((10, 25, 50, 100, 200), (10, 50, 100), fast))
    n_test = budget(200, 60, fast)
    seeds = [seed + s for s in range(n_seeds)]
    studies = [dagger_study(s, rounds, n_test=n_test, horizons=horizons) for s in seeds]
    keys = ("per_step_error", "on_road")

    def per_seed(name, key, i):
        return [study.curves[name][key][i] for study in studies]

    result = {"experiment": "dagger", "seeds": seeds, "horizons": horizons, "test_drives": n_test,
              "data_sizes": np.mean([s.data_sizes for s in studies], axis=0).round().astype(int).tolist()}
    for key in keys:
        result[key] = {name: [interval_record(per_seed(name, key, i)) for i in range(len(horizons))]
                       for name in studies[0].curves}
    pairs = [(f"round {r}", "round 0") for r in range(1, rounds + 1)]
    pairs += [(f"round {r}", f"round {r - 1}") for r in range(2, rounds + 1)]
    result["growth"] = {name: {key: [paired_record(per_seed(name, key, i), per_seed(name, key, 0))
                                     for i in range(len(horizons))] for key in keys}
                        for name in studies[0].curves if name != "expert"}
    result["differences"] = {
        f"{a} - {b}": {key: [paired_record(per_seed(a, key, i), per_seed(b, key, i))
                             for i in range(len(horizons))] for key in keys}
        for a, b in pairs}
    return DaggerStudyResult.from_json(result)


RC_ASKED = (100, 150, 175, 190)
RC_COMPARED = 190  # the ask the lesson's comparisons are drawn at (the largest asked, if 190 is not asked)
RC_SEEDS, RC_SEEDS_FAST = 8, 3

# The weather of a day: the gusts' standard deviation. The lucky world's calm and stormy days average the
# steady world's gust (0.0005 + 0.0055) / 2 = 0.003: only the weather's variability differs.
RC_WEATHER = {"calm": 0.0005, "steady": 0.003, "stormy": 0.0055}
RC_WORLDS = {"steady": ("steady",), "lucky": ("calm", "stormy")}  # each world's days, equally often
RC_DRIVERS = {"expert": 10, "noisy": 10, "poor": 10, "random": 10}  # the same demonstrators in both worlds
RC_MIXED = "calm+stormy"  # the lucky world's test weather: the mean over its calm and its stormy test days


def _rc_comparisons(asked, compared) -> tuple[list, list]:
    """The paired comparisons lesson 07 draws: within each world (every ask against cloning everyone, the fix
    against plain return-conditioning), and lucky world minus steady world."""
    within = [(f"asked {a}", "clone all") for a in asked]
    within += [(f"expected {a}", f"asked {a}") for a in asked]
    within += [(f"asked {compared}", "clone best 25%"), (f"expected {compared}", "clone all")]
    between = ["clone all", "clone best 25%", f"asked {compared}", f"expected {compared}"]
    return within, between


def return_conditioning(seed: int = 0, fast: bool = False, n_seeds: int | None = None,
                        asked=RC_ASKED) -> ReturnConditioningResult:
    """Lesson 07: returns achieved by cloning everyone, cloning the best quarter of drives, return-conditioned
    imitation asked for each return in ``asked``, and the same conditioned on *expected* returns (the fix
    for luck), trained in a steady and a lucky world from the same demonstrators and tested on the same days.

    A controlled comparison. Both worlds hold the same drivers (:data:`RC_DRIVERS`) on the same roads with the
    same random draws; only the weather of the days differs (:data:`RC_WORLDS`, :data:`RC_WEATHER`). Every policy
    of a seed, from either world, is tested on the same roads and gust draws: ``test_drives`` calm, steady and
    stormy days each. Every value is an interval record over seeds (per-seed ``values``, ``mean``, 95 % ``low``
    and ``high``); ``differences`` holds the paired differences the lesson draws, per test weather.
    """
    from causal_course.learners.imitation import (
        DRIVERS,
        NearestNeighbourPolicy,
        ReturnConditionedPolicy,
        achieved_return,
        mixed_demonstrations,
    )
    from causal_course.statistics import interval_record
    from causal_course.worlds import lane_keeping as lk

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds)
    asked = _check_list(asked, "asked", lambda a: _same(a, check_finite_number(a, "each asked return")), "[100, 190]")
    asked = budget(list(asked), [RC_COMPARED], fast) if tuple(asked) == RC_ASKED else list(asked)
    compared = RC_COMPARED if RC_COMPARED in asked else max(asked)
    n_seeds = n_seeds if n_seeds is not None else budget(RC_SEEDS, RC_SEEDS_FAST, fast)
    n_test = budget(40, 10, fast)
    horizon = 200
    seeds = [seed + s for s in range(n_seeds)]
    test_days = list(RC_WEATHER)
    test_gust = np.repeat([RC_WEATHER[w] for w in test_days], n_test)
    policies = ["expert", "clone all", "clone best 25%"] + [f"{kind} {a}" for kind in ("asked", "expected")
                                                            for a in asked]
    # scores[world][policy][test weather] and data[world][driver][weather]: one value per seed
    scores = {w: {p: {d: [] for d in test_days} for p in policies} for w in RC_WORLDS}
    data_returns = {w: {d: {k: [] for k in ("all", *days)} for d in DRIVERS} for w, days in RC_WORLDS.items()}
    best_share = {w: {d: {k: [] for k in ("all", *days)} for d in DRIVERS} for w, days in RC_WORLDS.items()}
    for s in seeds:
        test_seed = stream_seed(s, "test_roads")  # the same test roads and gust draws for every policy and world
        for world, days in RC_WORLDS.items():
            data = mixed_demonstrations(np.random.default_rng(s), RC_DRIVERS, horizon,
                                        gusts=[RC_WEATHER[d] for d in days])
            best = data.best_drives(0.25)  # the top quarter of drives by return (ties kept)
            returns, drivers = data.per_drive()
            weather = data.per_drive_weather()
            top = returns >= np.quantile(returns, 0.75)
            for d in DRIVERS:
                data_returns[world][d]["all"].append(float(returns[drivers == d].mean()))
                for day in days:
                    data_returns[world][d][day].append(float(returns[(drivers == d) & (weather == RC_WEATHER[day])].mean()))
                best_share[world][d]["all"].append(float((drivers[top] == d).mean()))
                for day in days:  # the share of the top quarter that are d's drives on that kind of day
                    best_share[world][d][day].append(float(((drivers[top] == d) & (weather[top] == RC_WEATHER[day])).mean()))
            candidates = {"expert": lk.expert_policy,
                          "clone all": NearestNeighbourPolicy(data.features, data.actions),
                          "clone best 25%": NearestNeighbourPolicy(data.features[best], data.actions[best])}
            realised, expected = ReturnConditionedPolicy(data), ReturnConditionedPolicy(data.with_expected_returns())
            for a in asked:
                candidates[f"asked {a}"] = realised
                candidates[f"expected {a}"] = expected
            for name in policies:
                policy = candidates[name]
                if name.startswith(("asked", "expected")):
                    policy = policy.start(float(name.split()[1]), len(test_gust))
                achieved = achieved_return(policy, len(test_gust), horizon, test_seed, test_gust)
                for i, day in enumerate(test_days):
                    scores[world][name][day].append(float(achieved[i * n_test:(i + 1) * n_test].mean()))
    for world in RC_WORLDS:  # the lucky world's weather: the mean of a calm and a stormy test day
        for name in policies:
            table = scores[world][name]
            table[RC_MIXED] = [(c + t) / 2 for c, t in zip(table["calm"], table["stormy"])]
    test_weathers = test_days + [RC_MIXED]
    within, between = _rc_comparisons(asked, compared)
    differences = {world: {f"{a} - {b}": {d: paired_record(scores[world][a][d], scores[world][b][d])
                                          for d in test_weathers} for a, b in within} for world in RC_WORLDS}
    differences["lucky - steady"] = {name: {d: paired_record(scores["lucky"][name][d], scores["steady"][name][d])
                                            for d in test_weathers} for name in between}
    fix, plain = f"expected {compared}", f"asked {compared}"
    differences["lucky - steady"][f"{fix} - {plain}"] = {  # does the fix gain more where there is more luck?
        d: paired_record(np.subtract(scores["lucky"][fix][d], scores["lucky"][plain][d]),
                                    np.subtract(scores["steady"][fix][d], scores["steady"][plain][d]))
        for d in test_weathers}
    result = {
        "experiment": "return-conditioning", "seeds": seeds, "asked": asked, "compared": compared,
        "drivers": dict(RC_DRIVERS), "weather": dict(RC_WEATHER), "worlds": {w: list(d) for w, d in RC_WORLDS.items()},
        "test_drives": n_test,
        "data": {w: {d: {k: interval_record(v, 2) for k, v in table.items()} for d, table in rows.items()}
                 for w, rows in data_returns.items()},
        "best_quarter": {w: {d: {k: interval_record(v, 3) for k, v in table.items()} for d, table in rows.items()}
                         for w, rows in best_share.items()},
        "returns": {w: {p: {d: interval_record(v, 2) for d, v in table.items()} for p, table in rows.items()}
                    for w, rows in scores.items()},
        "differences": differences,
    }
    return ReturnConditioningResult.from_json(result)
