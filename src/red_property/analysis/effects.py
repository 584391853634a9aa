"""Rater effects: who rates leniently or severely, who is erratic, which peers trade favours.

The model
---------
Every rating is first put on a common scale, ``y = (value - lower) / (upper - lower)``, with
the indicator's domain from the rubric (a check 0-1, options 0 to the last option, a score 0 to
its points, a measure its ``range``); an indicator without finite bounds uses the lowest and
highest value observed for it. Then

    y = u[company, indicator] + a[source, indicator] + b[rater] + e

* ``u``, the cell effect: what the company deserves on the indicator, shared by all sources;
* ``a``, how a source as a whole reads an indicator (sources may use a scale differently);
* ``b``, the rater effect, with ``sum(b) = 0`` over the raters of each source: ``b > 0`` is
  a rater more *lenient*, ``b < 0`` more *severe* than the source's average rater, in shares
  of each indicator's range (``b = 0.2``: a fifth of the range on every rating);
* ``e``, noise.

It is fitted by least squares, alternating over the three blocks (backfitting), each step a
vectorised ``np.bincount`` mean, until no fitted value moves by more than ``1e-10``. The
constraint is kept by moving each source's mean rater effect into ``a``, which leaves the fit
unchanged. A rater's ``n`` counts its *informative* ratings, those sharing their cell
(company x indicator) with another rating: a rating alone in its cell says nothing about its
rater. The standard error of ``b`` is ``sigma_s / sqrt(n)``, with ``sigma_s`` the residual
standard deviation of the rater's source (degrees of freedom taken off for every parameter).
Deduction and bonus indicators (counts of complaints, commendations: facts, not judgements)
are left out by default.

Thresholds
----------
Every test is a robust z within one source, ``z = (x - median) / scale``, with

    scale = hypot(max(1.4826 * MAD, floor), se)

The median and the MAD are over the panel: the raters of the source with at least
``min_ratings`` informative ratings (all its raters when fewer than two have that many). The
**floor** (default ``0.02``, 2 % of the range) stops a clean season, where raters differ only by
noise and the MAD is tiny, from giving huge z; at the default ``threshold = 3`` no flag is
raised for a difference under 6 % of the range. ``se`` is the standard error of the rater's
own statistic, so that a rater with few ratings needs a larger effect. Both make the z
conservative (narrower than a standard normal when nothing is wrong): in 800 simulated clean
seasons (the seasons of ``tests/test_effects.py``) the largest rater |z| was 2.8 and no flag
was raised, while the planted effects (-0.25, +0.2 and a +0.3 pair) reached z of 4.5 to 10.

Flags
-----
``lenient`` / ``severe``
    The rater effect ``b`` has ``|z| > threshold`` and the rater at least ``min_ratings``
    informative ratings. In a peer source the severe flag is called ``harsh on rivals``: a
    company's rater marking its competitors down. Evidence: ``effect, n, z, source_median,
    scale, se``.
``outlier``
    The rater's mean absolute residual (how far it strays from the consensus once its own
    leniency is taken out) has ``z > threshold``: an erratic or careless rater, or one who
    marks some companies up and others down. One-sided: close agreement is not flagged.
    Evidence: ``mean_abs_residual, n, z, source_median, scale``.
``colluding pair``
    Peer sources only, from ``rater_company``. For companies A and B that rated each other:
    the mean residual of A's raters on B and of B's raters on A, each rater's own effect taken
    from its *other* ratings (so a favour is not absorbed into the rater's leniency). The pair
    is flagged when (1) the z of the pair's mean residual (both directions pooled), against all
    reciprocal pairs of the source, is above ``threshold``; (2) *each* direction alone has a z
    (against all directions of reciprocal pairs) above ``threshold / sqrt(2)``, since one side
    favouring the other is not collusion; (3) the pair has at least ``min_ratings`` ratings.
    A flagged pair's ratings of each other are then left out when its raters are judged for
    leniency and erratic rating: the pair flag explains them. Evidence: ``mean, z, mean_ab,
    mean_ba, z_ab, z_ba, n, n_ab, n_ba, source_median, scale``.

Correction
----------
:meth:`RaterEffects.corrected_ratings` takes out each rater's effect relative to the median
rater of its source, ``value - (b - median) * (upper - lower)``. The median, not the mean, is
the standard, so that one lenient assessor does not make the rest of the panel look severe and
get corrected upwards. Values are clipped to the indicator's domain and rounded on
whole-number indicators (checks, options, counts), giving a new
:class:`~red_property.ratings.Ratings` with the same rows:
``evaluate(rubric, effects.corrected_ratings())`` scores the season rater-corrected, and
:func:`compare_corrected` puts raw and corrected totals and stars side by side.

Limits
------
* Leniency is relative to the source's own raters: a source whose assessors are all lenient
  looks fair. With **two** raters in a source, the lenient one cannot be told from the severe
  one (the median is their mean) and no flag is raised; three raters are the least.
* An effect is averaged over everything the rater rates: facts it copies faithfully (a check
  every rater agrees on) dilute a leniency shown on judgements.
* Ratings clipped at the ends of a scale hide part of an effect, and on whole-number
  indicators a correction under half a step changes nothing.
* A flag is evidence to look at, not proof: when raters see different companies (peers), a
  rater who happened to rate the weakest companies is told apart only through the other
  sources' ratings of the same cells.
* The pair test needs reciprocal ratings (A rates B and B rates A); favours that go round a
  ring of three companies, one way each, are not looked for.
"""

