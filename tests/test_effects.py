"""Tests of red_property.analysis.effects: rater effects, their flags and the correction.

A small simulator (below) makes seasons for an inline rubric of ``score`` indicators: companies
with a true quality, three authority officials, five association assessors and one peer rater
per company (each company rated by eight other companies), each with noise. Planted effects:

* a harsh peer rater (``peer-c07``): -0.25 of the range on every rating it gives;
* a colluding pair (``c03`` and ``c11``): each one's rater gives the other +0.3;
* a lenient association assessor (``association-2``): +0.2 on every rating.
"""

from __future__ import annotations

import dataclasses
import html
import textwrap
from dataclasses import dataclass, field

import numpy as np
import pytest

import red_property as rp
from red_property.analysis import RaterEffects, compare_corrected, rater_effects
from red_property.analysis.peers import Flag

from .conftest import EXAMPLE, SHANYANG

RUBRIC_YAML = textwrap.dedent("""
    id: effects-test
    version: "1"
    title: {en: Rater effects test}
    sources:
      authority: {label: {en: Authority}, weight: 0.5}
      association: {label: {en: Association}, weight: 0.3, aggregate: median}
      peer:
        label: {en: Peer}
        weight: 0.2
        covers: [service]
        aggregate: {method: trimmed, trim: 1}
        quorum: 3
        peer: true
    dimensions:
      organisation:
        label: {en: Organisation}
        indicators:
          o1: {label: {en: O1}, kind: score, points: 10}
          o2: {label: {en: O2}, kind: score, points: 10}
          o3: {label: {en: O3}, kind: score, points: 10}
          o4: {label: {en: O4}, kind: score, points: 10}
      service:
        label: {en: Service}
        indicators:
          s1: {label: {en: S1}, kind: score, points: 10}
          s2: {label: {en: S2}, kind: score, points: 10}
          s3: {label: {en: S3}, kind: score, points: 10}
          s4: {label: {en: S4}, kind: score, points: 10}
          s5: {label: {en: S5}, kind: score, points: 10}
          s6: {label: {en: S6}, kind: score, points: 10}
    levels:
      - {stars: 1, min_total: 40}
      - {stars: 2, min_total: 50}
      - {stars: 3, min_total: 60}
    """)
ORGANISATION = ["o1", "o2", "o3", "o4"]
SERVICE = ["s1", "s2", "s3", "s4", "s5", "s6"]
N_COMPANIES = 30
PEERS_PER_COMPANY = 8
NOISE = {"authority": 0.05, "association": 0.07, "peer": 0.10}
BIAS = {"authority": 0.0, "association": 0.02, "peer": -0.03}

HARSH = "peer-c07"
PAIR = ("c03", "c11")
LENIENT = "association-2"


@pytest.fixture(scope="module")
def rubric() -> rp.Rubric:
    """The inline rubric, loaded once."""
    return rp.load_rubric(RUBRIC_YAML)


@dataclass
class Season:
    """A simulated season: the ratings and each rater's true effect."""

    ratings: rp.Ratings
    truth: dict[str, float] = field(default_factory=dict)


def company(k: int) -> str:
    """The label of company ``k``."""
    return f"c{k:02d}"


