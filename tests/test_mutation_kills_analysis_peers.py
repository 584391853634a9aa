"""The reciprocal peer pairs and the colluding-pair test of ``rater_effects``, pinned against
their definitions (module docstring of red_property.analysis.effects) recomputed from the
fitted model, on the small seasons of ``tests/effects_seasons.py``."""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property.analysis import RaterEffects, rater_effects
from red_property.analysis.peers import MAD_SCALE, Flag, PairRow, robust

from .effects_seasons import MAIN, Builder, planted, robust_by_hand, rubric


@cache
def report() -> rp.Report:
    """The planted season, scored once."""
    return planted()


def effects(threshold: float = 3.0, min_ratings: int = 5) -> RaterEffects:
    """Rater effects of the planted season, computed in each test that reads them (a mutation
    run runs only the tests that called a function)."""
    return rater_effects(report(), threshold=threshold, min_ratings=min_ratings)


def expected_pairs(e: RaterEffects) -> list[dict[str, Any]]:
    """The reciprocal pairs of every peer source, from the fit: each rater's effect taken from
    its informative ratings of other companies, the mean residual each way, pooled, and the
    robust z of each against the pairs (and directions) of its source."""
    fit = e.fit
    companies = [str(c) for c in fit.checked.companies.tolist()]
    code = {c: k for k, c in enumerate(companies)}
    rater_company = {row.rater: row.company for row in e.raters}
    labels = fit.ratings.rater_labels[fit.raters_used[fit.rater]]
    comp, src, inf = fit.company, fit.source, fit.informative
    b = fit.effect
    resid_out = np.empty(fit.y.size)
    for j in range(fit.y.size):
        r = fit.rater[j]
        other = (fit.rater == r) & inf & (comp != comp[j])
        b_out = float(np.mean(fit.resid[other] + b[r])) if other.any() else float(b[r])
        resid_out[j] = fit.resid[j] + b[r] - b_out
    out: list[dict[str, Any]] = []
    for s, name in enumerate(fit.plan.sources):
        if not fit.plan.peer[s]:
            continue
        ways: dict[tuple[int, int], list[float]] = {}
        for j in np.flatnonzero((src == s) & inf).tolist():
            rc = rater_company[str(labels[j])]
            if rc in code:  # a company rated in the season
                ways.setdefault((code[rc], int(comp[j])), []).append(float(resid_out[j]))
        rows = [(a, c) for (a, c) in sorted(ways) if a < c and (c, a) in ways]
        if not rows:
            continue
        sigma = e.sigma[name]
        n_ab = np.array([len(ways[a, c]) for a, c in rows], dtype=float)
        n_ba = np.array([len(ways[c, a]) for a, c in rows], dtype=float)
        d_ab = np.array([np.mean(ways[a, c]) for a, c in rows])
        d_ba = np.array([np.mean(ways[c, a]) for a, c in rows])
        mean = (d_ab * n_ab + d_ba * n_ba) / (n_ab + n_ba)
        med, spread = robust_by_hand(mean, e.floor)
        dmed, dspread = robust_by_hand(np.concatenate([d_ab, d_ba]), e.floor)
        for k, (a, c) in enumerate(rows):
            out.append({
                "source": name, "company_a": companies[a], "company_b": companies[c],
                "n_ab": int(n_ab[k]), "n_ba": int(n_ba[k]), "mean_ab": d_ab[k],
                "mean_ba": d_ba[k], "mean": mean[k],
                "z": (mean[k] - med) / math.hypot(spread, sigma / math.sqrt(n_ab[k] + n_ba[k])),
                "z_ab": (d_ab[k] - dmed) / math.hypot(dspread, sigma / math.sqrt(n_ab[k])),
                "z_ba": (d_ba[k] - dmed) / math.hypot(dspread, sigma / math.sqrt(n_ba[k])),
                "source_median": med,
                "scale": math.hypot(spread, sigma / math.sqrt(n_ab[k] + n_ba[k]))})
    return out


