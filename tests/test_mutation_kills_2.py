"""Fixed examples for behaviours the earlier tests left unpinned: ties within binary error of
small values, rounding into a caller's buffer, and the other edges found by mutation testing."""

from __future__ import annotations

import numpy as np
import pytest

import red_property as rp
from red_property.scoring import half_up_codes, round_half_even

# --------------------------------------------------------------------------- rounding


def test_half_even_treats_binary_error_above_a_small_tie_as_the_tie() -> None:
    """0.5000000000000004 at 0 digits and 0.05000000000000003 at 1 are ties: half-even gives 0."""
    assert round_half_even(np.array([0.5000000000000004, 2.5000000000000004]), 0).tolist() \
        == [0.0, 2.0]
    assert round_half_even(np.array([0.05000000000000003]), 1).tolist() == [0.0]


def test_half_up_codes_fill_the_buffer_given() -> None:
    """``half_up_codes(x, digits, out)`` writes the codes into ``out`` and returns it."""
    out = np.zeros(3)
    codes = half_up_codes(np.array([1.005, 2.675, 0.125]), 2, out)
    assert codes is out
    assert out.tolist() == [101.0, 268.0, 13.0]


# --------------------------------------------------------------------------- gates and base points

_GATED = """\
language_version: 2
id: gated
version: "1"
title: {en: Gated}
base_points: 10
sources:
  panel: {label: {en: Panel}, weight: 1}
dimensions:
  service:
    label: {en: Service}
    indicators:
      clean: {label: {en: Clean}, kind: score, points: 6}
      safe: {label: {en: Safe}, kind: check, points: 4}
gates:
  - {id: g, label: {en: G}, all_of: [safe]}
levels:
  - {stars: 1, min_total: 5}
"""


def test_a_check_nobody_rated_never_passes_a_gate() -> None:
    """A gate on a check no source rated (no default) grants no base points."""
    rows = [{"company": "a", "source": "panel", "rater": "r", "indicator": "clean", "value": 6}]
    report = rp.evaluate(rp.load_rubric(_GATED), rp.Ratings.from_records(rows))
    assert report.scores.base.tolist() == [0.0]
    assert np.isnan(report.scores.combined_value[0, 1])  # no value, and no default
    assert report.scores.total.tolist() == [6.0]
    assert report["a"].rated is False


_TWO_GATES = """\
language_version: 2
id: gates
version: "1"
title: {en: Gates}
base_points: 10
sources:
  panel: {label: {en: Panel}, weight: 1}
dimensions:
  service:
    label: {en: Service}
    indicators:
      safe: {label: {en: Safe}, kind: check, points: 1}
      tidy: {label: {en: Tidy}, kind: check, points: 1}
      lit: {label: {en: Lit}, kind: check, points: 1}
      quiet: {label: {en: Quiet}, kind: check, points: 1}
gates:
  - {id: both, label: {en: Both}, all_of: [safe, tidy]}
  - {id: either, label: {en: Either}, any_of: [lit, quiet]}
levels:
  - {stars: 1, min_total: 1}
"""


def test_base_points_need_every_gate_each_read_as_all_of_or_any_of() -> None:
    """Base points need every gate: `all_of` needs each check met, `any_of` one, per company."""
    checks = {"a": (1, 1, 1, 0), "b": (1, 0, 1, 0), "c": (1, 1, 0, 0), "d": (1, 1, 0, 1)}
    rows = [{"company": c, "source": "panel", "rater": "r", "indicator": i, "value": v}
            for c, values in checks.items()
            for i, v in zip(("safe", "tidy", "lit", "quiet"), values, strict=True)]
    report = rp.evaluate(rp.load_rubric(_TWO_GATES), rp.Ratings.from_records(rows))
    assert report.scores.base.tolist() == [10.0, 0.0, 0.0, 10.0]
    assert report.awards.rated.tolist() == [True, False, False, True]


# --------------------------------------------------------------------------- within-source means

_MEAN = """\
id: mean
version: "1"
title: {en: Mean}
sources:
  panel: {label: {en: Panel}, weight: 1}
dimensions:
  service:
    label: {en: Service}
    indicators:
      clean: {label: {en: Clean}, kind: score, points: 100}
levels:
  - {stars: 1, min_total: 50}
"""


def _mean_of(values: list[float]) -> float:
    rows = [{"company": "a", "source": "panel", "rater": f"r{k}", "indicator": "clean",
             "value": v} for k, v in enumerate(values)]
    report = rp.evaluate(rp.load_rubric(_MEAN), rp.Ratings.from_records(rows))
    return float(report.scores.value[0, 0, 0])


