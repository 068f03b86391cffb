"""The one statistics module: hand-worked cases, not the implementation's own formula."""

import math

import numpy as np
import pytest

from causal_course.statistics import (
    format_interval,
    mean_and_standard_error,
    mean_with_interval,
    over_seeds,
    paired_difference,
)


def test_five_seeds_by_hand():
    # 1..5: mean 3, sample variance 2.5, se sqrt(2.5 / 5) = 0.7071, t(0.975, 4) = 2.776
    summary = mean_with_interval([1, 2, 3, 4, 5])
    assert summary["mean"] == 3.0
    assert summary["half_width"] == pytest.approx(2.776 * math.sqrt(0.5), abs=1e-9)
    assert (summary["low"], summary["high"]) == pytest.approx((3 - 1.96292, 3 + 1.96292), abs=1e-4)
    assert mean_and_standard_error([1, 2, 3, 4, 5]) == pytest.approx((3.0, 0.70711), abs=1e-5)


def test_curves_are_summarised_column_by_column():
    summary = over_seeds([[0.5, 1.0, 2.0], [0.7, 1.0, 4.0]])
    assert summary["mean"].tolist() == pytest.approx([0.6, 1.0, 3.0])
    assert summary["se"].tolist() == pytest.approx([0.1, 0.0, 1.0])
    assert summary["half_width"].tolist() == pytest.approx([1.2706, 0.0, 12.706])  # t(0.975, 1) = 12.706
    one = over_seeds([[0.5, 1.0]])
    assert one["se"].tolist() == [0.0, 0.0] and np.isnan(one["half_width"]).all()


def test_a_paired_difference_sees_what_unpaired_bars_hide():
    # two methods whose per-seed scores swing together: the bars overlap, the paired interval excludes 0
    a = [0.60, 0.70, 0.80, 0.90, 1.00]
    b = [0.58, 0.69, 0.77, 0.88, 0.97]
    ia, ib = mean_with_interval(a), mean_with_interval(b)
    assert ia["low"] < ib["high"]  # the two intervals overlap
    diff = paired_difference(a, b)
    assert diff["mean"] == pytest.approx(0.022) and diff["excludes_zero"]
    assert paired_difference([1, 2, 3], [1, 2, 3])["excludes_zero"] is False


def test_pairs_must_match_and_one_seed_has_no_interval():
    with pytest.raises(ValueError, match="one value per seed on both sides"):
        paired_difference([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="at least one number"):
        over_seeds([])
    assert format_interval(mean_with_interval([0.5])) == "0.500"
    assert format_interval(mean_with_interval([1, 2, 3, 4, 5]), 2) == "3.00 [1.04, 4.96]"


def test_paired_record_is_the_rounded_paired_difference():
    from causal_course.statistics import paired_record

    record = paired_record([0.9, 0.8, 0.95], [0.7, 0.7, 0.8])
    # by hand: differences 0.2, 0.1, 0.15; mean 0.15; sd 0.05; half-width 4.303 * 0.05 / sqrt(3) = 0.1242
    assert record["values"] == [0.2, 0.1, 0.15] and record["mean"] == 0.15
    assert record["low"] == pytest.approx(0.0258, abs=1e-4) and record["high"] == pytest.approx(0.2742, abs=1e-4)
    assert record["excludes_zero"] is True
    assert paired_record([0.5, 0.6], [0.6, 0.5])["excludes_zero"] is False
    single = paired_record([1.0], [0.0])
    assert single["low"] is None and single["excludes_zero"] is False
    with pytest.raises(ValueError, match="one value per seed on both sides"):
        paired_record([1.0, 2.0], [1.0])
