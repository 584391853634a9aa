"""Rater effects: the order of the flags, the result's fields, its arguments and its output.

Seasons come from the simulator of ``tests/test_effects.py`` (thirty companies, three officials,
five assessors, a peer rater per company), with effects planted where a test needs a flag.
"""

from __future__ import annotations

import dataclasses
import statistics

import numpy as np
import pytest

import red_property as rp
from red_property.analysis import RaterEffects, rater_effects
from red_property.analysis.effects import RaterRow
from red_property.analysis.peers import Flag

from .test_effects import HARSH, LENIENT, PAIR, RUBRIC_YAML, simulate

RUBRIC = rp.load_rubric(RUBRIC_YAML)


def erratic(ratings: rp.Ratings, rater: str, sd: float) -> rp.Ratings:
    """The ratings with noise of ``sd`` points added to every value ``rater`` gave."""
    mine = ratings.rater == list(ratings.rater_labels).index(rater)
    value = ratings.value.copy()
    noise = np.random.default_rng(3).normal(0.0, sd, int(mine.sum()))
    value[mine] = np.clip(value[mine] + noise, 0.0, 10.0)
    return dataclasses.replace(ratings, value=value)


def effects_of(ratings: rp.Ratings, **kwargs: object) -> RaterEffects:
    """Rater effects of a season scored on the simulator's rubric."""
    return rater_effects(rp.evaluate(RUBRIC, ratings), **kwargs)  # type: ignore[arg-type]


def test_flags_come_by_kind_then_by_strength() -> None:
    """Flags are listed colluding pairs first, then harsh on rivals, lenient, severe, outlier,
    and within a kind the largest |z| first, whatever the sizes across kinds."""
    season = simulate(100, plant=True, extra={"association-5": -0.3, "authority-1": 0.3,
                                              "peer-c20": -0.2})
    effects = effects_of(erratic(season.ratings, "association-4", 5.0))
    assert [(f.kind, f.who) for f in effects.flags] == [
        ("colluding pair", PAIR), ("harsh on rivals", HARSH), ("harsh on rivals", "peer-c20"),
        ("lenient", "authority-1"), ("lenient", LENIENT), ("severe", "association-5"),
        ("outlier", "association-4")]
    z = [abs(float(f.evidence["z"])) for f in effects.flags]
    # sizes across kinds run against the kinds' order, so only the kind can put them so
    assert z[0] < z[2] < z[1] < z[3] and z[4] < z[5] < z[3] and z[6] < z[5]
    assert effects.flagged() == effects.flags
    assert effects.flagged("lenient") == effects.flags[3:5]
    assert effects.flagged("colluding pair") == effects.flags[:1]
    assert effects.flagged("nothing") == ()


def test_an_outlier_stronger_than_a_severe_rater_still_comes_last() -> None:
    """An outlier flag follows a severe flag even when its |z| is the larger."""
    season = simulate(300, extra={"association-5": -0.1})
    effects = effects_of(erratic(season.ratings, "association-4", 5.0))
    assert [(f.kind, f.who) for f in effects.flags] == [("severe", "association-5"),
                                                         ("outlier", "association-4")]
    assert abs(effects.flags[0].evidence["z"]) < abs(effects.flags[1].evidence["z"])


