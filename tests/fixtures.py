"""Helpers shared by the hand-computed engine fixtures (test_scoring, test_awarding)."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

import red_property as rp

HEAD = 'id: t\nversion: "1"\ntitle: {en: T}\n'

ONE_SOURCE = """
sources:
  authority: {label: {en: Authority}, weight: 1}
"""

THREE_SOURCES = """
sources:
  authority: {label: {en: Authority}, weight: 0.5}
  association: {label: {en: Association}, weight: 0.3}
  peer: {label: {en: Peer}, weight: 0.2, peer: true}
"""


def load(*parts: str) -> rp.Rubric:
    """A rubric from YAML fragments (each dedented), after a fixed id/version/title."""
    return rp.load_rubric(HEAD + "".join(textwrap.dedent(p) for p in parts))


#: One dimension of one score indicator, ``s`` (10 points).
ONE_DIMENSION = """
dimensions:
  d:
    label: {en: D}
    indicators:
      s: {label: {en: S}, kind: score, points: 10}
"""

#: One source, :data:`ONE_DIMENSION` and one level at a total of 2: a rubric's body for tests
#: of one setting, put before it as ``load(setting, ONE_SCORE)``.
ONE_SCORE = ONE_SOURCE + ONE_DIMENSION + "levels:\n  - {stars: 1, min_total: 2}\n"


def rec(company: str, source: str, rater: str, indicator: str, value: Any,
        rater_company: str | None = None) -> dict[str, Any]:
    """One ratings row."""
    row = {"company": company, "source": source, "rater": rater, "indicator": indicator,
           "value": value}
    if rater_company is not None:
        row["rater_company"] = rater_company
    return row


def rows_of(table: dict[str, dict[str, Any]], source: str = "authority") -> list[dict[str, Any]]:
    """Rows from ``{company: {indicator: value}}``, one rater of ``source``."""
    return [rec(c, source, "r", i, v) for c, values in table.items() for i, v in values.items()]


def run(rubric: rp.Rubric, rows: list[dict[str, Any]], **kw: Any) -> rp.Report:
    """Evaluate ``rows`` under ``rubric``."""
    return rp.evaluate(rubric, rp.Ratings.from_records(rows), **kw)


def records(report: rp.Report) -> dict[str, dict[str, Any]]:
    """``to_records()`` by company."""
    return {r["company"]: r for r in report.to_records()}


def approx(x: Any) -> Any:
    """Exact to 1e-9."""
    return pytest.approx(x, abs=1e-9)


def lenient_rater_report() -> rp.Report:
    """Six companies rated by one source under `rater_correction: true`, where rater r3 gives
    2 points more than the others on every company it rates."""
    rubric = load("""
        rater_correction: true
        sources:
          authority: {label: {en: A}, weight: 1}
        dimensions:
          d:
            label: {en: D}
            indicators:
              s: {label: {en: S}, kind: score, points: 10}
              t: {label: {en: T}, kind: score, points: 10}
        levels:
          - {stars: 1, min_total: 10}
          - {stars: 2, min_total: 14}
        """)
    rows = []
    # r3 gives 2 points more than the others on every company it rates
    for c, quality in {"a": 7, "b": 6, "c": 5, "d": 8, "e": 4, "f": 6}.items():
        for rater, bias in (("r1", 0), ("r2", 0), ("r3", 2)):
            if (c in "ab" and rater == "r3") or (c in "ef" and rater == "r1"):
                continue
            rows += [rec(c, "authority", rater, i, quality + bias) for i in ("s", "t")]
    return rp.evaluate(rubric, rp.Ratings.from_records(rows))


def recording_client(calls: list[tuple[Any, ...]]) -> Any:
    """A ``distributed.Client`` that starts no cluster: it records each ``scatter``,
    ``submit`` and ``gather`` in ``calls`` and runs every task here, at once."""
    import distributed

    class Recording(distributed.Client):  # type: ignore[misc]
        def __init__(self) -> None:  # starts nothing
            pass

        def __del__(self) -> None:
            pass

        def scatter(self, data: Any, **kw: Any) -> Any:
            calls.append(("scatter", data, kw))
            return ("shared", data)

        def submit(self, fn: Any, shared: Any, *args: Any, **kw: Any) -> Any:
            calls.append(("submit", shared[0], *args, kw))
            return fn(shared[1], *args)

        def gather(self, futures: Any) -> Any:
            calls.append(("gather", futures))
            return list(futures)

    return Recording()
