"""The rater bootstrap pinned on tiny seasons: its arguments, its display, the parametric
fallback at the bounds of an indicator's domain, the interval rule and seeded results."""

from __future__ import annotations

import math
import re
import sys
from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property.analysis import Uncertainty, bootstrap
from red_property.errors import EvaluationError

from .fixtures import load, rec

NOISE = "normal noise with the pooled within-company SD"
FIXED = "kept fixed (no cell has two raters)"

# one score indicator: a total of 0, 5 or 10 is 0, 1 or 2 stars
SCORE_ONLY = load("""
    sources:
      authority: {label: {en: A}, weight: 1}
    dimensions:
      d:
        label: {en: D}
        indicators:
          s: {label: {en: S}, kind: score, points: 10}
    levels:
      - {stars: 1, min_total: 5}
      - {stars: 2, min_total: 10}
    """)


def season(rows: list[tuple[str, str, str, str, Any]], rubric: rp.Rubric = SCORE_ONLY,
           **kw: Any) -> rp.Report:
    """Evaluate ``(company, source, rater, indicator, value)`` rows."""
    return rp.evaluate(rubric, rp.Ratings.from_records([rec(*r) for r in rows]), **kw)


def spread() -> rp.Report:
    """Two raters 0 and 10 on one company, one rater of 5 on another."""
    return season([("pair", "authority", "r1", "s", 0), ("pair", "authority", "r2", "s", 10),
                   ("one", "authority", "r1", "s", 5)])


def made(n: int = 3) -> Uncertainty:
    """A result built by hand: ``a<b`` 2 stars at 95 %, ``c`` 1 star at a third, ``d`` not
    rated two times in three (more companies repeat ``c``)."""
    names = ("a<b", "c", "d", *(f"e{k}" for k in range(n - 3)))
    third = 1 / 3
    p = [[0.0, 0.05, 0.95], [third, third, third], [third, 0.0, 0.0]]
    p += [[third, third, third]] * (n - 3)
    return Uncertainty(
        companies=names, replicates=20, seed=4, confidence=0.9,
        rated=np.array([True, True, False] + [True] * (n - 3)),
        awarded=np.array([2, 1, 0] + [1] * (n - 3), dtype=np.int64),
        total=np.array([15.0, 7.25, 3.0] + [7.25] * (n - 3)),
        low=np.array([12.5, 5.0, 1.0] + [5.0] * (n - 3)),
        high=np.array([17.5, 9.0, 4.0] + [9.0] * (n - 3)),
        p_stars=np.array(p), p_not_rated=np.array([0.0, 0.0, 2 * third] + [0.0] * (n - 3)),
        fallback={})


def test_repr_counts_awards_strictly_below_95_percent_stable() -> None:
    """repr counts the awards whose stability is below 0.95 (exactly 0.95 is stable)."""
    assert repr(made()) == "<Uncertainty 20 replicates x 3 companies: 2 awards below 95% stable>"


def test_records_of_a_hand_made_result() -> None:
    """to_records: named fields, stars None when not rated, probabilities to 6 decimals."""
    third, two = 0.333333, 0.666667
    assert made().to_records() == [
        {"company": "a<b", "stars": 2, "total": 15.0, "low": 12.5, "high": 17.5,
         "p_stars": {0: 0.0, 1: 0.05, 2: 0.95}, "p_not_rated": 0.0, "p_stable": 0.95},
        {"company": "c", "stars": 1, "total": 7.25, "low": 5.0, "high": 9.0,
         "p_stars": {0: third, 1: third, 2: third}, "p_not_rated": 0.0, "p_stable": third},
        {"company": "d", "stars": None, "total": 3.0, "low": 1.0, "high": 4.0,
         "p_stars": {0: third, 1: 0.0, 2: 0.0}, "p_not_rated": two, "p_stable": two},
    ]