def _root_two_times(x: float) -> list[float]:
    """The floats t near x * sqrt(2) with t / sqrt(2) == x exactly (none for some x)."""
    out, up, down = [], x * math.sqrt(2.0), x * math.sqrt(2.0)
    for _ in range(8):
        out += [t for t in (up, down) if t / math.sqrt(2.0) == x]
        up, down = math.nextafter(up, math.inf), math.nextafter(down, -math.inf)
    return out


def collusive(row: PairRow, e: RaterEffects) -> bool:
    """The three conditions of a colluding pair, as documented."""
    return (row.z > e.threshold and min(row.z_ab, row.z_ba) > e.threshold / math.sqrt(2.0)
            and row.n_ab + row.n_ba >= e.min_ratings)


def check_pairs(e: RaterEffects) -> None:
    """Pairs as defined; flags exactly the collusive ones, with their evidence and message."""
    want = expected_pairs(e)
    assert all(isinstance(p, PairRow) for p in e.pairs)
    got = [(p.source, p.company_a, p.company_b, p.n_ab, p.n_ba) for p in e.pairs]
    assert got == [(w["source"], w["company_a"], w["company_b"], w["n_ab"], w["n_ba"])
                   for w in want]
    for p, w in zip(e.pairs, want, strict=True):
        for key in ("mean_ab", "mean_ba", "mean", "z", "z_ab", "z_ba"):
            assert getattr(p, key) == pytest.approx(w[key], rel=1e-9, abs=1e-12), key
    flags = {f.who: f for f in e.flagged("colluding pair")}
    assert set(flags) == {(p.company_a, p.company_b) for p in e.pairs if collusive(p, e)}
    for p, w in zip(e.pairs, want, strict=True):
        f = flags.get((p.company_a, p.company_b))
        if f is None:
            continue
        n = p.n_ab + p.n_ba
        assert f.source == p.source
        assert dict(f.evidence) == pytest.approx({
            "mean": p.mean, "z": p.z, "mean_ab": p.mean_ab, "mean_ba": p.mean_ba,
            "z_ab": p.z_ab, "z_ba": p.z_ba, "n": n, "n_ab": p.n_ab, "n_ba": p.n_ba,
            "source_median": w["source_median"], "scale": w["scale"]}, rel=1e-9, abs=1e-12)
        assert f.message.endswith(f"against a median of {w['source_median']:+.2f}, "
                                  f"{n} ratings)")
        assert f.message.startswith(f"{p.source} companies {p.company_a!r} and "
                                    f"{p.company_b!r} rate each other high: ")


def test_pairs_follow_their_definition() -> None:
    """Every reciprocal pair of both peer sources (the first company's, a rater who rates one
    company, or one rating beyond it, a rating alone in its cell) is as documented."""
    e = effects()
    assert {p.source for p in e.pairs} == {"peer", "rivals"}
    assert ("peer", "c00", "c01") in {(p.source, p.company_a, p.company_b) for p in e.pairs}
    assert {("c08", "c11"), ("c09", "c10")} <= {(p.company_a, p.company_b) for p in e.pairs}
    assert [f.who for f in e.flagged("colluding pair")] == [("c06", "c07")]
    check_pairs(e)


def test_two_flagged_pairs_and_a_one_sided_favour() -> None:
    """At threshold 2.5 both planted pairs are flagged and the one-sided favour (c04's rater
    on c05, not back) is not: one side favouring the other is not collusion."""
    e = effects(2.5)
    one_sided = next(p for p in e.pairs if (p.company_a, p.company_b) == ("c04", "c05"))
    assert one_sided.z > 2.5 and min(one_sided.z_ab, one_sided.z_ba) < 2.5 / math.sqrt(2.0)
    assert [f.who for f in e.flagged("colluding pair")] == [("c06", "c07"), ("c08", "c09")]
    check_pairs(e)