def simulate(seed: int, *, plant: bool = False, rater_sd: float = 0.0,
             pair_boost: float = 0.3, harsh: float = -0.25, lenient: float = 0.2,
             extra: dict[str, float] | None = None) -> Season:
    """A season; ``plant`` adds the three planted effects, ``rater_sd`` random rater effects,
    ``extra`` more effects by rater."""
    rng = np.random.default_rng(seed)
    names = [company(k) for k in range(N_COMPANIES)]
    quality = rng.uniform(0.3, 0.7, N_COMPANIES)
    cell = quality[:, None] + rng.normal(0.0, 0.06, (N_COMPANIES, len(ORGANISATION + SERVICE)))
    truth: dict[str, float] = {}
    raters = {"authority": [f"authority-{a}" for a in range(1, 4)],
              "association": [f"association-{a}" for a in range(1, 6)]}
    for group in raters.values():
        for r in group:
            truth[r] = float(rng.normal(0.0, rater_sd)) if rater_sd else 0.0
    for name in names:
        truth[f"peer-{name}"] = float(rng.normal(0.0, rater_sd)) if rater_sd else 0.0
    if plant:
        truth[HARSH] = harsh
        truth[LENIENT] = lenient
    truth.update(extra or {})
    # who rates whom among peers; the planted pair rates each other
    rated_by: list[list[int]] = []
    for k in range(N_COMPANIES):
        others = [j for j in range(N_COMPANIES) if j != k]
        chosen = [int(j) for j in rng.choice(others, size=PEERS_PER_COMPANY, replace=False)]
        rated_by.append(chosen)
    if plant:
        a, b = (names.index(c) for c in PAIR)
        for x, y in ((a, b), (b, a)):
            if y not in rated_by[x]:
                rated_by[x][0] = y
    cols: dict[str, list[object]] = {c: [] for c in ("company", "source", "rater", "indicator",
                                                      "value", "rater_company")}
    indicators = ORGANISATION + SERVICE

    def add(k: int, source: str, rater: str, i: int, extra: float, rc: str) -> None:
        x = cell[k, i] + BIAS[source] + truth[rater] + extra + rng.normal(0.0, NOISE[source])
        cols["company"].append(names[k])
        cols["source"].append(source)
        cols["rater"].append(rater)
        cols["indicator"].append(indicators[i])
        cols["value"].append(round(10.0 * float(np.clip(x, 0.0, 1.0)), 2))
        cols["rater_company"].append(rc)

    for k in range(N_COMPANIES):
        for source, group in raters.items():
            for rater in group:
                for i in range(len(indicators)):
                    add(k, source, rater, i, 0.0, "")
        for j in rated_by[k]:
            boost = pair_boost if plant and {names[j], names[k]} == set(PAIR) else 0.0
            for i in range(len(ORGANISATION), len(indicators)):
                add(k, "peer", f"peer-{names[j]}", i, boost, names[j])
    ratings = rp.Ratings.from_columns(
        company=np.array(cols["company"]), source=np.array(cols["source"]),
        rater=np.array(cols["rater"]), indicator=np.array(cols["indicator"]),
        value=np.array(cols["value"], dtype=float), rater_company=np.array(cols["rater_company"]))
    return Season(ratings, truth)


def kinds(effects: RaterEffects) -> dict[str, set[str | tuple[str, str]]]:
    """Who is flagged, by kind (pairs as sorted tuples)."""
    out: dict[str, set[str | tuple[str, str]]] = {}
    for f in effects.flags:
        who = f.who if isinstance(f.who, str) else tuple(sorted(f.who))
        out.setdefault(f.kind, set()).add(who)  # type: ignore[arg-type]
    return out


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("seed", range(5))
def test_planted_effects_are_flagged(rubric: rp.Rubric, seed: int) -> None:
    """The harsh peer, the colluding pair and the lenient assessor are flagged, nothing else."""
    effects = rater_effects(rp.evaluate(rubric, simulate(100 + seed, plant=True).ratings))
    found = kinds(effects)
    assert found.get("harsh on rivals") == {HARSH}
    assert found.get("colluding pair") == {tuple(sorted(PAIR))}
    assert found.get("lenient") == {LENIENT}
    assert "severe" not in found
    assert "outlier" not in found


@pytest.mark.parametrize("seed", range(10))
def test_clean_season_raises_no_flag(rubric: rp.Rubric, seed: int) -> None:
    """A season without planted effects raises no flag at the default threshold."""
    effects = rater_effects(rp.evaluate(rubric, simulate(200 + seed).ratings))
    assert effects.flags == ()
    assert effects.converged


def test_flags_carry_evidence(rubric: rp.Rubric) -> None:
    """Each flag names its source and carries effect/mean, n, z and the source median."""
    effects = rater_effects(rp.evaluate(rubric, simulate(100, plant=True).ratings))
    by_kind = {f.kind: f for f in effects.flags}
    harsh, lenient, pair = (by_kind["harsh on rivals"], by_kind["lenient"],
                            by_kind["colluding pair"])
    assert harsh.source == "peer" and lenient.source == "association" and pair.source == "peer"
    assert harsh.evidence["effect"] == pytest.approx(-0.25, abs=0.05)
    assert harsh.evidence["z"] < -3.0
    assert lenient.evidence["effect"] == pytest.approx(0.2 * 4 / 5, abs=0.04)  # sum-to-zero
    assert lenient.evidence["n"] == 300
    assert set(lenient.evidence) == {"effect", "n", "z", "source_median", "scale", "se"}
    assert pair.evidence["mean_ab"] > 0.15 and pair.evidence["mean_ba"] > 0.15
    assert pair.evidence["n"] == pair.evidence["n_ab"] + pair.evidence["n_ba"] == 12
    assert "c03" in pair.message and "c11" in pair.message


def test_outlier_rater_is_flagged(rubric: rp.Rubric) -> None:
    """An association assessor with four times the noise is flagged as an outlier."""
    season = simulate(300)
    r = season.ratings
    rng = np.random.default_rng(3)
    erratic = r.rater == list(r.rater_labels).index("association-4")
    value = r.value.copy()
    value[erratic] = np.clip(value[erratic] + rng.normal(0.0, 2.0, erratic.sum()), 0.0, 10.0)
    effects = rater_effects(rp.evaluate(rubric, dataclasses.replace(r, value=value)))
    assert kinds(effects).get("outlier") == {"association-4"}


