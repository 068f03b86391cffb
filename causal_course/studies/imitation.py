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
# Lesson 07's records keep their numbers unrounded (to 12 digits), so that the lesson rounds once, when it prints
# (format_interval); rounding the stored bounds first, then again to print, changed a last digit.
DIGITS = 12


def dagger(seed: int = 0, fast: bool = False, n_seeds: int | None = None, rounds: int | None = None) -> DaggerStudyResult:
    """Lesson 07: per-step error and the share of cars on the road against the horizon, for behaviour
    cloning (round 0), DAgger rounds and the expert, on seeds ``seed``, ``seed + 1``, ...

    Every policy of a seed is tested on the same roads and gusts, so rounds compare paired: each value
    is an interval record (per-seed values, mean, 95 % interval); ``differences`` holds the paired
    differences ``round k - round 0`` and ``round k - round k-1`` at each horizon, and ``growth`` each
    policy's paired change from the first horizon to each horizon (do its errors compound?).

    Beside the rounds: ``"clone size-matched"`` (cloning with as many expert-labelled situations as round 1, so
    ``"round 1 - clone size-matched"`` is DAgger's effect at equal data) and ``"linear clone"`` (a least-squares
    linear policy cloned from the same drives as round 0: a learner that extrapolates). ``finishers_error`` is the
    per-step error over the cars still on the road at each horizon. Numbers are stored unrounded (:data:`DIGITS`)."""
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
    keys = ("per_step_error", "on_road", "finishers_error")

    def per_seed(name, key, i):
        return [study.curves[name][key][i] for study in studies]

    def record(values):
        return interval_record(values, DIGITS)

    result = {"experiment": "dagger", "seeds": seeds, "horizons": horizons, "test_drives": n_test,
              "data_sizes": np.mean([s.data_sizes for s in studies], axis=0).round().astype(int).tolist()}
    for key in keys:
        result[key] = {name: [record(per_seed(name, key, i)) for i in range(len(horizons))]
                       for name in studies[0].curves}
    pairs = [(f"round {r}", "round 0") for r in range(1, rounds + 1)]
    pairs += [(f"round {r}", f"round {r - 1}") for r in range(2, rounds + 1)]
    pairs += [("round 1", "clone size-matched"), ("clone size-matched", "round 0"), ("linear clone", "round 0")]
    result["growth"] = {name: {key: [paired_record(per_seed(name, key, i), per_seed(name, key, 0), DIGITS)
                                     for i in range(len(horizons))] for key in ("per_step_error", "on_road")}
                        for name in studies[0].curves if name != "expert"}
    growth_pairs = [(i, j) for j in range(len(horizons)) for i in range(j + 1, len(horizons))]
    result["horizon_differences"] = {  # the paired change between any two horizons: does the error still grow?
        name: {f"{horizons[i]} - {horizons[j]}": paired_record(per_seed(name, "per_step_error", i),
                                                               per_seed(name, "per_step_error", j), DIGITS)
               for i, j in growth_pairs} for name in ("round 0", "round 1")}
    result["differences"] = {
        f"{a} - {b}": {key: [paired_record(per_seed(a, key, i), per_seed(b, key, i), DIGITS)
                             for i in range(len(horizons))] for key in keys}
        for a, b in pairs}
    return DaggerStudyResult.from_json(result)


RC_ASKED = (100, 150, 175, 190)
RC_COMPARED = 190  # the ask the lesson's comparisons are drawn at (the largest asked, if 190 is not asked)
RC_SEEDS, RC_SEEDS_FAST = 8, 3

# The weather of a day: the gusts' standard deviation. The lucky world's calm and stormy days have, on average, the
# steady world's gust *variance*: (0.0005^2 + stormy^2) / 2 = 0.003^2, so the wind pushes as hard over a season in
# both worlds and only how it is spread over the days differs. (Matching the standard deviations instead,
# (0.0005 + 0.0055) / 2 = 0.003, gave the lucky world 1.69 times the steady world's gust variance.)
RC_WEATHER = {"calm": 0.0005, "steady": 0.003, "stormy": float(np.sqrt(2 * 0.003 ** 2 - 0.0005 ** 2))}
RC_WORLDS = {"steady": ("steady",), "lucky": ("calm", "stormy")}  # each world's days, equally often
RC_DRIVERS = {"expert": 10, "noisy": 10, "poor": 10, "random": 10}  # the same demonstrators in both worlds
RC_MIXED = "calm+stormy"  # the lucky world's test weather: the mean over its calm and its stormy test days


