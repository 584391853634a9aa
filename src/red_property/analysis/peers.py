"""Peer companies that rate each other: reciprocal pairs, and the colluding ones (the test is
described in :mod:`red_property.analysis.effects`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .._values import frozen_mapping
from ..correction import RaterFit
from ..plan import label_codes

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: MAD to standard deviation under normality.
MAD_SCALE = 1.4826


@dataclass(frozen=True, slots=True, kw_only=True)
class PairRow:
    """Two peer companies that rated each other: the mean residual each way, pooled, z."""

    source: str
    company_a: str
    company_b: str
    n_ab: int  # ratings by a's raters of b
    n_ba: int
    mean_ab: float  # mean residual of a's raters on b
    mean_ba: float
    mean: float  # both directions pooled
    z: float  # robust z of ``mean`` across the reciprocal pairs of the source
    z_ab: float  # robust z of ``mean_ab`` across the directions of reciprocal pairs
    z_ba: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Flag:
    """A finding: ``kind`` (lenient, severe, harsh on rivals, outlier, colluding pair), ``who``
    (a rater, or the two companies of a pair), the source, the evidence and a sentence."""

    kind: str
    who: str | tuple[str, str]
    source: str
    evidence: Mapping[str, Any]
    message: str

    def to_dict(self) -> dict[str, Any]:
        """The flag as plain data (a pair's ``who`` becomes a list)."""
        who: str | list[str] = self.who if isinstance(self.who, str) else list(self.who)
        return {"kind": self.kind, "who": who, "source": self.source,
                "evidence": dict(self.evidence), "message": self.message}


def robust(x: FloatArray, panel: BoolArray, floor: float) -> tuple[float, float]:
    """Median and scale ``max(1.4826 * MAD, floor)`` of ``x[panel]``."""
    ref = x[panel & np.isfinite(x)]
    if ref.size == 0:
        return 0.0, floor
    med = float(np.median(ref))
    mad = float(np.median(np.abs(ref - med)))
    return med, max(MAD_SCALE * mad, floor)


def colluding(fit: RaterFit, sigma: FloatArray, rc_of_code: IntArray, *, threshold: float,
               min_ratings: int, floor: float) -> tuple[list[PairRow], list[Flag], BoolArray]:
    """Reciprocal peer pairs, the colluding ones, and the rows inside a flagged pair (judged
    there, not again for leniency)."""
    plan, checked = fit.plan, fit.checked
    company, source = fit.company, fit.source
    n_c = len(checked.companies)
    company_pos = {str(c): k for k, c in enumerate(checked.companies.tolist())}
    to_checked = label_codes(fit.ratings.company_labels, tuple(company_pos))
    rc_checked = np.where(rc_of_code >= 0, to_checked[np.maximum(rc_of_code, 0)], -1)
    rc_row = rc_checked[checked.rater[fit.keep]]
    pairs: list[PairRow] = []
    flags: list[Flag] = []
    in_pair = np.zeros(fit.y.size, dtype=bool)
    resid_out = _leave_company_out(fit.resid, fit.effect, fit.rater, company, fit.informative,
                                   n_c)
    for s in np.flatnonzero(plan.peer).tolist():
        pairs_s, flags_s = _pairs(plan.sources[s], source == s, fit.informative, rc_row,
                                  company, resid_out, n_c, checked.companies,
                                  float(sigma[s]), threshold=threshold,
                                  min_ratings=min_ratings, floor=floor)
        pairs += pairs_s
        flags += flags_s
        for f in flags_s:
            a, c = (company_pos[w] for w in f.who)
            in_pair |= (source == s) & (((rc_row == a) & (company == c))
                                       | ((rc_row == c) & (company == a)))
    return pairs, flags, in_pair


def _leave_company_out(resid: FloatArray, b: FloatArray, rater: IntArray, company: IntArray,
                       informative: BoolArray, n_c: int) -> FloatArray:
    """Residuals with each rater's effect estimated without its ratings of the rated company.

    A rater who favours one company shows part of that favour in its own effect ``b``; taking
    ``b`` from its other ratings keeps the favour where it belongs, in the residual.
    """
    w = informative.astype(float)
    dev = (resid + b[rater]) * w  # y - u - a on informative rows
    keys, inv = np.unique(rater * n_c + company, return_inverse=True)
    inv = inv.ravel()
    s_rc = np.bincount(inv, weights=dev)
    n_rc = np.bincount(inv, weights=w)
    t_r = np.bincount(rater, weights=dev, minlength=b.shape[0])
    n_r = np.bincount(rater, weights=w, minlength=b.shape[0])
    r_of = keys // n_c
    rest = n_r[r_of] - n_rc
    with np.errstate(divide="ignore", invalid="ignore"):
        b_out: FloatArray = np.where(rest > 0, (t_r[r_of] - s_rc) / rest, b[r_of])
    out: FloatArray = resid + b[rater] - b_out[inv]
    return out


def _pairs(src: str, in_source: BoolArray, informative: BoolArray, rc_row: IntArray,
           company: IntArray, resid: FloatArray, n_c: int, companies: npt.NDArray[np.str_],
           sigma: float, *, threshold: float, min_ratings: int, floor: float
           ) -> tuple[list[PairRow], list[Flag]]:
    """Reciprocal peer pairs of one source, and the colluding ones."""
    use = in_source & informative & (rc_row >= 0)
    if not use.any():
        return [], []
    keys, inverse = np.unique(rc_row[use] * n_c + company[use], return_inverse=True)
    sums = np.bincount(inverse.ravel(), weights=resid[use])
    counts = np.bincount(inverse.ravel()).astype(float)
    frm, to = keys // n_c, keys % n_c
    reverse = to * n_c + frm
    pos = np.minimum(np.searchsorted(keys, reverse), keys.shape[0] - 1)
    has_rev = keys[pos] == reverse
    ab = np.flatnonzero(has_rev & (frm < to))
    if ab.size == 0:
        return [], []
    ba = pos[ab]
    n_ab, n_ba = counts[ab], counts[ba]
    d_ab, d_ba = sums[ab] / n_ab, sums[ba] / n_ba
    mean = (sums[ab] + sums[ba]) / (n_ab + n_ba)
    every_pair = np.ones(ab.size, dtype=bool)
    med, spread = robust(mean, every_pair, floor)
    scale = np.hypot(spread, sigma / np.sqrt(n_ab + n_ba))
    dirs = np.concatenate([d_ab, d_ba])
    dmed, dspread = robust(dirs, np.ones(dirs.size, dtype=bool), floor)
    z = (mean - med) / scale
    z_ab = (d_ab - dmed) / np.hypot(dspread, sigma / np.sqrt(n_ab))
    z_ba = (d_ba - dmed) / np.hypot(dspread, sigma / np.sqrt(n_ba))
    rows: list[PairRow] = []
    flags: list[Flag] = []
    each = threshold / math.sqrt(2.0)
    for k in range(ab.size):
        a, b = str(companies[frm[ab[k]]]), str(companies[to[ab[k]]])
        row = PairRow(source=src, company_a=a, company_b=b, n_ab=int(n_ab[k]),
                      n_ba=int(n_ba[k]), mean_ab=float(d_ab[k]), mean_ba=float(d_ba[k]),
                      mean=float(mean[k]), z=float(z[k]), z_ab=float(z_ab[k]),
                      z_ba=float(z_ba[k]))
        rows.append(row)
        if (z[k] > threshold and min(z_ab[k], z_ba[k]) > each
                and n_ab[k] + n_ba[k] >= min_ratings):
            flags.append(Flag(
                kind="colluding pair", who=(a, b), source=src,
                evidence=frozen_mapping({
                    "mean": row.mean, "z": row.z, "mean_ab": row.mean_ab,
                    "mean_ba": row.mean_ba, "z_ab": row.z_ab, "z_ba": row.z_ba,
                    "n": row.n_ab + row.n_ba, "n_ab": row.n_ab, "n_ba": row.n_ba,
                    "source_median": med, "scale": float(scale[k])}),
                message=f"{src} companies {a!r} and {b!r} rate each other high: {a}'s raters "
                f"{row.mean_ab:+.2f} on {b}, {b}'s raters {row.mean_ba:+.2f} on {a} of the range "
                f"above the consensus (pair z = {row.z:+.1f} against a median of {med:+.2f}, "
                f"{row.n_ab + row.n_ba} ratings)"))
    return rows, flags