def test_defaults_and_fields_of_a_season() -> None:
    """The defaults (threshold 3, at least 10 ratings, floor 0.02) are recorded; a rater's row
    counts its informative ratings; pairs and the residual sd of every rated source are kept."""
    effects = effects_of(simulate(100, plant=True).ratings)
    assert (effects.threshold, effects.min_ratings, effects.floor) == (3.0, 10, 0.02)
    assert effects.converged and effects.iterations > 0
    records = {r["rater"]: r for r in effects.to_records()}
    assert records["association-1"]["n"] == 300  # 30 companies x 10 indicators
    assert records["authority-2"]["flags"] == []
    assert records[LENIENT]["flags"] == ["lenient"]
    for row in effects.raters:
        assert effects.effect_of(row.rater) == row.effect
    with pytest.raises(KeyError, match="unknown rater 'nobody'"):
        effects.effect_of("nobody")
    pair = tuple(sorted(PAIR))
    assert pair in {tuple(sorted((p.company_a, p.company_b))) for p in effects.pairs}
    assert all(p.source == "peer" for p in effects.pairs)
    assert set(effects.sigma) == {"authority", "association", "peer"}
    # the simulated noise: 0.05, 0.07 and 0.10 of the range
    assert effects.sigma["authority"] == pytest.approx(0.05, abs=0.01)
    assert effects.sigma["association"] == pytest.approx(0.07, abs=0.01)
    assert effects.sigma["peer"] == pytest.approx(0.10, abs=0.02)


def test_sigma_leaves_out_a_source_with_no_rating_fitted() -> None:
    """Fitting only an indicator peers do not rate gives no residual sd for the peer source."""
    effects = effects_of(simulate(1).ratings, indicators=["o1"])
    assert set(effects.sigma) == {"authority", "association"}
    assert all(value > 0 for value in effects.sigma.values())


def test_small_positive_arguments_are_accepted() -> None:
    """A threshold below 1 and min_ratings of 1 are valid: more flags, not an error."""
    ratings = simulate(1).ratings
    effects = effects_of(ratings, threshold=0.5, min_ratings=1)
    assert (effects.threshold, effects.min_ratings) == (0.5, 1)
    assert len(effects.flags) > len(effects_of(ratings).flags)


def test_min_ratings_chooses_the_raters_who_set_the_standard() -> None:
    """The correction measures each peer rater against the median effect of the peers with at
    least ``min_ratings`` informative ratings."""
    ratings = simulate(100, plant=True).ratings
    effects = effects_of(ratings, min_ratings=50)
    peers = [row for row in effects.raters if row.source == "peer"]
    standard = statistics.median(row.effect for row in peers if row.n >= 50)
    assert standard != pytest.approx(statistics.median(row.effect for row in peers), abs=1e-3)
    corrected = effects.corrected_ratings()
    names = ratings.rater_labels[ratings.rater]
    for row in peers:
        mine = (names == row.rater) & (corrected.value > 0.0) & (corrected.value < 10.0)
        shift = ratings.value[mine] - corrected.value[mine]
        assert shift == pytest.approx((row.effect - standard) * 10.0, abs=1e-9), row.rater


def one_rating_season(indicator: str) -> rp.Ratings:
    """A season of a single rating, of ``indicator`` by one official."""
    return rp.Ratings.from_columns(company=["c00"], source=["authority"],
                                   rater=["authority-1"], indicator=[indicator],
                                   value=np.array([5.0]))


def test_nothing_to_fit_gives_an_empty_result() -> None:
    """With no rating of the fitted indicators the result is empty but complete: the arguments
    recorded, no iteration, converged, the ratings kept and returned unchanged."""
    ratings = one_rating_season("s1")
    effects = effects_of(ratings, indicators=["o1"], threshold=2, min_ratings=4, floor=0.05)
    assert (effects.raters, effects.pairs, effects.flags) == ((), (), ())
    assert len(effects) == 0 and dict(effects.sigma) == {}
    assert (effects.threshold, effects.min_ratings, effects.floor) == (2.0, 4, 0.05)
    assert type(effects.threshold) is float and type(effects.floor) is float
    assert (effects.iterations, effects.converged) == (0, True)
    assert effects.ratings is ratings
    assert effects.to_records() == [] and effects.flag_records() == []
    assert np.array_equal(effects.corrected_ratings().value, ratings.value)
    assert repr(effects) == "<RaterEffects 0 raters, 0 flags>"


def test_a_single_rating_is_fitted() -> None:
    """One rating is a rater with no informative rating: a row with n 0, no flag."""
    effects = effects_of(one_rating_season("o1"))
    assert [(row.rater, row.source, row.n) for row in effects.raters] == [
        ("authority-1", "authority", 0)]
    assert effects.flags == ()