def _rc_comparisons(asked, compared) -> tuple[list, list]:
    """The paired comparisons lesson 07 draws: within each world (every ask against cloning everyone, the fix
    against plain return-conditioning), and lucky world minus steady world."""
    within = [(f"asked {a}", "clone all") for a in asked]
    within += [(f"expected {a}", f"asked {a}") for a in asked]
    within += [(f"asked {compared}", "clone best 25%"), (f"expected {compared}", "clone all"),
               ("clone all", "clone best 25%")]
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
    and ``high``, unrounded: :data:`DIGITS`); ``differences`` holds the paired differences the lesson draws, per test
    weather; ``data_differences`` the demonstrators' mean return, lucky world minus steady world; ``day_differences``
    a policy's paired change between kinds of test day; ``neighbour_sources[world][policy]`` the share of the
    neighbours the return-conditioned drivers (asked ``compared``) steer by on stormy test days that come from each
    driver's drives.
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
    sources = {w: {f"{kind} {compared}": {d: [] for d in DRIVERS} for kind in ("asked", "expected")} for w in RC_WORLDS}
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
            stormy_cars = slice(test_days.index("stormy") * n_test, (test_days.index("stormy") + 1) * n_test)
            for name in policies:
                policy = candidates[name]
                if name.startswith(("asked", "expected")):
                    policy = policy.start(float(name.split()[1]), len(test_gust))
                if name in sources[world]:  # which drivers' moments it steers by, on stormy days, while on the road
                    policy.track_sources()
                    drives = lk.drive(policy, len(test_gust), horizon, np.random.default_rng(test_seed), gust=test_gust)
                    achieved = drives.returns
                    used = np.stack(policy.sources, axis=1)[stormy_cars][drives.on_road[stormy_cars]]  # (steps, k)
                    for d in DRIVERS:
                        sources[world][name][d].append(float((used == d).mean()))
                    policy.sources = None
                else:
                    achieved = achieved_return(policy, len(test_gust), horizon, test_seed, test_gust)
                for i, day in enumerate(test_days):
                    scores[world][name][day].append(float(achieved[i * n_test:(i + 1) * n_test].mean()))
    for world in RC_WORLDS:  # the lucky world's weather: the mean of a calm and a stormy test day
        for name in policies:
            table = scores[world][name]
            table[RC_MIXED] = [(c + t) / 2 for c, t in zip(table["calm"], table["stormy"])]
    test_weathers = test_days + [RC_MIXED]
    within, between = _rc_comparisons(asked, compared)
    differences = {world: {f"{a} - {b}": {d: paired_record(scores[world][a][d], scores[world][b][d], DIGITS)
                                          for d in test_weathers} for a, b in within} for world in RC_WORLDS}
    differences["lucky - steady"] = {name: {d: paired_record(scores["lucky"][name][d], scores["steady"][name][d],
                                                             DIGITS)
                                            for d in test_weathers} for name in between}
    fix, plain = f"expected {compared}", f"asked {compared}"
    differences["lucky - steady"][f"{fix} - {plain}"] = {  # lucky data's gain from the fix minus steady data's
        d: paired_record(np.subtract(scores["lucky"][fix][d], scores["lucky"][plain][d]),
                         np.subtract(scores["steady"][fix][d], scores["steady"][plain][d]), DIGITS)
        for d in test_weathers}
    day_pairs = [("stormy", "steady"), ("stormy", "calm"), ("steady", RC_MIXED)]
    gains = {world: {d: np.subtract(scores[world][fix][d], scores[world][plain][d]) for d in test_weathers}
             for world in RC_WORLDS}
    day_differences = {world: {name: {f"{a} - {b}": paired_record(table[a], table[b], DIGITS) for a, b in day_pairs}
                               for name, table in ((plain, scores[world][plain]), (fix, scores[world][fix]),
                                                   (f"{fix} - {plain}", gains[world]))}
                       for world in RC_WORLDS}
    data_differences = {d: paired_record(data_returns["lucky"][d]["all"], data_returns["steady"][d]["all"], DIGITS)
                        for d in DRIVERS}
    result = {
        "experiment": "return-conditioning", "seeds": seeds, "asked": asked, "compared": compared,
        "drivers": dict(RC_DRIVERS), "weather": dict(RC_WEATHER), "worlds": {w: list(d) for w, d in RC_WORLDS.items()},
        "test_drives": n_test,
        "data": {w: {d: {k: interval_record(v, DIGITS) for k, v in table.items()} for d, table in rows.items()}
                 for w, rows in data_returns.items()},
        "data_differences": data_differences,
        "best_quarter": {w: {d: {k: interval_record(v, DIGITS) for k, v in table.items()} for d, table in rows.items()}
                         for w, rows in best_share.items()},
        "returns": {w: {p: {d: interval_record(v, DIGITS) for d, v in table.items()} for p, table in rows.items()}
                    for w, rows in scores.items()},
        "differences": differences,
        "day_differences": day_differences,
        "neighbour_sources": {w: {p: {d: interval_record(v, DIGITS) for d, v in table.items()}
                                  for p, table in rows.items()} for w, rows in sources.items()},
    }
    return ReturnConditioningResult.from_json(result)
