"""Judging raters once the rater-effects model is fitted: the residual spread of each source,
each rater's robust z within its source, and the lenient, severe (harsh on rivals) and outlier
flags. The model, the thresholds and their limits are described in
:mod:`red_property.analysis.effects`; colluding peer pairs are found in
:mod:`red_property.analysis.peers`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .._values import frozen_mapping
from ..correction import RaterFit
from ..ratings import Ratings
from .peers import Flag, robust

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# mean |e| of normal noise has standard deviation sqrt(1 - 2/pi) * sigma
_ABS_SD = math.sqrt(1.0 - 2.0 / math.pi)


def _rater_companies(ratings: Ratings) -> IntArray:
    """For each rater code, the company code it names most often in ``rater_company`` or -1."""
    out = np.full(len(ratings.rater_labels), -1, dtype=np.int64)
    has = ratings.rater_company >= 0
    if not has.any():
        return out
    n_c = len(ratings.company_labels)
    key, count = np.unique(ratings.rater[has] * n_c + ratings.rater_company[has],
                           return_counts=True)
    order = np.lexsort((-count, key // n_c))  # by rater, most frequent first
    key = key[order]
    first = np.ones(key.shape[0], dtype=bool)
    first[1:] = (key[1:] // n_c) != (key[:-1] // n_c)
    out[key[first] // n_c] = key[first] % n_c
    return out


def _fmt_who(source: str, rater: str) -> str:
    return f"{source} rater {rater!r}"


@dataclass(frozen=True, slots=True, kw_only=True)
class _Spread:
    """Residual spread by source and each rater's standard errors."""

    sigma: FloatArray  # (S,) residual standard deviation
    rows: FloatArray  # (S,) informative rows
    se: FloatArray  # (R,) standard error of the effect
    mar: FloatArray  # (R,) mean absolute residual
    mar_se: FloatArray  # (R,)


def _spread(fit: RaterFit) -> _Spread:
    """Residual standard deviations (degrees of freedom taken off for every parameter)."""
    n_s, n_r = len(fit.plan.sources), fit.raters_used.shape[0]
    source, informative, n = fit.source, fit.informative, fit.n
    n_inf = int(np.count_nonzero(informative))
    n_params = len(np.unique(fit.cell[informative])) + n_r - n_s
    dof = n_inf / max(n_inf - n_params, 1)
    ss = np.bincount(source, weights=fit.resid**2, minlength=n_s)
    rows = np.bincount(source, weights=informative.astype(float), minlength=n_s).astype(float)
    sigma = np.sqrt(dof * ss / np.maximum(rows, 1.0))
    own = sigma[fit.rater_source]
    with np.errstate(divide="ignore", invalid="ignore"):
        abs_sum = np.bincount(fit.rater, weights=np.abs(fit.resid) * informative, minlength=n_r)
        return _Spread(sigma=sigma, rows=rows,
                       se=np.where(n > 0, own / np.sqrt(n), np.inf),
                       mar=np.where(n > 0, abs_sum / n, np.nan),
                       mar_se=np.where(n > 0, _ABS_SD * own / np.sqrt(n), np.inf))


def _judge_raters(fit: RaterFit, sp: _Spread, in_pair: BoolArray, *, threshold: float,
                  min_ratings: int, floor: float) -> tuple[FloatArray, FloatArray, list[Flag]]:
    """Robust z of every rater's effect and fit within its source, and the flags raised; each
    rater judged on its ratings outside flagged pairs."""
    b, resid, rater, n = fit.effect, fit.resid, fit.rater, fit.n
    n_r = fit.raters_used.shape[0]
    judged = fit.informative & ~in_pair
    n_j = np.bincount(rater, weights=judged.astype(float), minlength=n_r)
    with np.errstate(divide="ignore", invalid="ignore"):
        b_j = np.where(n_j > 0, b + np.bincount(rater, weights=resid * judged, minlength=n_r)
                       / n_j, np.nan)
        mar_j = np.bincount(rater, weights=np.abs(resid) * judged, minlength=n_r) / n_j
        se_j = sp.sigma[fit.rater_source] / np.sqrt(n_j)
    z = np.full(n_r, np.nan)
    fit_z = np.full(n_r, np.nan)
    flags: list[Flag] = []
    labels = fit.ratings.rater_labels
    for s, src in enumerate(fit.plan.sources):
        members = (fit.rater_source == s) & (n > 0)
        if not members.any():
            continue
        panel = members & (n >= min_ratings)
        if np.count_nonzero(panel) < 2:
            panel = members
        med, scale = robust(b, panel, floor)
        z[members] = (b[members] - med) / np.hypot(scale, sp.se[members])
        mmed, mscale = robust(sp.mar, panel, floor)
        fit_z[members] = (sp.mar[members] - mmed) / np.hypot(mscale, sp.mar_se[members])
        for r in np.flatnonzero(members & (n_j >= min_ratings)).tolist():
            whole = n_j[r] == n[r]
            se = float(sp.se[r] if whole else se_j[r])
            flags += _flags_of(
                name=str(labels[fit.raters_used[r]]), src=src, peer=bool(fit.plan.peer[s]),
                outside="" if whole else " outside its colluding pair",
                eff=float(b[r] if whole else b_j[r]), count=int(n[r] if whole else n_j[r]),
                med=med, sd=float(np.hypot(scale, se)), se=se,
                mar=float(sp.mar[r] if whole else mar_j[r]), mmed=mmed, mscale=mscale,
                sigma=float(sp.sigma[s]), threshold=threshold)
    return z, fit_z, flags


def _flags_of(*, name: str, src: str, peer: bool, outside: str, eff: float, count: int,
              med: float, sd: float, se: float, mar: float, mmed: float, mscale: float,
              sigma: float, threshold: float) -> list[Flag]:
    """The leniency (severity) and outlier flags of one rater."""
    out = []
    zr = (eff - med) / sd
    if abs(zr) > threshold:
        if zr > 0:
            kind, word = "lenient", "more lenient"
        elif peer:
            kind, word = "harsh on rivals", "harsher on the companies it competes with"
        else:
            kind, word = "severe", "more severe"
        out.append(Flag(
            kind=kind, who=name, source=src,
            evidence=frozen_mapping({"effect": eff, "n": count, "z": zr, "source_median": med,
                                     "scale": sd, "se": se}),
            message=(f"{_fmt_who(src, name)} is {word} than its panel{outside}: {eff:+.2f} of "
                     f"each indicator's range (panel median {med:+.2f}, z = {zr:+.1f}, "
                     f"{count} ratings)")))
    msd = float(np.hypot(mscale, _ABS_SD * sigma / math.sqrt(count)))
    mz = (mar - mmed) / msd
    if mz > threshold:
        out.append(Flag(
            kind="outlier", who=name, source=src,
            evidence=frozen_mapping({"mean_abs_residual": mar, "n": count, "z": mz,
                                     "source_median": mmed, "scale": msd}),
            message=(f"{_fmt_who(src, name)} strays from the consensus{outside}: mean "
                     f"|residual| {mar:.2f} of the range (panel median {mmed:.2f}, "
                     f"z = {mz:+.1f}, {count} ratings)")))
    return out