from __future__ import annotations

import dataclasses
import html
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..correction import RaterFit, corrected_ratings, fit_raters
from ..evaluation import as_plan, evaluate_as_rated
from ..plan import Plan, label_codes
from ..ratings import Ratings, as_ratings
from ..rubric import Rubric

__all__ = [
    "Flag",
    "PairRow",
    "RaterEffects",
    "RaterRow",
    "compare_corrected",
    "rater_effects",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: MAD to standard deviation under normality.
MAD_SCALE = 1.4826
HTML_ROWS = 100
# mean |e| of normal noise has standard deviation sqrt(1 - 2/pi) * sigma
_ABS_SD = math.sqrt(1.0 - 2.0 / math.pi)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RaterRow:
    """One rater: its source, its company (peers), informative ratings, effect, se and z.

    The row uses all the rater's informative ratings; a rater of a flagged colluding pair is
    flagged (or not) on its ratings outside the pair, as the flag's evidence shows.
    """

    rater: str
    source: str
    company: str | None
    n: int
    effect: float  # b, in shares of the indicator range (+ lenient, - severe)
    se: float
    z: float  # robust z of the effect within the source (NaN when n == 0)
    mean_abs_residual: float
    fit_z: float  # robust z of mean_abs_residual within the source


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Flag:
    """A finding: ``kind`` (lenient, severe, harsh on rivals, outlier, colluding pair), ``who``
    (a rater, or the two companies of a pair), the source, the evidence and a sentence."""

    kind: str
    who: str | tuple[str, str]
    source: str
    evidence: dict[str, Any]
    message: str

    def to_dict(self) -> dict[str, Any]:
        """The flag as plain data (a pair's ``who`` becomes a list)."""
        who: str | list[str] = self.who if isinstance(self.who, str) else list(self.who)
        return {"kind": self.kind, "who": who, "source": self.source,
                "evidence": dict(self.evidence), "message": self.message}


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class RaterEffects:
    """Rater effects of a season and the flags raised; see the module docstring."""

    raters: tuple[RaterRow, ...]
    pairs: tuple[PairRow, ...]
    flags: tuple[Flag, ...]
    sigma: dict[str, float]  # residual standard deviation by source (shares of the range)
    threshold: float
    min_ratings: int
    floor: float
    iterations: int
    converged: bool
    fit: RaterFit = field(repr=False)  # the model, as the core fits it

    @property
    def ratings(self) -> Ratings:
        """The ratings the effects were fitted on."""
        return self.fit.ratings

    def __len__(self) -> int:
        return len(self.raters)

    def __repr__(self) -> str:
        return f"<RaterEffects {len(self.raters)} raters, {len(self.flags)} flags>"

    def effect_of(self, rater: str) -> float:
        """The effect ``b`` of one rater (KeyError when the rater is unknown)."""
        for row in self.raters:
            if row.rater == rater:
                return row.effect
        raise KeyError(f"unknown rater {rater!r}")

    def flagged(self, kind: str | None = None) -> tuple[Flag, ...]:
        """The flags, or those of one kind."""
        return tuple(f for f in self.flags if kind is None or f.kind == kind)

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per rater: ``rater, source, company, n, effect, se, z, mean_abs_residual,
        fit_z, flags`` (the kinds of the flags naming the rater)."""
        kinds: dict[str, list[str]] = {}
        for f in self.flags:
            if isinstance(f.who, str):
                kinds.setdefault(f.who, []).append(f.kind)
        names = [fl.name for fl in dataclasses.fields(RaterRow)]
        out = []
        for row in self.raters:
            rec: dict[str, Any] = {name: getattr(row, name) for name in names}
            rec["flags"] = kinds.get(row.rater, [])
            out.append(rec)
        return out

    def flag_records(self) -> list[dict[str, Any]]:
        """One dict per flag: ``kind, who, source, evidence, message``."""
        return [f.to_dict() for f in self.flags]

    def corrected_ratings(self) -> Ratings:
        """The same rows with each rater's effect taken out of ``value``.

        ``value - (b - m) * (upper - lower)`` with ``m`` the median effect of the rater's
        source, so the source's typical rater is the standard (one lenient rater does not make
        the others look severe and get corrected up); clipped to the domain; whole-number
        indicators are rounded (option keys given as text become their code when they change).
        Rows the rubric would drop (out of range, unknown indicator) are left as they were, so
        they are dropped again; indicators left out of the fit are unchanged.
        """
        return corrected_ratings(self.fit)

    def _repr_html_(self) -> str:
        esc = html.escape
        lines = [f"<p>{esc(repr(self))}; threshold {self.threshold:g}, at least "
                 f"{self.min_ratings} ratings, floor {self.floor:g}</p>"]
        if self.flags:
            lines.append("<table><caption>Flags</caption><thead><tr><th>kind</th><th>who</th>"
                         "<th>source</th><th>message</th></tr></thead><tbody>")
            for f in self.flags:
                who = f.who if isinstance(f.who, str) else " & ".join(f.who)
                lines.append("<tr>" + "".join(f"<td>{esc(c)}</td>"
                                              for c in (f.kind, who, f.source, f.message))
                             + "</tr>")
            lines.append("</tbody></table>")
        head = ["rater", "source", "company", "n", "effect", "se", "z", "mean |residual|",
                "fit z"]
        lines.append("<table><caption>Rater effects (shares of each indicator's range)"
                     "</caption><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head)
                     + "</tr></thead><tbody>")
        for row in self.raters[:HTML_ROWS]:
            cells = [row.rater, row.source, row.company or "", str(row.n), f"{row.effect:+.3f}",
                     f"{row.se:.3f}", f"{row.z:+.2f}", f"{row.mean_abs_residual:.3f}",
                     f"{row.fit_z:+.2f}"]
            lines.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
        lines.append("</tbody></table>")
        if len(self.raters) > HTML_ROWS:
            lines.append(f"<p>... and {len(self.raters) - HTML_ROWS} more raters</p>")
        return "\n".join(lines)


# --------------------------------------------------------------------------- the fit


def _robust(x: FloatArray, panel: BoolArray, floor: float) -> tuple[float, float]:
    """Median and scale ``max(1.4826 * MAD, floor)`` of ``x[panel]``."""
    ref = x[panel & np.isfinite(x)]
    if ref.size == 0:
        return 0.0, floor
    med = float(np.median(ref))
    mad = float(np.median(np.abs(ref - med)))
    return med, max(MAD_SCALE * mad, floor)


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


def rater_effects(
    rubric_or_plan: Rubric | Plan | str | os.PathLike[str],
    ratings: Ratings | str | os.PathLike[str],
    *,
    threshold: float = 3.0,
    min_ratings: int = 10,
    floor: float = 0.02,
    indicators: Sequence[str] | None = None,
) -> RaterEffects:
    """Fit the rater-effects model to a season and flag lenient, severe, erratic and colluding
    raters (see the module docstring for the model, the thresholds and the limits).

    ``threshold`` is the robust z beyond which a flag is raised, ``min_ratings`` the fewest
    informative ratings a rater (or a pair) needs to be flagged, ``floor`` the smallest scale of
    a z (in shares of the range). ``indicators`` restricts the fit to these ids (default: all
    but deduction and bonus indicators). Rows are checked as :func:`evaluate` checks them.
    """
    if not threshold > 0:
        raise ValueError(f"threshold must be positive, got {threshold!r}")
    if min_ratings < 1:
        raise ValueError(f"min_ratings must be at least 1, got {min_ratings!r}")
    if not floor > 0:
        raise ValueError(f"floor must be positive, got {floor!r}")
    plan = as_plan(rubric_or_plan)
    ratings = as_ratings(ratings)
    fit = fit_raters(plan, ratings, indicators=indicators, min_ratings=min_ratings)
    checked = fit.checked
    company, source, rater_code = fit.company, fit.source, checked.rater[fit.keep]
    rc_of_code = _rater_companies(ratings)
    if fit.y.size == 0:
        return RaterEffects((), (), (), {}, float(threshold), int(min_ratings), float(floor), 0,
                            True, fit)
    n_s = len(plan.sources)
    n_c = len(checked.companies)
    y, cell, rater, b, resid = fit.y, fit.cell, fit.rater, fit.effect, fit.resid
    raters_used, rater_source = fit.raters_used, fit.rater_source
    n_r = raters_used.shape[0]
    indicator = fit.indicator
    n_groups = np.unique(source * len(plan.indicators) + indicator).size
    informative, n = fit.informative, fit.n
    n_inf = int(np.count_nonzero(informative))
    n_params = (len(np.unique(cell[informative])) + n_groups + n_r - n_s
                - len(np.unique(indicator)))
    dof = n_inf / max(n_inf - n_params, 1)
    ss = np.bincount(source, weights=resid**2, minlength=n_s)
    rows_s = np.bincount(source, weights=informative.astype(float), minlength=n_s)
    sigma_s = np.sqrt(dof * ss / np.maximum(rows_s, 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.where(n > 0, sigma_s[rater_source] / np.sqrt(n), np.inf)
        abs_sum = np.bincount(rater, weights=np.abs(resid) * informative, minlength=n_r)
        mar = np.where(n > 0, abs_sum / n, np.nan)
        mar_se = np.where(n > 0, _ABS_SD * sigma_s[rater_source] / np.sqrt(n), np.inf)

    # peer pairs first: ratings inside a colluding pair are judged there, not again below
    company_pos = {str(c): k for k, c in enumerate(checked.companies.tolist())}
    to_checked = label_codes(ratings.company_labels, tuple(company_pos))
    rc_checked = np.where(rc_of_code >= 0, to_checked[np.maximum(rc_of_code, 0)], -1)
    rc_row = rc_checked[rater_code]
    pairs: list[PairRow] = []
    flags: list[Flag] = []
    in_pair = np.zeros(y.size, dtype=bool)
    resid_out = _leave_company_out(resid, b, rater, company, informative, n_c)
    for s in np.flatnonzero(plan.peer).tolist():
        pairs_s, flags_s = _pairs(plan.sources[s], source == s, informative, rc_row, company,
                                  resid_out, n_c, checked.companies, float(sigma_s[s]),
                                  threshold=threshold, min_ratings=min_ratings, floor=floor)
        pairs += pairs_s
        flags += flags_s
        for f in flags_s:
            a, c = (company_pos[w] for w in f.who)
            in_pair |= (source == s) & (((rc_row == a) & (company == c))
                                       | ((rc_row == c) & (company == a)))

    # each rater judged on its ratings outside flagged pairs
    judged = informative & ~in_pair
    n_j = np.bincount(rater, weights=judged.astype(float), minlength=n_r)
    with np.errstate(divide="ignore", invalid="ignore"):
        b_j = np.where(n_j > 0, b + np.bincount(rater, weights=resid * judged, minlength=n_r)
                       / n_j, np.nan)
        mar_j = np.bincount(rater, weights=np.abs(resid) * judged, minlength=n_r) / n_j
        se_j = sigma_s[rater_source] / np.sqrt(n_j)

    z = np.full(n_r, np.nan)
    fit_z = np.full(n_r, np.nan)
    labels = ratings.rater_labels
    company_of = [str(ratings.company_labels[rc_of_code[c]]) if rc_of_code[c] >= 0 else None
                  for c in raters_used.tolist()]
    for s in range(n_s):
        members = (rater_source == s) & (n > 0)
        if not members.any():
            continue
        panel = members & (n >= min_ratings)
        if np.count_nonzero(panel) < 2:
            panel = members
        med, scale = _robust(b, panel, floor)
        z[members] = (b[members] - med) / np.hypot(scale, se[members])
        mmed, mscale = _robust(mar, panel, floor)
        fit_z[members] = (mar[members] - mmed) / np.hypot(mscale, mar_se[members])
        src = plan.sources[s]
        peer = bool(plan.peer[s])
        for r in np.flatnonzero(members & (n_j >= min_ratings)).tolist():
            name = str(labels[raters_used[r]])
            whole = n_j[r] == n[r]
            eff, count = (float(b[r]), int(n[r])) if whole else (float(b_j[r]), int(n_j[r]))
            sd = float(np.hypot(scale, se[r] if whole else se_j[r]))
            zr = (eff - med) / sd
            outside = "" if whole else " outside its colluding pair"
            evidence: dict[str, Any] = {"effect": eff, "n": count, "z": zr,
                                        "source_median": med, "scale": sd,
                                        "se": float(se[r] if whole else se_j[r])}
            if abs(zr) > threshold:
                if zr > 0:
                    kind, word = "lenient", "more lenient"
                elif peer:
                    kind, word = "harsh on rivals", "harsher on the companies it competes with"
                else:
                    kind, word = "severe", "more severe"
                flags.append(Flag(
                    kind, name, src, evidence,
                    f"{_fmt_who(src, name)} is {word} than its panel{outside}: {eff:+.2f} of "
                    f"each indicator's range (panel median {med:+.2f}, z = {zr:+.1f}, "
                    f"{count} ratings)"))
            m = float(mar[r] if whole else mar_j[r])
            msd = float(np.hypot(mscale, _ABS_SD * sigma_s[s] / math.sqrt(count)))
            mz = (m - mmed) / msd
            if mz > threshold:
                flags.append(Flag(
                    "outlier", name, src,
                    {"mean_abs_residual": m, "n": count, "z": mz, "source_median": mmed,
                     "scale": msd},
                    f"{_fmt_who(src, name)} strays from the consensus{outside}: mean |residual| "
                    f"{m:.2f} of the range (panel median {mmed:.2f}, z = {mz:+.1f}, "
                    f"{count} ratings)"))

    rows = tuple(
        RaterRow(str(labels[raters_used[r]]), plan.sources[rater_source[r]], company_of[r],
                 int(n[r]), float(b[r]), float(se[r]), float(z[r]), float(mar[r]),
                 float(fit_z[r]))
        for r in range(n_r))
    order = {"colluding pair": 0, "harsh on rivals": 1, "lenient": 2, "severe": 3, "outlier": 4}
    flags.sort(key=lambda f: (order.get(f.kind, 9), -abs(float(f.evidence["z"]))))
    return RaterEffects(
        raters=rows, pairs=tuple(pairs), flags=tuple(flags),
        sigma={plan.sources[s]: float(sigma_s[s]) for s in range(n_s) if rows_s[s] > 0},
        threshold=float(threshold), min_ratings=int(min_ratings), floor=float(floor),
        iterations=fit.rounds, converged=fit.converged, fit=fit)


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
    med, spread = _robust(mean, every_pair, floor)
    scale = np.hypot(spread, sigma / np.sqrt(n_ab + n_ba))
    dirs = np.concatenate([d_ab, d_ba])
    dmed, dspread = _robust(dirs, np.ones(dirs.size, dtype=bool), floor)
    z = (mean - med) / scale
    z_ab = (d_ab - dmed) / np.hypot(dspread, sigma / np.sqrt(n_ab))
    z_ba = (d_ba - dmed) / np.hypot(dspread, sigma / np.sqrt(n_ba))
    rows: list[PairRow] = []
    flags: list[Flag] = []
    each = threshold / math.sqrt(2.0)
    for k in range(ab.size):
        a, b = str(companies[frm[ab[k]]]), str(companies[to[ab[k]]])
        row = PairRow(src, a, b, int(n_ab[k]), int(n_ba[k]), float(d_ab[k]), float(d_ba[k]),
                      float(mean[k]), float(z[k]), float(z_ab[k]), float(z_ba[k]))
        rows.append(row)
        if (z[k] > threshold and min(z_ab[k], z_ba[k]) > each
                and n_ab[k] + n_ba[k] >= min_ratings):
            flags.append(Flag(
                "colluding pair", (a, b), src,
                {"mean": row.mean, "z": row.z, "mean_ab": row.mean_ab, "mean_ba": row.mean_ba,
                 "z_ab": row.z_ab, "z_ba": row.z_ba, "n": row.n_ab + row.n_ba,
                 "n_ab": row.n_ab, "n_ba": row.n_ba, "source_median": med,
                 "scale": float(scale[k])},
                f"{src} companies {a!r} and {b!r} rate each other high: {a}'s raters "
                f"{row.mean_ab:+.2f} on {b}, {b}'s raters {row.mean_ba:+.2f} on {a} of the range "
                f"above the consensus (pair z = {row.z:+.1f} against a median of {med:+.2f}, "
                f"{row.n_ab + row.n_ba} ratings)"))
    return rows, flags


# --------------------------------------------------------------------------- comparison


def _same_rows(x: Ratings, y: Ratings) -> bool:
    if x is y:
        return True
    return (len(x) == len(y) and np.array_equal(x.value, y.value, equal_nan=True)
            and np.array_equal(x.rater_labels[x.rater], y.rater_labels[y.rater])
            and np.array_equal(x.company_labels[x.company], y.company_labels[y.company]))


def compare_corrected(
    rubric: Rubric | Plan | str | os.PathLike[str],
    ratings: Ratings | str | os.PathLike[str],
    effects: RaterEffects,
    *,
    claims: Any = None,
) -> list[dict[str, Any]]:
    """Raw and rater-corrected totals and stars of every company, side by side.

    One dict per company: ``company, rated, raw_total, raw_stars, corrected_total,
    corrected_stars, total_change, stars_change`` (stars ``None`` where not rated).
    ``effects`` must come from the same ``ratings``.
    """
    plan = as_plan(rubric)
    ratings = as_ratings(ratings)
    if not _same_rows(ratings, effects.ratings):
        raise ValueError(f"effects were fitted on other ratings ({effects.ratings!r}) than "
                         f"{ratings!r}; pass the ratings the effects came from")
    raw = evaluate_as_rated(plan, ratings, claims=claims)
    cor = evaluate_as_rated(plan, effects.corrected_ratings(), claims=claims)
    out = []
    cor_index = {str(c): k for k, c in enumerate(cor.companies.tolist())}
    for k, name in enumerate(raw.companies.tolist()):
        j = cor_index[str(name)]
        rated_raw, rated_cor = bool(raw.awards.rated[k]), bool(cor.awards.rated[j])
        raw_total, cor_total = float(raw.scores.total[k]), float(cor.scores.total[j])
        raw_stars = int(raw.awards.stars[k]) if rated_raw else None
        cor_stars = int(cor.awards.stars[j]) if rated_cor else None
        out.append({
            "company": str(name),
            "rated": rated_raw and rated_cor,
            "raw_total": raw_total,
            "raw_stars": raw_stars,
            "corrected_total": cor_total,
            "corrected_stars": cor_stars,
            "total_change": cor_total - raw_total,
            "stars_change": (cor_stars - raw_stars
                             if raw_stars is not None and cor_stars is not None else None),
        })
    return out
