"""Shared fixtures: paths of the bundled rubrics and example season."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHANYANG = ROOT / "rubrics" / "shanyang-red-property-2019.yaml"
EXAMPLE = ROOT / "examples" / "shanyang-2019"


@pytest.fixture(scope="session")
def shanyang_report():  # type: ignore[no-untyped-def]
    """The bundled Shanyang season, scored once per session."""
    import red_property as rp

    return rp.evaluate(SHANYANG, EXAMPLE / "ratings.csv", claims=EXAMPLE / "claims.csv")