# --------------------------------------------------------------------------- estimation


@pytest.mark.parametrize("seed", range(3))
def test_als_recovers_rater_effects(rubric: rp.Rubric, seed: int) -> None:
    """With random rater effects (sd 0.08), estimates correlate > 0.9 with the truth."""
    season = simulate(400 + seed, rater_sd=0.08)
    effects = rater_effects(rp.evaluate(rubric, season.ratings))
    assert effects.converged
    est, true = [], []
    for source in ("association", "peer"):
        rows = [row for row in effects.raters if row.source == source]
        t = np.array([season.truth[row.rater] for row in rows])
        est += [row.effect for row in rows]
        true += list(t - t.mean())  # effects are relative to the source's mean rater
    assert np.corrcoef(est, true)[0, 1] > 0.9
    for source in ("authority", "association", "peer"):
        total = sum(row.effect for row in effects.raters if row.source == source)
        assert total == pytest.approx(0.0, abs=1e-9)


def test_correction_removes_planted_leniency(rubric: rp.Rubric) -> None:
    """After correction the lenient assessor's effect and mean residual are about 0."""
    season = simulate(500, plant=True)
    effects = rater_effects(rp.evaluate(rubric, season.ratings))
    corrected = effects.corrected_ratings()
    assert len(corrected) == len(season.ratings)
    assert np.array_equal(corrected.rater, season.ratings.rater)
    assert np.all((corrected.value >= 0.0) & (corrected.value <= 10.0))
    again = rater_effects(rp.evaluate(rubric, corrected))
    assert abs(again.effect_of(LENIENT)) < 0.01
    assert LENIENT not in {f.who for f in again.flags}
    assert HARSH not in {f.who for f in again.flags}
    lenient = corrected.rater == list(corrected.rater_labels).index(LENIENT)
    others = np.isin(corrected.rater_labels[corrected.rater],
                     [f"association-{a}" for a in (1, 3, 4, 5)])
    # per cell, the lenient rater now sits at the panel's level (mean residual about 0)
    key = corrected.company * 100 + corrected.indicator
    value = corrected.value
    gap = [value[lenient & (key == k)].mean() - value[others & (key == k)].mean()
           for k in np.unique(key[lenient])]
    assert abs(float(np.mean(gap))) / 10.0 < 0.01
    raw_gap = season.ratings.value[lenient].mean() - season.ratings.value[others].mean()
    assert raw_gap / 10.0 > 0.15


def test_compare_corrected_side_by_side(rubric: rp.Rubric) -> None:
    """compare_corrected: a lenient official's +0.3 taken out lowers totals by about 5 points."""
    season = simulate(600, extra={"authority-1": 0.3})
    effects = rater_effects(rp.evaluate(rubric, season.ratings))
    assert {f.who for f in effects.flagged("lenient")} == {"authority-1"}
    comparison = compare_corrected(rp.evaluate(rubric, season.ratings))
    assert repr(comparison).startswith(f"<CorrectedComparison {N_COMPANIES} companies: ")
    rows = comparison.to_records()
    assert len(rows) == N_COMPANIES
    assert set(rows[0]) == {"company", "rated", "raw_total", "raw_stars", "corrected_total",
                            "corrected_stars", "total_change", "stars_change"}
    # authority (weight 0.5 of 100 points) averages 3 officials: 0.3 / 3 * 0.5 * 100 = 5
    changes = np.array([r["total_change"] for r in rows])
    assert changes.mean() == pytest.approx(-5.0, abs=1.0)
    assert all(r["stars_change"] <= 0 for r in rows)
    assert any(r["stars_change"] < 0 for r in rows)
    for r in rows:  # the change as written: rounded like every record, no float noise
        assert r["total_change"] == round(r["corrected_total"] - r["raw_total"], 6)
    report = rp.evaluate(rubric, effects.corrected_ratings())
    assert [float(t) for t in report.scores.total] == [r["corrected_total"] for r in rows]


def test_bundled_season_flags_only_the_planted_harsh_peer() -> None:
    """In the bundled Shanyang season (checks, options as text, measures) the one planted
    effect — sy-14's peer rater marking rivals down by a quarter of the scale — is the only
    flag, and correcting it raises the totals it rated."""
    ratings = rp.Ratings.from_csv(EXAMPLE / "ratings.csv")
    effects = rater_effects(rp.evaluate(SHANYANG, ratings))
    assert [(f.kind, f.who) for f in effects.flags] == [("harsh on rivals", "peer-sy-14")]
    assert -0.3 < effects.flags[0].evidence["effect"] < -0.2
    assert effects.converged
    assert {row.source for row in effects.raters} == {"authority", "association", "peer"}
    peer = [row for row in effects.raters if row.source == "peer"]
    assert all(row.company == row.rater.removeprefix("peer-") for row in peer)
    corrected = effects.corrected_ratings()
    assert len(corrected) == len(ratings)
    rows = compare_corrected(rp.evaluate(SHANYANG, ratings,
                                         claims=EXAMPLE / "claims.csv")).to_records()
    assert len(rows) == 40
    rated_by_14 = {str(c) for c in np.unique(
        ratings.company_labels[ratings.company[ratings.rater_labels[ratings.rater]
                                               == "peer-sy-14"]])}
    for row in rows:
        if row["rated"] and row["company"] in rated_by_14:
            assert row["corrected_total"] >= row["raw_total"], row["company"]


