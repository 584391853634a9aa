"""Hypothesis strategies shared by the property tests: small random rubrics and seasons.

* :func:`rubrics` draws a rubric as a dict (1-3 dimensions of 1-4 indicators of mixed kinds, 1-3
  sources, 1-4 levels with rising reachable thresholds, optional gates, vetoes, per-dimension
  minimums and required checks), validates it through ``Rubric.model_validate`` and requires
  ``check_rubric`` to find nothing.
* :func:`seasons` draws the ratings of one season for a rubric: 2-6 companies, raters per
  source, values within each indicator's domain, peers naming the company they belong to.
  The rows are generated from a drawn seed (a season has hundreds of cells; drawing each from
  Hypothesis would overflow its buffer), the shape (companies, raters, density) is drawn.
* :func:`claims_for` draws the stars some companies claim.

Numbers are chosen on decimal grids (halves, tenths, hundredths) so that float noise appears
(0.1 + 0.2) while the exact decimal result stays well defined.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from red_property.rubric import Rubric
from red_property.rubric_checks import check_rubric, total_maxima

__all__ = [
    "KINDS",
    "Season",
    "checked",
    "claims_for",
    "domain_values",
    "higher_is_better",
    "rubric_dicts",
    "rubrics",
    "season_for",
    "seasons",
    "validated",
]

KINDS = ("check", "options", "score", "measure", "deduction", "bonus")
SOURCE_IDS = ("authority", "association", "peer")
HALVES = [k / 2 for k in range(1, 21)]  # 0.5 .. 10
WEIGHTS = [0.1, 0.2, 0.25, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0]
OPTION_KEYS = ("none", "low", "mid", "high", "top")


def _label(text: str) -> dict[str, str]:
    return {"en": text}


# --------------------------------------------------------------------------- indicators


@st.composite
def indicator_dicts(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    """One indicator of ``kind`` as a dict (maybe with a default)."""
    d: dict[str, Any] = {"label": _label(kind), "kind": kind}
    if kind == "check":
        d["points"] = draw(st.sampled_from([0.0, 1.0, 2.0, 2.5, 4.0, 5.0]))
        d["pass_mark"] = draw(st.sampled_from([0.5, 0.25, 0.6, 0.75, 1.0]))
        if draw(st.booleans()) and draw(st.booleans()):
            d["default"] = draw(st.sampled_from([0.0, 1.0]))
    elif kind == "options":
        n = draw(st.integers(2, 4))
        steps = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]), min_size=n - 1,
                              max_size=n - 1))
        pts = [0.0]
        for s in steps:
            pts.append(pts[-1] + s)
        if pts[-1] == 0.0:
            pts[-1] = 1.0
        d["options"] = dict(zip(OPTION_KEYS[:n], pts, strict=True))
        if draw(st.booleans()) and draw(st.booleans()):
            d["default"] = float(draw(st.integers(0, n - 1)))
    elif kind == "score":
        d["points"] = draw(st.sampled_from(HALVES))
        if draw(st.booleans()) and draw(st.booleans()):
            d["default"] = draw(st.sampled_from([0.0, d["points"] / 2]))
    elif kind == "measure":
        d["points"] = draw(st.sampled_from(HALVES))
        better = draw(st.sampled_from(["higher", "lower"]))
        lo = float(draw(st.integers(0, 60)))
        width = float(draw(st.sampled_from([10, 20, 25, 40])))
        if draw(st.booleans()):
            worst, best = (lo, lo + width) if better == "higher" else (lo + width, lo)
            d["goalposts"] = {"worst": worst, "best": best}
            if draw(st.booleans()):
                d["better"] = better
        else:
            n = draw(st.integers(1, 3))
            cuts = sorted(draw(st.sets(st.integers(0, int(width)), min_size=n, max_size=n)))
            shares = sorted(draw(st.lists(st.sampled_from([0.1, 0.25, 0.3, 0.5, 0.6, 1.0]),
                                          min_size=n, max_size=n)), reverse=True)
            thresholds = [lo + c for c in cuts]
            if better == "higher":
                thresholds = thresholds[::-1]  # best (highest) first
            d["bands"] = [{"threshold": float(t), "share": s}
                          for t, s in zip(thresholds, shares, strict=True)]
            d["better"] = better
        if draw(st.booleans()):
            d["range"] = [lo - 10.0, lo + width + 10.0]
        if draw(st.booleans()) and draw(st.booleans()):
            d["default"] = lo + width / 2
    elif kind == "deduction":
        d["points"] = draw(st.sampled_from(HALVES[1:]))
        d["per"] = draw(st.sampled_from([0.5, 1.0, 1.5, 2.0]))
        if draw(st.booleans()):
            d["cap"] = draw(st.sampled_from([0.5, 1.0, 2.0, 3.0, 10.0]))
        if draw(st.booleans()):
            d["floor"] = draw(st.sampled_from([x for x in [0.0, 0.5, 1.0, 2.0]
                                               if x < d["points"]]))
        if draw(st.booleans()) and draw(st.booleans()):
            d["default"] = 0.0
    else:  # bonus
        d["per"] = draw(st.sampled_from([0.5, 1.0, 2.0]))
        d["cap"] = draw(st.sampled_from([1.0, 2.0, 3.0, 5.0]))
        if draw(st.booleans()) and draw(st.booleans()):
            d["default"] = 0.0
    return d


# --------------------------------------------------------------------------- rubrics


def _base_max(ind: dict[str, Any]) -> float:
    if ind["kind"] == "bonus":
        return 0.0
    if ind["kind"] == "options":
        return float(max(ind["options"].values()))
    return float(ind["points"])


@st.composite
def rubric_dicts(
    draw: st.DrawFn,
    *,
    kinds: tuple[str, ...] = KINDS,
    weightings: tuple[str, ...] = ("points", "shares"),
    roundings: tuple[str, ...] = ("half_up", "half_up", "none"),
    digits: tuple[int, ...] = (0, 1, 2),
    conditions: bool = True,
    need_peer: bool = False,
    claim_policies: bool = True,
) -> dict[str, Any]:
    """A rubric as a dict, valid by construction (checked by :func:`rubrics`)."""
    weighting = draw(st.sampled_from(weightings))
    n_dims = draw(st.integers(1, 3))
    dimensions: dict[str, Any] = {}
    order: list[tuple[str, str]] = []  # (indicator id, dimension id)
    for k in range(n_dims):
        did = f"d{k}"
        n_inds = draw(st.integers(1, 4))
        inds: dict[str, Any] = {}
        for j in range(n_inds):
            kind = draw(st.sampled_from(kinds))
            iid = f"{did}_{kind[:3]}{j}"
            inds[iid] = draw(indicator_dicts(kind))
            order.append((iid, did))
        if weighting == "shares" and sum(_base_max(i) for i in inds.values()) <= 0:
            inds[f"{did}_sco{n_inds}"] = {"label": _label("score"), "kind": "score",
                                          "points": 5.0}
            order.append((f"{did}_sco{n_inds}", did))
        dim: dict[str, Any] = {"label": _label(did), "indicators": inds}
        if weighting == "points" and draw(st.booleans()):
            base = sum(_base_max(i) for i in inds.values())
            if base > 0:
                dim["points"] = base
        dimensions[did] = dim
    rubric: dict[str, Any] = {
        "id": "prop-test",
        "version": "1",
        "title": _label("property test"),
        "weighting": weighting,
        "dimensions": dimensions,
    }
    if weighting == "shares":
        parts = draw(st.lists(st.integers(1, 5), min_size=n_dims, max_size=n_dims))
        tot = sum(parts)
        weights = [round(p / tot, 4) for p in parts]
        weights[-1] = round(1.0 - sum(weights[:-1]), 4)
        assume(all(w > 0 for w in weights))
        for w, dim in zip(weights, dimensions.values(), strict=True):
            dim["weight"] = w
        rubric["max_total"] = float(draw(st.sampled_from([10, 20, 50, 100, 120])))

    # ---- sources
    ind_ids = [iid for iid, _ in order]
    n_src = draw(st.integers(1, 3))
    sids = list(SOURCE_IDS[:n_src])
    sources: dict[str, Any] = {}
    for n, sid in enumerate(sids):
        src: dict[str, Any] = {"label": _label(sid), "weight": draw(st.sampled_from(WEIGHTS))}
        if n > 0 and draw(st.booleans()):
            refs = list(dimensions) + ind_ids
            src["covers"] = draw(st.lists(st.sampled_from(refs), min_size=1, max_size=4,
                                          unique=True))
        agg = draw(st.sampled_from(["mean", "median", "trimmed", "mean"]))
        if agg == "trimmed":
            a: dict[str, Any] = {"method": "trimmed", "trim": 1}
            if draw(st.booleans()):
                a["min_raters"] = draw(st.integers(3, 4))
            src["aggregate"] = a
        elif agg != "mean" or draw(st.booleans()):
            src["aggregate"] = agg
        src["quorum"] = draw(st.sampled_from([1, 1, 1, 2, 3]))
        src["when_short"] = draw(st.sampled_from(["renormalise", "renormalise", "not_rated"]))
        if sid == "peer" and (need_peer or draw(st.booleans())):
            src["peer"] = True
        sources[sid] = src
    if need_peer and not any(s.get("peer") for s in sources.values()):
        sources["peer"] = {"label": _label("peer"), "weight": draw(st.sampled_from(WEIGHTS)),
                           "peer": True, "quorum": draw(st.sampled_from([1, 2])),
                           "aggregate": draw(st.sampled_from(["mean", "median"]))}
    # the first source covers everything no other source does
    covered = set()
    for src in list(sources.values())[1:]:
        for ref in src.get("covers", ind_ids):
            covered |= ({i for i, d in order if d == ref} if ref in dimensions else {ref})
    if not draw(st.booleans()):
        missing = [i for i in ind_ids if i not in covered]
        first = sources[sids[0]]
        if missing:
            first["covers"] = missing
    rubric["sources"] = sources

    # ---- bonus pool, rounding
    bonus_ids = [iid for iid, d in order if dimensions[d]["indicators"][iid]["kind"] == "bonus"]
    if bonus_ids and draw(st.booleans()):
        rubric["bonus_cap"] = draw(st.sampled_from([1.0, 2.0, 2.5, 4.0]))
    mode = draw(st.sampled_from(roundings))
    rubric["rounding"] = {"digits": draw(st.sampled_from(digits)), "mode": mode}

    # ---- levels (thresholds rising, within reach)
    probe = Rubric.model_validate({**rubric, "levels": [{"stars": 1, "min_total": 0.0}]})
    base, bonus = total_maxima(probe)
    reach = base + bonus
    n_levels = draw(st.integers(1, 4))
    stars = sorted(draw(st.sets(st.integers(1, 5), min_size=n_levels, max_size=n_levels)))
    fracs = sorted(draw(st.sets(st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75,
                                                 0.8, 0.9, 0.95]),
                                min_size=n_levels, max_size=n_levels)))
    thresholds = [round(f * reach * 2) / 2 for f in fracs]  # on the half-point grid
    assume(all(b > a for a, b in itertools.pairwise(thresholds)))
    assume(thresholds[-1] <= reach)
    checks = [iid for iid, d in order if dimensions[d]["indicators"][iid]["kind"] == "check"]
    levels = []
    for s, t in zip(stars, thresholds, strict=True):
        level: dict[str, Any] = {"stars": s, "min_total": float(t)}
        if conditions and draw(st.integers(0, 3)) == 0:
            if draw(st.booleans()):
                level["min_dimension_share"] = draw(st.sampled_from([0.3, 0.5, 0.6]))
            else:
                did = draw(st.sampled_from(list(dimensions)))
                level["min_dimension_share"] = {did: draw(st.sampled_from([0.25, 0.5, 0.7]))}
        if conditions and checks and draw(st.integers(0, 3)) == 0:
            level["requires"] = draw(st.lists(st.sampled_from(checks), min_size=1, max_size=2,
                                              unique=True))
        if conditions and bonus > 0 and draw(st.integers(0, 4)) == 0:
            level["min_bonus"] = draw(st.sampled_from([0.5, 1.0])) * min(bonus, 1.0)
        levels.append(level)
    rubric["levels"] = levels

    # ---- gates and vetoes read checks
    if conditions and checks and draw(st.integers(0, 3)) == 0:
        picks = draw(st.lists(st.sampled_from(checks), min_size=1, max_size=2, unique=True))
        key = draw(st.sampled_from(["all_of", "any_of"]))
        rubric["gates"] = [{"id": "eligible", "label": _label("gate"), key: picks}]
    if conditions and checks and draw(st.integers(0, 3)) == 0:
        veto: dict[str, Any] = {"id": "veto", "label": _label("veto"),
                                "when": draw(st.sampled_from(checks))}
        top = max(stars)
        if top > 1 and draw(st.booleans()):
            veto["effect"] = "cap"
            veto["cap"] = draw(st.integers(0, top - 1))
        rubric["vetoes"] = [veto]
    if claim_policies and draw(st.booleans()):
        rubric["claims"] = {
            "required": draw(st.integers(0, 4)) == 0,
            "above_claim": draw(st.sampled_from(["award_claim", "award_earned"])),
            "below_claim": draw(st.sampled_from(["award_earned", "award_none"])),
        }
    return rubric


def validated(d: dict[str, Any]) -> Rubric:
    """``Rubric.model_validate`` plus the whole-rubric checks; ``assume`` both pass."""
    rubric = Rubric.model_validate(d)
    problems = check_rubric(rubric)
    assume(not problems)
    return rubric


def checked(d: dict[str, Any]) -> Rubric:
    """A hand-made rubric: validated, and the whole-rubric checks must find nothing."""
    rubric = Rubric.model_validate(d)
    problems = check_rubric(rubric)
    if problems:
        raise ValueError(f"invalid rubric: {problems}")
    return rubric


@st.composite
def rubrics(draw: st.DrawFn, /, **kwargs: Any) -> Rubric:
    """A valid random rubric (see :func:`rubric_dicts` for the options)."""
    return validated(draw(rubric_dicts(**kwargs)))


# --------------------------------------------------------------------------- seasons


@dataclass(frozen=True)
class Season:
    """One season's rows (records for ``Ratings.from_records``) and its companies."""

    records: list[dict[str, Any]]
    companies: list[str]
    raters: dict[str, list[tuple[str, str]]]  # source -> [(rater, rater_company)]


