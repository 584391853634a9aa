"""Judging raters in ``rater_effects``: the residual spread of each source, every rater's
robust z and fit z, and the lenient, severe, harsh-on-rivals and outlier flags, pinned against
their definitions (module docstring of red_property.analysis.effects) recomputed from the
fitted model, on the small seasons of ``tests/effects_seasons.py``."""

from __future__ import annotations

import math
import textwrap
import warnings
from functools import cache
from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property.analysis import RaterEffects, rater_effects

from .effects_seasons import BIAS, FAVOUR, planted, robust_by_hand, rubric, season

ABS_SD = math.sqrt(1.0 - 2.0 / math.pi)


@cache
def report() -> rp.Report:
    """The planted season, scored once."""
    return planted()


def effects(threshold: float = 3.0, min_ratings: int = 5) -> RaterEffects:
    """Rater effects of the planted season (no warning raised), computed in each test that
    reads them (a mutation run runs only the tests that called a function)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return rater_effects(report(), threshold=threshold, min_ratings=min_ratings)


def expected_sigma(e: RaterEffects) -> dict[str, float]:
    """Residual sd of each source with informative rows: sqrt(dof * SS / rows), with
    dof = N / max(N - parameters, 1), one parameter per informative cell and per rater less
    one per source."""
    fit = e.fit
    inf = fit.informative
    n_inf = int(inf.sum())
    params = len(set(fit.cell[inf].tolist())) + len(fit.raters_used) - len(fit.plan.sources)
    dof = n_inf / max(n_inf - params, 1)
    out = {}
    for s, name in enumerate(fit.plan.sources):
        rows = int((inf & (fit.source == s)).sum())
        if rows:
            ss = float(np.sum(fit.resid[fit.source == s] ** 2))
            out[name] = math.sqrt(dof * ss / rows)
    return out


def check_raters(e: RaterEffects) -> None:
    """se, mean |residual|, z and fit z of every rater as documented."""
    fit = e.fit
    sigma = expected_sigma(e)
    assert dict(e.sigma) == pytest.approx(sigma, rel=1e-12)
    rows = {row.rater: row for row in e.raters}
    labels = [str(x) for x in fit.ratings.rater_labels[fit.raters_used].tolist()]
    n = fit.n
    se = np.full(len(labels), math.inf)
    mar = np.full(len(labels), math.nan)
    mar_se = np.full(len(labels), math.inf)
    for r, name in enumerate(labels):
        mine = (fit.rater == r) & fit.informative
        assert rows[name].n == n[r] == int(mine.sum())
        if n[r] > 0:
            s_sigma = sigma[fit.plan.sources[fit.rater_source[r]]]
            se[r] = s_sigma / math.sqrt(n[r])
            mar[r] = float(np.mean(np.abs(fit.resid[mine])))
            mar_se[r] = ABS_SD * s_sigma / math.sqrt(n[r])
        assert rows[name].se == pytest.approx(se[r], rel=1e-12), name
        assert rows[name].mean_abs_residual == pytest.approx(mar[r], rel=1e-12, nan_ok=True)
    for s in range(len(fit.plan.sources)):
        members = (fit.rater_source == s) & (n > 0)
        if not members.any():
            continue
        (med, scale), (mmed, mscale) = _panel_centres(e, members, mar)
        for r in np.flatnonzero(members).tolist():
            z = (fit.effect[r] - med) / math.hypot(scale, se[r])
            fz = (mar[r] - mmed) / math.hypot(mscale, mar_se[r])
            assert rows[labels[r]].z == pytest.approx(z, rel=1e-9, abs=1e-12), labels[r]
            assert rows[labels[r]].fit_z == pytest.approx(fz, rel=1e-9, abs=1e-12), labels[r]
    for r in np.flatnonzero(n == 0).tolist():
        assert math.isnan(rows[labels[r]].z) and math.isnan(rows[labels[r]].fit_z)


def _panel_centres(e: RaterEffects, members: np.ndarray[Any, Any], mar: np.ndarray[Any, Any]
                   ) -> tuple[tuple[float, float], tuple[float, float]]:
    """The median and scale of the effects, and of the mean |residuals|, over a source's panel:
    its members with at least min_ratings ratings, or all its members when fewer than two."""
    panel = members & (e.fit.n >= e.min_ratings)
    if panel.sum() < 2:
        panel = members
    return (robust_by_hand(e.fit.effect[panel], e.floor), robust_by_hand(mar[panel], e.floor))


def expected_rater_flags(e: RaterEffects) -> dict[tuple[str, str], dict[str, Any]]:
    """The lenient/severe/harsh-on-rivals and outlier flags: each rater judged on its
    informative ratings outside the flagged pairs, against the median and scale of its panel."""
    fit = e.fit
    sigma = dict(e.sigma)
    company_of = {row.rater: row.company for row in e.raters}
    labels = [str(x) for x in fit.ratings.rater_labels[fit.raters_used].tolist()]
    row_rater = np.array(labels)[fit.rater]
    row_rc = np.array([company_of[x] or "" for x in labels])[fit.rater]
    row_company = fit.checked.companies[fit.company]
    in_pair = np.zeros(fit.y.size, dtype=bool)
    for f in e.flagged("colluding pair"):
        assert isinstance(f.who, tuple)
        a, c = f.who
        s = fit.plan.sources.index(f.source)
        in_pair |= (fit.source == s) & (((row_rc == a) & (row_company == c))
                                        | ((row_rc == c) & (row_company == a)))
    n = fit.n
    mar_all = np.array([float(np.mean(np.abs(fit.resid[(fit.rater == r) & fit.informative])))
                        if n[r] else math.nan for r in range(len(labels))])
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for s, src in enumerate(fit.plan.sources):
        members = (fit.rater_source == s) & (n > 0)
        if not members.any():
            continue
        (med, scale), (mmed, mscale) = _panel_centres(e, members, mar_all)
        for r in np.flatnonzero(members).tolist():
            judged = (row_rater == labels[r]) & fit.informative & ~in_pair
            count = int(judged.sum())
            if count < e.min_ratings:
                continue
            whole = count == n[r]
            eff = float(fit.effect[r]) + (0.0 if whole else float(np.mean(fit.resid[judged])))
            se = sigma[src] / math.sqrt(count)
            sd = math.hypot(scale, se)
            zr = (eff - med) / sd
            outside = "" if whole else " outside its colluding pair"
            who = f"{src} rater {labels[r]!r}"
            if abs(zr) > e.threshold:
                kind, word = (("lenient", "more lenient") if zr > 0 else
                              ("harsh on rivals", "harsher on the companies it competes with")
                              if fit.plan.peer[s] else ("severe", "more severe"))
                out[kind, labels[r]] = {
                    "source": src, "whole": whole,
                    "evidence": {"effect": eff, "n": count, "z": zr, "source_median": med,
                                 "scale": sd, "se": se},
                    "message": f"{who} is {word} than its panel{outside}: {eff:+.2f} of each "
                               f"indicator's range (panel median {med:+.2f}, z = {zr:+.1f}, "
                               f"{count} ratings)"}
            mar = float(np.mean(np.abs(fit.resid[judged])))
            msd = math.hypot(mscale, ABS_SD * sigma[src] / math.sqrt(count))
            mz = (mar - mmed) / msd
            if mz > e.threshold:
                out["outlier", labels[r]] = {
                    "source": src, "whole": whole,
                    "evidence": {"mean_abs_residual": mar, "n": count, "z": mz,
                                 "source_median": mmed, "scale": msd},
                    "message": f"{who} strays from the consensus{outside}: mean |residual| "
                               f"{mar:.2f} of the range (panel median {mmed:.2f}, "
                               f"z = {mz:+.1f}, {count} ratings)"}
    return out


def check_flags(e: RaterEffects, at_threshold: tuple[str, str] | None = None
                ) -> dict[tuple[str, str], dict[str, Any]]:
    """The rater flags raised are exactly the expected ones, evidence and message included
    (``at_threshold``: a flag whose z is the threshold itself, which rounding cannot decide
    here; the caller checks it)."""
    want = expected_rater_flags(e)
    want.pop(at_threshold, None)  # type: ignore[arg-type]
    got = {(f.kind, str(f.who)): f for f in e.flags if f.kind != "colluding pair"}
    assert set(got) == set(want)
    rows = {row.rater: row for row in e.raters}
    for key, f in got.items():
        w = want[key]
        assert f.source == w["source"]
        assert f.message == w["message"]
        assert set(f.evidence) == set(w["evidence"])
        assert dict(f.evidence) == pytest.approx(w["evidence"], rel=1e-9, abs=1e-12)
        if w["whole"] and key[0] != "outlier":  # on all its ratings: the row's own figures
            assert f.evidence["effect"] == rows[key[1]].effect
            assert f.evidence["se"] == rows[key[1]].se
    return want


def test_raters_follow_their_definitions() -> None:
    """se, mean |residual|, z and fit z of every rater, and the sources' residual sd, as
    documented, with the panel of raters of at least ``min_ratings`` (5, 24 and 48)."""
    for min_ratings in (5, 24, 48):
        check_raters(effects(3.0, min_ratings))


def test_rater_flags_follow_their_definitions() -> None:
    """The planted lenient, severe, harsh and erratic raters, and the lenient raters of a
    colluding pair judged outside it, are flagged with the documented evidence and message."""
    want = check_flags(effects())
    assert {k for k in want} >= {("lenient", "a2"), ("severe", "a4"),
                                 ("harsh on rivals", "peer-c03"), ("outlier", "a6"),
                                 ("lenient", "peer-c06")}
    assert not want["lenient", "peer-c06"]["whole"]
    two = check_flags(effects(2.5))
    assert not two["lenient", "peer-c06"]["whole"] and not two["lenient", "peer-c07"]["whole"]


def test_flag_thresholds_are_strict() -> None:
    """A rater whose |z| (or fit z) equals the threshold is not flagged; one with exactly
    ``min_ratings`` ratings is; with a low threshold the sign of z alone decides the kind."""
    base = effects()
    lenient = next(f for f in base.flags if f.kind == "lenient" and f.who == "a2")
    at = effects(abs(float(lenient.evidence["z"])))
    assert ("lenient", "a2") not in {(f.kind, f.who) for f in at.flags}
    check_flags(at, ("lenient", "a2"))
    outlier = next(f for f in base.flags if f.kind == "outlier")
    at = effects(float(outlier.evidence["z"]))
    assert ("outlier", outlier.who) not in {(f.kind, f.who) for f in at.flags}
    check_flags(at, ("outlier", str(outlier.who)))
    full = effects(3.0, 48)
    assert ("lenient", "a2") in {(f.kind, f.who) for f in full.flags}
    check_flags(full)
    low = effects(0.5)
    small = [f for f in low.flags if f.kind in ("lenient", "severe", "harsh on rivals")
             and 0.5 < abs(float(f.evidence["z"])) <= 1.0]
    assert "lenient" in {f.kind for f in small}
    check_flags(low)


def test_raters_without_informative_ratings() -> None:
    """Raters whose every rating is alone in its cell (a whole first source of them, and one
    assessor) get se inf and z NaN, raise no warning, and the later sources are judged."""
    e = effects()
    rows = {row.rater: row for row in e.raters}
    assert "solo" not in e.sigma
    for name in ("solo-c00", "solo-c11", "a-lone"):
        assert rows[name].n == 0 and rows[name].se == math.inf
        assert math.isnan(rows[name].z) and math.isnan(rows[name].fit_z)
        assert math.isnan(rows[name].mean_abs_residual)
    one = rows["a-one"]
    assert one.n == 1 and math.isfinite(one.se) and math.isfinite(one.z)
    assert math.isfinite(one.mean_abs_residual) and one.fit_z != 0.0
    assert all(math.isfinite(rows[f"a{k}"].z) for k in range(1, 8))


def test_spread_with_one_degree_of_freedom() -> None:
    """Two raters on two cells of one source leave one residual degree of freedom: the sd
    takes all four off, sqrt(4 * SS / 4)."""
    rubric = rp.load_rubric(textwrap.dedent("""
        id: one-dof
        version: "1"
        title: {en: One dof}
        sources:
          authority: {label: {en: Authority}, weight: 1}
        dimensions:
          main:
            label: {en: Main}
            indicators:
              i1: {label: {en: I1}, kind: score, points: 10}
        levels:
          - {stars: 1, min_total: 10}
        """))
    ratings = rp.Ratings.from_columns(
        company=np.array(["x", "x", "y", "y"]), source=np.array(["authority"] * 4),
        rater=np.array(["p", "q", "p", "q"]), indicator=np.array(["i1"] * 4),
        value=np.array([5.0, 4.0, 6.0, 8.0]))
    e = rater_effects(rp.evaluate(rubric, ratings), min_ratings=1)
    ss = float(np.sum(e.fit.resid ** 2))
    assert ss > 0
    assert e.sigma["authority"] == pytest.approx(math.sqrt(4 * ss / 4), rel=1e-12)
    check_raters(e)


def test_rater_judged_on_one_rating_outside_its_pair() -> None:
    """With ``min_ratings=1``, a rater of a colluding pair with one rating outside the pair is
    judged on that rating: c11's rater, who marks c07 down, is harsh on rivals."""
    favour = {k: v for k, v in FAVOUR.items() if "c09" not in k}
    favour |= {("c08", "c11"): 0.3, ("c11", "c08"): 0.3}
    ratings = season(bias=BIAS, favour=favour, erratic="a6", lone=-0.4)
    e = rater_effects(rp.evaluate(rubric(), ratings), min_ratings=1, threshold=2.5)
    assert ("c08", "c11") in {f.who for f in e.flagged("colluding pair")}
    want = check_flags(e)
    assert want["harsh on rivals", "peer-c11"]["evidence"]["n"] == 1
