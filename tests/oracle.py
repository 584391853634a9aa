"""A deliberately simple reference implementation of a rubric's scoring and awarding.

Written from the documented semantics (the docstrings of :mod:`red_property.rubric`,
:mod:`red_property.scoring` and :mod:`red_property.awarding`), not from the engine's code: dicts
and loops, one company at a time, and exact rational arithmetic. Every number in a rubric or a
rating is read as the decimal it is written as (``0.1`` is one tenth, not its binary neighbour),
so the oracle computes the value a score sheet would, and the only tolerance it applies is the one
the documentation states (comparisons and half-up rounding forgive 1e-9, relative).

Defaults follow the engine as of commit a4dda8a (its tests state it; the docstrings of
``scoring`` step 4 and of ``default`` still say "no source rated"): an indicator with a
``default`` takes it when no source reaches its quorum, and a source with no rating at all on
such an indicator is not short.

The input rows are assumed valid (the strategies only make valid seasons), except that a peer
rater's rating of its own company is dropped, as the default ``input.self_ratings: drop`` says.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from red_property.rubric import Rubric
from red_property.rubric_indicators import (
    BonusIndicator,
    CheckIndicator,
    DeductionIndicator,
    MeasureIndicator,
    OptionsIndicator,
    ScoreIndicator,
)

__all__ = ["OracleResult", "oracle_details", "oracle_evaluate"]

#: Relative tolerance the documentation grants comparisons and half-up rounding.
TOLERANCE = Fraction(1, 10**9)

OracleResult = tuple[float | None, int | None]


def exact(x: Any) -> Fraction:
    """The decimal a number is written as, exactly (``0.1`` -> 1/10)."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        raise TypeError("a boolean is not a number here")
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ValueError(f"not finite: {x!r}")
        return Fraction(repr(x))
    return Fraction(str(x).strip())


def reaches(x: Fraction, threshold: Fraction) -> bool:
    """``x >= threshold``, forgiving 1e-9 relative to the threshold (at least 1e-9 absolute)."""
    return x >= threshold - TOLERANCE * max(Fraction(1), abs(threshold))


# --------------------------------------------------------------------------- aggregation