def test_html_table_of_a_hand_made_result() -> None:
    """The notebook table: escaped summary and names, stars or 'not rated', the interval to one
    decimal and one column per star level to two."""
    head = ("<div><p>&lt;Uncertainty 20 replicates x 3 companies: 2 awards below 95% stable"
            "&gt;</p><table><thead><tr><th>company</th><th>stars</th><th>90% interval</th>"
            "<th>P(0★)</th><th>P(1★)</th><th>P(2★)</th></tr></thead><tbody>")
    rows = ("<tr><td>a&lt;b</td><td>2★</td><td>12.5 – 17.5</td>"
            "<td>0.00</td><td>0.05</td><td>0.95</td></tr>"
            "<tr><td>c</td><td>1★</td><td>5.0 – 9.0</td>"
            "<td>0.33</td><td>0.33</td><td>0.33</td></tr>"
            "<tr><td>d</td><td>not rated</td><td>1.0 – 4.0</td>"
            "<td>0.33</td><td>0.00</td><td>0.00</td></tr>")
    assert made()._repr_html_() == head + rows + "</tbody></table></div>"


def test_html_table_shows_60_companies_and_counts_the_rest() -> None:
    """60 companies fit the table with no note; of 61 the table shows 60 and says 1 more."""
    sixty, sixty_one = made(60)._repr_html_(), made(61)._repr_html_()
    assert sixty.count("<tr>") == 61 and sixty.endswith("</tbody></table></div>")
    assert sixty_one.count("<tr>") == 61
    assert sixty_one.endswith("</tbody></table><p>… 1 more companies (use to_records())</p></div>")


@pytest.mark.parametrize(("kw", "message"), [
    ({"replicates": 0}, "replicates must be a positive integer, not 0"),
    ({"replicates": True}, "replicates must be a positive integer, not True"),
    ({"confidence": 0}, "confidence must be between 0 and 1"),
    ({"confidence": 1}, "confidence must be between 0 and 1"),
    ({"confidence": 1.5}, "confidence must be between 0 and 1"),
    ({"chunk": 0}, "chunk must be a positive integer, not 0"),
    ({"chunk": True}, "chunk must be a positive integer, not True"),
])
def test_bad_arguments_are_refused_with_their_message(kw: dict[str, Any], message: str) -> None:
    """Replicates or chunk below 1 or boolean, confidence outside (0, 1): ValueError, saying so."""
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        bootstrap(spread(), **kw)


def test_one_replicate_in_chunks_of_one_and_the_defaults() -> None:
    """One replicate in chunks of one is allowed; by default 500 replicates, seed 0, 90 %."""
    one = bootstrap(spread(), replicates=1, chunk=1, seed=9, confidence=0.8)
    assert (one.replicates, one.seed, one.confidence) == (1, 9, 0.8)
    assert one.p_stars.shape == (2, 3)
    default = bootstrap(season([("x", "authority", "r1", "s", 5)]))
    assert (default.replicates, default.seed, default.confidence) == (500, 0, 0.9)


def test_a_season_of_one_rating_bootstraps() -> None:
    """A single rating is enough to resample: its award is certain."""
    u = bootstrap(season([("x", "authority", "r1", "s", 5)]), replicates=3)
    assert u.to_records()[0]["p_stable"] == 1.0 and u.fallback == {"authority": FIXED}


def dropped_only() -> rp.Report:
    """A listed company whose only row the input policy drops."""
    rubric = load("input: {invalid_rows: drop}\n", """
        sources:
          authority: {label: {en: A}, weight: 1}
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
        levels:
          - {stars: 1, min_total: 5}
        """)
    return season([("x", "authority", "r1", "s", 11)], rubric, companies=["x"])


def test_nothing_to_resample_is_an_evaluation_error() -> None:
    """A report with no usable rating cannot be bootstrapped: EvaluationError saying so."""
    with pytest.raises(EvaluationError) as err:
        bootstrap(dropped_only(), replicates=2)
    assert str(err.value) == "bootstrap: no usable ratings to resample"


