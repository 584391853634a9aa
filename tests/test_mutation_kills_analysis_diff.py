"""The rubric diff as a maintainer reads it: its text, plain data, repr and HTML on a small pair of
rubrics, the claims on either side and the refusals it groups."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from pathlib import Path

import pytest

import red_property as rp
from red_property.analysis.diff import Edit, diff
from red_property.evaluation import as_plan

HEAD = ('id: t\nversion: "{version}"\ntitle: {{en: {title}, zh: {zh}}}\n'
        "sources:\n  a: {{label: {{en: A}}, weight: 1}}\n")
OLD = HEAD.format(version="1", title="T" * 58, zh="红色物业") + """dimensions:
  d:
    label: {en: D}
    indicators:
      x: {label: {en: X}, kind: score, points: 10, default: 0}
      y: {label: {en: Y}, kind: score, points: 10, default: 0}
levels:
  - {stars: 1, min_total: 5}
  - {stars: 2, min_total: 12}
"""
# the title grows by one letter, y becomes z, 2★ needs 10 instead of 12
NEW = HEAD.format(version="2", title="T" * 59, zh="红色物业星级") + """dimensions:
  d:
    label: {en: D}
    indicators:
      x: {label: {en: X}, kind: score, points: 10, default: 0}
      z: {label: {en: Z}, kind: score, points: 10, default: 0}
levels:
  - {stars: 1, min_total: 5}
  - {stars: 2, min_total: 10}
"""
# a: same stars, lower total; b: 1★ → 2★; c: rated only under the new; e: only under the old
ROWS = [("a", "x", 8), ("a", "y", 8), ("a", "z", 5), ("b", "x", 6), ("b", "y", 0),
        ("b", "z", 5), ("c", "z", 9), ("e", "y", 7)]


def _ratings(rows: Iterable[tuple[str, str, float]]) -> rp.Ratings:
    return rp.Ratings.from_records([
        {"company": c, "source": "a", "rater": "r", "indicator": i, "value": v}
        for c, i, v in rows])


def _files(tmp_path: Path, old: str = OLD, new: str = NEW) -> tuple[Path, Path]:
    (tmp_path / "old.yaml").write_text(old, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(new, encoding="utf-8")
    return tmp_path / "old.yaml", tmp_path / "new.yaml"


def test_text_names_each_edit_and_each_company_that_moved(tmp_path: Path) -> None:
    """The text lists every edit (+, -, ~; long values cut at 60 characters, Chinese as written),
    the star changes, the other moves and the rows each rubric left out."""
    old, new = _files(tmp_path)
    d = diff(old, new, _ratings(ROWS))
    cut = '{"label": {"zh": null, "en": "%s"}, "note": null, "default...'
    assert str(d).split("\n") == [
        "t@1 → t@2: 6 rubric edit(s), 3 star change(s) among 4 companies",
        "",
        "Rubric edits:",
        '  ~ version: "1" → "2"',
        '  ~ title.zh: "红色物业" → "红色物业星级"',
        f'  ~ title.en: "{"T" * 58}" → "{"T" * 56}...',
        f"  - dimensions.d.indicators.y: {cut % 'Y'}",
        f"  + dimensions.d.indicators.z: {cut % 'Z'}",
        "  ~ levels[1].min_total: 12.0 → 10.0",
        "",
        "Stars change:",
        "  b: 1★ → 2★ (rank 3 → 2, total 6 → 11)",
        "  c: not rated → 1★ (rank - → 3)",
        "  e: 1★ → not rated (rank 2 → -)",
        "",
        "Rank or total change, same stars:",
        "  a: 2★ (rank 1 → 1, total 16 → 13)",
        "3 rating rows have no indicator/source in the old rubric and were left out of it",
        "3 rating rows have no indicator/source in the new rubric and were left out of it",
    ]


def test_plain_data_holds_every_edit_and_move_star_changes_first(tmp_path: Path) -> None:
    """to_dict() gives both rubrics' identities, each edit's kind, path, old and new value, and
    one record per company that moved, star changes first, each group by company."""
    old, new = _files(tmp_path)
    d = diff(old, new, _ratings(ROWS))
    y = {"label": {"zh": None, "en": "Y"}, "note": None, "default": 0.0, "missing": None,
         "kind": "score", "points": 10.0}
    z = {**y, "label": {"zh": None, "en": "Z"}}
    records = [
        {"company": "b", "old_stars": 1, "new_stars": 2, "old_rank": 3, "new_rank": 2,
         "old_total": 6.0, "new_total": 11.0, "stars_changed": True},
        {"company": "c", "old_stars": None, "new_stars": 1, "old_rank": None, "new_rank": 3,
         "old_total": None, "new_total": 9.0, "stars_changed": True},
        {"company": "e", "old_stars": 1, "new_stars": None, "old_rank": 2, "new_rank": None,
         "old_total": 7.0, "new_total": None, "stars_changed": True},
        {"company": "a", "old_stars": 2, "new_stars": 2, "old_rank": 1, "new_rank": 1,
         "old_total": 16.0, "new_total": 13.0, "stars_changed": False},
    ]
    sha = {side: as_plan(rp.load_rubric(path)).fingerprint for side, path in
           (("old", old), ("new", new))}
    assert d.to_records() == records
    assert d.to_dict() == {
        "old": {"id": "t", "version": "1", "sha256": sha["old"]},
        "new": {"id": "t", "version": "2", "sha256": sha["new"]},
        "edits": [
            {"kind": "changed", "path": "version", "old": "1", "new": "2"},
            {"kind": "changed", "path": "title.zh", "old": "红色物业", "new": "红色物业星级"},
            {"kind": "changed", "path": "title.en", "old": "T" * 58, "new": "T" * 59},
            {"kind": "removed", "path": "dimensions.d.indicators.y", "old": y, "new": None},
            {"kind": "added", "path": "dimensions.d.indicators.z", "old": None, "new": z},
            {"kind": "changed", "path": "levels[1].min_total", "old": 12.0, "new": 10.0},
        ],
        "companies": records,
        "star_changes": 3,
        "companies_compared": 4,
        "rows": 8,
        "rows_left_out": {"old": 3, "new": 3},
        "version_unchanged": False,
    }
    assert sha["old"] != sha["new"]


def test_repr_and_html_show_the_versions_the_counts_and_the_escaped_text(tmp_path: Path) -> None:
    """repr() names both versions with the counts; the notebook HTML is the text, escaped, in a
    <pre> block."""
    old, new = _files(tmp_path)
    d = diff(old, new, _ratings(ROWS))
    assert repr(d) == "<RubricDiff t@1 → t@2: 6 edits, 3 star changes>"
    page = d._repr_html_()
    assert page == "<pre>" + html.escape(str(d)) + "</pre>"
    assert page.startswith("<pre>t@1 → t@2: 6 rubric edit(s)") and page.endswith(
        "were left out of it</pre>")
    assert "  ~ version: &quot;1&quot; → &quot;2&quot;\n" in page


def test_an_edit_prints_a_value_json_does_not_know_by_its_text() -> None:
    """An edit holding a value JSON cannot encode (a date) prints the value's text."""
    edit = Edit("changed", "effective.start", old=dt.date(2019, 1, 1), new=dt.date(2020, 1, 1))
    assert str(edit) == '~ effective.start: "2019-01-01" → "2020-01-01"'


