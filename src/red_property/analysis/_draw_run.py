"""Running the draws of :func:`~red_property.analysis.weight_sensitivity` on an
:class:`~red_property.analysis._draws.Engine`: each chunk's totals, level conditions, awards
(through awarding's :func:`~red_property.awarding.decide`) and ranks (its
:func:`~red_property.awarding.rank`), then the per-company summaries.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .._tolerance import at_least
from ..awarding import rank
from ..scoring import half_up_codes, round_values
from ._draws import HIGH, LOW, Engine
from ._resample import positions, run_chunks, spans

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
AnyArray = npt.NDArray[Any]

# Products are done in row blocks of at most this many multiply-adds: OpenBLAS runs such small
# products on the calling thread. Its own threads spin after a large product and take the cores
# that the chunks (and other programs) need; parallelism comes from the chunks instead.
_BLAS_ONE_THREAD = 1 << 17


@dataclass(slots=True)
class _Chunk:
    """What one chunk of draws contributes (integer counts: order of chunks is irrelevant)."""

    joint: IntArray  # (J, Lj) draws whose nested varying conditions hold, per joint level
    generic: IntArray  # (G, n_cat) outcome counts of the generic rows
    kept: dict[str, AnyArray] | None


def omega(engine: Engine, sf: FloatArray) -> FloatArray:
    """(U, n) renormalised source weights of each unit in each draw."""
    n = sf.shape[0]
    wf = sf * engine.w[None, :]
    om = np.empty((engine.n_u, n))
    om[0] = 1.0
    for members, us in engine.patterns:
        part = wf[:, members]
        om[us] = (part / part.sum(axis=1)[:, None]).T
    return om


def gprime(engine: Engine, df: FloatArray) -> FloatArray:
    """(D + 1, n) renormalised dimension factors; the last row (bonus) is 1."""
    n = df.shape[0]
    out = np.ones((engine.n_d + 1, n))
    if engine.m_total > 0:
        den = (df * engine.dim_max[None, :]).sum(axis=1)
        out[: engine.n_d] = (df * (engine.m_total / den)[:, None]).T
    return out


def totals_into(engine: Engine, om: FloatArray, gp: FloatArray, key: AnyArray,
                n_keep: int) -> FloatArray:
    """Write each draw's rounded totals (keys) into ``key`` (C, n); return the raw totals
    of the first ``n_keep`` draws. Row blocks keep the work in cache (and small products
    on one BLAS thread, which is faster when the cores are shared)."""
    n_c, n = key.shape
    f = om[engine.col_u] * gp[engine.col_d]  # (Q, n)
    fb = om[engine.bonus_u]
    kept = np.empty((n_c, n_keep))
    rb = max(1, min(16384 // max(1, n), _BLAS_ONE_THREAD // max(1, n * f.shape[0])))
    buf = np.empty((min(rb, n_c), n))
    scratch = np.empty_like(buf)
    for r0 in range(0, n_c, rb):
        r1 = min(n_c, r0 + rb)
        t = np.matmul(engine.total_a[r0:r1], f, out=buf[: r1 - r0])
        if engine.capped:
            t += np.minimum(engine.bonus_b[r0:r1] @ fb, engine.cap)
        if not engine.plain:
            t += engine.base[r0:r1, None]
            t /= engine.divide_by
        if n_keep:
            kept[r0:r1] = t[:, :n_keep]
        round_into(engine, t, key[r0:r1], scratch[: r1 - r0])
    return kept


def round_into(engine: Engine, total: FloatArray, out: AnyArray, scratch: FloatArray) -> None:
    """Write the keys of ``total`` into ``out``: the codes of the totals rounded as scoring
    rounds them, or the raw totals when the rubric does not round. ``total`` and
    ``scratch`` (same shape) are overwritten."""
    if engine.rounding == "none":
        out[...] = total
        return
    if engine.fast_half_up:
        t = half_up_codes(total, engine.digits, scratch)
    else:
        t = round_values(total, engine.digits, engine.rounding)
        t *= engine.f
        np.rint(t, out=t)
    out[...] = t


def joint_ok(engine: Engine, om: FloatArray) -> dict[int, BoolArray]:
    """Per joint level, (J, n): the per-dimension minimums and the bonus minimum hold."""
    n = om.shape[1]
    out: dict[int, BoolArray] = {}
    if not engine.joint_levels:
        return out
    dims: dict[int, BoolArray] = {}
    if engine.n_pairs:
        r = _matmul(engine.pairs_a, om)  # (P, n)
        if engine.uniform:
            rmin = engine._slot_reduce(r, np.minimum)
            for lv in engine.share_levels:
                dims[lv] = rmin >= engine.uniform_thr[lv]
        else:
            for lv in engine.share_levels:
                ok = r >= engine.pair_thr[lv][:, None]
                dims[lv] = engine._slot_reduce(ok, np.logical_and)
    bonus: FloatArray | None = None
    if engine.cb_rows.size and engine.bonus_levels:
        bonus_raw = _matmul(engine.bonus_rows_b, om)
        bonus = np.minimum(bonus_raw, engine.cap)
    same_rows = engine.j_rows.size == engine.cu_rows.size
    for lv in engine.joint_levels:
        if lv in dims and same_rows and not (bonus is not None and lv in engine.bonus_levels):
            out[lv] = dims[lv]
            continue
        ok = np.ones((engine.j_rows.size, n), dtype=bool)
        if lv in dims:
            ok[engine.j_pos[engine.cu_rows]] = dims[lv]
        if bonus is not None and lv in engine.bonus_levels:
            ok[engine.j_pos[engine.cb_rows]] &= at_least(bonus, float(engine.mb[lv]))
        out[lv] = ok
    return out


def cells_met(engine: Engine, om: FloatArray) -> BoolArray:
    """(cells, n): the disputed checks met in each draw."""
    cv = _matmul(engine.cell_v, om)
    return np.asarray(cv >= engine.cell_thr[:, None])

# ----------------------------------------------------------------- decisions


def met_rows(engine: Engine, rows: IntArray, cells: BoolArray, cols: slice) -> BoolArray:
    """(rows, n, I): the checks met by ``rows`` over the chunk's columns ``cols``."""
    n = cells[:, cols].shape[1]
    met = np.repeat(engine.met_static[rows][:, None, :], n, axis=1)
    if engine.cell_c.size:
        pos = np.full(engine.n_c, -1, dtype=np.int64)
        pos[rows] = np.arange(rows.size)
        inside = np.flatnonzero(pos[engine.cell_c] >= 0)
        met[pos[engine.cell_c[inside]], :, engine.cell_i[inside]] = cells[inside, cols]
    return met