def test_client_without_the_extra_is_refused_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without dask.distributed a client= is refused, naming the extra, before anything else."""
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r"red-property\[distributed\]"):
        bootstrap(dropped_only(), replicates=2, client=object())


def test_client_that_is_not_a_dask_client_is_refused() -> None:
    """client= is handed to the cluster runner: something else than a Client is a TypeError."""
    pytest.importorskip("distributed")
    with pytest.raises(TypeError, match=r"client must be a distributed\.Client, not object"):
        bootstrap(spread(), replicates=2, client=object())


def nth_smallest_level(counts: list[int], k: int) -> int:
    """The level holding the ``k``-th smallest of values counted per level."""
    return int(np.searchsorted(np.cumsum(counts), k))


@pytest.mark.parametrize("confidence", [0.5, 0.6, 0.8, 0.9])
def test_interval_is_the_inverted_edf_of_the_replicate_totals(confidence: float) -> None:
    """Where each total is its own star level (0, 5, 10), the interval of a resampled company
    is the ceil(q*m)-th smallest replicate total for q = (1 - confidence)/2 and 1 - q."""
    m = 20
    u = bootstrap(spread(), replicates=m, seed=3, confidence=confidence)
    k = u.companies.index("pair")
    counts = [round(float(x) * m) for x in u.p_stars[k]]
    assert sum(counts) == m and u.p_stars.shape == (2, 3)
    q = (1 - confidence) / 2
    lo_rank, hi_rank = math.ceil(round(q * m, 9)), math.ceil(round((1 - q) * m, 9))
    assert u.low[k] == 5 * nth_smallest_level(counts, lo_rank)
    assert u.high[k] == 5 * nth_smallest_level(counts, hi_rank)


def test_result_does_not_depend_on_the_chunks() -> None:
    """Chunks of 2 replicates give exactly the result of one chunk of all."""
    a = bootstrap(spread(), replicates=5, seed=1, chunk=2)
    b = bootstrap(spread(), replicates=5, seed=1)
    assert a.to_records() == b.to_records()
    assert np.array_equal(a.low, b.low) and np.array_equal(a.high, b.high)


# a score on [0, 10] and a measure on [40, 100] worth 10 points from 40 up; totals unrounded
BOUNDED = load("""
    rounding: {mode: none}
    sources:
      authority: {label: {en: A}, weight: 1}
    dimensions:
      d:
        label: {en: D}
        indicators:
          s: {label: {en: S}, kind: score, points: 10}
          m: {label: {en: M}, kind: measure, points: 10, range: [40, 100],
              goalposts: {worst: 40, best: 100}}
    levels:
      - {stars: 1, min_total: 5}
      - {stars: 2, min_total: 15}
    """)


def test_single_raters_at_the_bounds_are_pushed_inwards() -> None:
    """Two raters 2 apart give an SD of sqrt(2); a single rater at the bottom (top) of both
    domains is jittered by reflection into the domain: its totals stay above 0 (below 20) and
    within 3.5 SD of it, never piled on the bound nor thrown to the other end."""
    report = season([("pair", "authority", "r1", "s", 4), ("pair", "authority", "r2", "s", 6),
                     ("pair", "authority", "r1", "m", 70), ("pair", "authority", "r2", "m", 72),
                     ("low", "authority", "r1", "s", 0), ("low", "authority", "r1", "m", 40),
                     ("top", "authority", "r1", "s", 10), ("top", "authority", "r1", "m", 100)],
                    BOUNDED)
    u = bootstrap(report, replicates=40, seed=2, confidence=0.9)
    assert u.fallback == {"authority": NOISE}
    low, top = u.companies.index("low"), u.companies.index("top")
    # 3.5 SD of jitter: 4.95 score points and 4.95 / 6 measure points
    assert u.low[low] > 0 and u.high[low] < 6
    assert u.low[top] > 14 and u.high[top] < 20


def test_raters_who_agree_leave_every_award_certain() -> None:
    """Where every pair of raters agrees, the pooled SD is 0: a single rater's value is not
    moved, every replicate gives the report's totals and every award has probability 1."""
    report = season([("pair", "authority", "r1", "s", 0.5), ("pair", "authority", "r2", "s", 0.5),
                     ("pair", "authority", "r1", "m", 60), ("pair", "authority", "r2", "m", 60),
                     ("one", "authority", "r1", "s", 7), ("one", "authority", "r1", "m", 75)],
                    BOUNDED)
    u = bootstrap(report, replicates=10, seed=0)
    assert np.array_equal(u.low, report.scores.total)
    assert np.array_equal(u.high, report.scores.total)
    assert np.array_equal(u.p_stable(), [1.0, 1.0])


