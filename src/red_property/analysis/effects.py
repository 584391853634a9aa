"""Rater effects: who rates leniently or severely, who is erratic, which peers trade favours.

The model
---------
Every rating is first put on a common scale, ``y = (value - lower) / (upper - lower)``, with
the indicator's domain from the rubric (a check 0-1, options 0 to the last option, a score 0 to
its points, a measure its ``range``); an indicator without finite bounds uses the lowest and
highest value observed for it. Then

    y = u[company, source, indicator] + b[rater] + e

* ``u``, the cell effect: what the panel of a source gives the company on the indicator;
* ``b``, the rater effect, with ``sum(b) = 0`` over the raters of each source: ``b > 0`` is
  a rater more *lenient*, ``b < 0`` more *severe* than the source's average rater, in shares
  of each indicator's range (``b = 0.2``: a fifth of the range on every rating);
* ``e``, noise.

A rater is compared only with the other raters of its own panel (the same source rating the
same company): raters who agree on every company they rate together get the same effect, and
how one source reads a company differently from another is never put down to its raters.
It is fitted by least squares, alternating over the two blocks (backfitting), each step a
vectorised ``np.bincount`` mean, until no fitted value moves by more than ``1e-10``. The
constraint is kept by moving each source's mean rater effect into its cells, which leaves the
fit unchanged. A rater's ``n`` counts its *informative* ratings, those sharing their cell
(company x source x indicator) with another rating: a rating alone in its cell says nothing
about its rater. The standard error of ``b`` is ``sigma_s / sqrt(n)``, with ``sigma_s`` the residual
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
seasons (the seasons of ``tests/test_effects.py``) the largest rater |z| was 2.7 and no flag
was raised, while in 50 planted seasons the harsh and the lenient rater (-0.25 and +0.2)
reached |z| of 4.2 to 11.5 (``benchmarks/calibrate_effects.py`` measures both).

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .._values import ValueEquality, frozen_mapping
from ..correction import RaterFit, corrected_ratings, fit_raters
from ..ratings import Ratings
from ..report import Report
from .peers import Flag, PairRow, colluding, robust

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: MAD to standard deviation under normality.
MAD_SCALE = 1.4826
HTML_ROWS = 100
# mean |e| of normal noise has standard deviation sqrt(1 - 2/pi) * sigma
_ABS_SD = math.sqrt(1.0 - 2.0 / math.pi)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True, kw_only=True)
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


@dataclass(frozen=True, slots=True, kw_only=True, repr=False, eq=False)
class RaterEffects(ValueEquality):
    """Rater effects of a season and the flags raised; see the module docstring."""

    raters: tuple[RaterRow, ...]
    pairs: tuple[PairRow, ...]
    flags: tuple[Flag, ...]
    sigma: Mapping[str, float]  # residual standard deviation by source (shares of the range)
    threshold: float
    min_ratings: int
    floor: float
    iterations: int
    converged: bool
    fit: RaterFit  # the model, as the core fits it

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
    report: Report,
    *,
    threshold: float = 3.0,
    min_ratings: int = 10,
    floor: float = 0.02,
    indicators: Sequence[str] | None = None,
) -> RaterEffects:
    """Fit the rater-effects model to the season a report scored (its ratings as given) and
    flag lenient, severe, erratic and colluding raters (see the module docstring for the
    model, the thresholds and the limits).

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
    plan, ratings = report.plan, report.ratings
    fit = fit_raters(plan, ratings, indicators=indicators, min_ratings=min_ratings)
    if fit.y.size == 0:
        return RaterEffects(raters=(), pairs=(), flags=(), sigma=frozen_mapping(),
                            threshold=float(threshold), min_ratings=int(min_ratings),
                            floor=float(floor), iterations=0, converged=True, fit=fit)
    sp = _spread(fit)
    rc_of_code = _rater_companies(ratings)
    pairs, flags, in_pair = colluding(fit, sp.sigma, rc_of_code, threshold=threshold,
                                       min_ratings=min_ratings, floor=floor)
    z, fit_z, rater_flags = _judge_raters(fit, sp, in_pair, threshold=threshold,
                                          min_ratings=min_ratings, floor=floor)
    flags += rater_flags
    labels = ratings.rater_labels
    rows = tuple(
        RaterRow(rater=str(labels[code]), source=plan.sources[fit.rater_source[r]],
                 company=(str(ratings.company_labels[rc_of_code[code]])
                          if rc_of_code[code] >= 0 else None),
                 n=int(fit.n[r]), effect=float(fit.effect[r]), se=float(sp.se[r]),
                 z=float(z[r]), mean_abs_residual=float(sp.mar[r]), fit_z=float(fit_z[r]))
        for r, code in enumerate(fit.raters_used.tolist()))
    order = {"colluding pair": 0, "harsh on rivals": 1, "lenient": 2, "severe": 3, "outlier": 4}
    flags.sort(key=lambda f: (order.get(f.kind, 9), -abs(float(f.evidence["z"]))))
    return RaterEffects(
        raters=rows, pairs=tuple(pairs), flags=tuple(flags),
        sigma=frozen_mapping((plan.sources[s], float(sp.sigma[s]))
                             for s in range(len(plan.sources)) if sp.rows[s] > 0),
        threshold=float(threshold), min_ratings=int(min_ratings), floor=float(floor),
        iterations=fit.rounds, converged=fit.converged, fit=fit)


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
