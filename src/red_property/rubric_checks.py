"""Rules about a rubric as a whole, beyond what each field's type says.

:func:`check_rubric` returns every problem found as ``(path, message)``, where ``path`` is the
tuple of keys and indexes leading to the offending value, so the loader can point at its line and
column. Nothing here raises.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

from ._rubric_bounds import dimension_maxima, total_maxima
from ._tolerance import TOLERANCE
from .rubric import Rubric
from .rubric_indicators import (
    BonusIndicator,
    CheckIndicator,
    DeductionIndicator,
    Indicator,
    MeasureIndicator,
    OptionsIndicator,
    ScoreIndicator,
    max_points,
)

Loc = tuple[str | int, ...]


def _is_base(indicator: Indicator) -> bool:
    return not isinstance(indicator, BonusIndicator)


def check_rubric(rubric: Rubric) -> list[tuple[Loc, str]]:
    """Every whole-rubric problem, as ``(path, message)`` pairs, in file order."""
    problems: list[tuple[Loc, str]] = []
    problems += _check_ids(rubric)
    problems += _check_indicators(rubric)
    problems += _check_weights(rubric)
    problems += _check_sources(rubric)
    problems += _check_levels(rubric)
    problems += _check_conditions(rubric)
    problems += _check_language(rubric)
    return problems


#: Keys of the second version of the language, by where they may appear.
_RUBRIC_KEYS_2 = ("base_points", "divide_total_by", "missing", "bonus", "prerequisites")


def _check_language(rubric: Rubric) -> list[tuple[Loc, str]]:
    """Keys of ``language_version: 2`` in a file that says (or defaults to) version 1."""
    if rubric.language_version >= 2:
        return []
    out: list[tuple[Loc, str]] = []

    def refuse(loc: Loc, what: str) -> None:
        out.append((loc, f"{what} needs `language_version: 2`; add it at the top of the rubric "
                    "(or run `red-property migrate`)"))

    for key in _RUBRIC_KEYS_2:
        if getattr(rubric, key) != Rubric.model_fields[key].get_default(call_default_factory=True):
            refuse((key,), f"`{key}`")
    for did, dim in rubric.dimensions.items():
        if dim.missing is not None:
            refuse(("dimensions", did, "missing"), "`missing`")
        if "." in did:
            refuse(("dimensions", did), f"the dotted id '{did}'")
    for iid, (_, ind) in rubric.indicators().items():
        loc = rubric.indicator_path(iid)
        if ind.missing is not None:
            refuse((*loc, "missing"), "`missing`")
        if "." in iid:
            refuse(loc, f"the dotted id '{iid}'")
        if isinstance(ind, BonusIndicator) and ind.per is None:
            refuse(loc, "a bonus without `per` (rated in points)")
    for n, level in enumerate(rubric.levels):
        if level.name is not None:
            refuse(("levels", n, "name"), "a level's `name`")
        if not level.inherit:
            refuse(("levels", n, "inherit"), "`inherit`")
    return out


def _check_ids(rubric: Rubric) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    seen: dict[str, str] = {}
    for did in rubric.dimensions:
        seen[did] = "a dimension"
    places: list[tuple[Loc, str, str]] = [
        (("dimensions", did, "indicators", iid), iid, f"an indicator in '{did}'")
        for did, dim in rubric.dimensions.items() for iid in dim.indicators]
    places += [(("bonus", iid), iid, "a rubric-level bonus") for iid in rubric.bonus]
    places += [(("prerequisites", iid), iid, "a prerequisite") for iid in rubric.prerequisites]
    for loc, iid, what in places:
        if iid in seen:
            out.append((loc, f"id '{iid}' is already used ({seen[iid]}); ids of dimensions and "
                        "indicators must be unique across the rubric"))
        seen.setdefault(iid, what)
    groups: dict[str, list[str]] = {"gates": [g.id for g in rubric.gates],
                                    "vetoes": [v.id for v in rubric.vetoes]}
    for group, ids in groups.items():
        counts = Counter(ids)
        for n, ident in enumerate(ids):
            if counts[ident] > 1:
                out.append(((group, n, "id"), f"id '{ident}' appears {counts[ident]} times"))
    return out


def _check_indicators(rubric: Rubric) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    for iid, (_, ind) in rubric.indicators().items():
        loc: Loc = rubric.indicator_path(iid)
        if isinstance(ind, OptionsIndicator):
            pts = list(ind.options.values())
            if any(b < a for a, b in pairwise(pts)):
                out.append(((*loc, "options"), "options must be listed worst first: points may "
                            f"not decrease (got {pts})"))
            elif ind.numbers == "points" and len(set(pts)) != len(pts):
                out.append(((*loc, "numbers"), "with `numbers: points` each option needs "
                            f"points of its own (got {pts}); a number would name two options"))
        elif isinstance(ind, MeasureIndicator) and ind.bands is not None:
            thresholds = [b.threshold for b in ind.bands]
            shares = [b.share for b in ind.bands]
            want = sorted(thresholds, reverse=ind.better == "higher")
            if thresholds != want or len(set(thresholds)) != len(thresholds):
                order = "highest" if ind.better == "higher" else "lowest"
                out.append(((*loc, "bands"), f"bands must be listed best first ({order} "
                            "threshold first), thresholds distinct"))
            elif any(b > a for a, b in pairwise(shares)):
                out.append(((*loc, "bands"), "a worse band may not earn a larger share"))
        elif isinstance(ind, DeductionIndicator) and ind.floor >= ind.points:
            out.append(((*loc, "floor"), f"floor {ind.floor} leaves nothing to deduct from "
                        f"{ind.points} points; use a floor below points"))
        if ind.default is not None:
            problem = _default_problem(ind, ind.default)
            if problem:
                out.append(((*loc, "default"), problem))
    for iid, check in rubric.prerequisites.items():
        if check.points > 0:
            out.append((("prerequisites", iid, "points"), "a prerequisite gives no points; "
                        "drop `points` or move the check into a dimension"))
    return out


def _default_problem(ind: Indicator, value: float) -> str:
    if isinstance(ind, CheckIndicator) and value not in (0, 1):
        return "a check's default must be 0 or 1"
    if isinstance(ind, OptionsIndicator) and not (
        value == int(value) and 0 <= value < len(ind.options)
    ):
        return f"an options default is an option's position, 0 to {len(ind.options) - 1}"
    if isinstance(ind, BonusIndicator) and ind.per is None:
        if not 0 <= value <= ind.cap:
            return f"a bonus rated in points has a default within 0 to {ind.cap:g}"
        return ""
    if isinstance(ind, (DeductionIndicator, BonusIndicator)) and (value < 0
                                                                 or value != int(value)):
        return "a count default is a whole number, 0 or more"
    if isinstance(ind, ScoreIndicator) and not 0 <= value <= ind.points:
        return f"a score default lies within 0 to {ind.points:g}"
    if isinstance(ind, MeasureIndicator) and ind.range is not None and not (
            ind.range[0] <= value <= ind.range[1]):
        return f"a measure default lies within its range {ind.range[0]:g} to {ind.range[1]:g}"
    return ""


def _check_weights(rubric: Rubric) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    if rubric.weighting == "points":
        if rubric.max_total is not None:
            out.append((("max_total",), "`max_total` only applies with `weighting: shares`; "
                        "with points the maximum is the sum of the indicators' points"))
        for did, dim in rubric.dimensions.items():
            if dim.weight is not None:
                out.append((("dimensions", did, "weight"), "`weight` needs `weighting: shares`;"
                            " with `weighting: points` give `points` or nothing"))
            base = sum(max_points(i) for i in dim.indicators.values() if _is_base(i))
            if dim.points is not None and abs(dim.points - base) > TOLERANCE:
                out.append(
                    (
                        ("dimensions", did, "points"),
                        f"the dimension states {dim.points:g} points but its indicators add up "
                        f"to {base:g}; make them agree",
                    )
                )
    else:
        if rubric.max_total is None:
            out.append((("weighting",), "`weighting: shares` needs `max_total`"))
        total = 0.0
        for did, dim in rubric.dimensions.items():
            if dim.points is not None:
                out.append((("dimensions", did, "points"), "`points` needs `weighting: points`;"
                            " with shares give `weight`"))
            if dim.weight is None:
                out.append((("dimensions", did), "`weighting: shares` needs a `weight` on every "
                            "dimension"))
            total += dim.weight or 0.0
            base = sum(max_points(i) for i in dim.indicators.values() if _is_base(i))
            if base <= 0:
                out.append((("dimensions", did, "indicators"), "a weighted dimension needs at "
                            "least one indicator worth points"))
        if abs(total - 1.0) > 1e-6 and all(d.weight for d in rubric.dimensions.values()):
            out.append((("dimensions",), f"dimension weights add up to {total:g}, not 1"))
    has_bonus = any(isinstance(i, BonusIndicator) for _, i in rubric.indicators().values())
    if rubric.bonus_cap is not None and not has_bonus:
        out.append((("bonus_cap",), "`bonus_cap` is set but no indicator is of kind bonus"))
    return out


def _check_sources(rubric: Rubric) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    indicators = rubric.indicators()
    covered: set[str] = set()
    for sid, src in rubric.sources.items():
        if src.covers == "all":
            covered |= set(indicators)
        else:
            for n, ref in enumerate(src.covers):
                if ref in rubric.dimensions:
                    covered |= set(rubric.dimensions[ref].indicators)
                elif ref in indicators:
                    covered.add(ref)
                else:
                    out.append(
                        (("sources", sid, "covers", n), f"'{ref}' is neither a dimension nor an "
                         "indicator of this rubric")
                    )
        agg = src.aggregation()
        if agg.method == "trimmed":
            need = 2 * agg.trim + 1
            at = agg.min_raters if agg.min_raters is not None else need
            if at < need:
                out.append(
                    (
                        ("sources", sid, "aggregate", "min_raters"),
                        f"dropping {agg.trim} highest and {agg.trim} lowest needs at least "
                        f"{need} raters, not {at}",
                    )
                )
    for iid in indicators:
        if iid not in covered:
            out.append((rubric.indicator_path(iid), f"no source rates indicator '{iid}'; "
                        "add it (or its dimension) to a source's `covers`"))
    return out


def _check_levels(rubric: Rubric) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    base, bonus = total_maxima(rubric)
    maxima = dimension_maxima(rubric)
    reach_known = rubric.weighting == "points" or rubric.max_total is not None
    for n, (a, b) in enumerate(zip(rubric.levels, rubric.levels[1:], strict=False), start=1):
        if b.stars <= a.stars:
            out.append((("levels", n, "stars"), f"levels must be listed lowest first with "
                        f"distinct stars: {b.stars} follows {a.stars}"))
        elif b.min_total <= a.min_total:
            out.append((("levels", n, "min_total"), f"{b.stars}★ needs {b.min_total:g}, not "
                        f"more than {a.stars}★'s {a.min_total:g}; thresholds must rise"))
    most = (base + rubric.base_points + bonus) / rubric.divide_total_by
    parts = f"{base:g} from dimensions + {bonus:g} bonus"
    if rubric.base_points:
        parts = f"{rubric.base_points:g} base points + {parts}"
    if rubric.divide_total_by != 1:
        parts = f"({parts}) / {rubric.divide_total_by:g}"
    for n, level in enumerate(rubric.levels):
        if level.stars == 0 and level.name is None:
            out.append((("levels", n, "stars"), "a level of 0 stars needs a `name` (a rated "
                        "level without stars, such as Basic)"))
        if reach_known and level.min_total > most + TOLERANCE:
            out.append(
                (
                    ("levels", n, "min_total"),
                    f"{level.stars}★ needs {level.min_total:g} but at most {most:g} can "
                    f"be scored ({parts}); unreachable",
                )
            )
        if level.min_bonus > bonus + TOLERANCE:
            out.append((("levels", n, "min_bonus"), f"{level.stars}★ needs {level.min_bonus:g} "
                        f"bonus points but at most {bonus:g} can be earned"))
        shares = level.min_dimension_share
        if isinstance(shares, dict):
            for did in shares:
                if did not in rubric.dimensions:
                    out.append((("levels", n, "min_dimension_share", did), f"'{did}' is not a "
                                "dimension of this rubric"))
        if shares is not None:
            zero = [d for d, m in maxima.items() if m <= 0 and isinstance(shares, dict)
                    and shares.get(d, 0.0) > 0]
            for did in zero:
                out.append((("levels", n, "min_dimension_share"), f"dimension '{did}' has no "
                            "points, so no share of it can be required"))
    return out


def _check_conditions(rubric: Rubric) -> list[tuple[Loc, str]]:
    out: list[tuple[Loc, str]] = []
    indicators = rubric.indicators()

    def need_check(loc: Loc, ref: str) -> None:
        if ref not in indicators:
            out.append((loc, f"'{ref}' is not an indicator of this rubric"))
        elif not isinstance(indicators[ref][1], CheckIndicator):
            out.append((loc, f"'{ref}' is a {indicators[ref][1].kind} indicator; conditions "
                        "read check indicators (met or not met)"))

    for n, level in enumerate(rubric.levels):
        for k, ref in enumerate(level.requires):
            need_check(("levels", n, "requires", k), ref)
    for n, gate in enumerate(rubric.gates):
        field = "all_of" if gate.all_of is not None else "any_of"
        for k, ref in enumerate(gate.indicators()):
            need_check(("gates", n, field, k), ref)
    top = rubric.top_stars
    for n, veto in enumerate(rubric.vetoes):
        need_check(("vetoes", n, "when"), veto.when)
        if veto.cap is not None and veto.cap >= top:
            out.append((("vetoes", n, "cap"), f"a cap of {veto.cap}★ never binds: the top "
                        f"level is {top}★; lower it or use `effect: remove`"))
    return out
