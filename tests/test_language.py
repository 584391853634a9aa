"""Language version 2: extends, migrate, the missing policy, inherited conditions, base and
divisor, named levels; each pinned on small rubrics."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import red_property as rp
from red_property.cli import main
from red_property.loading import bundled_rubric_names
from red_property.migration import migrate_rubric
from red_property.plan import compile_plan

from .budget import examples
from .conftest import EXAMPLE, ROOT
from .strategies import rubrics

BROKEN = ROOT / "tests" / "rubrics" / "broken"
BASES = ROOT / "tests" / "rubrics" / "bases"

MINI = """\
language_version: 2
id: mini
version: "1"
title: {en: Mini}
sources:
  panel: {label: {en: Panel}, weight: 1}
dimensions:
  service:
    label: {en: Service}
    indicators:
      clean: {label: {en: Clean}, kind: score, points: 6}
      safe: {label: {en: Safe}, kind: check, points: 4}
levels:
  - {stars: 1, min_total: 5, requires: [safe]}
  - {stars: 2, min_total: 8}
"""


def _ratings(rows: list[tuple[str, str, float]]) -> rp.Ratings:
    return rp.Ratings.from_records(
        [{"company": c, "source": "panel", "rater": "r1", "indicator": i, "value": v}
         for c, i, v in rows])


def test_requirements_are_inherited_by_higher_levels() -> None:
    """In language 2 the 2-star level needs `safe` too, stated only at 1 star; in language 1
    it does not."""
    ratings = _ratings([("a", "clean", 6), ("a", "safe", 0)])
    v2 = rp.evaluate(rp.load_rubric(MINI), ratings)
    v1 = rp.evaluate(rp.load_rubric(MINI.replace("language_version: 2\n", "")), ratings)
    # total 6 + 0 = 6 -> not 8 either way; raise the score so only the requirement decides
    assert v2["a"].stars == 0 and v1["a"].stars == 0
    rubric = rp.load_rubric(MINI.replace("min_total: 8", "min_total: 6"))
    assert rp.evaluate(rubric, ratings)["a"].stars == 0  # 2 stars inherit `safe`
    v1_rubric = rp.load_rubric(MINI.replace("min_total: 8", "min_total: 6")
                               .replace("language_version: 2\n", ""))
    assert rp.evaluate(v1_rubric, ratings)["a"].stars == 2


def test_inherit_false_keeps_a_level_to_its_own_conditions() -> None:
    """`inherit: false` on a level drops the conditions of the levels below it."""
    text = MINI.replace("min_total: 8}", "min_total: 6, inherit: false}")
    ratings = _ratings([("a", "clean", 6), ("a", "safe", 0)])
    assert rp.evaluate(rp.load_rubric(text), ratings)["a"].stars == 2


@pytest.mark.parametrize(("policy", "stars"), [("not_met", 1), ("not_rated", None)])
def test_missing_policy_never_counts_a_missing_rating_as_met(policy: str,
                                                             stars: int | None) -> None:
    """A missing check under `missing: not_met` scores 0 and is not met; under `not_rated`
    the company is not rated. Neither gives the check's points."""
    text = MINI.replace("sources:\n", f"missing: {policy}\nsources:\n")
    text = text.replace("requires: [safe]", "requires: []")
    report = rp.evaluate(rp.load_rubric(text), _ratings([("a", "clean", 6)]))
    assert report["a"].stars == stars
    if stars is not None:
        assert report.scores.total[0] == 6.0  # 6 + 0, never 6 + 4


def test_dimension_missing_policy_overrides_the_rubrics() -> None:
    """An indicator inherits its dimension's `missing` before the rubric's."""
    text = MINI.replace("    label: {en: Service}\n", "    label: {en: Service}\n"
                        "    missing: not_met\n")
    rubric = rp.load_rubric(text)
    assert rubric.missing == "not_rated"
    assert rubric.missing_policy("safe") == "not_met"
    plan = compile_plan(rubric)
    assert plan.default[plan.index["safe"]] == 0.0


@settings(max_examples=examples(40), deadline=None)
@given(rubrics())
def test_missing_policy_is_the_indicators_then_its_dimensions_then_the_rubrics(
        rubric: rp.Rubric) -> None:
    """Every indicator's missing policy is its own, else its dimension's, else the rubric's
    (bonus and prerequisite indicators have no dimension); an unknown id is a KeyError."""
    for iid, (did, ind) in rubric.indicators().items():
        dim = rubric.dimensions.get(did)
        assert rubric.missing_policy(iid) == (ind.missing or (dim.missing if dim else None)
                                              or rubric.missing)
    with pytest.raises(KeyError):
        rubric.missing_policy("no-such-indicator")


