"""The walkthrough notebook runs from top to bottom."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import ROOT


def test_walkthrough_executes() -> None:
    """The walkthrough runs cleanly and shows the table, plots, Chinese, workbook and notice."""
    for module, extra in (("pandas", "pandas"), ("matplotlib", "plot"), ("openpyxl", "excel")):
        pytest.importorskip(module, reason=f"the walkthrough needs the {extra} extra")
    path = ROOT / "examples" / "walkthrough.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "examples")}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("★" in h and "sy-" in h for h in html)
    pngs = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(pngs) == 6, "the six plots are shown"
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "距四星还差 0.6 分：总分 87.4，需达到 88" in text
    assert any("星级评定结果公示" in h or "评定结果公示" in h for h in html), "the notice"
    assert "得分明细" in text
    for shown in ("<CompanyResult sy-12: 3★", "<RaterEffects ", "peer-sy-14",
                  "<CorrectedComparison 40 companies", "<WeightSensitivity 2000 draws x 40"):
        assert shown in text, shown