def test_fallback_is_stated_per_source() -> None:
    """A source with a cell of two raters jitters its single raters; a source without one keeps
    them fixed, and says so."""
    two = load("""
        sources:
          authority: {label: {en: A}, weight: 0.5}
          association: {label: {en: B}, weight: 0.5}
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
        levels:
          - {stars: 1, min_total: 5}
        """)
    report = season([("a", "authority", "r1", "s", 4), ("a", "authority", "r2", "s", 6),
                     ("b", "authority", "r1", "s", 5),
                     ("a", "association", "q1", "s", 4), ("b", "association", "q1", "s", 6)], two)
    u = bootstrap(report, replicates=2)
    assert u.fallback == {"authority": NOISE, "association": FIXED}


def test_noise_past_both_bounds_stays_in_the_domain() -> None:
    """Noise wider than the domain, reflected at one bound and then at the other, is held in
    [50, 100]: a measure scored from 0 never earns less than a value of 50 does (5 points)."""
    wide = load("""
        rounding: {mode: none}
        sources:
          authority: {label: {en: A}, weight: 1}
        dimensions:
          d:
            label: {en: D}
            indicators:
              m: {label: {en: M}, kind: measure, points: 10, range: [50, 100],
                  goalposts: {worst: 0, best: 100}}
        levels:
          - {stars: 1, min_total: 5}
        """)
    report = season([("pair", "authority", "r1", "m", 50), ("pair", "authority", "r2", "m", 100),
                     ("top", "authority", "r1", "m", 100)], wide)
    u = bootstrap(report, replicates=40, seed=3, confidence=0.999)
    assert np.all(u.low >= 5.0)
    assert np.array_equal(u.p_stable(), [1.0, 1.0])


TWO_SOURCES = load("""
    rounding: {mode: none}
    sources:
      authority: {label: {en: A}, weight: 0.6}
      association: {label: {en: B}, weight: 0.4}
    dimensions:
      d:
        label: {en: D}
        indicators:
          s: {label: {en: S}, kind: score, points: 10}
          m: {label: {en: M}, kind: measure, points: 10, range: [50, 100],
              goalposts: {worst: 50, best: 100}}
    levels:
      - {stars: 1, min_total: 8}
      - {stars: 2, min_total: 12}
    """)


def test_seeded_result_of_a_two_source_season() -> None:
    """Seed 11, 6 replicates: resampled pairs and jittered single raters (b in the authority,
    c in the association) give these intervals and these counts of replicates per level."""
    a, b = "authority", "association"
    rows = [("a", a, "r1", "s", 4), ("a", a, "r2", "s", 7), ("a", a, "r1", "m", 60),
            ("a", a, "r2", "m", 75), ("a", b, "q1", "s", 6), ("a", b, "q2", "s", 8),
            ("a", b, "q1", "m", 80), ("a", b, "q2", "m", 70),
            ("b", a, "r1", "s", 8), ("b", a, "r1", "m", 90), ("b", b, "q1", "s", 3),
            ("b", b, "q3", "s", 5), ("b", b, "q1", "m", 65), ("b", b, "q3", "m", 55),
            ("c", a, "r2", "s", 2), ("c", a, "r3", "s", 6), ("c", a, "r2", "m", 85),
            ("c", a, "r3", "m", 95), ("c", b, "q2", "s", 9), ("c", b, "q2", "m", 52)]
    u = bootstrap(season(rows, TWO_SOURCES), replicates=6, seed=11)
    assert u.fallback == {a: NOISE, b: NOISE}
    assert u.low.tolist() == pytest.approx([8.4, 9.554636446955376, 10.1364604182269], abs=1e-9)
    assert u.high.tolist() == pytest.approx([12.0, 12.751131871520222, 12.885401408474502],
                                            abs=1e-9)
    assert np.array_equal(np.round(u.p_stars * 6), [[0, 5, 1], [0, 3, 3], [0, 4, 2]])
