"""Results that behave like values: equality over arrays, read-only mappings, short HTML."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import numpy as np

K = TypeVar("K")
V = TypeVar("V")

#: Rows shown by a result's ``_repr_html_`` before it says how many more there are.
HTML_ROWS = 60


def same(a: Any, b: Any) -> bool:
    """Value equality that works on arrays (NaN equals NaN), mappings, sequences and
    dataclasses holding them."""
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        if type(a) is not type(b):
            return False
        return all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, Mapping):
        if not isinstance(b, Mapping) or a.keys() != b.keys():
            return False
        return all(same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        if type(a) is not type(b) or len(a) != len(b):
            return False
        return all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True  # NaN
    return bool(a == b)


class ValueEquality:
    """Mix-in: ``==`` by :func:`same`, field by field; results holding arrays are unhashable."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return same(self, other)

    __hash__ = None  # type: ignore[assignment]


def frozen_mapping(items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> Mapping[K, V]:
    """A read-only view of a fresh dict (a result cannot be altered after the fact)."""
    return MappingProxyType(dict(items))


def readonly(*arrays: np.ndarray[Any, Any]) -> None:
    """Make arrays read-only in place."""
    for a in arrays:
        a.flags.writeable = False


def html_rows(rows: list[list[str]], head: list[str], *, caption: str = "",
              limit: int = HTML_ROWS, what: str = "rows") -> str:
    """An HTML table of text cells, every cell and heading escaped, at most ``limit`` rows."""
    e = html.escape
    shown = rows[:limit]
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in shown)
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    more = (f"<p>… {len(rows) - len(shown)} more {e(what)}</p>"
            if len(rows) > len(shown) else "")
    return (f"<table>{cap}<thead><tr>{''.join(f'<th>{e(h)}</th>' for h in head)}</tr>"
            f"</thead><tbody>{body}</tbody></table>{more}")
