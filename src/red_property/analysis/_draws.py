"""The engine of :func:`~red_property.analysis.weight_sensitivity`: everything a draw needs,
precomputed from a report, and the draws themselves (see the sensitivity module's docstring
for what is computed and how). Stars are decided by awarding's own
:func:`~red_property.awarding.decide` and ranked by its :func:`~red_property.awarding.rank`.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .._tolerance import TOLERANCE, at_least
from ..awarding import decide, rank
from ..report import Report
from ..scoring import half_up_codes, round_values
from ._resample import positions, run_chunks, spans

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
AnyArray = npt.NDArray[Any]

#: The interval reported for ranks and totals.
LOW, HIGH = 0.05, 0.95
_MARGIN = 1e-12  # relative slack for bounds computed in floating point
# Products are done in row blocks of at most this many multiply-adds: OpenBLAS runs such small
# products on the calling thread. Its own threads spin after a large product and take the cores
# that the chunks (and other programs) need; parallelism comes from the chunks instead.
_BLAS_ONE_THREAD = 1 << 17


# --------------------------------------------------------------------------------- the engine


@dataclass(slots=True)
class _Chunk:
    """What one chunk of draws contributes (integer counts: order of chunks is irrelevant)."""

    joint: IntArray  # (J, Lj) draws whose nested varying conditions hold, per joint level
    generic: IntArray  # (G, n_cat) outcome counts of the generic rows
    kept: dict[str, AnyArray] | None


class Engine:
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
            t = half_up_codes(np.multiply(total, self.f, out=total), scratch)
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
            workers: int, client: Any = None) -> dict[str, Any]:
        """All draws (here on ``workers`` threads, or as tasks on a Dask cluster), then the
        per-company summaries."""
        draws = sf.shape[0]
        n_c, n_l = self.n_c, self.n_l
        store_key = np.empty((n_c, draws), dtype=self.key_dtype)
        store_rank = np.empty((n_c, draws), dtype=self.rank_dtype)
        store_g_rated = np.empty((self.g_rows.size, draws), dtype=bool)
        starts = list(range(0, draws, chunk))
        parts: list[tuple[int, _Chunk]]
        if client is not None:
            done = run_chunks(_remote_span, (self, sf, df, keep), spans(draws, chunk), client)
            parts = []
            for (j0, j1), (part, key, rank, g_rated) in zip(spans(draws, chunk), done,
                                                            strict=True):
                store_key[:, j0:j1] = key
                store_rank[:, j0:j1] = rank
                store_g_rated[:, j0:j1] = g_rated
                parts.append((j0, part))
        else:
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
        pos = positions(qs, np.array([draws]))[0]
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
            at = zeros[:, None] + positions(qs, m)
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


def _map(fn: Any, items: list[int], workers: int) -> list[Any]:
    """``[fn(x) for x in items]``, on up to ``workers`` threads (numpy releases the GIL)."""
    if workers > 1 and len(items) > 1:
        with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
            return list(pool.map(fn, items))
    return [fn(x) for x in items]


def _remote_span(job: tuple[Engine, FloatArray, FloatArray, int], j0: int, j1: int
                 ) -> tuple[_Chunk, AnyArray, AnyArray, BoolArray]:
    """Draws ``j0 .. j1`` on a worker: what the chunk contributes, and its stores."""
    engine, sf, df, keep = job
    n = j1 - j0
    key = np.empty((engine.n_c, n), dtype=engine.key_dtype)
    rank = np.empty((engine.n_c, n), dtype=engine.rank_dtype)
    g_rated = np.empty((engine.g_rows.size, n), dtype=bool)
    part = engine.chunk(sf[j0:j1], df[j0:j1], 0, max(0, keep - j0), key, rank, g_rated)
    return part, key, rank, g_rated