def test_same_version_with_other_content_and_a_rubric_using_no_row_are_said(
        tmp_path: Path) -> None:
    """A rubric changed under the same version is told to bump it, and a rubric that uses none
    of the rows says so instead of counting them as left out."""
    other = OLD.replace("sources:\n  a:", "sources:\n  q:").replace("min_total: 12",
                                                                     "min_total: 11")
    old, new = _files(tmp_path, OLD, other)
    d = diff(old, new, _ratings([r for r in ROWS if r[1] != "z"]))
    assert d.rows_left_out == {"old": 0, "new": 5} and d.version_unchanged
    cut = '{"label": {"zh": null, "en": "A"}, "weight": 1.0, "covers...'
    assert str(d).split("\n") == [
        "t@1 → t@1: 3 rubric edit(s), 3 star change(s) among 3 companies",
        "the rubric changed but its version did not (1): bump `version`, so that reports and "
        "notices tell the two apart",
        "the new rubric uses none of the 5 rating rows: its indicators/sources differ from the "
        "file's",
        "",
        "Rubric edits:",
        f"  - sources.a: {cut}",
        f"  + sources.q: {cut}",
        "  ~ levels[1].min_total: 12.0 → 11.0",
        "",
        "Stars change:",
        "  a: 2★ → not rated (rank 1 → -)",
        "  b: 1★ → not rated (rank 3 → -)",
        "  e: 1★ → not rated (rank 2 → -)",
    ]


