"""Hostile ratings files: ``red-property score RUBRIC RATINGS`` and ``evaluate(rubric, path)``.

The good rows are rows 2-9 (see :data:`~tests.hostile.cases.GOOD`); a case's own rows start at
row 10.
"""

from __future__ import annotations

from red_property.errors import RatingsError

from .cases import HEADER, Case, ratings_csv

E = RatingsError
DROP = "input: {invalid_rows: drop}\n"
POINTS = "numbers: points"

RATINGS = [
    # numbers on options indicators: labels only, unless the rubric declares numbers: points
    Case("number-on-options", "ratings", ratings_csv("a,authority,au2,party,2,"), E,
         "value 2 is a number, but indicator 'party' takes an option's label: none, occasional, "
         "regular", row=10, column="value"),
    Case("code-text-on-options", "ratings", ratings_csv("a,authority,au2,party, 0 ,"), E,
         "takes an option's label", row=10, column="value"),
    Case("points-on-options-declared", "ratings", ratings_csv("a,authority,au2,party,2,"), None,
         exit=0, rows=(9, 9, 0), policy=POINTS),
    Case("not-points-on-options-declared", "ratings", ratings_csv("a,authority,au2,party,3,"),
         E, "not the points of an option of 'party': none 0, occasional 2, regular 4", row=10,
         column="value", policy=POINTS),
    Case("option-of-another-indicator", "ratings", ratings_csv("a,authority,au2,party,yes,"), E,
         "value 'yes' is not a number or an option of 'party'", row=10, column="value"),
    # one number grammar
    Case("underscore-in-number", "ratings", ratings_csv("a,authority,au2,care,1_5,"), E,
         "value '1_5' is not a number", row=10, column="value"),
    Case("decimal-comma", "ratings", ratings_csv('a,authority,au2,care,"1,5",'), E,
         "value '1,5' is not a number", row=10, column="value"),
    Case("inf-text", "ratings", ratings_csv("a,authority,au2,care,inf,"), E,
         "value 'inf' is not a number", row=10, column="value"),
    Case("nan-text", "ratings", ratings_csv("a,authority,au2,care,NaN,"), E,
         "value 'NaN' is not a number", row=10, column="value"),
    Case("overflowing-number", "ratings", ratings_csv("a,authority,au2,care,1e400,"), E,
         "value inf is not a finite number", row=10, column="value"),
    Case("arabic-indic-digit", "ratings", ratings_csv("a,authority,au2,care,٣,"), E,
         "value '٣' is not a number", row=10, column="value"),
    Case("percent", "ratings", ratings_csv("a,authority,au2,care,50%,"), E,
         "value '50%' is not a number", row=10, column="value"),
    Case("full-width-number", "ratings", ratings_csv("a,authority,au2,care,３．５,"), None,
         exit=0, rows=(9, 9, 0)),
    Case("full-width-minus-out-of-range", "ratings", ratings_csv("a,authority,au2,care,－１,"),
         E, "value -1 is outside 0 to 4 for indicator 'care'", row=10, column="value"),
    Case("blanks-around-number", "ratings", ratings_csv("a,authority,au2,care,  +2.  ,"), None,
         exit=0, rows=(9, 9, 0)),
    Case("exponent", "ratings", ratings_csv("a,authority,au2,care,3E-1,"), None, exit=0,
         rows=(9, 9, 0)),
    Case("empty-value", "ratings", ratings_csv("a,authority,au2,care,,"), E,
         "value is empty; every rating needs a value", row=10, column="value"),
    Case("blank-value", "ratings", ratings_csv("a,authority,au2,care,   ,"), E,
         "value is empty", row=10, column="value"),
    Case("huge-value", "ratings", ratings_csv("a,authority,au2,care,1e16,"), E,
         "value 1e+16 is too large", row=10, column="value"),
    Case("out-of-range", "ratings", ratings_csv("a,authority,au2,care,5,"), E,
         "value 5 is outside 0 to 4 for indicator 'care'", row=10, column="value"),
    Case("half-a-check", "ratings", ratings_csv("a,authority,au2,ok,0.5,"), E,
         "value 0.5 must be a whole number for indicator 'ok'", row=10, column="value"),
    Case("bad-value-dropped-by-policy", "ratings", ratings_csv("a,authority,au2,care,x,"), None,
         exit=0, rows=(9, 8, 1), policy=DROP),
    # self-rating exclusion
    Case("self-rating-dropped", "ratings", ratings_csv("a,peer,pa,ok,1,a"), None, exit=0,
         rows=(9, 8, 1)),
    Case("self-rating-evaded-by-another-company", "ratings", ratings_csv("a,peer,pa,ok,1,c"), E,
         "rater 'pa' is given 2 rater_company values: 'a' (row 9) and 'c' (row 10)", row=10,
         column="rater_company"),
    Case("peer-without-rater-company", "ratings", ratings_csv("a,peer,pc,ok,1,"), E,
         "peer rating without rater_company", row=10, column="rater_company"),
    # ids
    Case("long-id", "ratings", ratings_csv("x" * 300 + ",authority,au2,ok,1,"), E,
         "an id of 300 characters", row=10, column="company"),
    Case("long-id-many-rows", "ratings",
         ratings_csv(*["y" * 5000 + f",authority,au{k},ok,1," for k in range(3, 40)]), E,
         "ids are at most 200 characters", row=10, column="company"),
    Case("one-huge-id-in-a-big-file", "ratings",
         ratings_csv("z" * 130_000 + ",authority,au2,ok,1,",
                     *[f"b,authority,x{k},ok,1," for k in range(20_000)]), E,
         "an id of 130,000 characters", row=10, column="company"),
    Case("nul-in-id", "ratings", ratings_csv("a\x00b,authority,au2,ok,1,"), E,
         "holds the control character \\x00", row=10, column="company"),
    Case("ansi-escape-in-id", "ratings", ratings_csv("\x1b[31ma,authority,au2,ok,1,"), E,
         "holds the control character \\x1b", row=10, column="company"),
    Case("newline-in-id", "ratings", ratings_csv('"a\nb",authority,au2,ok,1,'), E,
         "holds the control character \\n", row=10, column="company"),
    Case("bidi-override-in-rater", "ratings", ratings_csv("a,authority,au\u202e2,ok,1,"), E,
         "holds the control character \\u202e", row=10, column="rater"),
    Case("empty-company", "ratings", ratings_csv(",authority,au2,ok,1,"), E,
         "empty; every rating names its company", row=10, column="company"),
    Case("blanks-around-ids", "ratings", ratings_csv(" a , authority ,au2, ok ,1,"), None,
         exit=0, rows=(9, 9, 0)),
    # rows and their problems
    Case("rater-in-two-sources-grouped", "ratings", ratings_csv("a,peer,au1,ok,1,b"), E,
         "rater 'au1' appears in more than one source; a rater belongs to one source "
         "(rows 2, 3, 4, 5, 6 and 2 more)", row=2, column="rater"),
    Case("duplicate-rating", "ratings", ratings_csv("a,authority,au1,ok,1,"), E,
         "rater 'au1' rated company 'a' on 'ok' twice", row=10, column="rater"),
    Case("unknown-indicator", "ratings", ratings_csv("a,authority,au2,smile,1,"), E,
         "unknown indicator 'smile'", row=10, column="indicator"),
    Case("unknown-source", "ratings", ratings_csv("a,press,au2,ok,1,"), E,
         "unknown source 'press'", row=10, column="source"),
    # the file itself
    Case("unclosed-quote", "ratings",
         ratings_csv('a,authority,au2,"care,3,', *[f"b,authority,x{k},ok,1," for k in range(40)]),
         E, "a quote opened on this row is not closed", row=10),
    Case("unclosed-quote-at-the-end", "ratings", ratings_csv('a,authority,au2,care,"3'), E,
         "a quote opened on this row is not closed", row=10),
    Case("unclosed-quote-large", "ratings",
         ratings_csv('a,authority,au2,"care,3,',
                     *[f"b,authority,x{k},ok,1,{'z' * 40}" for k in range(4000)]),
         E, "a quote opened on this row is not closed", row=10),
    Case("too-many-fields", "ratings", ratings_csv("a,authority,au2,ok,1,,extra"), E,
         "7 fields, the header has 6", row=10),
    Case("header-only", "ratings", HEADER + "\n", E, "no ratings: the file has a header "
         "but no rows", row=1),
    Case("empty-file", "ratings", "", E, "the file is empty; it needs a header row"),
    Case("unknown-column", "ratings", ratings_csv(header=HEADER + ",comment",
                                                  good=("a,authority,au1,ok,1,,x",)), E,
         "unknown column 'comment'", row=1, column="comment"),
    Case("missing-column", "ratings", "company,source,rater,indicator\na,authority,au1,ok\n", E,
         "missing column 'value'", row=1, column="value"),
    Case("repeated-column", "ratings", "company,source,rater,indicator,value,value\n", E,
         "column 'value' appears 2 times", row=1, column="value"),
    Case("not-utf8-nor-gb18030", "ratings", HEADER.encode() + b"\na,authority,\xff\xff,ok,1,\n",
         E, "cannot decode as utf-8-sig or gb18030"),
    Case("gb18030-ids", "ratings", ratings_csv("物業,authority,au2,ok,1,").encode("gb18030"),
         None, exit=0, rows=(9, 9, 0)),
    Case("utf8-bom", "ratings", "\ufeff" + ratings_csv(), None, exit=0, rows=(8, 8, 0)),
    Case("blank-lines", "ratings", ratings_csv("", ",,,,,", "a,authority,au2,ok,1,"), None,
         exit=0, rows=(9, 9, 0)),
]
