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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._values import ValueEquality, frozen_mapping
from ..correction import RaterFit, corrected_ratings, fit_raters
from ..ratings import Ratings
from ..report import Report
from ._rater_judging import _judge_raters, _rater_companies, _spread
from .peers import Flag, PairRow, colluding

HTML_ROWS = 100


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
