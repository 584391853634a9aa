"""The engine of :func:`~red_property.analysis.weight_sensitivity`: everything a draw needs,
precomputed from a report, and the draws themselves (see the sensitivity module's docstring
for what is computed and how). Stars are decided by awarding's own
:func:`~red_property.awarding.decide` and ranked by its :func:`~red_property.awarding.rank`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from .._tolerance import TOLERANCE, at_least, slack
from ..awarding import Awards, decide
from ..plan import Plan
from ..report import Report
from ..scoring import Scores

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


class Engine:
    """Everything a draw needs, precomputed from a report. Axes: C companies, S sources,
    U units (a pattern of present sources and one source of it; unit 0 is the rubric's
    defaults), D dimensions, L levels."""

    def __init__(self, report: Report, src_sp: FloatArray, dim_sp: FloatArray,
                 *, generic: bool = False) -> None:
        plan, sc, aw = report.plan, report.scores, report.awards
        rubric = plan.rubric
        n_c, n_i = sc.weight.shape[0], sc.weight.shape[2]
        n_d, n_l = len(plan.dimensions), len(plan.level_stars)
        self.n_c, self.n_d, self.n_l = n_c, n_d, n_l
        self.top = int(rubric.top_stars)
        self.not_rated = self.top + 1  # outcome code of "not rated"
        self.n_cat = self.top + 2
        self.w = plan.source_weight.astype(np.float64)
        self.dim_max = plan.dimension_max.astype(np.float64)
        self.m_total = float(self.dim_max.sum())
        # granted base points (where the gates pass) and the total's divisor, as in scoring
        self.base = sc.base.astype(np.float64)
        self.divide_by = float(plan.divide_by)
        self.plain = not (self.base.any() or self.divide_by != 1.0)

        present = sc.weight > 0
        bits, unit_of, a, b = self._units(plan, sc, present, src_sp)
        n_u = self.n_u

        # ---- the total: base columns (unit, dimension), then bonus columns (unit)
        cap = plan.bonus_cap
        b_lo, b_hi = self._bounds(b[:, :, None])
        # capped as soon as a bonus can come within float error of the cap: scoring caps a
        # bonus over it by any amount, so one over it by less than the tolerance is capped too
        self.capped = bool(np.isfinite(cap) and (b_hi[:, 0] > cap - float(slack(cap))).any())
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

        nested &= self._share_conditions(plan, aw, a, static_ok)
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
        self._disputed_checks(plan, sc, present, bits, unit_of, src_sp)

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
        self.table = self.decide(
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

    # ----------------------------------------------------------------- precomputation

    def _units(self, plan: Plan, sc: Scores, present: BoolArray, src_sp: FloatArray
               ) -> tuple[IntArray, dict[tuple[int, int], int], FloatArray, FloatArray]:
        """Patterns of present sources and their units; each company's points per unit and
        dimension (base, ``a``) and per unit (bonus, ``b``); bounds of each unit's
        renormalised weight over the spreads."""
        n_c, n_s, n_i = sc.weight.shape
        n_d = self.n_d
        # ---- patterns of present sources and their units
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

        return bits, unit_of, a, b

    def _disputed_checks(self, plan: Plan, sc: Scores, present: BoolArray, bits: IntArray,
                         unit_of: dict[tuple[int, int], int], src_sp: FloatArray) -> None:
        """The checks read by gates, requirements and vetoes on which the sources present
        disagree (so the weights decide them): their cells and per-unit values."""
        n_s, n_i, n_u = sc.weight.shape[1], sc.weight.shape[2], self.n_u
        referenced = np.flatnonzero(plan.level_requires.any(axis=0)
                                    | plan.gate_members.any(axis=0)
                                    | np.isin(np.arange(n_i), plan.veto_when)).tolist()
        pm = np.nan_to_num(plan.pass_mark, nan=2.0)
        pm_thr = pm - slack(pm)
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


    def _share_conditions(self, plan: Plan, aw: Awards, a: FloatArray,
                          static_ok: BoolArray) -> bool:
        """Per-dimension minimum shares, in share-of-maximum space: decided once where the
        spreads cannot move them across a threshold (into ``static_ok``), else kept as open
        (company, dimension) pairs. Returns whether the shares rise with the levels."""
        nested = True
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
        return nested

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

    def decide(self, rows: IntArray, passing: BoolArray,
                met: BoolArray) -> npt.NDArray[np.int8]:
        """Outcome codes (stars, or ``top + 1`` for not rated) of ``rows`` (rows, n), given per
        level whether its weight-dependent conditions hold (rows, n, L) and the checks met
        (rows, n, I): awarding's own :func:`~red_property.awarding.decide`, over the draws."""
        conditions = passing & self.static_ok[rows][:, None, :]
        d = decide(self.plan, conditions=np.moveaxis(conditions, 1, 0),
                   met=np.moveaxis(met, 1, 0), claimed=self.claimed[rows],
                   eligible=self.eligible[rows])
        return np.where(d.rated, d.stars, self.not_rated).T.astype(np.int8)
