"""Hostile claims files: ``score ... --claims CLAIMS`` and ``evaluate(..., claims=path)``, with
the good ratings of :func:`~tests.hostile.cases.ratings_csv` (companies a and b)."""

from __future__ import annotations

from red_property.errors import RatingsError

from .cases import Case

E = RatingsError
H = "company,stars\n"

CLAIMS = [
    Case("underscore-stars", "claims", H + "a,1_0\n", E, "stars must be a whole number, not "
         "'1_0'", row=2, column="stars"),
    Case("fraction-stars", "claims", H + "a,1.5\n", E, "stars must be a whole number, not '1.5'",
         row=2, column="stars"),
    Case("empty-stars", "claims", H + "a,\n", E, "stars is empty", row=2, column="stars"),
    Case("word-stars", "claims", H + "a,two\n", E, "not 'two'", row=2, column="stars"),
    Case("bool-word-stars", "claims", H + "a,True\n", E, "not 'True'", row=2, column="stars"),
    Case("full-width-stars", "claims", H + "a,２\n", None, exit=0, rows=(8, 8, 0)),
    Case("whole-float-stars", "claims", H + "a,2.0\n", None, exit=0, rows=(8, 8, 0)),
    Case("claims-twice", "claims", H + "a,1\na,2\n", E, "'a' claims twice (first at row 2)",
         row=3, column="company"),
    Case("unknown-company", "claims", H + "zz,1\n", E, "unknown company 'zz'", row=2,
         column="company"),
    Case("not-a-level", "claims", H + "a,7\n", E, "7 is not a level of the rubric", row=2,
         column="stars"),
    Case("escape-in-company", "claims", H + "a\x1b[2J,1\n", E,
         "holds the control character \\x1b", row=2, column="company"),
    Case("long-company", "claims", H + "c" * 1000 + ",1\n", E, "an id of 1,000 characters",
         row=2, column="company"),
    Case("unclosed-quote", "claims", H + 'a,"1\nb,1\n', E,
         "a quote opened on this row is not closed", row=2),
    Case("missing-stars-column", "claims", "company\na\n", E, "missing column 'stars'", row=1,
         column="stars"),
    Case("header-only", "claims", H, None, exit=0, rows=(8, 8, 0)),
]
