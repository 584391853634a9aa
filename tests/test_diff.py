"""Rubric-change impact: the structural edits and the companies that move."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import red_property as rp
from red_property.analysis.diff import diff, structural_diff
from red_property.cli import main

from .conftest import EXAMPLE, SHANYANG

RATINGS = EXAMPLE / "ratings.csv"
CLAIMS = EXAMPLE / "claims.csv"


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = SHANYANG.read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / "new.yaml"
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    return out


def test_same_rubric_changes_nothing() -> None:
    """Diffing a rubric with itself finds no edit and no company change."""
    d = diff(SHANYANG, SHANYANG, RATINGS, claims=CLAIMS)
    assert d.edits == ()
    assert d.changes == ()


def test_lower_threshold_moves_exactly_the_companies_between(tmp_path: Path,
                                                              shanyang_report) -> None:  # type: ignore[no-untyped-def]
    """Lowering 3★ from 80 to 78 promotes exactly the 2★ companies whose 3★ gap was only the
    total and is at most 2 points, and reports the threshold edit."""
    new = _edited(tmp_path, "min_total: 80", "min_total: 78")
    d = diff(SHANYANG, new, RATINGS, claims=CLAIMS)
    assert [str(e) for e in d.edits] == ["~ levels[2].min_total: 80.0 → 78.0"]
    expected = []
    for rec in shanyang_report.to_records():
        if rec["stars"] != 2:
            continue
        why = shanyang_report.explain(rec["company"])
        gap = why.gap
        if [c.what for c in gap] == ["total"] and gap[0].shortfall <= 2 + 1e-9:
            expected.append(rec["company"])
    assert sorted(c.company for c in d.star_changes) == sorted(expected)
    assert expected, "the example has a company just below 3★"
    assert all(c.old_stars == 2 and c.new_stars == 3 for c in d.star_changes)


def test_removed_indicator_rows_are_counted(tmp_path: Path) -> None:
    """Ratings of an indicator the new rubric removed are left out and counted, not an error."""
    text = SHANYANG.read_text(encoding="utf-8")
    start = text.index("      policy_outreach:")
    end = text.index("      commendations:")
    new_text = text[:start] + text[end:]
    new_text = new_text.replace("points: 15\n", "points: 10\n").replace(
        ", reputation, policy_outreach]", ", reputation]")
    new_text = new_text.replace("covers: [service_quality, reputation, policy_outreach]",
                                "covers: [service_quality, reputation]")
    new = tmp_path / "new.yaml"
    new.write_text(new_text, encoding="utf-8")
    rp.load_rubric(new)
    d = diff(SHANYANG, new, RATINGS)
    n_rows = sum(1 for line in RATINGS.read_text(encoding="utf-8").splitlines()
                 if ",policy_outreach," in line)
    assert d.rows_left_out == {"old": 0, "new": n_rows}
    assert any(e.kind == "removed" and e.path.endswith("indicators.policy_outreach")
               for e in d.edits)


def test_structural_diff_sees_added_and_removed_keys() -> None:
    """Adding a veto and removing a note are both listed with their paths."""
    old = rp.load_rubric(SHANYANG)
    new = old.model_copy(update={"notes": old.notes[:-1]})
    edits = structural_diff(old, new)
    assert [e.path for e in edits] == [f"notes[{len(old.notes) - 1}]"] or any(
        e.path == "notes" for e in edits)


def test_cli_diff_fail_on_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`diff --fail-on-change` exits 1 when stars change and 0 when none do."""
    new = _edited(tmp_path, "min_total: 80", "min_total: 78")
    assert main(["diff", str(SHANYANG), str(new), str(RATINGS), "--fail-on-change"]) == 1
    assert "star change(s)" in capsys.readouterr().out
    assert main(["diff", str(SHANYANG), str(SHANYANG), str(RATINGS), "--fail-on-change"]) == 0
    capsys.readouterr()
    assert main(["diff", str(SHANYANG), str(new), str(RATINGS), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["star_changes"] == len(doc["companies"]) - sum(
        1 for c in doc["companies"] if not c["stars_changed"])
    assert main(["diff", str(SHANYANG), str(new), str(RATINGS), "--format", "github"]) == 0
    assert capsys.readouterr().out.startswith(f"::warning file={new}::")


def test_company_vanishing_under_the_new_rubric_is_a_change(tmp_path: Path) -> None:
    """A company rated under the old rubric and absent under the new one is a star change."""
    head = 'id: t\nversion: "1"\ntitle: {en: T}\nsources:\n  a: {label: {en: A}, weight: 1}\n'
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(head + """dimensions:
  d:
    label: {en: D}
    indicators:
      x: {label: {en: X}, kind: score, points: 10, default: 0}
      y: {label: {en: Y}, kind: score, points: 10}
levels:
  - {stars: 1, min_total: 5}
""", encoding="utf-8")
    new.write_text(head + """dimensions:
  d:
    label: {en: D}
    indicators:
      x: {label: {en: X}, kind: score, points: 10}
levels:
  - {stars: 1, min_total: 5}
""", encoding="utf-8")
    ratings = rp.Ratings.from_records([
        {"company": "a", "source": "a", "rater": "r", "indicator": "x", "value": 8},
        {"company": "a", "source": "a", "rater": "r", "indicator": "y", "value": 8},
        {"company": "b", "source": "a", "rater": "r", "indicator": "y", "value": 9},
    ])
    d = diff(old, new, ratings)
    assert [(c.company, c.old_stars, c.new_stars) for c in d.star_changes] == [("b", 1, None)]
    assert d.rows_left_out == {"old": 0, "new": 2}


def test_text_lists_every_company_that_moved(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The text output names every company whose stars, rank or total moved, as the JSON does."""
    new = _edited(tmp_path, "occasional: 2, regular: 4", "occasional: 3, regular: 4")
    d = diff(SHANYANG, new, RATINGS)
    total_only = [c for c in d.changes
                  if not c.stars_changed and c.old_rank == c.new_rank]
    assert total_only, "the edit moves some totals without moving rank or stars"
    assert main(["diff", str(SHANYANG), str(new), str(RATINGS)]) == 0
    out = capsys.readouterr().out
    assert main(["diff", str(SHANYANG), str(new), str(RATINGS), "--format", "json"]) == 0
    listed = {c["company"] for c in json.loads(capsys.readouterr().out)["companies"]}
    shown = {line.split(":")[0].strip() for line in out.splitlines() if line.startswith("  sy-")}
    assert shown == listed == {c.company for c in d.changes}
    for change in total_only:
        assert (f"  {change.company}: {change.new_stars}★ (rank {change.old_rank} → "
                f"{change.new_rank}, total {change.old_total:g} → {change.new_total:g})") in out


def test_values_the_new_rubric_refuses_are_grouped_and_attributed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Values only the new rubric refuses give one problem per cause that names that rubric."""
    new = _edited(tmp_path, "occasional: 2, regular: 4", "occasional: 2, often: 4")
    rows = [n for n, line in enumerate(RATINGS.read_text(encoding="utf-8").splitlines(), 1)
            if ",party_rules,regular," in line]
    assert len(rows) > 5
    with pytest.raises(rp.RatingsError) as info:
        diff(SHANYANG, new, RATINGS)
    (problem,) = info.value.problems
    assert problem.row == rows[0]
    assert problem.message.startswith(
        f"refused by the new rubric shanyang-red-property@2019.1 ({new}): value 'regular' ")
    first = ", ".join(str(r) for r in rows[:5])  # the count and the first rows, in either form
    assert (problem.message.endswith(f"({len(rows)} rows: {first}, …)")
            or problem.message.endswith(f"(rows {first} and {len(rows) - 5} more)"))
    assert main(["diff", str(SHANYANG), str(new), str(RATINGS)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "refused by the new rubric" in err[0]
    assert main(["diff", str(new), str(SHANYANG), str(RATINGS)]) == 1
    assert "refused by the old rubric" in capsys.readouterr().err
