"""Results behave like values: one company's result by id, read-only mappings, equality that
works on arrays, keyword-only construction, short reprs and escaped HTML."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

import red_property as rp

from .conftest import EXAMPLE, SHANYANG
from .fixtures import ONE_SOURCE, load, rows_of, run

RATINGS = EXAMPLE / "ratings.csv"
CLAIMS = EXAMPLE / "claims.csv"


@pytest.fixture(scope="module")
def report() -> rp.Report:
    """The bundled season with its claims."""
    return rp.evaluate(SHANYANG, RATINGS, claims=CLAIMS)


def test_one_company_by_id(report: rp.Report) -> None:
    """report[id] is a frozen CompanyResult agreeing with the records; unknown ids are
    KeyErrors."""
    records = {r["company"]: r for r in report.to_records()}
    for company, rec in records.items():
        result = report[company]
        assert (result.company, result.rated, result.stars, result.total, result.rank) == (
            company, rec["rated"], rec["stars"], rec["total"], rec["rank"])
        assert result.claim.value == rec["verdict"]
        assert isinstance(result.claim, rp.ClaimOutcome)
        assert list(result.vetoes) == rec["vetoed"]
        assert list(result.reasons) == rec["not_rated"]
    assert "sy-12" in report and "nobody" not in report
    with pytest.raises(KeyError, match="nobody"):
        report["nobody"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report["sy-12"].stars = 5  # type: ignore[misc]
    assert repr(report["sy-12"]) == "<CompanyResult sy-12: 3★ total 87.4 rank 6>"
    assert repr(report["sy-38"]) == "<CompanyResult sy-38: not rated>"


def test_stars_and_totals_by_company_are_read_only(report: rp.Report) -> None:
    """report.stars and report.totals map every company (None when not rated) and refuse
    writes; so do the names and the reasons inside a report."""
    assert list(report.stars) == report.companies.tolist()
    assert report.stars["sy-12"] == 3 and report.stars["sy-38"] is None
    assert report.totals["sy-12"] == pytest.approx(87.4) and report.totals["sy-38"] is None
    for mapping in (report.stars, report.totals, report.names, report.dropped_by_reason,
                    report.awards.not_rated_reasons, report.plan.index):
        with pytest.raises(TypeError):
            mapping["x"] = 1  # type: ignore[index]
    with pytest.raises(ValueError, match="read-only"):
        report.scores.total[0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        report.plan.source_weight[0] = 0.0


def test_equality_works_on_arrays(report: rp.Report) -> None:
    """Two evaluations of one season are equal; another season is not; no ValueError."""
    again = rp.evaluate(SHANYANG, RATINGS, claims=CLAIMS)
    assert again == report
    assert again.scores == report.scores and again.awards == report.awards
    other = rp.evaluate(SHANYANG, RATINGS)
    assert other != report
    with pytest.raises(TypeError):
        hash(report)


def test_constructors_are_keyword_only(report: rp.Report) -> None:
    """Results cannot be built from positional arguments."""
    fields: dict[str, Any] = {f.name: getattr(report, f.name)
                              for f in dataclasses.fields(report)}
    assert rp.Report(**fields) == report
    with pytest.raises(TypeError):
        rp.Report(*fields.values())  # type: ignore[misc]


def test_short_reprs(report: rp.Report) -> None:
    """Reprs name what a value is and its size, never dump arrays."""
    assert repr(report) == "<Report shanyang-red-property@2019.1: 40 companies>"
    assert repr(report.plan).startswith("<Plan shanyang-red-property@2019.1: ")
    assert repr(report.scores).startswith("<Scores 40 companies x 3 sources x ")
    assert repr(report.awards).startswith("<Awards 40 companies: ")
    for text in (repr(report.plan), repr(report.scores), repr(report.awards)):
        assert "array" not in text and len(text) < 120


def test_company_html_is_escaped() -> None:
    """A hostile company name is escaped in a report's and a company result's HTML."""
    rubric = load(ONE_SOURCE, """
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
        levels:
          - {stars: 1, min_total: 5}
        """)
    evil = "<script>x</script>"
    report = run(rubric, rows_of({"a": {"s": 8}}), companies={"a": evil})
    for page in (report._repr_html_(), report["a"]._repr_html_()):
        assert evil not in page and "&lt;script&gt;" in page


def test_a_plan_is_accepted_and_equal_by_content() -> None:
    """evaluate takes a compiled Plan; plans of one rubric are equal and hash alike."""
    rubric = rp.load_rubric(SHANYANG)
    a, b = rp.compile_plan(rubric), rp.compile_plan(rp.load_rubric(SHANYANG))
    assert a == b and hash(a) == hash(b)
    assert rp.evaluate(a, RATINGS) == rp.evaluate(rubric, RATINGS)
    assert np.array_equal(a.veto_limit, b.veto_limit)