def test_one_row_the_new_rubric_does_not_know_is_left_out_of_it(tmp_path: Path) -> None:
    """A single row of an indicator the new rubric removed is left out of it and counted."""
    old, new = _files(tmp_path)
    d = diff(old, new, _ratings([("a", "x", 8), ("a", "y", 8), ("b", "x", 3)]))
    assert d.rows_left_out == {"old": 0, "new": 1}
    assert [(c.company, c.old_total, c.new_total) for c in d.changes] == [("a", 16.0, 8.0)]


def test_claims_cap_the_stars_on_both_sides(tmp_path: Path) -> None:
    """Claims count under both rubrics, also for companies only one of them rates: a claim
    of 1★ keeps b at 1★ though the new rubric earns it 2★."""
    old, new = _files(tmp_path)
    d = diff(old, new, _ratings(ROWS), claims={"b": 1, "c": 1, "e": 1})
    assert [(c.company, c.old_stars, c.new_stars, c.stars_changed) for c in d.changes] == [
        ("c", None, 1, True), ("e", 1, None, True), ("a", 2, 2, False), ("b", 1, 1, False)]


def test_a_claim_of_a_company_the_file_does_not_rate_is_still_refused(tmp_path: Path) -> None:
    """A claim naming a company without ratings in the file is refused, by the first rubric to
    judge it, even when that rubric uses none of the rows."""
    nowhere = OLD.replace("sources:\n  a:", "sources:\n  q:")
    old, new = _files(tmp_path, nowhere, NEW)
    with pytest.raises(rp.RatingsError) as info:
        diff(old, new, _ratings(ROWS), claims={"b": 1, "zz": 2})
    (problem,) = info.value.problems
    assert problem.message == (f"refused by the old rubric t@1 ({old}): unknown company 'zz': "
                               "it has no ratings")
    assert (problem.row, problem.path, problem.file) == (2, "company", "<claims>")


def test_claims_a_new_rubric_refuses_are_one_problem_per_cause(tmp_path: Path) -> None:
    """Claims of levels the new rubric dropped give one problem per level claimed, at its first
    claim, with the count and the first five rows (… when more), naming the rubric by id."""
    five = OLD.replace("  - {stars: 1, min_total: 5}\n  - {stars: 2, min_total: 12}\n", "".join(
        f"  - {{stars: {s}, min_total: {2 * s}}}\n" for s in range(1, 6)))
    companies = [f"c{k:02d}" for k in range(1, 14)]
    claimed = [3, 3, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5]
    old, new = _files(tmp_path, five, NEW)
    claims = dict(zip(companies, claimed, strict=True))
    with pytest.raises(rp.RatingsError) as info:
        diff(rp.load_rubric(old), rp.load_rubric(new),
             _ratings([(c, "x", 10) for c in companies]), claims=claims)
    error = info.value
    refused = "refused by the new rubric t@2: {} is not a level of the rubric (0, 1, 2)"
    assert [(p.message, p.row, p.file) for p in error.problems] == [
        (refused.format(3) + " (2 rows: 1, 2)", 1, "<claims>"),
        (refused.format(4) + " (5 rows: 3, 4, 5, 6, 7)", 3, "<claims>"),
        (refused.format(5) + " (6 rows: 8, 9, 10, 11, 12, …)", 8, "<claims>"),
    ]
    assert error.file == "<claims>"
    assert str(error).startswith("3 problems in ratings <claims>:\n")


def test_rubrics_given_as_objects_compare_as_files_do(tmp_path: Path) -> None:
    """Rubric objects are taken as they are: the same diff as from their files."""
    old, new = _files(tmp_path)
    ratings = _ratings(ROWS)
    by_object = diff(rp.load_rubric(old), rp.load_rubric(new), ratings)
    assert by_object.to_dict() == diff(old, new, ratings).to_dict()


def test_a_refused_claim_from_a_file_names_that_file(tmp_path: Path) -> None:
    """A claim refused from a claims CSV is located in that file, at its line, even when a rubric
    uses none of the rows and judges only the claims the file cannot rate."""
    nowhere = OLD.replace("sources:\n  a:", "sources:\n  q:")
    old, new = _files(tmp_path, nowhere, NEW)
    claims = tmp_path / "claims.csv"
    claims.write_text("company,stars\nb,1\nzz,2\n", encoding="utf-8")
    with pytest.raises(rp.RatingsError) as info:
        diff(old, new, _ratings(ROWS), claims=claims)
    (problem,) = info.value.problems
    assert (problem.row, problem.path, problem.file) == (3, "company", str(claims))  # line 3
