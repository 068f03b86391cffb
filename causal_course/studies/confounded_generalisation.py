"""Lesson 06's study: which feature a model trained on confounded data generalises on.
"""

from __future__ import annotations

import numpy as np

from causal_course.config import budget
from causal_course.seeds import stream
from causal_course.studies.common import (
    _check_list,
    _check_run,
    _same,
)
from causal_course.studies.records import ConfoundingResult
from causal_course.validation import (
    check_probability,
)

# Lesson 06: confounded generalisation steered by explanations.
CONFOUNDED_SHARES = (1.0, 0.9, 0.75, 0.5)


ODD_ONE_OUT_STEPS = 1000


ODD_ONE_OUT_STEPS_FAST = 60


CONFOUNDING_SEEDS = 8  # the course's rule for a comparison a lesson draws a conclusion from


def confounding(seed: int = 0, fast: bool = False, confounded_shares=None, n_seeds: int | None = None,
                n_steps: int | None = None, n_test: int | None = None) -> ConfoundingResult:
    """Lesson 06: deconfounded choice shares by dimension for each explanation and confounding level (``experiment confounding``).

    Every model of seed ``s`` is tested on the same deconfounded scenes (stream ``odd_one_out_test``
    of ``s``), so conditions compare paired. ``conditions`` holds an interval record over seeds (with
    the per-seed values) of every share; ``pull`` holds, for each explained dimension and confounded
    share, the paired difference in choices on that dimension against no explanation
    (``versus_none``, the explanation's *pull*) and how that pull changes from perfectly
    confounded data to this share (``versus_fully_confounded``: this share's pull minus the pull at
    1.0, seed by seed, where 1.0 is among the shares).
    """
    from causal_course.learners.odd_one_out import EXPLANATION_CHOICES, evaluate_odd_one_out, train_odd_one_out
    from causal_course.statistics import interval_record, paired_record

    seed, fast = _check_run(seed, fast, n_seeds=n_seeds, n_steps=n_steps, n_test=n_test)
    if confounded_shares is not None:
        confounded_shares = _check_list(confounded_shares, "confounded_shares",
                                        lambda share: _same(share, check_probability(share, "each confounded share")),
                                        "[1.0, 0.5]")
    shares = list(confounded_shares or budget(CONFOUNDED_SHARES, (1.0, 0.5), fast))
    n_seeds = n_seeds or budget(CONFOUNDING_SEEDS, 2, fast)
    n_steps = n_steps if n_steps is not None else budget(ODD_ONE_OUT_STEPS, ODD_ONE_OUT_STEPS_FAST, fast)
    n_test = n_test if n_test is not None else budget(2000, 500, fast)
    seeds = [seed + k for k in range(n_seeds)]
    runs = {(explanation, share): [evaluate_odd_one_out(train_odd_one_out(explanation, share, seed=s, n_steps=n_steps),
                                                        stream(s, "odd_one_out_test"), n_test) for s in seeds]
            for explanation in EXPLANATION_CHOICES for share in shares}

    def values(explanation, share, key):
        return [run[key] for run in runs[explanation, share]]

    conditions = [{"explanation": explanation, "confounded_share": share,
                   **{key: interval_record(values(explanation, share, key)) for key in runs[explanation, share][0]}}
                  for explanation, share in runs]
    pull = []
    for explanation in EXPLANATION_CHOICES[1:]:
        for share in shares:
            row = {"explanation": explanation, "confounded_share": share,
                   "versus_none": paired_record(values(explanation, share, explanation),
                                                values("none", share, explanation))}
            if 1.0 in shares and share != 1.0:
                pull_here = np.subtract(values(explanation, share, explanation), values("none", share, explanation))
                pull_full = np.subtract(values(explanation, 1.0, explanation), values("none", 1.0, explanation))
                row["versus_fully_confounded"] = paired_record(pull_here, pull_full)
            pull.append(row)
    return ConfoundingResult.from_json({"experiment": "confounding", "seeds": seeds, "n_steps": n_steps,
                                        "test_episodes": n_test, "confounded_shares": shares,
                                        "explanations": list(EXPLANATION_CHOICES), "conditions": conditions,
                                        "pull": pull})