def higher_is_better(ind: Any) -> bool:
    """A measure's direction: from its goalposts (``better`` may keep its default there)."""
    if ind.goalposts is not None:
        return bool(ind.goalposts.best > ind.goalposts.worst)
    return bool(ind.better == "higher")


def domain_values(ind: Any) -> list[Any]:
    """Values one rater may give for ``ind`` (a finite menu within its domain, on decimal
    grids: tenths give float noise, halves do not)."""
    kind = ind.kind
    if kind == "check":
        return [0, 1]
    if kind == "options":
        return list(ind.options)  # options take their labels
    if kind == "score":
        p = float(ind.points)
        tenths = [k / 10 for k in range(int(p * 10) + 1)]
        return sorted({*tenths, p})
    if kind == "measure":
        if ind.goalposts is not None:
            a, b = sorted((ind.goalposts.worst, ind.goalposts.best))
        else:
            ts = [band.threshold for band in ind.bands or []]
            a, b = min(ts), max(ts)
        lo, hi = a - 5.0, b + 5.0
        if ind.range is not None:
            lo, hi = max(lo, ind.range[0]), min(hi, ind.range[1])
        vals = [lo + k / 2 for k in range(int((hi - lo) * 2) + 1)]
        vals += [round(lo + k * 0.1, 1) for k in range(0, int((hi - lo) * 10) + 1, 7)]
        if ind.bands:
            vals += [band.threshold for band in ind.bands]
        return sorted({v for v in vals if lo <= v <= hi})
    return [0, 0, 0, 1, 1, 2, 3, 5]  # deduction and bonus: counts