def test_mean_of_decimals_is_the_float_nearest_the_exact_mean() -> None:
    """Means of short decimals are exact then rounded once: 0.1, 0.2 give 0.15, and 48.1, 5.7,
    94.92 give 49.57333333333333 (a float sum, even compensated, gives ...334)."""
    assert _mean_of([0.1, 0.2]) == 0.15
    assert _mean_of([48.1, 5.7, 94.92]) == 49.57333333333333


def test_one_rater_with_many_decimals_keeps_the_value() -> None:
    """One rater's 0.1234567 (seven decimals, past the exact path) is the source's value as is."""
    assert _mean_of([0.1234567]) == 0.1234567


def test_a_median_source_after_one_without_rows_still_takes_its_median() -> None:
    """Two median sources, the first without any row: the second's value is its median (2 of
    1, 2, 9), not its mean."""
    text = _MEAN.replace(
        "  panel: {label: {en: Panel}, weight: 1}\n",
        "  first: {label: {en: First}, weight: 1, aggregate: {method: median}}\n"
        "  second: {label: {en: Second}, weight: 1, aggregate: {method: median}}\n",
    )
    rows = [{"company": "a", "source": "second", "rater": f"r{v}", "indicator": "clean",
             "value": v} for v in (1, 2, 9)]
    report = rp.evaluate(rp.load_rubric("language_version: 2\n" + text),
                         rp.Ratings.from_records(rows))
    assert report.scores.value[0, 1, 0] == 2.0
    assert report.scores.total.tolist() == [2.0]


_MEASURE = _MEAN.replace("kind: score, points: 100}",
                         "kind: measure, points: 100, goalposts: {worst: -1.0e+10, best: 1.0e+10}}")


@pytest.mark.parametrize("value", [4503599627.370497, -4503599627.370497])
def test_large_values_whose_exact_sum_overflows_take_the_float_path(value: float) -> None:
    """Three raters' 4503599627.370497 (or its negative) average to itself: scaled to integers
    their sum passes 2**53, so the exact path would round it (to ...498)."""
    rows = [{"company": "a", "source": "panel", "rater": f"r{k}", "indicator": "clean",
             "value": value} for k in range(3)]
    report = rp.evaluate(rp.load_rubric(_MEASURE), rp.Ratings.from_records(rows))
    assert float(report.scores.value[0, 0, 0]) == value


def test_sources_weigh_zero_on_an_indicator_nobody_rated() -> None:
    """Where no source rated an indicator (its default applies), every source's weight is 0
    and its combined value is the default."""
    text = _MEAN.replace("kind: score, points: 100}",
                         "kind: score, points: 100}\n"
                         "      tidy: {label: {en: Tidy}, kind: score, points: 10, default: 4}")
    rows = [{"company": "a", "source": "panel", "rater": "r", "indicator": "clean", "value": 60}]
    report = rp.evaluate(rp.load_rubric(text), rp.Ratings.from_records(rows))
    assert report.scores.weight.tolist() == [[[1.0, 0.0]]]
    assert report.scores.combined_value.tolist() == [[60.0, 4.0]]
    assert report.scores.total.tolist() == [64.0]


def test_records_round_dimension_points_to_six_decimals() -> None:
    """to_records() gives a dimension's points at six decimals: a mean of 0, 0, 10 is 3.333333."""
    rows = [{"company": "a", "source": "panel", "rater": f"r{k}", "indicator": "clean",
             "value": v} for k, v in enumerate((0, 0, 10))]
    report = rp.evaluate(rp.load_rubric(_MEAN), rp.Ratings.from_records(rows))
    (record,) = report.to_records()
    assert record["dimensions"] == {"service": 3.333333}


def test_records_give_the_share_of_a_dimension_worth_one_point() -> None:
    """A dimension, and a source, worth at most 1 point still have a share: 0.5 of 1 is 0.5."""
    rows = [{"company": "a", "source": "panel", "rater": "r", "indicator": "clean", "value": 0.5}]
    text = _MEAN.replace("points: 100", "points: 1").replace("min_total: 50", "min_total: 0.4")
    (record,) = rp.evaluate(rp.load_rubric(text), rp.Ratings.from_records(rows)).to_records()
    assert record["dimension_shares"] == {"service": 0.5}
    assert record["sources"] == {"panel": 0.5}


def test_records_round_bonus_points_to_six_decimals() -> None:
    """to_records() gives the bonus at six decimals: 2 points per unit, a mean of 1/3 unit."""
    text = _MEAN.replace("kind: score, points: 100}",
                         "kind: score, points: 100}\n"
                         "      extra: {label: {en: Extra}, kind: bonus, per: 2, cap: 4}")
    rows = [{"company": "a", "source": "panel", "rater": f"r{k}", "indicator": i, "value": v}
            for k, v in enumerate((0, 0, 1)) for i in ("clean", "extra")]
    (record,) = rp.evaluate(rp.load_rubric(text), rp.Ratings.from_records(rows)).to_records()
    assert record["bonus"] == 0.666667
