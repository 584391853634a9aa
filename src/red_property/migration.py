"""Rewrite a rubric of language version 1 as version 2, with the same meaning.

Version 2 differs from version 1 in two things a version-1 file relies on implicitly:

* a level's conditions (dimension shares, required checks, bonus) hold for every level above it;
* a trimmed source without ``min_raters`` trims from ``2 x trim + 3`` raters, not
  ``2 x trim + 1``.

So :func:`migrate_rubric` adds ``language_version: 2``, states each such source's
``min_raters``, and marks ``inherit: false`` on a level that asks less than the one below it.
The text is kept, comments included, when the levels are written in block style and no source
needs ``min_raters``; otherwise the rubric is written out anew. The result is loaded back and
compiled to check it decides exactly as the original.
"""

from __future__ import annotations

import os
import re

import numpy as np

from .errors import Problem, RubricError
from .loading import _read, dump_rubric, load_rubric
from .plan import compile_plan
from .rubric import Aggregate, Rubric

_TOP_KEY = re.compile(r"^[A-Za-z_\"']")
_LEVEL = re.compile(r"^(\s*)- stars: (\d+)\s*(#.*)?$")


def migrate_rubric(file: str | os.PathLike[str], *, name: str | None = None) -> str:
    """The text of the rubric ``file`` (a file, a bundled rubric's name or YAML text) in
    language version 2, meaning the same; a version-2 rubric comes back unchanged.

    Raises :class:`~red_property.errors.RubricError` when the rubric is invalid or its levels
    cannot keep their meaning under version 2.
    """
    rubric = load_rubric(file, name=name)
    text, label = _read(file, name)
    if rubric.language_version >= 2:
        return text
    own = _own_levels(rubric)
    short = {sid for sid, src in rubric.sources.items()
             if src.aggregation().method == "trimmed" and src.aggregation().min_raters is None}
    out = None
    if not short:
        out = _mark_own_levels(_insert_language(text), rubric, own)
    if out is None:
        sources = {sid: src.model_copy(update={"aggregate": Aggregate(
            method="trimmed", trim=src.aggregation().trim,
            min_raters=2 * src.aggregation().trim + 1)}) if sid in short else src
            for sid, src in rubric.sources.items()}
        levels = [lv.model_copy(update={"inherit": False}) if n in own else lv
                  for n, lv in enumerate(rubric.levels)]
        v2 = rubric.model_copy(update={"language_version": 2, "sources": sources,
                                       "levels": levels})
        out = ("# Migrated to language 2 by `red-property migrate`; the original's comments "
               "were not kept.\n" + dump_rubric(v2))
    _same_decisions(rubric, load_rubric(out, name=label), label)
    return out


def _insert_language(text: str) -> str:
    """``language_version: 2`` before the first top-level key, after the leading comments."""
    lines = text.splitlines(keepends=True)
    for n, line in enumerate(lines):
        if _TOP_KEY.match(line):
            return "".join([*lines[:n], "language_version: 2\n", *lines[n:]])
    return "language_version: 2\n" + text


def _own_levels(rubric: Rubric) -> list[int]:
    """Levels that ask less than the level below them: in language 2 they must say
    ``inherit: false`` to keep their meaning."""
    plan = compile_plan(rubric)
    out = []
    for n in range(1, len(rubric.levels)):
        if (np.any(plan.level_min_share[n] < plan.level_min_share[n - 1])
                or np.any(plan.level_requires[n - 1] & ~plan.level_requires[n])
                or plan.level_min_bonus[n] < plan.level_min_bonus[n - 1]):
            out.append(n)
    return out


def _mark_own_levels(text: str, rubric: Rubric, own: list[int]) -> str | None:
    """``inherit: false`` added to the block-style levels ``own``; None when the levels are not
    written one ``- stars: N`` line each."""
    lines = text.splitlines(keepends=True)
    at: dict[int, tuple[int, int]] = {}
    for k, line in enumerate(lines):
        m = _LEVEL.match(line)
        if m:
            at.setdefault(int(m[2]), (k, len(m[1]) + 2))
    inserts = []
    for n in own:
        stars = rubric.levels[n].stars
        if stars not in at:
            return None
        k, indent = at[stars]
        inserts.append((k, " " * indent + "inherit: false   # as in language 1\n"))
    for k, extra in sorted(inserts, reverse=True):
        lines.insert(k + 1, extra)
    return "".join(lines)


def _same_decisions(old: Rubric, new: Rubric, label: str) -> None:
    """Refuse a migration whose compiled decisions differ (a guard on this module itself)."""
    a, b = compile_plan(old), compile_plan(new)
    for field in ("trim_from", "level_min_share", "level_requires", "level_min_bonus",
                  "level_min_total", "default", "max_points", "scale"):
        if not np.array_equal(getattr(a, field), getattr(b, field), equal_nan=True):
            raise RubricError([Problem(f"migrating would change `{field}`; the rubric was left "
                                       "as it is", file=label)], file=label)