def season_for(rubric: Rubric, seed: int, n_companies: int, raters_per_source: list[int],
               density: float) -> Season:
    """A season of valid rows for ``rubric``, generated from ``seed``."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    companies = [f"c{k}" for k in range(n_companies)]
    indicators = rubric.indicators()
    raters: dict[str, list[tuple[str, str]]] = {}
    for (sid, src), n in zip(rubric.sources.items(), raters_per_source, strict=False):
        raters[sid] = [(f"{sid}-{k}", rng.choice(companies) if src.peer else "")
                       for k in range(n)]
    covers: dict[str, list[str]] = {}
    for sid, src in rubric.sources.items():
        if src.covers == "all":
            covers[sid] = list(indicators)
        else:
            cov = set()
            for ref in src.covers:
                cov |= set(rubric.dimensions[ref].indicators) if ref in rubric.dimensions \
                    else {ref}
            covers[sid] = [i for i in indicators if i in cov]
    # a company-wide tendency makes totals spread over the levels
    skill = {c: rng.random() for c in companies}
    menus = {iid: domain_values(ind) for iid, (_, ind) in indicators.items()}
    records: list[dict[str, Any]] = []
    for c in companies:
        for sid in rubric.sources:
            for rater, home in raters.get(sid, []):
                if home == c:
                    continue  # a peer never rates its own company here
                for iid in covers[sid]:
                    if rng.random() > density:
                        continue
                    menu = menus[iid]
                    ind = indicators[iid][1]
                    if rng.random() < 0.7:
                        pos = skill[c] + rng.uniform(-0.25, 0.25)
                        if ind.kind == "deduction" or (
                                ind.kind == "measure" and not higher_is_better(ind)):
                            pos = 1 - pos
                        k = min(max(int(pos * len(menu)), 0), len(menu) - 1)
                        value = menu[k]
                    else:
                        value = rng.choice(menu)
                    rec = {"company": c, "source": sid, "rater": rater, "indicator": iid,
                           "value": value}
                    if home:
                        rec["rater_company"] = home
                    records.append(rec)
    rng.shuffle(records)
    return Season(records, companies, raters)


@st.composite
def seasons(draw: st.DrawFn, rubric: Rubric, *, min_companies: int = 2,
            max_companies: int = 6) -> Season:
    """A random season of valid ratings for ``rubric``."""
    n = draw(st.integers(min_companies, max_companies))
    raters = [draw(st.integers(1, 4)) for _ in rubric.sources]
    density = draw(st.sampled_from([1.0, 1.0, 0.95, 0.85, 0.6]))
    seed = draw(st.integers(0, 2**32 - 1))
    season = season_for(rubric, seed, n, raters, density)
    assume(len({r["company"] for r in season.records}) >= 2)
    return season


@st.composite
def claims_for(draw: st.DrawFn, rubric: Rubric, companies: list[str]) -> dict[str, int]:
    """Claims by some of ``companies``: a level of the rubric, or 0."""
    levels = [0, *(lv.stars for lv in rubric.levels)]
    out = {}
    for c in companies:
        if draw(st.booleans()):
            out[c] = draw(st.sampled_from(levels))
    return out


def to_fraction(x: float) -> Fraction:
    """The decimal ``x`` is written as."""
    return Fraction(repr(x))
