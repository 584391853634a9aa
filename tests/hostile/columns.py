"""Hostile Python input: what only code can hand the library (arrays, records, frames, objects).
No command line receives these; each must fail at the call that received it, with the library's
typed error, or be accepted the same way by every reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import red_property as rp
from red_property._claims_companies import read_claims
from red_property.errors import RatingsError

from .cases import RUBRIC, Case

E = RatingsError
ROW = {"company": "a", "source": "authority", "rater": "au1", "indicator": "ok", "value": 1}


def _columns(**changes: Any) -> rp.Ratings:
    cols: dict[str, Any] = {k: [v, v] for k, v in ROW.items()}
    cols["company"] = ["a", "b"]
    cols.update(changes)
    return rp.Ratings.from_columns(**cols)


def _records(*changes: dict[str, Any]) -> rp.Ratings:
    return rp.Ratings.from_records([{**ROW, **c} for c in changes])


def _score(ratings: Any) -> rp.Report:
    return rp.evaluate(rp.load_rubric(RUBRIC), ratings)


def _frame(value: Any) -> rp.Report:
    pd = pytest.importorskip("pandas", reason="the pandas extra is not installed")

    frame = pd.DataFrame([ROW, {**ROW, "company": "b"}])
    frame["value"] = pd.array([1, value], dtype="Int64")
    return _score(rp.Ratings.from_frame(frame))


COLUMNS = [
    Case("2d-value-array", "api", lambda: _columns(value=np.ones((2, 2))), E,
         "column value has shape (2, 2)", column="value", exit=None),
    Case("row-of-wrong-length", "api", lambda: _columns(row=[1, 2, 3]), E,
         "columns differ in length", exit=None),
    Case("note-of-wrong-length", "api", lambda: _columns(note=["x"]), E,
         "columns differ in length", exit=None),
    Case("text-row-numbers", "api", lambda: _columns(row=["one", "two"]), E,
         "row numbers must be whole numbers", column="row", exit=None),
    Case("bool-array-value", "api", lambda: _columns(value=np.array([True, False])), E,
         "value True is a boolean; give 1 (yes) or 0 (no)", row=1, column="value",
         exit=None),
    Case("bool-record-value", "api", lambda: _records({"value": True}), E,
         "value True is a boolean; give 1 (yes) or 0 (no)", row=1, column="value", exit=None),
    Case("object-value", "api", lambda: _records({"value": {"points": 1}}), E,
         "value {'points': 1} is not a number", row=1, column="value", exit=None),
    Case("int-beyond-float", "api", lambda: _records({"value": 10**400}), E,
         "value is too large: values lie within ±1e15", row=1, column="value", exit=None),
    Case("float-list-value", "api", lambda: _score(_columns(value=[1.0, float("nan")])), E,
         "value is empty", row=2, column="value", exit=None),
    Case("bytes-company", "api", lambda: _records({"company": b"sy-01"}), E,
         "bytes b'sy-01' where text is expected", row=1, column="company", exit=None),
    Case("bytes-array-company", "api", lambda: _columns(company=np.array([b"a", b"b"])), E,
         "bytes b'a' where text is expected", row=1, column="company", exit=None),
    Case("tuple-records", "api", lambda: rp.Ratings.from_records([("a", "authority")]), E,
         "a record is a mapping", row=1, exit=None),
    Case("megabyte-id-in-columns", "api",
         lambda: _columns(company=["x" * 1_000_000] * 2), E,
         "an id of 1,000,000 characters", row=1, column="company", exit=None),
    Case("text-underscore-in-records", "api",
         lambda: _score(_records({"value": "8_9"})), E, "value '8_9' is not a number",
         row=1, column="value", exit=None),
    Case("nan-in-float-column", "api", lambda: _score(_columns(value=np.array([1.0, np.nan]))),
         E, "value is empty", row=2, column="value", exit=None),
    Case("missing-in-frame", "api", lambda: _frame(None), E, "value is empty", row=2,
         column="value", exit=None),
    Case("no-rubric", "api", lambda: rp.evaluate(None, Path("ratings.csv")),  # type: ignore[arg-type]
         TypeError, "rubric must be a Rubric, a Plan or a path to a rubric file", exit=None),
    Case("number-pair-claims", "api", lambda: read_claims([("a", 1, 2)]), E,
         "a claim is a (company, stars) pair", row=1, exit=None),
]