def test_pair_thresholds_are_strict_and_each_direction_needs_a_z_over_root_two() -> None:
    """A pair whose z equals the threshold, or whose weaker direction equals threshold/sqrt(2),
    is not flagged; one whose weaker direction lies between threshold/sqrt(3) and
    threshold/sqrt(2) is not either; one with exactly ``min_ratings`` ratings is."""
    base = effects()
    pair = next(p for p in base.pairs if (p.company_a, p.company_b) == ("c06", "c07"))
    at_z = effects(pair.z)
    assert min(pair.z_ab, pair.z_ba) > pair.z / math.sqrt(2.0)
    assert ("c06", "c07") not in {f.who for f in at_z.flagged("colluding pair")}
    check_pairs(at_z)
    exact_each = [(p, t) for p in base.pairs for t in _root_two_times(min(p.z_ab, p.z_ba))
                  if p.z > t > 0]
    assert exact_each
    lop, t = exact_each[0]
    at_each = effects(t)
    assert (lop.company_a, lop.company_b) not in {f.who for f in at_each.flagged("colluding pair")}
    check_pairs(at_each)
    lop = next(p for p in base.pairs if (p.company_a, p.company_b) == ("c04", "c05"))
    weak = min(lop.z_ab, lop.z_ba)
    between = effects(weak * 1.6)  # sqrt(2) < 1.6 < sqrt(3)
    assert lop.z > weak * 1.6
    assert ("c04", "c05") not in {f.who for f in between.flagged("colluding pair")}
    exact = effects(3.0, pair.n_ab + pair.n_ba)
    assert ("c06", "c07") in {f.who for f in exact.flagged("colluding pair")}
    check_pairs(exact)


def test_one_reciprocal_pair_has_z_zero() -> None:
    """With one reciprocal pair in its source, the pair is reported and is its own median."""
    b = Builder()
    for i in MAIN:
        b.add("c01", "peer", "peer-c00", i, rc="c00")
        b.add("c00", "peer", "peer-c01", i, rc="c01")
        b.add("c00", "peer", "peer-c05", i, rc="c05")
        b.add("c01", "peer", "peer-c05", i, rc="c05")
    r = b.ratings()
    e = rater_effects(rp.evaluate(rubric(), r), min_ratings=2)
    peer = [p for p in e.pairs if p.source == "peer"]
    assert [(p.company_a, p.company_b) for p in peer] == [("c00", "c01")]
    assert peer[0].z == 0.0
    check_pairs(e)


def test_robust_median_and_scale() -> None:
    """robust: the median and max(1.4826 * MAD, floor) of the finite panel values; an empty
    panel gives 0 and the floor; one value is its own median."""
    x = np.array([0.1, 0.4, np.nan, 0.2, 5.0])
    med, scale = robust(x, np.array([True, True, True, True, False]), 0.01)
    assert med == 0.2 and scale == pytest.approx(MAD_SCALE * 0.1)
    assert robust(x, np.array([False, False, True, False, False]), 0.05) == (0.0, 0.05)
    assert robust(x, np.array([False, True, False, False, False]), 0.05) == (0.4, 0.05)


def test_flag_records_are_plain_data() -> None:
    """flag_records: a rater flag's ``who`` stays a string, a pair's becomes a list."""
    e = effects()
    records = {r["kind"]: r for r in e.flag_records()}
    assert records["colluding pair"]["who"] == ["c06", "c07"]
    assert records["severe"]["who"] == "a4"
    pair = e.flagged("colluding pair")[0]
    assert records["colluding pair"] == {"kind": "colluding pair", "who": ["c06", "c07"],
                                         "source": "peer", "evidence": dict(pair.evidence),
                                         "message": pair.message}
    assert Flag(kind="x", who="r", source="s", evidence={}, message="m").to_dict()["who"] == "r"
