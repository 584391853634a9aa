"""``extends:``: a rubric that adopts a base rubric and overrides some of its keys.

The override is merged into the base key by key: mappings merge (so a district can change one
dimension's weight and keep the rest), any other value (a list, a number, text) replaces the
base's whole, and ``null`` removes the key, bringing back its default. The merged data is one
rubric, validated, fingerprinted and compared as a whole; each of its values remembers the file,
line and column it came from, so a problem points into the base or the override.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

__all__ = ["MAX_CHAIN", "merge", "resolve"]

#: Most rubrics in one chain of ``extends`` (a district of a city of a province, ...).
MAX_CHAIN = 8

Loc = tuple[str | int, ...]


class _Located(Protocol):
    values: dict[Loc, Any]
    keys: dict[Loc, Any]
    text: dict[Loc, str]


def _stamp(pos: _Located, file: str) -> None:
    """Mark every position of ``pos`` with the file it was read from (unless it has one)."""
    for table in (pos.values, pos.keys):
        for loc, mark in table.items():
            if mark.file is None:
                table[loc] = replace(mark, file=file)


def _drop_under(pos: _Located, loc: Loc) -> None:
    for table in (pos.values, pos.keys, pos.text):
        for known in [k for k in table if k[: len(loc)] == loc and len(k) > len(loc)]:
            del table[known]


def merge(base: Mapping[str, Any], base_pos: _Located, over: Mapping[str, Any],
          over_pos: _Located, *, base_file: str, over_file: str) -> dict[str, Any]:
    """``over`` merged into ``base``; ``base_pos`` becomes the merged data's positions
    (``over_pos``'s entries win where the override states a value)."""
    _stamp(base_pos, base_file)
    _stamp(over_pos, over_file)

    def walk(b: Mapping[str, Any], o: Mapping[str, Any], loc: Loc) -> dict[str, Any]:
        out = dict(b)
        for key, value in o.items():
            here = (*loc, key)
            if value is None:
                out.pop(key, None)
                _drop_under(base_pos, here)
                for table in (base_pos.values, base_pos.text):
                    table.pop(here, None)
                base_pos.keys[here] = over_pos.keys[here]
                continue
            if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
                out[key] = walk(out[key], value, here)
            else:
                out[key] = value
                _drop_under(base_pos, here)
                base_pos.text.pop(here, None)
                for table, src in ((base_pos.values, over_pos.values),
                                   (base_pos.text, over_pos.text)):
                    table.update({k: v for k, v in src.items() if k[: len(here)] == here})
            base_pos.keys[here] = over_pos.keys[here]
            base_pos.values.setdefault(here, over_pos.values[here])
        return out

    merged = walk(base, over, ())
    base_pos.values[()] = over_pos.values.get((), base_pos.values.get(()))
    return merged


def resolve(ref: str, folder: Path, bundled: Callable[[str], Path | None]) -> Path:
    """The file ``extends: ref`` names: relative to the extending file's folder, else a
    bundled rubric's name."""
    path = folder / ref
    if not path.exists():
        found = bundled(ref)
        if found is not None:
            return found
    return path
