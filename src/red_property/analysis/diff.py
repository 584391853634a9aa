"""Rubric-change impact: what a new rubric version does to a season's stars, and why.

:func:`diff` scores the same ratings under the old and the new rubric and returns a
:class:`RubricDiff`: the structural edits (weights, thresholds, indicators added or removed,
any other changed value, each with its dotted path) and every company whose stars, rank or total
move. Ratings rows for an indicator or source one of the rubrics does not have are left out of
that rubric's evaluation and counted, so renaming or removing an indicator can be reviewed; a
company that loses every row under one rubric is not rated there, and its claim is judged only by
the other.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .._claims_companies import read_claims
from ..errors import EvaluationError, Problem, RatingsError
from ..evaluation import as_plan, evaluate, evaluate_as_rated
from ..loading import load_rubric
from ..ratings import Claims, Ratings, as_ratings
from ..report import Report
from ..rubric import Rubric


@dataclass(frozen=True, slots=True)
class Edit:
    """One structural change: ``kind`` is added, removed or changed."""

    kind: str
    path: str
    old: Any = None
    new: Any = None

    def __str__(self) -> str:
        if self.kind == "added":
            return f"+ {self.path}: {_short(self.new)}"
        if self.kind == "removed":
            return f"- {self.path}: {_short(self.old)}"
        return f"~ {self.path}: {_short(self.old)} → {_short(self.new)}"


def _short(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True, slots=True)
class CompanyChange:
    """How one company's result moves from the old rubric to the new."""

    company: str
    old_stars: int | None
    new_stars: int | None
    old_rank: int | None
    new_rank: int | None
    old_total: float | None
    new_total: float | None

    @property
    def stars_changed(self) -> bool:
        """True when the award differs (including rated ↔ not rated)."""
        return self.old_stars != self.new_stars

    def __str__(self) -> str:
        def stars(s: int | None) -> str:
            return "not rated" if s is None else f"{s}★"

        delta = ""
        if self.old_total is not None and self.new_total is not None:
            delta = f", total {self.old_total:g} → {self.new_total:g}"
        award = (stars(self.new_stars) if not self.stars_changed
                 else f"{stars(self.old_stars)} → {stars(self.new_stars)}")
        return (f"{self.company}: {award} "
                f"(rank {_rank(self.old_rank)} → {_rank(self.new_rank)}{delta})")


def _rank(rank: int | None) -> str:
    """A rank for people: "-" when the company has none under that rubric."""
    return "-" if rank is None else str(rank)