def mean(values: list[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def median(values: list[Fraction]) -> Fraction:
    s = sorted(values)
    n = len(s)
    if n % 2 == 1:
        return s[n // 2]
    return (s[n // 2 - 1] + s[n // 2]) / 2


def trimmed_mean(values: list[Fraction], trim: int, min_raters: int | None) -> Fraction:
    """Drop the ``trim`` highest and lowest values when there are enough raters, then average."""
    at = min_raters if min_raters is not None else 2 * trim + 1
    if len(values) < at:
        return mean(values)
    s = sorted(values)
    return mean(s[trim: len(s) - trim])


def aggregate(source: Any, values: list[Fraction]) -> Fraction:
    """One source's view of one company on one indicator."""
    agg = source.aggregate
    if isinstance(agg, str):
        method, trim, min_raters = agg, 1, None
    else:
        method, trim, min_raters = agg.method, agg.trim, agg.min_raters
    if method == "mean":
        return mean(values)
    if method == "median":
        return median(values)
    return trimmed_mean(values, trim, min_raters)


# --------------------------------------------------------------------------- points


def indicator_points(ind: Any, v: Fraction) -> Fraction:
    """Points (in the indicator's own scale) for one aggregated raw value."""
    if isinstance(ind, CheckIndicator):
        return exact(ind.points) * v  # points x share of yes
    if isinstance(ind, OptionsIndicator):
        pts = [exact(p) for p in ind.options.values()]
        if v <= 0:
            return pts[0]
        if v >= len(pts) - 1:
            return pts[-1]
        lo = math.floor(v)
        frac = v - lo
        return pts[lo] + frac * (pts[lo + 1] - pts[lo])  # between neighbours
    if isinstance(ind, ScoreIndicator):
        return min(max(v, Fraction(0)), exact(ind.points))
    if isinstance(ind, MeasureIndicator):
        return exact(ind.points) * measure_share(ind, v)
    if isinstance(ind, DeductionIndicator):
        taken = exact(ind.per) * v
        if ind.cap is not None:
            taken = min(taken, exact(ind.cap))
        return max(exact(ind.points) - taken, exact(ind.floor))
    if isinstance(ind, BonusIndicator):
        return min(exact(ind.per) * v, exact(ind.cap))
    raise TypeError(f"unknown indicator {ind!r}")


def measure_share(ind: MeasureIndicator, v: Fraction) -> Fraction:
    if ind.goalposts is not None:
        worst, best = exact(ind.goalposts.worst), exact(ind.goalposts.best)
        share = (v - worst) / (best - worst)
        return min(max(share, Fraction(0)), Fraction(1))
    assert ind.bands is not None
    for band in ind.bands:  # best first: the first band reached gives the share
        t = exact(band.threshold)
        if (v >= t) if ind.better == "higher" else (v <= t):
            return exact(band.share)
    return Fraction(0)


def max_points(ind: Any) -> Fraction:
    if isinstance(ind, OptionsIndicator):
        return max(exact(p) for p in ind.options.values())
    if isinstance(ind, BonusIndicator):
        return exact(ind.cap)
    return exact(ind.points)


# --------------------------------------------------------------------------- rounding


def round_total(x: Fraction, digits: int, mode: str) -> Fraction:
    if mode == "none":
        return x
    unit = Fraction(10) ** digits
    a = abs(x) * unit
    sign = -1 if x < 0 else 1
    if mode == "half_up":
        # half away from zero, the decimal value deciding (1e-9 relative forgiven)
        nudge = TOLERANCE * max(Fraction(1), a)
        return sign * Fraction(math.floor(a + Fraction(1, 2) + nudge)) / unit
    # half to even; a value within 1e-9 (relative) of a tie is the tie
    low = math.floor(a)
    if abs(a - low - Fraction(1, 2)) <= TOLERANCE * max(Fraction(1), a):
        return sign * Fraction(low if low % 2 == 0 else low + 1) / unit
    return sign * Fraction(round(a)) / unit


# --------------------------------------------------------------------------- the evaluation


def _covers(rubric: Rubric, source: Any) -> set[str]:
    if source.covers == "all":
        return set(rubric.indicators())
    out: set[str] = set()
    for ref in source.covers:
        if ref in rubric.dimensions:
            out |= set(rubric.dimensions[ref].indicators)
        else:
            out.add(ref)
    return out


def _raw_value(ind: Any, value: Any) -> Fraction:
    if isinstance(ind, OptionsIndicator) and isinstance(value, str):
        keys = list(ind.options)
        if value.strip() in keys:
            return Fraction(keys.index(value.strip()))
    return exact(value)


def dimension_maxima(rubric: Rubric) -> dict[str, Fraction]:
    """Most base points per dimension: the indicators' points, or its share of ``max_total``."""
    if rubric.weighting == "points":
        return {did: sum((max_points(i) for i in dim.indicators.values()
                          if not isinstance(i, BonusIndicator)), Fraction(0))
                for did, dim in rubric.dimensions.items()}
    weights = {did: exact(dim.weight) for did, dim in rubric.dimensions.items()}
    total = sum(weights.values(), Fraction(0))
    return {did: w / total * exact(rubric.max_total) for did, w in weights.items()}


def oracle_details(rubric: Rubric, records: list[Mapping[str, Any]],
                   claims: Mapping[str, int] | None = None) -> dict[str, dict[str, Any]]:
    """Everything the oracle decides, per company, in exact arithmetic."""
    claims = dict(claims or {})
    indicators = rubric.indicators()
    covers = {sid: _covers(rubric, src) for sid, src in rubric.sources.items()}

    # ---- rows: drop peers' self-ratings, group the rest by (company, source, indicator)
    companies: list[str] = []
    cells: dict[tuple[str, str, str], list[Fraction]] = {}
    for rec in records:
        company = str(rec["company"]).strip()
        source = str(rec["source"]).strip()
        iid = str(rec["indicator"]).strip()
        if company not in companies:
            companies.append(company)
        src = rubric.sources[source]
        if src.peer and str(rec.get("rater_company") or "").strip() == company:
            continue
        value = _raw_value(indicators[iid][1], rec["value"])
        cells.setdefault((company, source, iid), []).append(value)

    maxima = dimension_maxima(rubric)
    scale: dict[str, Fraction] = {}
    for did, dim in rubric.dimensions.items():
        base = sum((max_points(i) for i in dim.indicators.values()
                    if not isinstance(i, BonusIndicator)), Fraction(0))
        for iid, ind in dim.indicators.items():
            if isinstance(ind, BonusIndicator):
                scale[iid] = Fraction(1)
            else:
                scale[iid] = maxima[did] / base if base > 0 else Fraction(0)

    out: dict[str, dict[str, Any]] = {}
    for company in sorted(companies):
        reasons: list[str] = []
        combined: dict[str, Fraction | None] = {}
        points: dict[str, Fraction] = {}
        for iid, (_, ind) in indicators.items():
            covering = [sid for sid in rubric.sources if iid in covers[sid]]
            got = {sid: cells.get((company, sid, iid), []) for sid in covering}
            present = []
            for sid in covering:
                src = rubric.sources[sid]
                n = len(got[sid])
                if n >= src.quorum:
                    present.append(sid)
                elif n == 0 and ind.default is not None:
                    # no rating at all on an indicator with a default is not 'short': for such
                    # an indicator no rating means the default (a4dda8a)
                    continue
                elif src.when_short == "not_rated":
                    reasons.append(f"quorum {sid}/{iid}")
                elif src.when_short == "fail":
                    raise ValueError(f"when_short: fail on {sid}/{iid} for {company}")
            if not present and ind.default is not None:
                # no source reached its quorum (a short rating counts as none): the default
                d = exact(ind.default)
                combined[iid] = d
                points[iid] = indicator_points(ind, d)
                continue
            if not present:
                reasons.append(f"unscored {iid}")
                combined[iid] = None
                points[iid] = Fraction(0)
                continue
            wsum = sum((exact(rubric.sources[sid].weight) for sid in present), Fraction(0))
            val = Fraction(0)
            pts = Fraction(0)
            for sid in present:
                w = exact(rubric.sources[sid].weight) / wsum
                agg = aggregate(rubric.sources[sid], got[sid])
                val += w * agg
                pts += w * indicator_points(ind, agg)
            combined[iid] = val
            points[iid] = pts

        # ---- checks met, gates
        met = {}
        for iid, (_, ind) in indicators.items():
            cv = combined[iid]
            met[iid] = (isinstance(ind, CheckIndicator) and cv is not None
                        and reaches(cv, exact(ind.pass_mark)))
        for gate in rubric.gates:
            ok = (all(met[i] for i in gate.all_of) if gate.all_of is not None
                  else any(met[i] for i in gate.any_of or []))
            if not ok:
                reasons.append(f"gate {gate.id}")

        # ---- dimensions, bonus pool, total
        dims = {did: Fraction(0) for did in rubric.dimensions}
        bonus_raw = Fraction(0)
        for iid, (did, ind) in indicators.items():
            if isinstance(ind, BonusIndicator):
                bonus_raw += points[iid]
            else:
                dims[did] += points[iid] * scale[iid]
        bonus = bonus_raw if rubric.bonus_cap is None else min(bonus_raw, exact(rubric.bonus_cap))
        raw_total = sum(dims.values(), Fraction(0)) + bonus
        total = round_total(raw_total, rubric.rounding.digits, rubric.rounding.mode)
        # rounding never lifts a total above the most that can be scored
        bonus_room = sum((exact(i.cap) for _, i in indicators.values()
                          if isinstance(i, BonusIndicator)), Fraction(0))
        if rubric.bonus_cap is not None:
            bonus_room = min(bonus_room, exact(rubric.bonus_cap))
        most = sum(dimension_maxima(rubric).values(), Fraction(0)) + bonus_room
        total = min(total, max(most, raw_total))

        # ---- earned: the highest level whose every condition holds
        earned = 0
        for level in rubric.levels:
            ok = reaches(total, exact(level.min_total))
            share = level.min_dimension_share
            if share is not None:
                for did in rubric.dimensions:
                    s = share.get(did) if isinstance(share, dict) else share
                    if s is not None and not reaches(dims[did], exact(s) * maxima[did]):
                        ok = False
            ok = ok and all(met[i] for i in level.requires)
            ok = ok and reaches(bonus, exact(level.min_bonus))
            if ok:
                earned = max(earned, level.stars)

        # ---- vetoes
        stars = earned
        for veto in rubric.vetoes:
            if met[veto.when]:
                stars = 0 if veto.effect == "remove" else min(stars, veto.cap or 0)

        # ---- claims
        policy = rubric.claims
        claim = claims.get(company)
        if claim is None:
            if policy.required:
                reasons.append("no claim")
        elif stars >= claim:
            if stars > claim and policy.above_claim == "award_claim":
                stars = claim
        elif policy.below_claim == "award_none":
            stars = 0

        rated = not reasons
        out[company] = {
            "rated": rated,
            "total": total,
            "raw_total": raw_total,
            "stars": stars if rated else None,
            "earned": earned,
            "dimensions": dims,
            "bonus": bonus,
            "met": met,
            "reasons": reasons,
        }
    return out


def oracle_evaluate(rubric: Rubric, records: list[dict[str, Any]],
                    claims: dict[str, int]) -> dict[str, OracleResult]:
    """``{company: (total, stars)}``; ``(None, None)`` for a company that is not rated."""
    details = oracle_details(rubric, records, claims)
    return {c: ((float(d["total"]), d["stars"]) if d["rated"] else (None, None))
            for c, d in details.items()}
