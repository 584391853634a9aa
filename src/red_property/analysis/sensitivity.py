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
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .._values import ValueEquality, frozen_mapping
from ..report import Report
from ._draw_run import run
from ._draws import Engine
from ._resample import require_count, require_distributed

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
AnyArray = npt.NDArray[Any]
Spread = float | Mapping[str, float]

#: A company's award "flips" when it differs from the stated weights' award in at least this
#: share of the draws.
FLIP_SHARE = 0.05
HTML_ROWS = 60


# --------------------------------------------------------------------------------- the result


@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class WeightSensitivity(ValueEquality):
    """Per-company results of :func:`weight_sensitivity`. Axes: C companies, in report order.

    ``p_stars[c, s]`` is the share of draws in which company ``c`` is rated and awarded ``s``
    stars; ``p_not_rated`` the share in which it is not rated (the two add up to 1). The
    *award* is the pair (rated, stars); ``p_differs`` is the share of draws whose award differs
    from ``awarded`` / ``rated`` at the stated weights.
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
    source_spread: Mapping[str, float]
    dimension_spread: Mapping[str, float]
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
    client: Any = None,
) -> WeightSensitivity:
    """Monte Carlo over the rubric's source and dimension weights (see the module's docstring).

    ``draws`` random weightings; each source's and each dimension's weight is multiplied by an
    independent factor uniform in ``[1 - spread, 1 + spread]`` (``0 <= spread < 1``), with
    ``source_spread`` / ``dimension_spread`` overriding it per kind (a number, or a mapping
    from id to spread). Dimension factors are renormalised so the total maximum is unchanged: a
    dimension's maximum is the rubric's, relative to the others, times its factor. Source
    weights are renormalised per company and indicator over the sources present, as scoring
    does. ``seed`` makes the draws reproducible: the same seed gives identical results whatever
    ``chunk`` and ``workers`` (unrounded totals, ``kept_raw_total`` and with ``rounding: none``
    every total, can differ in their last bits between chunk sizes). ``chunk`` draws are
    evaluated at a time (default: about two million company-draws per chunk); ``workers``
    threads share the chunks (a positive integer; default: the number of CPUs, at most 4).
    ``keep`` stores the first ``keep`` draws' per-company totals, stars and ranks in the
    result. ``client``, a :class:`distributed.Client`, runs the chunks
    as tasks on a Dask cluster (needs the ``distributed`` extra; the report's compiled inputs
    are scattered once); the result is the one of the local run for the same seed.
    """
    require_count("draws", draws)
    if isinstance(keep, bool) or not isinstance(keep, int) or not 0 <= keep <= draws:
        raise ValueError(f"keep must be an integer from 0 to draws ({draws}), not {keep!r}")
    require_count("workers", workers, optional=True)
    require_distributed(client)
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

    engine = Engine(report, src_sp, dim_sp)
    if chunk is None:
        chunk = int(min(4096, max(16, (1 << 21) // max(1, n_c + engine.n_pairs))))
    require_count("chunk", chunk)
    if workers is None:
        workers = min(4, os.cpu_count() or 1)
    result = run(engine, sf, df, chunk=chunk, keep=keep, workers=workers, client=client)
    return WeightSensitivity(
        companies=tuple(str(c) for c in report.companies.tolist()),
        sources=plan.sources,
        dimensions=plan.dimensions,
        draws=draws,
        seed=seed,
        source_spread=frozen_mapping(zip(plan.sources, src_sp.tolist(), strict=True)),
        dimension_spread=frozen_mapping(zip(plan.dimensions, dim_sp.tolist(), strict=True)),
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


