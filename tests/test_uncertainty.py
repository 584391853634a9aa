"""The bootstrap over raters: seeded, consistent with the full-data award, and sensible."""

from __future__ import annotations

import numpy as np

import red_property as rp
from red_property.analysis import bootstrap

from .conftest import EXAMPLE, SHANYANG

RATINGS = EXAMPLE / "ratings.csv"
CLAIMS = EXAMPLE / "claims.csv"


def REPORT() -> rp.Report:
    """The bundled season with its claims."""
    return rp.evaluate(SHANYANG, RATINGS, claims=CLAIMS)


def test_same_seed_same_result() -> None:
    """Two runs with one seed are identical; another seed differs."""
    a = bootstrap(REPORT(), replicates=60, seed=7)
    b = bootstrap(REPORT(), replicates=60, seed=7)
    c = bootstrap(REPORT(), replicates=60, seed=8)
    assert np.array_equal(a.p_stars, b.p_stars) and np.array_equal(a.low, b.low)
    assert not np.array_equal(a.low, c.low)


def test_probabilities_sum_to_one(shanyang_report) -> None:  # type: ignore[no-untyped-def]
    """Per company, P(each level) + P(not rated) = 1; awarded stars match the report."""
    u = bootstrap(REPORT(), replicates=60, seed=1)
    assert np.allclose(u.p_stars.sum(axis=1) + u.p_not_rated, 1.0)
    assert np.array_equal(u.rated, shanyang_report.awards.rated)
    assert np.array_equal(u.awarded, shanyang_report.awards.stars)
    assert np.all(u.low <= u.high)


def test_far_from_thresholds_is_stable_and_near_is_not(shanyang_report) -> None:  # type: ignore[no-untyped-def]
    """A company whose total sits within 0.1 of a threshold is less stable than one whose
    total is more than 4 points from every threshold."""
    u = bootstrap(REPORT(), replicates=200, seed=3)
    thresholds = np.array([lv.min_total for lv in shanyang_report.plan.rubric.levels])
    total = shanyang_report.scores.total
    dist = np.min(np.abs(total[:, None] - thresholds[None, :]), axis=1)
    rated = shanyang_report.awards.rated & (shanyang_report.awards.vetoed.sum(axis=1) == 0)
    far = np.flatnonzero(rated & (dist > 4))
    near = np.flatnonzero(rated & (dist < 0.1))
    assert far.size and near.size
    stable = u.p_stable()
    assert np.all(stable[far] >= 0.95)
    assert stable[near].mean() < stable[far].mean()


def test_not_rated_company_stays_not_rated() -> None:
    """A company failing a gate is not rated in every replicate."""
    u = bootstrap(REPORT(), replicates=30, seed=2)
    k = u.companies.index("sy-38")
    assert u.p_not_rated[k] == 1.0
    assert u.to_records()[k]["stars"] is None


def test_fallback_is_stated() -> None:
    """The association's single-rater cell (sy-17) uses the stated parametric fallback."""
    u = bootstrap(rp.evaluate(SHANYANG, RATINGS), replicates=5, seed=0)
    assert u.fallback == {"association": "normal noise with the pooled within-company SD"}
    assert repr(u).startswith("<Uncertainty 5 replicates x 40 companies:")


def test_bootstrap_resamples_corrected_values_when_the_rubric_corrects() -> None:
    """With rater_correction the bootstrap's full-data totals are the corrected report's, and
    its intervals differ from the uncorrected bootstrap's."""
    text = SHANYANG.read_text(encoding="utf-8").replace(
        "claims:\n", "rater_correction: true\nclaims:\n", 1)
    corrected = rp.load_rubric(text)
    report = rp.evaluate(corrected, RATINGS)
    u = bootstrap(report, replicates=40, seed=5)
    plain = bootstrap(rp.evaluate(SHANYANG, RATINGS), replicates=40, seed=5)
    assert np.array_equal(u.total, report.scores.total)
    assert not np.array_equal(u.low, plain.low)
