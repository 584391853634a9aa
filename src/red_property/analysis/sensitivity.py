"""How far do the stars depend on the rubric's weights? A Monte Carlo over weights.

:func:`weight_sensitivity` re-scores every company of a :class:`~red_property.report.Report`
under many random variations of the rubric's weights and reports, per company, how often the
award changes, the distribution of stars, and how far the rank and the total move.

What a draw changes
-------------------
Each draw multiplies

* each **source**'s stated weight by an independent factor uniform in
  ``[1 - spread, 1 + spread]``. As in scoring, the weights are then renormalised per company
  and indicator over the sources present (a short or absent source's weight still goes to the
  others);
* each **dimension**'s weight by an independent factor ``g_d`` uniform in
  ``[1 - spread, 1 + spread]``. The factors are renormalised so that the total maximum is
  unchanged: dimension ``d``'s maximum becomes ``M_d * g_d * sum(M) / sum(g * M)`` (``M`` the
  maxima the rubric states), and each of its base indicators' points are scaled by the same
  factor ``g'_d = g_d * sum(M) / sum(g * M)``. The thresholds (``min_total``, ``min_bonus``)
  stay as stated; a per-dimension minimum share applies to the draw's maximum of the dimension.
  Bonus indicators go to the bonus pool whatever their dimension and are not scaled.

``source_spread`` and ``dimension_spread`` override ``spread`` per kind, either one number or a
mapping from source (dimension) id to its own spread; ids left out of a mapping keep ``spread``.

Exact, not approximate
----------------------
A draw's results are those of :func:`red_property.evaluate` on a rubric whose source weights are
``weight * f_s`` and whose dimensions are weighted ``M_d * g_d`` (``weighting: shares`` with
``max_total = sum(M)``): same rounded totals, same stars, same ranks. Raw totals agree to about
1e-12 (sums are grouped differently); rounding and every threshold follow scoring's rules
(scoring's own rounding functions, half-up applied in place to the scaled totals; rounding
never lifts a total above the most that can be scored;
comparisons forgive 1e-9 relative), so a company exactly at a threshold is treated as scoring
treats it. With every factor 1 a draw reproduces the report. (With ``rounding: none``, ties
between companies depend on the last bits of unrounded totals, there as here.)

Conditions that do not depend on weights (quorum, missing ratings, claims, requirements and
vetoes on checks whose sources agree) are taken from the report. A check rated by several
sources that disagree about it *does* depend on the weights (its weighted share of "yes" moves
across the pass mark); such checks are re-decided in every draw, with the gates, requirements
and vetoes that read them. The bonus is re-computed too (sources can disagree about it), so
``min_bonus`` is checked per draw.

How it is computed
------------------
Sources present on an indicator form a *pattern* (at most ``2**S - 1``). Within a pattern the
renormalised weights are the same for every indicator, so a company's points are precomputed as
``A[c, (pattern, source), dimension]`` and a draw's totals are one matrix product
``A (C x K) @ F (K x draws)`` where ``F`` holds each draw's renormalised source weights times
its dimension factors. Draws are processed in chunks (``chunk`` draws at a time; working
memory is about ``chunk x companies x 25`` bytes per thread) on a few threads. Level decisions avoid
per-level loops where the levels are nested (thresholds and minimum shares rising with the
stars): the count of nested conditions met indexes a per-company table of outcomes. Companies
whose per-dimension shares cannot reach any threshold's neighbourhood under the spreads (found
with a cheap bound) are decided once. Ranks are competition ranks ("1224") on the rounded total
among rated companies, computed per draw from a histogram of the rounded totals.

Each company's rounded total and rank are kept for every draw (2 bytes each when they fit, so
about 400 MB for 10,000 companies x 10,000 draws) to give exact quantiles.

Quantiles (median, 5 % and 95 %) are those of the draws' values by the inverted empirical
distribution function (the smallest value with at least that share of draws at or below it),
so they are always values some draw produced.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .._tolerance import TOLERANCE, at_least
from ..awarding import decide, rank
from ..report import Report
from ..scoring import half_up_codes, round_values

__all__ = ["WeightSensitivity", "weight_sensitivity"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
AnyArray = npt.NDArray[Any]
Spread = float | Mapping[str, float]

#: A company's award "flips" when it differs from the stated weights' award in at least this
#: share of the draws.
FLIP_SHARE = 0.05
#: The interval reported for ranks and totals.
LOW, HIGH = 0.05, 0.95
HTML_ROWS = 60
_MARGIN = 1e-12  # relative slack for bounds computed in floating point
# Products are done in row blocks of at most this many multiply-adds: OpenBLAS runs such small
# products on the calling thread. Its own threads spin after a large product and take the cores
# that the chunks (and other programs) need; parallelism comes from the chunks instead.
_BLAS_ONE_THREAD = 1 << 17


# --------------------------------------------------------------------------------- the result


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class WeightSensitivity:
    """Per-company results of :func:`weight_sensitivity`. Axes: C companies, in report order.

    ``p_stars[c, s]`` is the share of draws in which company ``c`` is awarded ``s`` stars (a
    draw in which it is not rated counts as 0 stars, as in the report; ``p_not_rated`` says
    how often that happens). The *award* is the pair (rated, stars); ``p_differs`` is the share
    of draws whose award differs from ``awarded`` / ``rated`` at the stated weights.
    ``rank_*`` are over the draws in which the company is rated (NaN if it never is);
    ``total_*`` are of the rounded total. ``source_factors`` and ``dimension_factors`` are each
    draw's factors as drawn (dimension factors before renormalisation). The ``kept_*`` arrays
    hold the first ``keep`` draws' per-company outcomes (``keep`` x C), conventions as in the
    report (stars and rank 0 when not rated).
    """

    companies: tuple[str, ...]
    sources: tuple[str, ...]
    dimensions: tuple[str, ...]
    draws: int
    seed: int | None
    source_spread: dict[str, float]
    dimension_spread: dict[str, float]
    top: int
    rated: BoolArray  # (C,) at the stated weights
    awarded: IntArray  # (C,) stars at the stated weights (0 when not rated)
    total: FloatArray  # (C,) rounded total at the stated weights
    rank: IntArray  # (C,) at the stated weights (0 when not rated)
    p_stars: FloatArray  # (C, top + 1)
    p_not_rated: FloatArray  # (C,)
    p_differs: FloatArray  # (C,)
    rank_median: FloatArray  # (C,)
    rank_low: FloatArray  # (C,) 5 %
    rank_high: FloatArray  # (C,) 95 %
    total_median: FloatArray  # (C,)
    total_low: FloatArray  # (C,) 5 %
    total_high: FloatArray  # (C,) 95 %
    source_factors: FloatArray  # (draws, S)
    dimension_factors: FloatArray  # (draws, D)
    kept_raw_total: FloatArray  # (keep, C)
    kept_total: FloatArray  # (keep, C)
    kept_stars: IntArray  # (keep, C)
    kept_rated: BoolArray  # (keep, C)
    kept_rank: IntArray  # (keep, C)

    def __len__(self) -> int:
        return len(self.companies)

    def flips(self, share: float = FLIP_SHARE) -> list[str]:
        """Companies whose award differs from the stated one in at least ``share`` of the draws,
        most often first (ties in report order)."""
        hit = np.flatnonzero(self.p_differs >= share - 1e-12)
        order = hit[np.lexsort((hit, -self.p_differs[hit]))]
        return [self.companies[c] for c in order.tolist()]

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per company, in report order (None where a value does not exist)."""
        out = []
        for c, name in enumerate(self.companies):
            rec: dict[str, Any] = {
                "company": name,
                "rated": bool(self.rated[c]),
                "stars": int(self.awarded[c]) if self.rated[c] else None,
                "p_differs": float(self.p_differs[c]),
                "p_not_rated": float(self.p_not_rated[c]),
            }
            rec.update({f"p_stars_{s}": float(self.p_stars[c, s]) for s in range(self.top + 1)})
            rec.update({
                "rank": int(self.rank[c]) if self.rated[c] else None,
                "rank_median": _opt(self.rank_median[c]),
                "rank_low": _opt(self.rank_low[c]),
                "rank_high": _opt(self.rank_high[c]),
                "total": float(self.total[c]),
                "total_median": float(self.total_median[c]),
                "total_low": float(self.total_low[c]),
                "total_high": float(self.total_high[c]),
            })
            out.append(rec)
        return out

    def __repr__(self) -> str:
        n = len(self.flips())
        what = "award flips" if n == 1 else "awards flip"
        return (f"<WeightSensitivity {self.draws} draws x {len(self.companies)} companies: "
                f"{n} {what}>")

    def _repr_html_(self) -> str:
        e = html.escape
        order = np.lexsort((np.arange(len(self.companies)), -self.p_differs))
        shown = order[:HTML_ROWS]
        head = "".join(f"<th>P({s}★)</th>" for s in range(self.top + 1))
        rows = []
        for c in shown.tolist():
            stars = f"{self.awarded[c]}★" if self.rated[c] else "not rated"
            probs = "".join(f"<td>{self.p_stars[c, s]:.1%}</td>" for s in range(self.top + 1))
            rank = "-" if np.isnan(self.rank_median[c]) else (
                f"{self.rank_median[c]:g} ({self.rank_low[c]:g}–{self.rank_high[c]:g})")
            rows.append(
                f"<tr><td>{e(self.companies[c])}</td><td>{e(stars)}</td>"
                f"<td>{self.p_differs[c]:.1%}</td>{probs}<td>{e(rank)}</td>"
                f"<td>{self.total_low[c]:g}–{self.total_high[c]:g}</td></tr>"
            )
        more = (f"<p>… {len(self.companies) - len(shown)} more companies (use to_records())</p>"
                if len(self.companies) > len(shown) else "")
        spreads = ", ".join(f"{k} ±{v:.0%}" for k, v in
                            {**self.source_spread, **self.dimension_spread}.items())
        return (
            f"<div><p><b>Weight sensitivity</b>: {self.draws} draws x {len(self.companies)} "
            f"companies, {len(self.flips())} awards flip in ≥ {FLIP_SHARE:.0%} of draws; "
            f"spreads {e(spreads)}</p>"
            f"<table><thead><tr><th>company</th><th>stars</th><th>P(differs)</th>{head}"
            f"<th>rank median (5–95 %)</th><th>total 5–95 %</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{more}</div>"
        )