def row(rater: str, company: str | None, n: int, effect: float) -> RaterRow:
    """A rater's row with fixed statistics."""
    return RaterRow(rater=rater, source="peer" if company else "authority", company=company,
                    n=n, effect=effect, se=0.0125, z=-3.456, mean_abs_residual=0.0456,
                    fit_z=0.5)


HEAD = ("<table><caption>Rater effects (shares of each indicator's range)</caption><thead><tr>"
        "<th>rater</th><th>source</th><th>company</th><th>n</th><th>effect</th><th>se</th>"
        "<th>z</th><th>mean |residual|</th><th>fit z</th></tr></thead><tbody>")


def test_html_of_flags_and_raters() -> None:
    """The notebook view: a summary line, the flags (a pair's companies joined by &), then a
    row per rater (no company shown as empty), every label escaped."""
    base = effects_of(one_rating_season("o1"))
    flags = (Flag(kind="colluding pair", who=("a<1>", "b"), source="peer",
                  evidence={"z": 4.0}, message="a & b favour each other"),
             Flag(kind="lenient", who="x&y", source="authority", evidence={"z": 3.5},
                  message="x is \"lenient\""))
    effects = dataclasses.replace(base, raters=(row("x&y", None, 12, 0.25),
                                                row("p<1>", "a<1>", 7, -0.0625)), flags=flags)
    assert effects._repr_html_() == "\n".join([
        "<p>&lt;RaterEffects 2 raters, 2 flags&gt;; threshold 3, at least 10 ratings, "
        "floor 0.02</p>",
        "<table><caption>Flags</caption><thead><tr><th>kind</th><th>who</th>"
        "<th>source</th><th>message</th></tr></thead><tbody>",
        "<tr><td>colluding pair</td><td>a&lt;1&gt; &amp; b</td><td>peer</td>"
        "<td>a &amp; b favour each other</td></tr>",
        "<tr><td>lenient</td><td>x&amp;y</td><td>authority</td>"
        "<td>x is &quot;lenient&quot;</td></tr>",
        "</tbody></table>",
        HEAD,
        "<tr><td>x&amp;y</td><td>authority</td><td></td><td>12</td><td>+0.250</td>"
        "<td>0.013</td><td>-3.46</td><td>0.046</td><td>+0.50</td></tr>",
        "<tr><td>p&lt;1&gt;</td><td>peer</td><td>a&lt;1&gt;</td><td>7</td><td>-0.062</td>"
        "<td>0.013</td><td>-3.46</td><td>0.046</td><td>+0.50</td></tr>",
        "</tbody></table>"])


def test_html_shows_the_first_hundred_raters() -> None:
    """Without flags there is no flags table; a hundred raters are all shown, beyond that the
    first hundred and a count of the rest."""
    base = effects_of(one_rating_season("o1"))
    rows = tuple(row(f"r{k}", None, k, 0.0) for k in range(101))
    hundred = dataclasses.replace(base, raters=rows[:100])._repr_html_()
    assert hundred.startswith("<p>&lt;RaterEffects 100 raters, 0 flags&gt;; threshold 3, "
                              "at least 10 ratings, floor 0.02</p>\n" + HEAD + "\n<tr>")
    assert hundred.endswith("<td>r99</td><td>authority</td><td></td><td>99</td><td>+0.000</td>"
                            "<td>0.013</td><td>-3.46</td><td>0.046</td><td>+0.50</td></tr>\n"
                            "</tbody></table>")
    assert hundred.count("<tr><td>") == 100
    more = dataclasses.replace(base, raters=rows)._repr_html_()
    assert more.count("<tr><td>") == 100 and "<td>r100</td>" not in more
    assert more.endswith("<td>+0.50</td></tr>\n</tbody></table>\n<p>... and 1 more raters</p>")
