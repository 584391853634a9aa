"""Small rater-effects seasons built row by row, for the tests that pin the peer-pair test and
the judging of raters (test_mutation_kills_analysis_peers, ..._rater_judging).

The rubric has four sources in this order: ``solo`` (one official per company, every cell rated
once, so no rating is informative), ``association`` (seven assessors, ``a-lone`` with one rating
alone in its cell and ``a-one`` with one informative rating), ``peer`` and ``rivals`` (both peer
sources). Peer raters ``peer-cXX`` rate their two neighbours on each side of a ring of ten
companies; ``c10`` and ``c11`` are extra companies whose raters rate one company (``c10``) or
one company and one rating of another (``c11``); ``c08`` and ``c09`` rate both, so they are
the only peer raters with 24 ratings. ``a2`` also gives one rating alone in its cell.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import red_property as rp
from red_property.analysis.peers import MAD_SCALE

RUBRIC_YAML = textwrap.dedent("""
    id: effects-kills
    version: "1"
    title: {en: Rater effects kills}
    sources:
      solo: {label: {en: Solo}, weight: 0.2}
      association: {label: {en: Association}, weight: 0.3}
      peer: {label: {en: Peer}, weight: 0.3, peer: true}
      rivals: {label: {en: Rivals}, weight: 0.2, peer: true}
    dimensions:
      main:
        label: {en: Main}
        indicators:
          i1: {label: {en: I1}, kind: score, points: 10}
          i2: {label: {en: I2}, kind: score, points: 10}
          i3: {label: {en: I3}, kind: score, points: 10}
          i4: {label: {en: I4}, kind: score, points: 10}
          i5: {label: {en: I5}, kind: score, points: 10}
    levels:
      - {stars: 1, min_total: 10}
    """)
MAIN = ["i1", "i2", "i3", "i4"]
RING = 10


def company(k: int) -> str:
    """The label of company ``k``."""
    return f"c{k:02d}"


@dataclass
class Builder:
    """Rows of a season: true cell values plus rater biases plus seeded noise."""

    seed: int = 7
    noise: float = 0.04
    bias: dict[str, float] = field(default_factory=dict)
    favour: dict[tuple[str, str], float] = field(default_factory=dict)
    cols: dict[str, list[object]] = field(default_factory=lambda: {
        c: [] for c in ("company", "source", "rater", "indicator", "value", "rater_company")})

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.truth = {company(k): float(self.rng.uniform(0.25, 0.45)) for k in range(RING + 2)}

    def add(self, comp: str, source: str, rater: str, indicator: str, *, rc: str = "",
            extra: float = 0.0, noise: float | None = None) -> None:
        """One rating of ``comp`` on ``indicator`` by ``rater``."""
        sd = self.noise if noise is None else noise
        x = (self.truth[comp] + self.bias.get(rater, 0.0) + self.favour.get((rc, comp), 0.0)
             + extra + float(self.rng.normal(0.0, sd)))
        for key, val in (("company", comp), ("source", source), ("rater", rater),
                         ("indicator", indicator), ("rater_company", rc),
                         ("value", round(10.0 * float(np.clip(x, 0.0, 1.0)), 3))):
            self.cols[key].append(val)

    def ratings(self) -> rp.Ratings:
        """The rows as ratings."""
        c = self.cols
        return rp.Ratings.from_columns(
            company=np.array(c["company"]), source=np.array(c["source"]),
            rater=np.array(c["rater"]), indicator=np.array(c["indicator"]),
            value=np.array(c["value"], dtype=float), rater_company=np.array(c["rater_company"]))


def season(*, bias: dict[str, float] | None = None,
           favour: dict[tuple[str, str], float] | None = None,
           erratic: str = "", seed: int = 7, lone: float = 0.0) -> rp.Ratings:
    """The season described in the module docstring; ``bias`` by rater, ``favour`` by (rater's
    company, company rated), ``erratic`` an association assessor with ten times the noise,
    ``lone`` added to c11's rater's one rating of c07."""
    b = Builder(seed=seed, bias=dict(bias or {}), favour=dict(favour or {}))
    names = [company(k) for k in range(RING + 2)]
    for k, name in enumerate(names):
        for i in MAIN:
            b.add(name, "solo", f"solo-{name}", i)
            for a in range(1, 8):
                b.add(name, "association", f"a{a}", i,
                      noise=b.noise * 10 if f"a{a}" == erratic else None)
        if k < RING:
            for step in (-2, -1, 1, 2):
                other = names[(k + step) % RING]
                for i in MAIN:
                    b.add(other, "peer", f"peer-{name}", i, rc=name)
    b.add(names[0], "association", "a-lone", "i5")  # alone in its cell: not informative
    b.add(names[0], "association", "a-one", "i1")  # one informative rating
    b.add(names[5], "association", "a2", "i5")  # alone in its cell
    b.add(names[3], "peer", "peer-c02", "i5", rc="c02")  # a pair's rating alone in its cell
    for i in MAIN:  # c10 rated by c08 and c09, its rater rates only c09
        b.add("c10", "peer", "peer-c09", i, rc="c09")
        b.add("c10", "peer", "peer-c08", i, rc="c08")
        b.add("c09", "peer", "peer-c10", i, rc="c10")
        b.add("c11", "peer", "peer-c08", i, rc="c08")  # c11 rated by c08 and c09
        b.add("c11", "peer", "peer-c09", i, rc="c09")
        b.add("c08", "peer", "peer-c11", i, rc="c11")  # c11's rater: c08, and c07 once
    b.add("c07", "peer", "peer-c11", "i1", rc="c11", extra=lone)
    for k in range(4):  # rivals: a ring of four companies, neighbours both ways
        for step in (-1, 1):
            other = names[(k + step) % 4]
            for i in ("i1", "i2"):
                b.add(other, "rivals", f"riv-{names[k]}", i, rc=names[k])
    return b.ratings()


def rubric() -> rp.Rubric:
    """The rubric of these seasons."""
    return rp.load_rubric(RUBRIC_YAML)


#: Planted rater biases: two lenient peer raters of a colluding pair, a harsh peer, a lenient
#: and a severe assessor.
BIAS = {"peer-c06": 0.3, "peer-c07": 0.3, "a2": 0.2, "a4": -0.25, "peer-c03": -0.2}
#: Planted favours by (rater's company, company rated): two colluding pairs and a one-sided one.
FAVOUR = {("c06", "c07"): 0.3, ("c07", "c06"): 0.3, ("c08", "c09"): 0.3, ("c09", "c08"): 0.3,
          ("c04", "c05"): 0.5}


def planted() -> rp.Report:
    """The season with every plant (and ``a6`` erratic), scored."""
    return rp.evaluate(rubric(), season(bias=BIAS, favour=FAVOUR, erratic="a6"))


def robust_by_hand(x: np.ndarray[Any, Any], floor: float) -> tuple[float, float]:
    """The median of ``x`` and its MAD scale (at least ``floor``), as the effects module
    documents them."""
    med = float(np.median(x))
    return med, max(MAD_SCALE * float(np.median(np.abs(x - med))), floor)
