"""What Ratings carry along: notes through records, frames, take() and with_values(), the
cells that held text, the origin; behaviour that mutation testing found unguarded."""

from __future__ import annotations

import numpy as np
import pytest

import red_property as rp

from .fixtures import rec


def _ratings() -> rp.Ratings:
    rows = [rec("a", "s", "r1", "x", 5), rec("b", "s", "r1", "x", "good"),
            rec("c", "s", "r2", "x", 7)]
    rows[0]["note"] = "checked on site"
    rows[1]["note"] = None
    return rp.Ratings.from_records(rows, origin="<mine>")


def test_notes_of_records_are_kept_and_a_missing_one_is_empty() -> None:
    """A record's note is kept as text; a note of None, or none at all, is "" (never "None");
    without any note the ratings hold none."""
    r = _ratings()
    assert r.note is not None and r.note.tolist() == ["checked on site", "", ""]
    assert rp.Ratings.from_records([rec("a", "s", "r", "x", 1)]).note is None


def test_take_and_with_values_keep_notes_text_and_origin() -> None:
    """take() keeps each row's note, text and origin; with_values() keeps the notes and origin,
    and keeps a cell's text only where the new value is missing."""
    r = _ratings()
    t = r.take(np.array([2, 0]))
    assert t.note is not None and t.note.tolist() == ["", "checked on site"]
    assert t.origin == "<mine>" and t.row.tolist() == [3, 1]
    w = r.with_values(np.array([1.0, np.nan, 3.0]))
    assert w.note is not None and w.note.tolist() == r.note.tolist()
    assert w.origin == "<mine>" and w.value.dtype == np.float64
    assert r.text is not None and r.text.tolist() == ["", "good", ""]
    assert w.text is not None and w.text.tolist() == ["", "good", ""]
    w2 = r.with_values(np.array([1.0, 2.0, 3.0]))
    assert w2.text is not None and w2.text.tolist() == ["", "", ""]
    with pytest.raises(ValueError, match="^expected 3 values, got 2$"):
        r.with_values(np.array([1.0, 2.0]))


def test_a_frames_notes_and_origin_are_kept() -> None:
    """A frame's note column becomes the ratings' notes; its problems name "<frame>"."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"company": ["a"], "source": ["s"], "rater": ["r"], "indicator": ["x"],
                          "value": [1], "note": ["on site"]})
    r = rp.Ratings.from_frame(frame)
    assert r.note is not None and r.note.tolist() == ["on site"] and r.origin == "<frame>"
    with pytest.raises(rp.RatingsError) as info:
        rp.Ratings.from_frame(frame.drop(columns="rater"))
    assert info.value.file == "<frame>"
