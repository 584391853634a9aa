"""Agreement per source and dimension on a season."""

from __future__ import annotations

import red_property as rp
from red_property.analysis import rater_agreement

from .conftest import EXAMPLE, SHANYANG


def test_panels_of_the_example() -> None:
    """Each (source, dimension) rated gets a row; peers get alpha but no ICC (no complete
    units); authority panels get both, with ICC(A,k) ≥ ICC(A,1)."""
    rows = rater_agreement(rp.evaluate(SHANYANG, EXAMPLE / "ratings.csv")).to_records()
    keys = {(r["source"], r["dimension"]) for r in rows}
    assert ("peer", "service_quality") in keys and ("peer", "organisation_building") not in keys
    assert len(rows) == 11
    for r in rows:
        assert r["alpha"] is not None and -1 <= r["alpha"] <= 1
        if r["source"] == "peer":
            assert r["icc_a_k"] is None and "use alpha" in r["note"]
        else:
            assert r["icc_a_k"] >= r["icc_a_1"]


def test_panel_repr_and_html() -> None:
    """The repr names the lowest alpha; the HTML table has one row per panel."""
    from red_property.analysis import PanelAgreement

    result = rater_agreement(rp.evaluate(SHANYANG, EXAMPLE / "ratings.csv"))
    lowest = min(r["alpha"] for r in result.to_records())
    assert repr(result) == f"<PanelAgreement 11 panels: lowest alpha {lowest:.2f}>"
    html = result._repr_html_()
    assert html.count("<tr><td>") == 11
    odd = PanelAgreement(rows=({"source": "<s>", "dimension": "d", "units": 1, "raters": 1,
                                "alpha": None, "icc_a_k": None, "icc_a_1": None,
                                "note": "x"},))
    assert "&lt;s&gt;" in odd._repr_html_()
    assert "<s>" not in odd._repr_html_()
