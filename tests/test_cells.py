"""The one grammar of input cells (red_property.cells), applied alike by every reader."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import red_property as rp
from red_property._claims_companies import read_claims
from red_property.cells import MAX_ID_LENGTH, id_problem, parse_number, printable

from .budget import examples
from .hostile.cases import RUBRIC


@pytest.mark.parametrize(("text", "number"), [
    ("3", 3.0), (" 3.5 ", 3.5), ("+2.", 2.0), (".5", 0.5), ("-1e-3", -0.001), ("3E2", 300.0),
    ("８９．４", 89.4), ("－３", -3.0), ("１ｅ３", 1000.0), ("1e400", float("inf")),
    ("8_9", None), ("1,5", None), ("50%", None), ("inf", None), ("nan", None), ("", None),
    ("  ", None), ("٣", None), ("1 000", None), ("0x10", None), ("--1", None), ("e3", None),
])
def test_number_grammar(text: str, number: float | None) -> None:
    """parse_number reads exactly the documented grammar (full-width forms as ASCII)."""
    assert parse_number(text) == number


@pytest.mark.parametrize(("label", "fragment"), [
    ("sy-01", None), ("山陽錦華物業", None), ("a b", None), ("x" * MAX_ID_LENGTH, None),
    ("x" * (MAX_ID_LENGTH + 1), "ids are at most 200 characters"),
    ("a\x00", "\\x00"), ("\x1b[31mred", "\\x1b"), ("a\nb", "\\n"), ("a\u202eb", "\\u202e"),
    ("a\tb", "\\t"), ("a\u2028b", "\\u2028"),
])
def test_id_rules(label: str, fragment: str | None) -> None:
    """id_problem refuses over-long ids and control or layout characters, escaped in its text."""
    why = id_problem(label)
    if fragment is None:
        assert why is None
    else:
        assert why is not None and fragment in why
        assert printable(why) == why


def test_printable_escapes_only_control_characters() -> None:
    """printable keeps Chinese, spaces and full-width text; escapes control characters."""
    assert printable("物業 ｜　x") == "物業 ｜　x"
    assert printable("a\x1b[2Jb\r\n") == "a\\x1b[2Jb\\r\\n"


_CELLS = st.one_of(
    st.sampled_from(["3", " 2.5", "8_9", "３", "1,5", "", "  ", "inf", "1e2", "＋１", "x", ".5"]),
    st.text(alphabet="0123456789.+-eE_ ,３．", max_size=6),
)


def _values(ratings: rp.Ratings) -> list[Any]:
    text = ratings.text if ratings.text is not None else [""] * len(ratings)
    return [("nan" if np.isnan(v) else float(v), str(t))
            for v, t in zip(ratings.value.tolist(), text, strict=True)]


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(_CELLS, min_size=1, max_size=6))
def test_every_reader_reads_a_cell_alike(cells: list[str]) -> None:
    """CSV, records, columns, frames and claims read the same text cell as the same number
    (frames where pandas is installed)."""
    n = len(cells)
    cols = {"company": [f"c{k}" for k in range(n)], "source": ["a"] * n, "rater": ["r"] * n,
            "indicator": ["i"] * n, "value": cells}
    by_columns = rp.Ratings.from_columns(**{k: np.array(v, dtype=object)
                                            for k, v in cols.items()})
    by_records = rp.Ratings.from_records([dict(zip(cols, row, strict=True))
                                          for row in zip(*cols.values(), strict=True)])
    assert _values(by_columns) == _values(by_records)
    if find_spec("pandas") is not None:
        import pandas as pd

        assert _values(rp.Ratings.from_frame(pd.DataFrame(cols))) == _values(by_records)
    for k, cell in enumerate(cells):
        number = parse_number(cell)
        assert _values(by_columns)[k][0] == ("nan" if number is None else number)
        whole = number is not None and np.isfinite(number) and number == int(number)
        try:
            claimed = read_claims({"c": cell}).stars[0]
        except rp.RatingsError:
            assert not whole
        else:
            assert whole and claimed == number


def test_csv_reads_cells_as_records_do(tmp_path: Path) -> None:
    """A CSV file's cells read as the same values as the same cells given as records."""
    cells = ["3", " 2.5", "8_9", "３．５", "", "inf", "－1"]
    path = tmp_path / "r.csv"
    path.write_text("company,source,rater,indicator,value\n" + "".join(
        f"c{k},a,r,i,{c}\n" for k, c in enumerate(cells)), encoding="utf-8")
    records = [{"company": f"c{k}", "source": "a", "rater": "r", "indicator": "i", "value": c}
               for k, c in enumerate(cells)]
    assert _values(rp.Ratings.from_csv(path)) == _values(rp.Ratings.from_records(records))


def test_label_storage_grows_with_unique_labels_not_rows() -> None:
    """One 200-character id among 200,000 rows costs its labels once, not rows x its length."""
    n = 200_000
    company = ["a"] * n
    company[7] = "x" * MAX_ID_LENGTH
    ratings = rp.Ratings.from_columns(company=company, source=["s"] * n, rater=["r"] * n,
                                      indicator=["i"] * n, value=np.ones(n))
    assert ratings.company_labels.tolist() == ["a", "x" * MAX_ID_LENGTH]
    assert ratings.company_labels.nbytes == 2 * 4 * MAX_ID_LENGTH
    assert ratings.company.nbytes == 8 * n


def test_rater_correction_writes_options_back_as_labels() -> None:
    """A rater-corrected options rating is its new option's label, never a bare number."""
    from red_property.correction import corrected_ratings, fit_raters
    from red_property.plan import compile_plan

    rows = []
    for c in range(8):
        for r in range(4):
            level = ("regular" if r == 0 else ("occasional", "none")[c % 2])  # au0 lenient
            rows += [{"company": f"c{c}", "source": "authority", "rater": f"au{r}",
                      "indicator": "party", "value": level},
                     {"company": f"c{c}", "source": "authority", "rater": f"au{r}",
                      "indicator": "care", "value": 4.0 if r == 0 else 1.0 + (c % 3)}]
    rubric = rp.load_rubric(RUBRIC)
    original = rp.Ratings.from_records(rows)
    corrected = corrected_ratings(fit_raters(compile_plan(rubric), original, min_ratings=4))
    party = corrected.indicator_labels[corrected.indicator] == "party"
    assert corrected.text is not None and original.text is not None
    assert (corrected.text[party] != original.text[party]).sum() == 8  # au0's, corrected down
    assert np.isnan(corrected.value[party]).all()
    assert set(corrected.text[party].tolist()) <= {"none", "occasional", "regular"}
    rp.evaluate(rubric, corrected)  # accepted: every options rating is a label