@dataclass(frozen=True, slots=True, repr=False)
class RubricDiff:
    """The effect of changing a rubric on one season."""

    old: Report
    new: Report
    edits: tuple[Edit, ...]
    changes: tuple[CompanyChange, ...]  # companies whose stars, rank or total moved
    rows_left_out: dict[str, int]  # 'old'/'new' -> rows not scorable under that rubric

    @property
    def star_changes(self) -> tuple[CompanyChange, ...]:
        """Companies whose award differs."""
        return tuple(c for c in self.changes if c.stars_changed)

    @property
    def companies_compared(self) -> int:
        """Companies in either report: those rated under the old rubric, the new one or both."""
        return len(set(self.old.companies.tolist()) | set(self.new.companies.tolist()))

    @property
    def rows(self) -> int:
        """Rating rows given to the comparison (each side uses those its rubric knows)."""
        return self.old.rows_read + self.rows_left_out["old"]

    def __repr__(self) -> str:
        o, n = self.old.plan.rubric, self.new.plan.rubric
        return (f"<RubricDiff {o.id}@{o.version} → {n.id}@{n.version}: {len(self.edits)} edits, "
                f"{len(self.star_changes)} star changes>")

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per company that moved."""
        return [
            {"company": c.company, "old_stars": c.old_stars, "new_stars": c.new_stars,
             "old_rank": c.old_rank, "new_rank": c.new_rank, "old_total": c.old_total,
             "new_total": c.new_total, "stars_changed": c.stars_changed}
            for c in self.changes
        ]

    @property
    def version_unchanged(self) -> bool:
        """The rubric's content changed (its fingerprint) under the same id and version."""
        o, n = self.old.plan, self.new.plan
        return (o.fingerprint != n.fingerprint and o.rubric.id == n.rubric.id
                and o.rubric.version == n.rubric.version)

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data."""
        o, n = self.old.plan, self.new.plan
        return {
            "old": {"id": o.rubric.id, "version": o.rubric.version, "sha256": o.fingerprint},
            "new": {"id": n.rubric.id, "version": n.rubric.version, "sha256": n.fingerprint},
            "edits": [{"kind": e.kind, "path": e.path, "old": e.old, "new": e.new}
                      for e in self.edits],
            "companies": self.to_records(),
            "star_changes": len(self.star_changes),
            "companies_compared": self.companies_compared,
            "rows": self.rows,
            "rows_left_out": dict(self.rows_left_out),
            "version_unchanged": self.version_unchanged,
        }

    def __str__(self) -> str:
        d = self.to_dict()
        n = self.companies_compared
        lines = [f"{d['old']['id']}@{d['old']['version']} → {d['new']['id']}@"
                 f"{d['new']['version']}: {len(self.edits)} rubric edit(s), "
                 f"{len(self.star_changes)} star change(s) among {n} "
                 f"{'company' if n == 1 else 'companies'}"]
        if self.version_unchanged:
            lines.append(f"the rubric changed but its version did not ({d['new']['version']}): "
                         "bump `version`, so that reports and notices tell the two apart")
        for side, left_out in self.rows_left_out.items():
            if left_out and left_out == self.rows:
                lines.append(f"the {side} rubric uses none of the {left_out:,} rating rows: "
                             "its indicators/sources differ from the file's")
        if self.edits:
            lines += ["", "Rubric edits:"] + [f"  {e}" for e in self.edits]
        if self.star_changes:
            lines += ["", "Stars change:"] + [f"  {c}" for c in self.star_changes]
        moved = [c for c in self.changes if not c.stars_changed]
        if moved:
            lines += ["", "Rank or total change, same stars:"] + [f"  {c}" for c in moved]
        for side, left_out in self.rows_left_out.items():
            if left_out and left_out != self.rows:
                lines.append(f"{left_out} rating rows have no indicator/source in the {side} "
                             "rubric and were left out of it")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(str(self)) + "</pre>"


def structural_diff(old: Rubric, new: Rubric) -> tuple[Edit, ...]:
    """Every added, removed or changed value between two rubrics, by dotted path (defaults
    included, so a value that moves to its default is still seen)."""
    a, b = old.model_dump(mode="json"), new.model_dump(mode="json")
    edits: list[Edit] = []
    _walk(a, b, "", edits)
    return tuple(edits)


def _walk(a: Any, b: Any, path: str, out: list[Edit]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            p = f"{path}.{k}" if path else str(k)
            if k not in b:
                out.append(Edit("removed", p, old=a[k]))
            else:
                _walk(a[k], b[k], p, out)
        for k in b:
            if k not in a:
                out.append(Edit("added", f"{path}.{k}" if path else str(k), new=b[k]))
        return
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            _walk(x, y, f"{path}[{n}]", out)
        return
    if a != b:
        out.append(Edit("changed", path, old=a, new=b))


def _scorable(rubric: Rubric, ratings: Ratings) -> tuple[Ratings, int]:
    known_ind = set(rubric.indicators())
    ind_ok = np.array([str(x) in known_ind for x in ratings.indicator_labels], dtype=bool)
    src_ok = np.array([str(x) in rubric.sources for x in ratings.source_labels], dtype=bool)
    mask = np.ones(len(ratings), dtype=bool)
    if ind_ok.size:
        mask &= ind_ok[ratings.indicator]
    if src_ok.size:
        mask &= src_ok[ratings.source]
    left_out = int((~mask).sum())
    return (ratings if left_out == 0 else ratings.take(mask)), left_out


def diff(
    old: Rubric | str | os.PathLike[str],
    new: Rubric | str | os.PathLike[str],
    ratings: Ratings | str | os.PathLike[str],
    *,
    claims: Claims | dict[str, int] | str | os.PathLike[str] | None = None,
) -> RubricDiff:
    """Score ``ratings`` under ``old`` and ``new``; list the rubric edits and what moved."""
    old_r = old if isinstance(old, Rubric) else load_rubric(old)
    new_r = new if isinstance(new, Rubric) else load_rubric(new)
    data = as_ratings(ratings)
    claimed = None if claims is None else read_claims(claims)  # its problems are no rubric's
    old_in, old_out = _scorable(old_r, data)
    new_in, new_out = _scorable(new_r, data)
    a = _evaluate(f"the old rubric {_named(old, old_r)}", old_r, old_in,
                  _judged(claimed, old_in, data))
    b = _evaluate(f"the new rubric {_named(new, new_r)}", new_r, new_in,
                  _judged(claimed, new_in, data))
    absent = {"stars": None, "rank": None, "total": None}
    ra = {rec["company"]: rec for rec in a.to_records()}
    rb = {rec["company"]: rec for rec in b.to_records()}
    changes = []
    for name in [*rb, *(c for c in ra if c not in rb)]:  # a company may vanish from either
        prev, rec = ra.get(name, absent), rb.get(name, absent)
        moved = (prev["stars"] != rec["stars"] or prev["rank"] != rec["rank"]
                 or prev["total"] != rec["total"])
        if moved:
            changes.append(CompanyChange(name, prev["stars"], rec["stars"],
                                         prev["rank"], rec["rank"], prev["total"], rec["total"]))
    changes.sort(key=lambda c: (not c.stars_changed, c.company))
    return RubricDiff(old=a, new=b, edits=structural_diff(old_r, new_r), changes=tuple(changes),
                      rows_left_out={"old": old_out, "new": new_out})


def _judged(claims: Claims | None, used: Ratings, data: Ratings) -> Claims | None:
    """The claims one side judges: a company the file rates but whose rows this side's rubric
    leaves out is not rated on this side (the diff shows it so), and its claim has no result to
    be confirmed against; a claim of a company the file does not rate is kept, to be refused."""
    if claims is None:
        return None
    rated = {str(c) for c in used.company_labels[np.unique(used.company)].tolist()}
    in_file = {str(c) for c in data.company_labels[np.unique(data.company)].tolist()}
    keep = [k for k, c in enumerate(claims.company) if c in rated or c not in in_file]
    return Claims(tuple(claims.company[k] for k in keep), tuple(claims.stars[k] for k in keep),
                  tuple(claims.row[k] for k in keep), origin=claims.origin)


def _named(given: Rubric | str | os.PathLike[str], rubric: Rubric) -> str:
    where = "" if isinstance(given, Rubric) else f" ({os.fspath(given)})"
    return f"{rubric.id}@{rubric.version}{where}"


def _evaluate(which: str, rubric: Rubric, ratings: Ratings, claims: Claims | None) -> Report:
    """Evaluate under one side's rubric; a refusal says which rubric refused, once per cause."""
    try:
        if len(ratings) == 0:  # the rubric uses none of the rows: a season of 0 companies, said
            return evaluate_as_rated(as_plan(rubric), ratings, claims=claims)
        return evaluate(rubric, ratings, claims=claims)
    except RatingsError as exc:
        raise RatingsError(_grouped(exc.problems, which), file=exc.file) from None
    except EvaluationError as exc:
        raise EvaluationError(f"refused by {which}: {exc}") from None


def _grouped(problems: Iterable[Problem], which: str) -> list[Problem]:
    """One problem per distinct cause (column and message), at its first row, with the count
    and the first few rows of the others."""
    groups: dict[tuple[str, str, str], list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.file, p.path, p.message), []).append(p)
    out = []
    for (_, _, message), same in groups.items():
        rows = [p.row for p in same if p.row]
        more = ""
        if len(same) > 1:
            shown = ", ".join(str(r) for r in rows[:5])
            more = f" ({len(same)} rows: {shown}{', …' if len(rows) > 5 else ''})"
        out.append(replace(same[0], message=f"refused by {which}: {message}{more}"))
    return out
