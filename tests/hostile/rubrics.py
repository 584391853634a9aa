"""Hostile rubrics: ``red-property validate FILE`` and ``load_rubric(path)``.

Folds in, by reference, every fixture of ``tests/rubrics/broken/`` (each states its expected
problem in its leading ``# expect:`` comment) and the YAML bombs of ``tests/test_loading.py``.
"""

from __future__ import annotations

from red_property.errors import RubricError

from ..test_loading import BROKEN, _alias_bomb, _header
from .cases import Case

E = RubricError


def _fixture_case(path: object) -> Case:
    from pathlib import Path

    assert isinstance(path, Path)
    expected, _ = _header(path)
    first = expected[0]
    return Case(f"broken-{path.stem}", "rubric", path, E, first.message, line=first.line,
                col=first.column, column=first.path)


RUBRICS = [
    *(_fixture_case(p) for p in BROKEN if _header(p)[0] and _header(p)[1] is None),
    Case("alias-bomb", "rubric", _alias_bomb(), E, "alias *a0 is not allowed", line=2, col=0),
    Case("python-tag", "rubric", "id: !!python/name:os.system\nversion: '1'\n", E,
         "is not allowed", line=1, col=5, column="id"),
    Case("tab-indent", "rubric", "id: x\n\tversion: '1'\n", E, "", line=2, col=1),
    Case("options-numbers-unknown-meaning", "rubric",
         "id: x\nversion: '1'\ntitle: {en: X}\nsources: {a: {label: {en: A}, weight: 1}}\n"
         "dimensions:\n  d:\n    label: {en: D}\n    indicators:\n"
         "      o: {label: {en: O}, kind: options, options: {low: 0, high: 1}, numbers: codes}\n"
         "levels: [{stars: 1, min_total: 0.5}]\n", E, "input should be 'refused' or 'points'",
         line=9, col=79, column="dimensions.d.indicators.o.numbers"),
]
