"""Hostile companies lists: ``score ... --companies FILE`` and ``evaluate(..., companies=path)``.
``ratings`` is the season scored with the list."""

from __future__ import annotations

from red_property.errors import RatingsError

from .cases import Case, ratings_csv

E = RatingsError
H = "company,name,district\n"

COMPANIES = [
    Case("listed-twice", "companies", H + "a,A,\nb,B,\na,A2,\n", E,
         "'a' is listed twice (first at row 2)", row=4, column="company"),
    Case("empty-id", "companies", H + "a,A,\n,B,\n", E, "empty company id", row=3,
         column="company"),
    Case("nul-in-id", "companies", H + "a,A,\nb\x00,B,\n", E,
         "holds the control character \\x00", row=3, column="company"),
    Case("long-id", "companies", H + "a,A,\n" + "b" * 250 + ",B,\n", E,
         "an id of 250 characters", row=3, column="company"),
    Case("company-not-listed", "companies", H + "a,A,\n", E,
         "unknown company 'b'; it is not in the companies table (rows 5, 6, 7, 9)", row=5,
         column="company"),
    Case("peer-company-not-listed", "companies", H + "a,A,\nb,B,\n", E,
         "rater_company 'zz' of rater 'pz' is not in the companies table", row=10,
         column="rater_company", ratings=ratings_csv("a,peer,pz,care,3,zz")),
    Case("escape-in-name-is-shown-escaped", "companies", H + "a,\x1b[31mRed,\nb,B,\n", None,
         exit=0, rows=(8, 8, 0), shown="a \\x1b[31mRed"),
    Case("listed-without-ratings", "companies", H + "a,A,\nb,B,\nc,C,\n", None, exit=0,
         rows=(8, 8, 0), shown="not rated"),
]