# --------------------------------------------------------------------------- output


def test_records_repr_and_html(rubric: rp.Rubric) -> None:
    """to_records has the exact keys; repr is short; the HTML escapes every label."""
    season = simulate(100, plant=True)
    effects = rater_effects(rp.evaluate(rubric, season.ratings))
    n_raters = 3 + 5 + N_COMPANIES
    assert repr(effects) == f"<RaterEffects {n_raters} raters, 3 flags>"
    records = effects.to_records()
    assert len(records) == n_raters
    assert set(records[0]) == {"rater", "source", "company", "n", "effect", "se", "z",
                               "mean_abs_residual", "fit_z", "flags"}
    by_rater = {r["rater"]: r for r in records}
    assert by_rater[LENIENT]["flags"] == ["lenient"]
    assert by_rater[HARSH]["company"] == "c07"
    assert by_rater["authority-1"]["company"] is None
    flag_records = effects.flag_records()
    assert {tuple(sorted(f)) for f in flag_records} == {
        ("evidence", "kind", "message", "source", "who")}
    assert isinstance(effects.flags[0], Flag)
    page = effects._repr_html_()
    assert "<table>" in page and html.escape(repr(effects)) in page

    r = season.ratings
    evil = "<b>peer&co</b>"
    names = np.where(r.rater_labels[r.rater] == HARSH, evil, r.rater_labels[r.rater])
    tricky = rp.Ratings.from_columns(
        company=r.company_labels[r.company], source=r.source_labels[r.source], rater=names,
        indicator=r.indicator_labels[r.indicator], value=r.value,
        rater_company=np.where(r.rater_company >= 0,
                               r.company_labels[np.maximum(r.rater_company, 0)], ""))
    page = rater_effects(rp.evaluate(rubric, tricky))._repr_html_()
    assert evil not in page and html.escape(evil) in page


def test_bad_arguments_are_refused(rubric: rp.Rubric) -> None:
    """A non-positive threshold or floor, min_ratings < 1 and unknown indicators are refused."""
    ratings = simulate(1).ratings
    with pytest.raises(ValueError, match="threshold"):
        rater_effects(rp.evaluate(rubric, ratings), threshold=0)
    with pytest.raises(ValueError, match="min_ratings"):
        rater_effects(rp.evaluate(rubric, ratings), min_ratings=0)
    with pytest.raises(ValueError, match="floor"):
        rater_effects(rp.evaluate(rubric, ratings), floor=0.0)
    with pytest.raises(ValueError, match="unknown indicators"):
        rater_effects(rp.evaluate(rubric, ratings), indicators=["nope"])
    only = rater_effects(rp.evaluate(rubric, ratings), indicators=["o1"])
    assert {row.source for row in only.raters} == {"authority", "association"}


def test_rubric_option_scores_corrected_values_beside_raw() -> None:
    """With `rater_correction: true` the report scores corrected values, keeps the uncorrected
    report beside it, and its records carry both totals; the companies sy-14 rated gain."""
    text = SHANYANG.read_text(encoding="utf-8").replace(
        "claims:\n", "rater_correction: true\nclaims:\n", 1)
    rubric = rp.load_rubric(text)
    ratings = rp.Ratings.from_csv(EXAMPLE / "ratings.csv")
    report = rp.evaluate(rubric, ratings)
    plain = rp.evaluate(SHANYANG, ratings)
    assert report.uncorrected is not None
    assert report.uncorrected.to_records() == plain.to_records()
    assert report.provenance()["rater_correction"]["applied"] is True
    assert report.provenance()["rater_correction"] == {"applied": True}
    by = {r["company"]: r for r in report.to_records()}
    expected = {r["company"]: r for r in compare_corrected(plain).to_records()}
    assert compare_corrected(report) == compare_corrected(plain)
    for name, rec in by.items():
        assert rec["uncorrected_total"] == expected[name]["raw_total"] or not rec["rated"]
        if rec["rated"]:
            assert rec["total"] == expected[name]["corrected_total"]
    assert "rater-corrected values; " in report.table()
