"""The main job: ``evaluate(rubric, ratings, claims=...) -> Report``."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from typing import Any, TypeVar

import numpy as np

from . import _messages as m
from ._claims_companies import read_claims, read_companies
from ._values import frozen_mapping
from .awarding import award
from .checking import check_ratings
from .correction import corrected_ratings, fit_raters
from .errors import Problem, RatingsError
from .loading import load_rubric
from .plan import Plan, compile_plan
from .ratings import Claims, Companies, Ratings, as_ratings
from .report import Report
from .rubric import Rubric
from .scoring import score


def library_version() -> str:
    """The version of red-property (written in ``_version.py``, which the build reads: no
    package metadata to look up, which would cost tens of milliseconds)."""
    from ._version import __version__

    return __version__


def as_plan(rubric: Rubric | Plan | str | os.PathLike[str]) -> Plan:
    """A compiled plan from a plan, a rubric, or a rubric file."""
    if isinstance(rubric, Plan):
        return rubric
    if isinstance(rubric, (str, os.PathLike)):
        rubric = load_rubric(rubric)
    if not isinstance(rubric, Rubric):
        raise TypeError(f"rubric must be a Rubric, a Plan or a path to a rubric file, not "
                        f"{type(rubric).__name__}")
    return compile_plan(rubric)


def evaluate(
    rubric: Rubric | Plan | str | os.PathLike[str],
    ratings: Ratings | str | os.PathLike[str],
    *,
    claims: Claims | Mapping[str, int] | str | os.PathLike[str] | Sequence[Any] | None = None,
    companies: Companies | Mapping[str, str] | Sequence[str] | str | os.PathLike[str] | None = None,
) -> Report:
    """Score every company and award stars.

    ``rubric`` is a :class:`Rubric` (or a compiled plan, or a path to a YAML file); ``ratings``
    a :class:`Ratings` (or a path to a CSV file). ``claims`` maps companies to the stars they
    claim. ``companies``, when given, is the full list of companies (ids, a mapping of id to name,
    or a CSV file with columns company, name, district): a rating for any other company is an
    invalid row, a listed company without ratings is reported as not rated, and names and
    districts appear in the report.

    With the rubric's ``rater_correction: true`` the companies are scored on values corrected
    for each rater's leniency or severity (:mod:`red_property.correction`); the report keeps
    the uncorrected result in :attr:`Report.uncorrected`, side by side, and
    :func:`red_property.analysis.rater_effects` reports on the raters.

    Raises :class:`~red_property.errors.RatingsError` for bad input rows (unless the rubric's
    ``input`` policy drops them) and :class:`~red_property.errors.EvaluationError` when a source
    with ``when_short: fail`` is short.
    """
    plan = as_plan(rubric)
    ratings = as_ratings(ratings)
    if len(ratings) == 0:  # an empty export must not pass as a season of 0 companies
        file = not ratings.origin.startswith("<")
        raise RatingsError([Problem(
            "no ratings: the file has a header but no rows; export the season's ratings" if file
            else f"no ratings: the {ratings.origin.strip('<>')} hold no rows; nothing to score",
            file=ratings.origin, row=1 if file else 0)], file=ratings.origin)
    table = None if companies is None else read_companies(companies)
    given = None if claims is None else read_claims(claims)
    report = evaluate_as_rated(plan, ratings, claims=given, companies=table)
    if not plan.rubric.rater_correction:
        return report
    corrected = evaluate_as_rated(plan, corrected_ratings(fit_raters(plan, ratings)),
                                  claims=given, companies=table)
    return replace(corrected, ratings=ratings, uncorrected=report)


def evaluate_as_rated(
    plan: Plan,
    ratings: Ratings,
    *,
    claims: Claims | None = None,
    companies: Companies | None = None,
) -> Report:
    """:func:`evaluate` on the values as given, whatever the rubric says of rater correction."""
    table = companies
    checked = check_ratings(plan, ratings, companies=None if table is None else list(table.ids))
    n_c = len(checked.companies)
    claimed = np.full(n_c, -1, dtype=np.int64)
    warnings: list[str] = []
    if claims is not None:
        claimed = _claims(plan, claims, checked.companies, claimed)
    scores = score(plan, checked, n_c)
    awards = award(plan, scores, claimed)
    if checked.dropped:
        warnings.append(m.msg("warn.dropped", "en", file=ratings.origin,
                              n=len(ratings) - len(checked.value)))
    return Report(
        plan=plan,
        companies=_frozen(checked.companies),
        scores=_frozen(scores),
        awards=_frozen(awards),
        ratings=ratings,
        claims=claims,
        company_table=companies,
        rows_read=checked.rows_read,
        rows_used=int(checked.value.shape[0]),
        dropped=checked.dropped,
        dropped_by_reason=frozen_mapping(checked.dropped_by_reason),
        warnings=tuple(warnings),
        library_version=library_version(),
        names=frozen_mapping(table.names if table else {}),
        districts=frozen_mapping(table.districts if table else {}),
    )


_T = TypeVar("_T")


def _frozen(obj: _T) -> _T:
    """Make the arrays of a result read-only (a report cannot be altered after the fact)."""
    if isinstance(obj, np.ndarray):
        obj.flags.writeable = False
    else:
        for f in fields(obj):  # type: ignore[arg-type]
            value = getattr(obj, f.name)
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
    return obj


def _claims(plan: Plan, claims: Claims, companies: np.ndarray, out: np.ndarray) -> np.ndarray:
    index = {str(c): k for k, c in enumerate(companies.tolist())}
    valid = {0, *plan.level_stars.tolist()}
    problems = []
    for company, stars, row in zip(claims.company, claims.stars, claims.row, strict=True):
        if company not in index:
            problems.append(Problem(f"unknown company {company!r}: it has no ratings",
                                    file=claims.origin, row=row, path="company"))
        elif stars not in valid:
            problems.append(Problem(f"{stars} is not a level of the rubric "
                                    f"({', '.join(map(str, sorted(valid)))})",
                                    file=claims.origin, row=row, path="stars"))
        else:
            out[index[company]] = stars
    if problems:
        raise RatingsError(problems, file=claims.origin)
    return out