def passing(engine: Engine, rows: IntArray, key: AnyArray, joint: dict[int, BoolArray],
             cols: slice) -> BoolArray:
    """(rows, n, L): the nested weight-dependent conditions hold."""
    out = []
    jp = engine.j_pos[rows]
    has = jp >= 0
    for lv in range(engine.n_l):
        ok = np.asarray(key >= engine.key_thr_k[lv])
        if lv in joint and has.any():
            ok[has] &= joint[lv][jp[has]][:, cols]
        out.append(ok)
    return np.stack(out, axis=-1)

# ----------------------------------------------------------------- the run


def run_chunk(engine: Engine, sf: FloatArray, df: FloatArray, j0: int, keep: int,
          store_key: AnyArray, store_rank: AnyArray, store_g_rated: BoolArray) -> _Chunk:
    """Evaluate draws ``j0 .. j0 + n``; write their keys and ranks into the stores."""
    n = sf.shape[0]
    j1 = j0 + n
    om = omega(engine, sf)
    n_keep = max(0, min(n, keep - j0))
    key = np.empty((engine.n_c, n), dtype=engine.key_dtype)
    raw_kept = totals_into(engine, om, gprime(engine, df), key, n_keep)
    store_key[:, j0:j1] = key
    joint = joint_ok(engine, om)
    cells = cells_met(engine, om)
    thr = engine.key_thr_k

    # fast rows in J: counts of draws meeting each joint level's nested conditions
    counts = np.zeros((engine.j_rows.size, len(engine.joint_levels)), dtype=np.int64)
    if engine.j_rows.size:
        kj = key[engine.j_rows]
        for k, lv in enumerate(engine.joint_levels):
            ok = kj >= thr[lv]
            ok &= joint[lv]
            counts[:, k] = np.count_nonzero(ok, axis=1)

    # generic rows: draw by draw
    g = engine.g_rows
    g_counts = np.zeros((g.size, engine.n_cat), dtype=np.int64)
    g_rated: BoolArray | None = None
    if g.size:
        out = engine.decide(g, passing(engine, g, key[g], joint, slice(0, n)),
                            met_rows(engine, g, cells, slice(0, n)))
        for v in range(engine.n_cat):
            g_counts[:, v] = np.count_nonzero(out == v, axis=1)
        g_rated = np.asarray(out != engine.not_rated)
        store_g_rated[:, j0:j1] = g_rated
    rk = ranks(engine, key, g_rated)
    store_rank[:, j0:j1] = rk

    kept = None
    if n_keep:
        cols = slice(0, n_keep)
        rows = np.arange(engine.n_c)
        out = engine.decide(rows, passing(engine, rows, key[:, cols], joint, cols),
                           met_rows(engine, rows, cells, cols))
        rated_k = out != engine.not_rated
        kept = {
            "raw": raw_kept.T.copy(),
            "key": np.asarray(key[:, cols]).T.astype(np.float64),
            "stars": np.where(rated_k, out, 0).T.astype(np.int64),
            "rated": rated_k.T.copy(),
            "rank": np.asarray(rk[:, cols]).T.astype(np.int64),
        }
    return _Chunk(joint=counts, generic=g_counts, kept=kept)