def test_missing_policy_of_each_kind_of_indicator() -> None:
    """The policy of a missing rating comes from the indicator, else its dimension, else the
    rubric, for indicators of dimensions, the bonus and the prerequisites."""
    text = MINI.replace("    label: {en: Service}\n", "    label: {en: Service}\n"
                        "    missing: not_met\n").replace(
        "      safe: {label: {en: Safe}, kind: check, points: 4}\n",
        "      safe: {label: {en: Safe}, kind: check, points: 4, missing: not_rated}\n"
        "  other:\n    label: {en: Other}\n    indicators:\n"
        "      tidy: {label: {en: Tidy}, kind: score, points: 2}\n"
        "bonus:\n  extra: {label: {en: Extra}, kind: bonus, cap: 1, missing: not_met}\n"
        "  plain: {label: {en: Plain}, kind: bonus, cap: 1}\n"
        "prerequisites:\n  licence: {label: {en: Licence}, kind: check}\n")
    rubric = rp.load_rubric(text.replace("sources:\n", "missing: not_rated\nsources:\n"))
    got = {iid: rubric.missing_policy(iid) for iid in rubric.indicators()}
    assert got == {"clean": "not_met", "safe": "not_rated", "tidy": "not_rated",
                   "extra": "not_met", "plain": "not_rated", "licence": "not_rated"}


def test_base_points_need_the_gates_and_the_divisor_divides() -> None:
    """Base points are added only where the gates pass, before dividing the total."""
    text = MINI.replace("version: \"1\"", "version: \"1\"\nbase_points: 10\ndivide_total_by: 4"
                        ).replace("levels:", "gates:\n  - {id: g, label: {en: G}, all_of: [safe]}"
                                  "\nlevels:").replace("min_total: 5", "min_total: 2"
                                                       ).replace("min_total: 8", "min_total: 4")
    report = rp.evaluate(rp.load_rubric(text), _ratings(
        [("a", "clean", 6), ("a", "safe", 1), ("b", "clean", 6), ("b", "safe", 0)]))
    # a: (10 + 6 + 4) / 4 = 5.0; b fails the gate: no base, (6 + 0) / 4 = 1.5, not rated
    assert report.scores.total.tolist() == [5.0, 1.5]
    assert report.awards.rated.tolist() == [True, False]