def _opt(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


# --------------------------------------------------------------------------------- the entry


def weight_sensitivity(
    report: Report,
    *,
    draws: int = 1000,
    spread: float = 0.2,
    source_spread: Spread | None = None,
    dimension_spread: Spread | None = None,
    seed: int | None = 0,
    chunk: int | None = None,
    keep: int = 0,
    workers: int | None = None,
) -> WeightSensitivity:
    """Monte Carlo over the rubric's source and dimension weights (see the module's docstring).

    ``draws`` random weightings; each source's and each dimension's weight is multiplied by an
    independent factor uniform in ``[1 - spread, 1 + spread]`` (``0 <= spread < 1``), with
    ``source_spread`` / ``dimension_spread`` overriding it per kind (a number, or a mapping
    from id to spread). Dimension factors are renormalised so the total maximum is unchanged: a
    dimension's maximum is the rubric's, relative to the others, times its factor. Source
    weights are renormalised per company and indicator over the sources present, as scoring
    does. ``seed`` makes the draws reproducible: the same seed gives identical results whatever
    ``chunk`` and ``workers`` (with ``rounding: none`` the unrounded totals can differ in their
    last bits between chunk sizes). ``chunk`` draws are evaluated at a time (default: about
    two million company-draws per chunk); ``workers`` threads share the chunks (default: the
    number of CPUs, at most 4). ``keep`` stores the first ``keep`` draws' per-company totals,
    stars and ranks in the result.
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ValueError(f"draws must be a positive integer, not {draws!r}")
    if isinstance(keep, bool) or not isinstance(keep, int) or not 0 <= keep <= draws:
        raise ValueError(f"keep must be an integer from 0 to draws ({draws}), not {keep!r}")
    plan = report.plan
    src_sp = _spreads(source_spread, spread, plan.sources, "source")
    dim_sp = _spreads(dimension_spread, spread, plan.dimensions, "dimension")
    n_c = len(report)
    rng = np.random.default_rng(seed)
    u = rng.random((draws, len(plan.sources) + len(plan.dimensions)))
    sp = np.concatenate([src_sp, dim_sp])
    factors = 1.0 + (2.0 * u - 1.0) * sp[None, :]
    sf = np.ascontiguousarray(factors[:, : len(plan.sources)])
    df = np.ascontiguousarray(factors[:, len(plan.sources):])

    engine = _Engine(report, src_sp, dim_sp)
    if chunk is None:
        chunk = int(min(4096, max(16, (1 << 21) // max(1, n_c + engine.n_pairs))))
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise ValueError(f"chunk must be a positive integer, not {chunk!r}")
    if workers is None:
        workers = min(4, os.cpu_count() or 1)
    result = engine.run(sf, df, chunk=chunk, keep=keep, workers=max(1, int(workers)))
    return WeightSensitivity(
        companies=tuple(str(c) for c in report.companies.tolist()),
        sources=plan.sources,
        dimensions=plan.dimensions,
        draws=draws,
        seed=seed,
        source_spread=dict(zip(plan.sources, src_sp.tolist(), strict=True)),
        dimension_spread=dict(zip(plan.dimensions, dim_sp.tolist(), strict=True)),
        top=engine.top,
        rated=report.awards.rated.copy(),
        awarded=report.awards.stars.astype(np.int64),
        total=report.scores.total.astype(np.float64),
        rank=report.awards.rank.astype(np.int64),
        source_factors=sf,
        dimension_factors=df,
        **result,
    )


def _spreads(given: Spread | None, default: float, ids: Sequence[str], what: str) -> FloatArray:
    """Per-id spreads from one number or a mapping (ids left out keep ``default``)."""
    _check_spread(default, "spread")
    if given is None:
        return np.full(len(ids), float(default))
    if isinstance(given, Mapping):
        unknown = sorted(set(given) - set(ids))
        if unknown:
            raise ValueError(f"{what}_spread names unknown {what}(s) {', '.join(unknown)}; "
                             f"the rubric's are {', '.join(ids)}")
        out = [float(given.get(i, default)) for i in ids]
        for i, v in zip(ids, out, strict=True):
            _check_spread(v, f"{what}_spread[{i!r}]")
        return np.array(out, dtype=np.float64)
    _check_spread(given, f"{what}_spread")
    return np.full(len(ids), float(given))


def _check_spread(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            0.0 <= float(value) < 1.0):
        raise ValueError(f"{name} must be a number from 0 up to (not including) 1, "
                         f"not {value!r}")


# --------------------------------------------------------------------------------- the engine


@dataclass(slots=True)
class _Chunk:
    """What one chunk of draws contributes (integer counts: order of chunks is irrelevant)."""

    joint: IntArray  # (J, Lj) draws whose nested varying conditions hold, per joint level
    generic: IntArray  # (G, n_cat) outcome counts of the generic rows
    kept: dict[str, AnyArray] | None


class _Engine:
    """Everything a draw needs, precomputed from a report. Axes: C companies, S sources,
    U units (a pattern of present sources and one source of it; unit 0 is the rubric's
    defaults), D dimensions, L levels."""

    def __init__(self, report: Report, src_sp: FloatArray, dim_sp: FloatArray,
                 *, generic: bool = False) -> None:
        plan, sc, aw = report.plan, report.scores, report.awards
        rubric = plan.rubric
        n_c, n_s, n_i = sc.weight.shape
        n_d, n_l = len(plan.dimensions), len(plan.level_stars)
        self.n_c, self.n_d, self.n_l = n_c, n_d, n_l
        self.top = int(rubric.top_stars)
        self.not_rated = self.top + 1  # outcome code of "not rated"
        self.n_cat = self.top + 2
        self.w = plan.source_weight.astype(np.float64)
        self.dim_max = plan.dimension_max.astype(np.float64)
        self.m_total = float(self.dim_max.sum())

        # ---- patterns of present sources and their units
        present = sc.weight > 0
        bits = (present.astype(np.int64) << np.arange(n_s, dtype=np.int64)[None, :, None]).sum(
            axis=1)  # (C, I)
        self.patterns: list[tuple[list[int], list[int]]] = []  # (sources, units)
        unit_of: dict[tuple[int, int], int] = {}
        pattern_ids = np.unique(bits[bits > 0]).tolist()
        for k in pattern_ids:
            members = [s for s in range(n_s) if k >> s & 1]
            us = list(range(len(unit_of) + 1, len(unit_of) + 1 + len(members)))
            unit_of.update(zip(((k, s) for s in members), us, strict=True))
            self.patterns.append((members, us))
        n_u = len(unit_of) + 1
        self.n_u = n_u

        # ---- points per unit and dimension (base) and per unit (bonus)
        is_bonus = plan.is_bonus
        base = ~is_bonus
        member = np.zeros((n_i, n_d))
        member[np.flatnonzero(base), plan.dimension_of[base]] = 1.0
        pts = np.nan_to_num(sc.source_points) * plan.scale[None, None, :]  # (C, S, I)
        dpts = np.where(sc.defaulted, sc.points, 0.0)  # (C, I) defaults, in total points
        a = np.zeros((n_c, n_u, n_d))
        b = np.zeros((n_c, n_u))
        a[:, 0, :] = dpts @ member
        b[:, 0] = dpts[:, is_bonus].sum(axis=1)
        for k in pattern_ids:
            mask = bits == k
            for s in range(n_s):
                if k >> s & 1:
                    v = np.where(mask, pts[:, s, :], 0.0)
                    a[:, unit_of[(k, s)], :] = v @ member
                    b[:, unit_of[(k, s)]] = v[:, is_bonus].sum(axis=1)

        # bounds of each unit's renormalised weight over the spreads (for cheap certainties)
        self.omega_lo = np.ones(n_u)
        for members, us in self.patterns:
            lo_w = self.w[members] * (1.0 - src_sp[members])
            hi_w = self.w[members] * (1.0 + src_sp[members])
            for j, u in enumerate(us):
                self.omega_lo[u] = lo_w[j] / (lo_w[j] + hi_w.sum() - hi_w[j])

        # ---- the total: base columns (unit, dimension), then bonus columns (unit)
        cap = plan.bonus_cap
        b_lo, b_hi = self._bounds(b[:, :, None])
        self.capped = bool(np.isfinite(cap) and (b_hi[:, 0] > cap * (1.0 + 1e-9)).any())
        flat = a.reshape(n_c, n_u * n_d)
        cols = np.flatnonzero(np.any(flat != 0.0, axis=0))
        col_u, col_d = cols // n_d, cols % n_d
        b_cols = np.flatnonzero(np.any(b != 0.0, axis=0))
        self.cap = float(cap)
        if self.capped:
            self.total_a = np.ascontiguousarray(flat[:, cols])
            self.bonus_b = np.ascontiguousarray(b[:, b_cols])
            self.bonus_u = b_cols
        else:
            self.total_a = np.ascontiguousarray(np.concatenate([flat[:, cols], b[:, b_cols]],
                                                               axis=1))
            col_u = np.concatenate([col_u, b_cols])
            col_d = np.concatenate([col_d, np.full(b_cols.size, n_d)])
            self.bonus_b = np.zeros((n_c, 0))
            self.bonus_u = np.zeros(0, dtype=np.int64)
        self.col_u, self.col_d = col_u.astype(np.int64), col_d.astype(np.int64)

        # ---- rounding: totals become integer codes (total = code / 10**digits), rounded as
        # scoring rounds them; as in scoring, rounding never lifts a total above the most that
        # can be scored
        self.rounding = plan.rounding
        self.digits = plan.digits
        self.f = 10.0 ** plan.digits
        self.most = plan.most_total
        q = math.floor(self.most * self.f) - 1
        while q / self.f < self.most:
            q += 1
        # the first code whose total is at least the most: as raw totals never pass the most,
        # no code passes it, and it stands for the most itself
        self.key_cap = q
        t = plan.level_min_total
        if self.rounding == "none":
            self.key_thr: AnyArray = t - TOLERANCE * np.maximum(1.0, np.abs(t))
        else:
            self.key_thr = np.array([self._code_threshold(float(x)) for x in t],
                                    dtype=np.int64)
        nested = bool(np.all(np.diff(t) > 0))

        # totals that cannot be negative round in place with scoring's own half-up codes
        self.fast_half_up = (self.rounding == "half_up"
                             and float(self.total_a.min(initial=0.0)) >= 0
                             and float(self.bonus_b.min(initial=0.0)) >= 0)

        # ---- static level conditions: the report's where nothing can vary
        static_ok = np.ones((n_c, n_l), dtype=bool)

        # per-dimension minimum shares, in share-of-maximum space
        share = plan.level_min_share  # (L, D)
        with np.errstate(divide="ignore", invalid="ignore"):
            need = share * self.dim_max[None, :]
            thr = np.where(need >= 1.0, share * (1.0 - TOLERANCE),
                           (need - TOLERANCE * np.maximum(1.0, need)) / self.dim_max[None, :])
        constrained = (share > 0) & (self.dim_max[None, :] > 0)  # (L, D)
        thr = np.where(constrained, thr, -np.inf)
        self.pairs_c = np.zeros(0, dtype=np.int64)
        self.n_pairs = 0
        self.slot_size: list[int] = []
        self.share_levels: list[int] = [int(x) for x in np.flatnonzero(constrained.any(axis=1))]
        if self.share_levels:
            dims = np.flatnonzero(constrained.any(axis=0))
            ar = a[:, :, dims] / self.dim_max[dims][None, None, :]  # (C, U, Dc)
            r_lo, r_hi = self._bounds(ar)
            fixed = (r_hi - r_lo) <= _MARGIN * np.maximum(1.0, np.abs(r_hi))
            th = thr[:, dims][None, :, :]  # (1, L, Dc)
            sure_pass = r_lo[:, None, :] >= th + _MARGIN
            sure_fail = r_hi[:, None, :] < th - _MARGIN
            stated = aw.level_dims[:, :, dims]
            decided = fixed[:, None, :] | sure_pass | sure_fail | ~constrained[:, dims][None]
            verdict = np.where(fixed[:, None, :] | ~constrained[:, dims][None], stated,
                               sure_pass)
            static_ok &= np.where(decided, verdict, True).all(axis=2)
            open_pair = np.asarray((~decided).any(axis=1), dtype=bool)  # (C, Dc)
            pc, pd = self._slots(open_pair)
            self.n_pairs = int(pc.size)
            self.pairs_c = pc
            self.pairs_a = np.ascontiguousarray(ar[pc, :, pd])  # (P, U)
            self.pair_thr = thr[:, dims][:, pd]  # (L, P)
            mono = bool(np.all(thr[1:, dims] >= thr[:-1, dims]))
            nested &= mono
            masks = {tuple(constrained[lv, dims].tolist()) for lv in self.share_levels}
            uniform = len(masks) == 1 and all(
                np.unique(thr[lv, dims][constrained[lv, dims]]).size == 1
                for lv in self.share_levels)
            self.uniform_thr = {lv: float(thr[lv, dims][constrained[lv, dims]][0])
                                for lv in self.share_levels} if uniform else {}
            self.uniform = uniform
        else:
            self.uniform = False
            self.uniform_thr = {}
        self.cu_rows = self.pairs_c[: self.slot_size[0]] if self.n_pairs else self.pairs_c

        # bonus minimums: re-decided where the sources disagree about the bonus
        mb = plan.level_min_bonus
        self.bonus_levels: list[int] = [int(x) for x in np.flatnonzero(mb > 0)]
        varying_bonus = (b_hi - b_lo)[:, 0] > _MARGIN * np.maximum(1.0, np.abs(b_hi[:, 0]))
        if self.bonus_levels:
            static_ok &= np.where(varying_bonus[:, None], True, aw.level_bonus)
            self.cb_rows = np.flatnonzero(varying_bonus)
            self.bonus_rows_b = np.ascontiguousarray(b[self.cb_rows])
            self.mb = mb
            nested &= bool(np.all(np.diff(mb) >= 0)) or self.cb_rows.size == 0
        else:
            self.cb_rows = np.zeros(0, dtype=np.int64)
            self.bonus_rows_b = np.zeros((0, n_u))
            self.mb = mb
        self.static_ok = static_ok

        # rows whose nested varying conditions are more than the total: J = Cu | Cb
        self.j_rows = np.concatenate([self.cu_rows, np.setdiff1d(self.cb_rows, self.cu_rows)]
                                     ).astype(np.int64)
        self.joint_levels = sorted(set(self.share_levels) | set(self.bonus_levels))

        # ---- checks read by gates, requirements and vetoes, when sources disagree about them
        self.plan = plan
        self.met_static = aw.met
        referenced = np.flatnonzero(plan.level_requires.any(axis=0)
                                    | plan.gate_members.any(axis=0)
                                    | np.isin(np.arange(n_i), plan.veto_when)).tolist()
        pm = np.nan_to_num(plan.pass_mark, nan=2.0)
        pm_thr = pm - TOLERANCE * np.maximum(1.0, np.abs(pm))
        cell_c: list[IntArray] = []
        cell_i: list[IntArray] = []
        cell_v: list[FloatArray] = []
        moving = src_sp > 0
        for i in referenced:
            val = np.where(present[:, :, i], np.nan_to_num(sc.value[:, :, i]), np.nan)
            n_present = present[:, :, i].sum(axis=1)
            yes = (val >= pm_thr[i]).any(axis=1)
            no = (val < pm_thr[i]).any(axis=1)
            moves = (present[:, :, i] & moving[None, :]).any(axis=1)
            cs = np.flatnonzero((n_present >= 2) & yes & no & moves)
            if cs.size:
                cell_c.append(cs)
                cell_i.append(np.full(cs.size, i, dtype=np.int64))
                cell_v.append(val[cs])
        if cell_c:
            self.cell_c = np.concatenate(cell_c)
            self.cell_i = np.concatenate(cell_i)
            vals = np.concatenate(cell_v)  # (cells, S)
            v_mat = np.zeros((self.cell_c.size, n_u))
            k_of = bits[self.cell_c, self.cell_i]
            for s in range(n_s):
                on = (k_of >> s & 1).astype(bool)
                units = np.array([unit_of.get((int(k), s), 0) for k in k_of[on].tolist()],
                                 dtype=np.int64)
                v_mat[np.flatnonzero(on), units] = vals[on, s]
            self.cell_v = v_mat
            self.cell_thr = pm_thr[self.cell_i]
        else:
            self.cell_c = np.zeros(0, dtype=np.int64)
            self.cell_i = np.zeros(0, dtype=np.int64)
            self.cell_v = np.zeros((0, n_u))
            self.cell_thr = np.zeros(0)

        # ---- what weights cannot move: the report's own decisions
        self.claimed = aw.claimed.astype(np.int64)
        self.eligible = aw.eligible
        self.stated_rated = aw.rated
        self.stated_stars = aw.stars.astype(np.int64)

        # ---- generic rows: decided draw by draw; the others through a table of outcomes
        g_mask = np.zeros(n_c, dtype=bool)
        g_mask[self.cell_c] = True
        if not nested:
            g_mask[self.j_rows] = True
        if generic or not np.all(np.diff(t) > 0):
            g_mask[:] = True
        self.g_rows = np.flatnonzero(g_mask)
        self.f_rows = np.flatnonzero(~g_mask)
        self.j_pos = np.full(n_c, -1, dtype=np.int64)
        self.j_pos[self.j_rows] = np.arange(self.j_rows.size)

        # table of outcomes of the fast rows: by the number m of nested varying levels met
        m = np.arange(n_l + 1)[None, :]
        rows = self.f_rows
        self.table = self._decide(
            rows, np.stack([np.broadcast_to(m > lv, (rows.size, n_l + 1))
                            for lv in range(n_l)], axis=-1),
            np.broadcast_to(self.met_static[rows][:, None, :], (rows.size, n_l + 1, n_i)))

        # ---- storage of keys (rounded totals) and ranks
        if self.rounding == "none":
            self.key_dtype: Any = np.float64
        else:
            self.key_dtype = (np.uint16 if float(self.total_a.min(initial=0.0)) >= 0
                              and float(self.bonus_b.min(initial=0.0)) >= 0
                              and self.key_cap < 65000 else np.int64)
        self.rank_dtype: Any = np.uint16 if n_c < 65000 else np.uint32
        if self.rounding == "none":
            self.key_thr_k: AnyArray = self.key_thr
        else:
            info = np.iinfo(self.key_dtype)
            self.key_thr_k = np.clip(self.key_thr, info.min, info.max).astype(self.key_dtype)

    # ----------------------------------------------------------------- precomputation helpers

    def _bounds(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Lower and upper bounds over the spreads of ``sum_u x[:, u, :] * omega_u`` (C, U, K):
        within a pattern the weights lie in their boxes and add up to one."""
        lo = x[:, 0, :].copy()
        hi = x[:, 0, :].copy()
        for _members, us in self.patterns:
            v = x[:, us, :]
            wl = self.omega_lo[us]
            rest = max(0.0, 1.0 - float(wl.sum()))
            fixed = (v * wl[None, :, None]).sum(axis=1)
            lo += fixed + rest * v.min(axis=1)
            hi += fixed + rest * v.max(axis=1)
        slack = _MARGIN * np.maximum(1.0, np.abs(hi))
        return lo - slack, hi + slack

    def _slots(self, open_pair: BoolArray) -> tuple[IntArray, IntArray]:
        """Open (company, dimension) pairs ordered in slots: slot k holds the k-th open
        dimension of every company with more than k, companies by decreasing count, so that
        each slot is a prefix of the first and minimums need no indexing."""
        counts = open_pair.sum(axis=1)
        comp = np.flatnonzero(counts)
        comp = comp[np.argsort(-counts[comp], kind="stable")]
        pcs, pds = [], []
        for k in range(int(counts.max(initial=0))):
            rows = comp[counts[comp] > k]
            # the k-th open dimension of each of these companies
            kth = np.argmax(np.cumsum(open_pair[rows], axis=1) > k, axis=1)
            pcs.append(rows)
            pds.append(kth)
            self.slot_size.append(int(rows.size))
        if not pcs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return (np.concatenate(pcs).astype(np.int64), np.concatenate(pds).astype(np.int64))

    def _slot_reduce(self, x: AnyArray, op: Any) -> AnyArray:
        """Reduce per company over its slots with ``op`` (in place; returns a view)."""
        off = self.slot_size[0]
        for size in self.slot_size[1:]:
            op(x[:size], x[off:off + size], out=x[:size])
            off += size
        return x[: self.slot_size[0]]

    # ----------------------------------------------------------------- per-draw quantities

    def omega(self, sf: FloatArray) -> FloatArray:
        """(U, n) renormalised source weights of each unit in each draw."""
        n = sf.shape[0]
        wf = sf * self.w[None, :]
        om = np.empty((self.n_u, n))
        om[0] = 1.0
        for members, us in self.patterns:
            part = wf[:, members]
            om[us] = (part / part.sum(axis=1)[:, None]).T
        return om

    def gprime(self, df: FloatArray) -> FloatArray:
        """(D + 1, n) renormalised dimension factors; the last row (bonus) is 1."""
        n = df.shape[0]
        out = np.ones((self.n_d + 1, n))
        if self.m_total > 0:
            den = (df * self.dim_max[None, :]).sum(axis=1)
            out[: self.n_d] = (df * (self.m_total / den)[:, None]).T
        return out

    def totals_into(self, om: FloatArray, gp: FloatArray, key: AnyArray,
                    n_keep: int) -> FloatArray:
        """Write each draw's rounded totals (keys) into ``key`` (C, n); return the raw totals
        of the first ``n_keep`` draws. Row blocks keep the work in cache (and small products
        on one BLAS thread, which is faster when the cores are shared)."""
        n_c, n = key.shape
        f = om[self.col_u] * gp[self.col_d]  # (Q, n)
        fb = om[self.bonus_u]
        kept = np.empty((n_c, n_keep))
        rb = max(1, min(16384 // max(1, n), _BLAS_ONE_THREAD // max(1, n * f.shape[0])))
        buf = np.empty((min(rb, n_c), n))
        scratch = np.empty_like(buf)
        for r0 in range(0, n_c, rb):
            r1 = min(n_c, r0 + rb)
            t = np.matmul(self.total_a[r0:r1], f, out=buf[: r1 - r0])
            if self.capped:
                t += np.minimum(self.bonus_b[r0:r1] @ fb, self.cap)
            if n_keep:
                kept[r0:r1] = t[:, :n_keep]
            self.round_into(t, key[r0:r1], scratch[: r1 - r0])
        return kept

    def round_into(self, total: FloatArray, out: AnyArray, scratch: FloatArray) -> None:
        """Write the keys of ``total`` into ``out``: the codes of the totals rounded as scoring
        rounds them, or the raw totals when the rubric does not round. ``total`` and
        ``scratch`` (same shape) are overwritten."""
        if self.rounding == "none":
            out[...] = total
            return
        if self.fast_half_up:
            t = half_up_codes(total, self.digits, scratch)
        else:
            t = round_values(total, self.digits, self.rounding)
            t *= self.f
            np.rint(t, out=t)
        out[...] = t

    def totals_of(self, keys: AnyArray) -> FloatArray:
        """The totals that keys stand for."""
        if self.rounding == "none":
            return np.asarray(keys, dtype=np.float64)
        k = np.asarray(keys, dtype=np.float64)
        return np.where(k >= self.key_cap, self.most, k / self.f)

    def _code_threshold(self, t: float) -> int:
        """The smallest code whose total reaches ``t`` as :func:`at_least` says."""
        q = math.floor(t * self.f) - 2
        while q <= self.key_cap and not bool(at_least(self.totals_of(np.array([q])), t)[0]):
            q += 1
        return q  # key_cap + 1 when no total reaches t

    def joint_ok(self, om: FloatArray) -> dict[int, BoolArray]:
        """Per joint level, (J, n): the per-dimension minimums and the bonus minimum hold."""
        n = om.shape[1]
        out: dict[int, BoolArray] = {}
        if not self.joint_levels:
            return out
        dims: dict[int, BoolArray] = {}
        if self.n_pairs:
            r = _matmul(self.pairs_a, om)  # (P, n)
            if self.uniform:
                rmin = self._slot_reduce(r, np.minimum)
                for lv in self.share_levels:
                    dims[lv] = rmin >= self.uniform_thr[lv]
            else:
                for lv in self.share_levels:
                    ok = r >= self.pair_thr[lv][:, None]
                    dims[lv] = self._slot_reduce(ok, np.logical_and)
        bonus: FloatArray | None = None
        if self.cb_rows.size and self.bonus_levels:
            bonus_raw = _matmul(self.bonus_rows_b, om)
            bonus = np.minimum(bonus_raw, self.cap)
        same_rows = self.j_rows.size == self.cu_rows.size
        for lv in self.joint_levels:
            if lv in dims and same_rows and not (bonus is not None and lv in self.bonus_levels):
                out[lv] = dims[lv]
                continue
            ok = np.ones((self.j_rows.size, n), dtype=bool)
            if lv in dims:
                ok[self.j_pos[self.cu_rows]] = dims[lv]
            if bonus is not None and lv in self.bonus_levels:
                ok[self.j_pos[self.cb_rows]] &= at_least(bonus, float(self.mb[lv]))
            out[lv] = ok
        return out

    def cells_met(self, om: FloatArray) -> BoolArray:
        """(cells, n): the disputed checks met in each draw."""
        cv = _matmul(self.cell_v, om)
        return np.asarray(cv >= self.cell_thr[:, None])

    # ----------------------------------------------------------------- decisions

    def _decide(self, rows: IntArray, passing: BoolArray,
                met: BoolArray) -> npt.NDArray[np.int8]:
        """Outcome codes (stars, or ``top + 1`` for not rated) of ``rows`` (rows, n), given per
        level whether its weight-dependent conditions hold (rows, n, L) and the checks met
        (rows, n, I): awarding's own :func:`~red_property.awarding.decide`, over the draws."""
        conditions = passing & self.static_ok[rows][:, None, :]
        d = decide(self.plan, conditions=np.moveaxis(conditions, 1, 0),
                   met=np.moveaxis(met, 1, 0), claimed=self.claimed[rows],
                   eligible=self.eligible[rows])
        return np.where(d.rated, d.stars, self.not_rated).T.astype(np.int8)

    def _met_rows(self, rows: IntArray, cells: BoolArray, cols: slice) -> BoolArray:
        """(rows, n, I): the checks met by ``rows`` over the chunk's columns ``cols``."""
        n = cells[:, cols].shape[1]
        met = np.repeat(self.met_static[rows][:, None, :], n, axis=1)
        if self.cell_c.size:
            pos = np.full(self.n_c, -1, dtype=np.int64)
            pos[rows] = np.arange(rows.size)
            inside = np.flatnonzero(pos[self.cell_c] >= 0)
            met[pos[self.cell_c[inside]], :, self.cell_i[inside]] = cells[inside, cols]
        return met

    def _passing(self, rows: IntArray, key: AnyArray, joint: dict[int, BoolArray],
                 cols: slice) -> BoolArray:
        """(rows, n, L): the nested weight-dependent conditions hold."""
        out = []
        jp = self.j_pos[rows]
        has = jp >= 0
        for lv in range(self.n_l):
            ok = np.asarray(key >= self.key_thr_k[lv])
            if lv in joint and has.any():
                ok[has] &= joint[lv][jp[has]][:, cols]
            out.append(ok)
        return np.stack(out, axis=-1)

    # ----------------------------------------------------------------- the run

    def chunk(self, sf: FloatArray, df: FloatArray, j0: int, keep: int,
              store_key: AnyArray, store_rank: AnyArray, store_g_rated: BoolArray) -> _Chunk:
        """Evaluate draws ``j0 .. j0 + n``; write their keys and ranks into the stores."""
        n = sf.shape[0]
        j1 = j0 + n
        om = self.omega(sf)
        n_keep = max(0, min(n, keep - j0))
        key = np.empty((self.n_c, n), dtype=self.key_dtype)
        raw_kept = self.totals_into(om, self.gprime(df), key, n_keep)
        store_key[:, j0:j1] = key
        joint = self.joint_ok(om)
        cells = self.cells_met(om)
        thr = self.key_thr_k

        # fast rows in J: counts of draws meeting each joint level's nested conditions
        counts = np.zeros((self.j_rows.size, len(self.joint_levels)), dtype=np.int64)
        if self.j_rows.size:
            kj = key[self.j_rows]
            for k, lv in enumerate(self.joint_levels):
                ok = kj >= thr[lv]
                ok &= joint[lv]
                counts[:, k] = np.count_nonzero(ok, axis=1)

        # generic rows: draw by draw
        g = self.g_rows
        g_counts = np.zeros((g.size, self.n_cat), dtype=np.int64)
        g_rated: BoolArray | None = None
        if g.size:
            out = self._decide(g, self._passing(g, key[g], joint, slice(0, n)),
                               self._met_rows(g, cells, slice(0, n)))
            for v in range(self.n_cat):
                g_counts[:, v] = np.count_nonzero(out == v, axis=1)
            g_rated = np.asarray(out != self.not_rated)
            store_g_rated[:, j0:j1] = g_rated
        rank = self._ranks(key, g_rated)
        store_rank[:, j0:j1] = rank

        kept = None
        if n_keep:
            cols = slice(0, n_keep)
            rows = np.arange(self.n_c)
            out = self._decide(rows, self._passing(rows, key[:, cols], joint, cols),
                               self._met_rows(rows, cells, cols))
            rated_k = out != self.not_rated
            kept = {
                "raw": raw_kept.T.copy(),
                "key": np.asarray(key[:, cols]).T.astype(np.float64),
                "stars": np.where(rated_k, out, 0).T.astype(np.int64),
                "rated": rated_k.T.copy(),
                "rank": np.asarray(rank[:, cols]).T.astype(np.int64),
            }
        return _Chunk(joint=counts, generic=g_counts, kept=kept)

    def _ranks(self, key: AnyArray, g_rated: BoolArray | None) -> AnyArray:
        """(C, n) competition ranks on the key among rated companies (0 when not rated), by
        awarding's own :func:`~red_property.awarding.rank`: rated as at the stated weights,
        and the generic rows as decided in each draw."""
        rated: BoolArray = self.stated_rated[:, None]
        if g_rated is not None and not g_rated.all():
            rated = np.repeat(rated, key.shape[1], axis=1)
            rated[self.g_rows] = g_rated
        return np.asarray(rank(key, rated, axis=0), dtype=self.rank_dtype)

    def run(self, sf: FloatArray, df: FloatArray, *, chunk: int, keep: int,
            workers: int) -> dict[str, Any]:
        """All draws, then the per-company summaries."""
        draws = sf.shape[0]
        n_c, n_l = self.n_c, self.n_l
        store_key = np.empty((n_c, draws), dtype=self.key_dtype)
        store_rank = np.empty((n_c, draws), dtype=self.rank_dtype)
        store_g_rated = np.empty((self.g_rows.size, draws), dtype=bool)
        starts = list(range(0, draws, chunk))

        def one(j0: int) -> tuple[int, _Chunk]:
            j1 = min(draws, j0 + chunk)
            return j0, self.chunk(sf[j0:j1], df[j0:j1], j0, keep, store_key, store_rank,
                                  store_g_rated)

        parts = _map(one, starts, workers)
        joint = np.zeros((self.j_rows.size, len(self.joint_levels)), dtype=np.int64)
        g_counts = np.zeros((self.g_rows.size, self.n_cat), dtype=np.int64)
        kept_parts: list[tuple[int, dict[str, AnyArray]]] = []
        for j0, part in parts:
            joint += part.joint
            g_counts += part.generic
            if part.kept is not None:
                kept_parts.append((j0, part.kept))
        kept_parts.sort(key=lambda x: x[0])

        # per company: quantiles of keys and ranks, and the fast rows' counts per level
        level_counts = np.zeros((n_c, n_l), dtype=np.int64)
        key_q = np.zeros((n_c, 3))
        rank_q = np.full((n_c, 3), np.nan)
        qs = np.array([0.5, LOW, HIGH])
        pos = _positions(qs, np.array([draws]))[0]
        if self.rounding == "none":
            thr_key: AnyArray = self.key_thr_k
        else:
            thr_key = self.key_thr_k.astype(self.key_dtype)
        maybe_unrated = ~self.stated_rated
        maybe_unrated[self.g_rows] = True
        block = max(1, min(n_c, (1 << 22) // max(1, draws)))

        def summarise(c0: int) -> None:
            c1 = min(n_c, c0 + block)
            keys = np.sort(store_key[c0:c1], axis=1, kind="stable")
            key_q[c0:c1] = keys[:, pos]
            for r in range(c1 - c0):
                level_counts[c0 + r] = draws - np.searchsorted(keys[r], thr_key, side="left")
            del keys
            ranks = np.sort(store_rank[c0:c1], axis=1, kind="stable")
            zeros = np.zeros(c1 - c0, dtype=np.int64)
            for r in np.flatnonzero(maybe_unrated[c0:c1]).tolist():
                zeros[r] = np.searchsorted(ranks[r], self.rank_dtype(1), side="left")
            m = draws - zeros
            at = zeros[:, None] + _positions(qs, m)
            got = np.take_along_axis(ranks, np.minimum(at, draws - 1), axis=1)
            rank_q[c0:c1] = np.where(m[:, None] > 0, got, np.nan)

        _map(summarise, list(range(0, n_c, block)), workers)

        # outcome counts: generic rows counted draw by draw; fast rows through their table
        outcome = np.zeros((n_c, self.n_cat), dtype=np.int64)
        outcome[self.g_rows] = g_counts
        if self.f_rows.size:
            lc = level_counts[self.f_rows]
            fj = self.j_pos[self.f_rows]
            in_j = fj >= 0
            for k, lv in enumerate(self.joint_levels):
                lc[in_j, lv] = joint[fj[in_j], k]
            ge = np.concatenate([np.full((lc.shape[0], 1), draws), lc,
                                 np.zeros((lc.shape[0], 1), dtype=np.int64)], axis=1)
            per_m = ge[:, :-1] - ge[:, 1:]  # (F, L + 1): draws meeting exactly m levels
            rows = np.repeat(self.f_rows, n_l + 1)
            np.add.at(outcome, (rows, self.table.ravel().astype(np.int64)), per_m.ravel())

        stated = np.where(self.stated_rated, self.stated_stars, self.not_rated)
        same = outcome[np.arange(n_c), stated]
        p = outcome / draws
        p_stars = p[:, : self.top + 1].copy()
        p_stars[:, 0] += p[:, self.not_rated]

        def kept(k: str, dtype: Any) -> AnyArray:
            if not kept_parts:
                return np.zeros((0, n_c), dtype=dtype)
            return np.concatenate([x[k] for _, x in kept_parts], axis=0).astype(dtype)

        return {
            "p_stars": p_stars,
            "p_not_rated": p[:, self.not_rated].copy(),
            "p_differs": (draws - same) / draws,
            "rank_median": rank_q[:, 0].copy(),
            "rank_low": rank_q[:, 1].copy(),
            "rank_high": rank_q[:, 2].copy(),
            "total_median": self.totals_of(key_q[:, 0]),
            "total_low": self.totals_of(key_q[:, 1]),
            "total_high": self.totals_of(key_q[:, 2]),
            "kept_raw_total": kept("raw", np.float64),
            "kept_total": self.totals_of(kept("key", np.float64)),
            "kept_stars": kept("stars", np.int64),
            "kept_rated": kept("rated", np.bool_),
            "kept_rank": kept("rank", np.int64),
        }


def _matmul(a: FloatArray, b: FloatArray) -> FloatArray:
    """``a @ b`` in row blocks small enough for BLAS to stay on one thread."""
    k, n = b.shape
    out = np.empty((a.shape[0], n))
    rb = max(1, _BLAS_ONE_THREAD // max(1, n * k))
    for r0 in range(0, a.shape[0], rb):
        np.matmul(a[r0:r0 + rb], b, out=out[r0:r0 + rb])
    return out


def _positions(qs: FloatArray, m: IntArray) -> IntArray:
    """(len(m), len(qs)) 0-based positions of the ``qs`` quantiles among ``m`` sorted values by
    the inverted empirical distribution function: the ``ceil(q * m)``-th smallest value."""
    at = np.ceil(qs[None, :] * m[:, None] - 1e-9).astype(np.int64) - 1
    return np.clip(at, 0, np.maximum(m[:, None] - 1, 0))


def _map(fn: Any, items: list[int], workers: int) -> list[Any]:
    """``[fn(x) for x in items]``, on up to ``workers`` threads (numpy releases the GIL)."""
    if workers > 1 and len(items) > 1:
        with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
            return list(pool.map(fn, items))
    return [fn(x) for x in items]