def ranks(engine: Engine, key: AnyArray, g_rated: BoolArray | None) -> AnyArray:
    """(C, n) competition ranks on the key among rated companies (0 when not rated), by
    awarding's own :func:`~red_property.awarding.rank`: rated as at the stated weights,
    and the generic rows as decided in each draw."""
    rated: BoolArray = engine.stated_rated[:, None]
    # the stated flags serve while every generic row is rated as stated in every draw (a row
    # rated in every draw of the chunk may be one the stated weights leave not rated)
    if g_rated is not None and not (g_rated == rated[engine.g_rows]).all():
        rated = np.repeat(rated, key.shape[1], axis=1)
        rated[engine.g_rows] = g_rated
    return np.asarray(rank(key, rated, axis=0), dtype=engine.rank_dtype)


def run(engine: Engine, sf: FloatArray, df: FloatArray, *, chunk: int, keep: int,
        workers: int, client: Any = None) -> dict[str, Any]:
    """All draws (here on ``workers`` threads, or as tasks on a Dask cluster), then the
    per-company summaries."""
    draws = sf.shape[0]
    n_c, n_l = engine.n_c, engine.n_l
    store_key = np.empty((n_c, draws), dtype=engine.key_dtype)
    store_rank = np.empty((n_c, draws), dtype=engine.rank_dtype)
    store_g_rated = np.empty((engine.g_rows.size, draws), dtype=bool)
    starts = list(range(0, draws, chunk))
    parts: list[tuple[int, _Chunk]]
    if client is not None:
        done = run_chunks(_remote_span, (engine, sf, df, keep), spans(draws, chunk), client)
        parts = []
        for (j0, j1), (part, key, rk, g_rated) in zip(spans(draws, chunk), done,
                                                        strict=True):
            store_key[:, j0:j1] = key
            store_rank[:, j0:j1] = rk
            store_g_rated[:, j0:j1] = g_rated
            parts.append((j0, part))
    else:
        def one(j0: int) -> tuple[int, _Chunk]:
            j1 = min(draws, j0 + chunk)
            return j0, run_chunk(engine, sf[j0:j1], df[j0:j1], j0, keep, store_key,
                                 store_rank, store_g_rated)

        parts = _map(one, starts, workers)
    joint = np.zeros((engine.j_rows.size, len(engine.joint_levels)), dtype=np.int64)
    g_counts = np.zeros((engine.g_rows.size, engine.n_cat), dtype=np.int64)
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
    if engine.rounding == "none":
        thr_key: AnyArray = engine.key_thr_k
    else:
        thr_key = engine.key_thr_k.astype(engine.key_dtype)
    maybe_unrated = ~engine.stated_rated
    maybe_unrated[engine.g_rows] = True
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
            zeros[r] = np.searchsorted(ranks[r], engine.rank_dtype(1), side="left")
        m = draws - zeros
        at = zeros[:, None] + positions(qs, m)
        got = np.take_along_axis(ranks, np.minimum(at, draws - 1), axis=1)
        rank_q[c0:c1] = np.where(m[:, None] > 0, got, np.nan)

    _map(summarise, list(range(0, n_c, block)), workers)

    # outcome counts: generic rows counted draw by draw; fast rows through their table
    outcome = np.zeros((n_c, engine.n_cat), dtype=np.int64)
    outcome[engine.g_rows] = g_counts
    if engine.f_rows.size:
        lc = level_counts[engine.f_rows]
        fj = engine.j_pos[engine.f_rows]
        in_j = fj >= 0
        for k, lv in enumerate(engine.joint_levels):
            lc[in_j, lv] = joint[fj[in_j], k]
        ge = np.concatenate([np.full((lc.shape[0], 1), draws), lc,
                             np.zeros((lc.shape[0], 1), dtype=np.int64)], axis=1)
        per_m = ge[:, :-1] - ge[:, 1:]  # (F, L + 1): draws meeting exactly m levels
        rows = np.repeat(engine.f_rows, n_l + 1)
        np.add.at(outcome, (rows, engine.table.ravel().astype(np.int64)), per_m.ravel())

    stated = np.where(engine.stated_rated, engine.stated_stars, engine.not_rated)
    same = outcome[np.arange(n_c), stated]
    p = outcome / draws
    p_stars = p[:, : engine.top + 1].copy()

    def kept(k: str, dtype: Any) -> AnyArray:
        if not kept_parts:
            return np.zeros((0, n_c), dtype=dtype)
        return np.concatenate([x[k] for _, x in kept_parts], axis=0).astype(dtype)

    return {
        "p_stars": p_stars,
        "p_not_rated": p[:, engine.not_rated].copy(),
        "p_differs": (draws - same) / draws,
        "rank_median": rank_q[:, 0].copy(),
        "rank_low": rank_q[:, 1].copy(),
        "rank_high": rank_q[:, 2].copy(),
        "total_median": engine.totals_of(key_q[:, 0]),
        "total_low": engine.totals_of(key_q[:, 1]),
        "total_high": engine.totals_of(key_q[:, 2]),
        "kept_raw_total": kept("raw", np.float64),
        "kept_total": engine.totals_of(kept("key", np.float64)),
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
    part = run_chunk(engine, sf[j0:j1], df[j0:j1], 0, max(0, keep - j0), key, rank, g_rated)
    return part, key, rank, g_rated