def test_extends_merges_mappings_replaces_lists_and_null_removes(tmp_path: Path) -> None:
    """An override merges into the base key by key; lists replace; null restores a default."""
    (tmp_path / "city.yaml").write_text((BASES / "city.yaml").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    text = ("extends: city.yaml\nid: district\nrounding: {digits: 0}\n"
            "levels:\n  - {stars: 1, min_total: 3}\n"
            "dimensions:\n  service:\n    points: null\n")
    (tmp_path / "district.yaml").write_text(text, encoding="utf-8")
    rubric = rp.load_rubric(tmp_path / "district.yaml")
    assert rubric.id == "district" and rubric.rounding.digits == 0
    assert [lv.min_total for lv in rubric.levels] == [3]
    assert rubric.dimensions["service"].points is None
    assert rubric.dimensions["service"].indicators["clean"].points == 10


def test_extends_points_into_the_override_file(tmp_path: Path) -> None:
    """A problem in the override is located in the override file, line and column."""
    (tmp_path / "city.yaml").write_text((BASES / "city.yaml").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    over = tmp_path / "district.yaml"
    over.write_text("extends: city.yaml\nid: district\nlevels:\n  - {stars: 1, min_total: 99}\n",
                    encoding="utf-8")
    with pytest.raises(rp.RubricError) as info:
        rp.load_rubric(over)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column) == (str(over), 4, 27)


def test_extends_error_in_base_names_the_base_file() -> None:
    """A problem of the base is located in the base file, not the override."""
    with pytest.raises(rp.RubricError) as info:
        rp.load_rubric(BROKEN / "79-extends-base-invalid.yaml")
    (problem,) = info.value.problems
    assert Path(problem.file).name == "broken-base.yaml"


def test_extends_a_bundled_rubric_by_name() -> None:
    """`extends:` may name a bundled rubric."""
    rubric = rp.load_rubric("extends: shanyang-red-property-2019\nversion: \"x\"\n")
    assert rubric.id == "shanyang-red-property" and rubric.version == "x"


@pytest.mark.parametrize("name", list(bundled_rubric_names()))
def test_migrate_every_bundled_rubric_keeps_its_decisions(name: str) -> None:
    """`migrate` turns each bundled rubric into language 2, keeping its comments, and the
    migrated rubric scores the example season exactly as the original."""
    text = migrate_rubric(name)
    migrated = rp.load_rubric(text)
    assert migrated.language_version == 2
    assert "# yaml-language-server" in text.splitlines()[0]
    original = rp.bundled_rubric(name)
    ratings = EXAMPLE / "ratings.csv"
    if name != "shanyang-red-property-2019":
        a, b = compile_plan(original), compile_plan(migrated)
        for field in ("level_min_share", "level_requires", "level_min_bonus", "trim_from"):
            assert np.array_equal(getattr(a, field), getattr(b, field)), field
        return
    ra = rp.evaluate(original, ratings, claims=EXAMPLE / "claims.csv")
    rb = rp.evaluate(migrated, ratings, claims=EXAMPLE / "claims.csv")
    assert np.array_equal(ra.scores.total, rb.scores.total)
    assert np.array_equal(ra.awards.stars, rb.awards.stars)


def test_migrate_marks_a_level_that_asks_less_than_the_one_below() -> None:
    """A level asking less than the level below gets `inherit: false`, keeping its meaning."""
    text = migrate_rubric("provincial-property-service-grading")
    assert text.count("inherit: false") == 1


def test_migrate_states_the_old_trimming_default() -> None:
    """A trimmed source without min_raters gets the version-1 default written out."""
    text = MINI.replace("language_version: 2\n", "").replace(
        "weight: 1}", "weight: 1, aggregate: {method: trimmed, trim: 1}}")
    migrated = rp.load_rubric(migrate_rubric(text))
    assert migrated.sources["panel"].aggregation().min_raters == 3
    assert compile_plan(rp.load_rubric(text)).trim_from.tolist() == [3]
    assert compile_plan(rp.load_rubric(MINI.replace(
        "weight: 1}", "weight: 1, aggregate: {method: trimmed, trim: 1}}"))).trim_from.tolist() \
        == [5]  # language 2: from five raters up


def test_migrate_command_writes_the_file(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`red-property migrate RUBRIC --out F` writes language 2; without --out it prints."""
    out = tmp_path / "v2.yaml"
    assert main(["migrate", "shanyang-red-property-2019", "--out", str(out)]) == 0
    assert rp.load_rubric(out).language_version == 2
    assert main(["migrate", "shanyang-red-property-2019"]) == 0
    assert "language_version: 2" in capsys.readouterr().out


def test_named_zero_star_level_in_json_and_table() -> None:
    """A 0-star named level shows in the table, the JSON records and explain()."""
    text = MINI.replace("levels:\n", "levels:\n  - {stars: 0, name: {en: Basic}, "
                        "min_total: 1}\n")
    report = rp.evaluate(rp.load_rubric(text), _ratings([("a", "clean", 3), ("a", "safe", 0)]))
    assert report.to_records()[0]["level"] == "Basic"
    assert "Basic" in report.table()
    assert report.explain("a").to_dict()["level"] == "Basic"


def test_weight_sensitivity_adds_base_points_and_divides() -> None:
    """With no spread, weight sensitivity reproduces a base-and-divisor rubric's totals and
    stars (the draws add the base and divide, as scoring does)."""
    from red_property.analysis.sensitivity import weight_sensitivity

    folder = ROOT / "examples" / "cookbook" / "green-building"
    report = rp.evaluate(folder / "rubric.yaml", folder / "ratings.csv")
    result = weight_sensitivity(report, draws=20, seed=1, spread=0.0)
    rated = report.awards.rated
    assert np.array_equal(result.total_median[rated], report.scores.total[rated])
    assert [r["p_stars_2"] for r in result.to_records()][:1] == [1.0]


def test_merged_rubric_dumps_to_one_standalone_file() -> None:
    """A rubric loaded through `extends` dumps without `extends` and loads back equal, with
    the same fingerprint."""
    district = rp.load_rubric(ROOT / "examples" / "cookbook" / "city-district" / "district.yaml")
    text = rp.dump_rubric(district)
    assert "extends" not in text
    again = rp.load_rubric(text)
    assert again == district and rp.fingerprint(again) == rp.fingerprint(district)


@settings(max_examples=examples(40), deadline=None)
@given(kept=st.sets(st.sampled_from(["indoor.daylight", "indoor.low_emitting"])))
def test_a_missing_credit_never_counts_as_met(kept: set[str]) -> None:
    """Dropping any of a building's indoor credits (policy not_met) leaves those checks not met
    and never raises its total or stars above the fully rated building's."""
    folder = ROOT / "examples" / "cookbook" / "certification"
    with open(folder / "ratings.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["company"] == "b1"]
    some = [r for r in rows if not r["indicator"].startswith("indoor.") or r["indicator"] in kept]
    rubric = rp.load_rubric(folder / "rubric.yaml")
    whole = rp.evaluate(rubric, rp.Ratings.from_records(rows))
    part = rp.evaluate(rubric, rp.Ratings.from_records(some))
    plan = part.plan
    for iid in ("indoor.daylight", "indoor.low_emitting"):
        assert bool(part.awards.met[0, plan.index[iid]]) == (iid in kept)
    assert part.scores.total[0] == whole.scores.total[0] - 10 * (2 - len(kept))
    assert (part["b1"].stars or 0) <= (whole["b1"].stars or 0)
