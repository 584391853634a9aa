"""The claims and companies tables of a season, read into :class:`~red_property.ratings.Claims`
and :class:`~red_property.ratings.Companies`.

Either comes from a CSV file, a mapping or a sequence; ids are read as ratings read them, and
every bad cell (an empty or bad id, a company named twice, stars that are no whole number) is
reported at once with its row.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np

from ._columns import _id_text, _is_missing
from .cells import id_problem, number_problem, parse_number, printable
from .errors import Problem, RatingsError
from .ratings import Claims, Companies


def _read_table(path: str | os.PathLike[str], required: tuple[str, ...],
                optional: tuple[str, ...]) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, rows and line numbers of a table file (its encoding and delimiter found as for
    ratings), every problem reported at once (see :func:`red_property._tabular.read_table`)."""
    from ._tabular import read_table

    header, body, lines = read_table(path, required, optional)
    return header, [[str(c) for c in r] for r in body], lines


def read_claims(claims: str | os.PathLike[str] | Mapping[str, int] | Claims | Sequence[Any]
                ) -> Claims:
    """Claims from a CSV file (columns ``company, stars``), a mapping, a sequence of
    ``(company, stars)`` pairs or of records with the fields ``company`` and ``stars``, or a
    Claims."""
    if isinstance(claims, Claims):
        return claims
    if isinstance(claims, Mapping):
        pairs = list(claims.items())
        return _claims(pairs, list(range(1, len(pairs) + 1)), "<claims>")
    if isinstance(claims, (str, os.PathLike)):
        header, body, lines = _read_table(claims, ("company", "stars"), ())
        items = [(r[header.index("company")].strip(), r[header.index("stars")].strip())
                 for r in body]
        return _claims(items, lines, str(claims))
    given: list[Any] = list(cast("Sequence[Any]", claims))
    # records as a service holds them: {"company": ..., "stars": ...}, as the CSV's columns
    given = [(x["company"], x["stars"]) if isinstance(x, Mapping) and set(x) == {"company",
                                                                                   "stars"}
             else x for x in given]
    bad = [k for k, x in enumerate(given, start=1)
           if isinstance(x, (str, bytes)) or not isinstance(x, Sequence) or len(x) != 2]
    if bad:
        raise RatingsError([Problem(f"a claim is a (company, stars) pair or a record with "
                                    f"the fields company and stars, not "
                                    f"{printable(repr(given[k - 1]))[:80]}", row=k,
                                    file="<claims>") for k in bad], file="<claims>")
    return _claims([(x[0], x[1]) for x in given], list(range(1, len(given) + 1)), "<claims>")


def _claims(items: Sequence[tuple[Any, Any]], rows: Sequence[int], origin: str) -> Claims:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    companies: list[str] = []
    stars: list[int] = []
    for (company, value), row in zip(items, rows, strict=True):
        why = _cell_id_problem(company)
        company = "" if why else str(company).strip()
        if why:
            problems.append(Problem(why, row=row, path="company", file=origin))
            continue
        level = _whole_number(value)
        if isinstance(level, str):
            problems.append(Problem(f"stars {level}", row=row, path="stars", file=origin))
            continue
        if company in seen:
            problems.append(Problem(f"{company!r} claims twice (first at row {seen[company]})",
                                    row=row, path="company", file=origin))
            continue
        seen[company] = row
        companies.append(company)
        stars.append(level)
    if problems:
        raise RatingsError(problems, file=origin)
    return Claims(tuple(companies), tuple(stars), tuple(rows), origin)


def _cell_id_problem(v: Any) -> str | None:
    """What is wrong with one id cell (a claim's or the companies list's company), or None."""
    if isinstance(v, (bytes, bytearray)):
        return f"bytes {printable(repr(v))} where text is expected: decode the ids first"
    text = _id_text(v).strip()
    return "empty company id" if not text else id_problem(text)


def _whole_number(value: Any) -> int | str:
    """A whole number under the cell grammar, or what is wrong with the cell."""
    if isinstance(value, str):
        number = parse_number(value)
        if number is None:
            return "is empty" if not value.strip() else (
                f"must be a whole number, not {printable(repr(value))}")
    elif _is_missing(value) and not isinstance(value, (bool, np.bool_)):
        return "is empty"
    else:
        why = number_problem(value)
        if why is not None:
            return f"must be a whole number: {why}"
        number = float(value)
    if not math.isfinite(number) or number != int(number):
        return f"must be a whole number, not {printable(repr(value))}"
    return int(number)


def read_companies(companies: str | os.PathLike[str] | Mapping[str, str] | Sequence[str] | Companies
                   ) -> Companies:
    """Companies from a CSV file (columns ``company`` and optionally ``name``, ``district``), a
    mapping of id to name, a sequence of ids, or a Companies."""
    if isinstance(companies, Companies):
        return companies
    if isinstance(companies, Mapping):
        return _companies([(k, str(v), "") for k, v in companies.items()], None, "<companies>")
    if isinstance(companies, (str, os.PathLike)):
        header, body, lines = _read_table(companies, ("company",), ("name", "district"))
        recs = [dict(zip(header, (c.strip() for c in r), strict=True)) for r in body]
        items = [(r["company"], r.get("name", ""), r.get("district", "")) for r in recs]
        return _companies(items, lines, str(companies))
    return _companies([(c, "", "") for c in companies], None, "<companies>")


def _companies(items: Sequence[tuple[Any, str, str]], rows: Sequence[int] | None, origin: str
               ) -> Companies:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    ids: list[str] = []
    names: dict[str, str] = {}
    districts: dict[str, str] = {}
    lines = rows if rows is not None else range(1, len(items) + 1)
    for (company, name, district), row in zip(items, lines, strict=True):
        why = _cell_id_problem(company)
        cid = "" if why else _id_text(company).strip()  # as ratings read ids
        if why:
            problems.append(Problem(why, row=row, path="company", file=origin))
        elif cid in seen:
            problems.append(Problem(f"{cid!r} is listed twice (first at row {seen[cid]})",
                                    row=row, path="company", file=origin))
        else:
            seen[cid] = row
            ids.append(cid)
            if name:
                names[cid] = name
            if district:
                districts[cid] = district
    if problems:
        raise RatingsError(problems, file=origin)
    return Companies(ids=tuple(ids), names=names, districts=districts, origin=origin)
