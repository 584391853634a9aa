"""``extends:``: a rubric that adopts a base rubric and overrides some of its keys.

The override is merged into the base key by key: mappings merge (so a district can change one
dimension's weight and keep the rest), any other value (a list, a number, text) replaces the
base's whole, and ``null`` removes the key, bringing back its default. The merged data is one
rubric, validated, fingerprinted and compared as a whole; each of its values remembers the file,
line and column it came from, so a problem points into the base or the override.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import RubricError

if TYPE_CHECKING:
    from .loading import _Positions


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


def identity(source: str | os.PathLike[str] | bytes) -> str:
    """What tells one rubric file from another in a chain of ``extends``."""
    if isinstance(source, bytes) or (isinstance(source, str) and (
            "\n" in source or source.lstrip().startswith("{"))):
        return "<text>"
    return str((folder_of(source) / Path(source).name).resolve())


def folder_of(source: str | os.PathLike[str] | bytes) -> Path:
    """The folder an ``extends:`` in ``source`` is relative to."""
    if isinstance(source, bytes) or (isinstance(source, str) and (
            "\n" in source or source.lstrip().startswith("{"))):
        return Path.cwd()
    from .loading import _bundled_dir, bundled_rubric_names

    if isinstance(source, str) and source in bundled_rubric_names() and not Path(source).exists():
        return _bundled_dir()
    return Path(source).parent


def extend(data: Mapping[str, Any], positions: _Positions, label: str, folder: Path,
            chain: tuple[str, ...]) -> dict[str, Any]:
    """``data`` merged over the rubric its ``extends`` names (itself merged over its own base),
    without the ``extends`` key; ``positions`` become the merged data's."""
    from .loading import _bundled_dir, _locate, _parse, _read, bundled_rubric_names

    ref = data["extends"]

    def refuse(message: str) -> RubricError:
        return RubricError([_locate(("extends",), message, positions, label)], file=label)

    if not isinstance(ref, str) or not ref.strip():
        raise refuse("`extends` names the base rubric's file (relative to this one), as text")
    path = resolve(ref, folder, lambda n: _bundled_dir() / f"{n}.yaml"
                   if n in bundled_rubric_names() else None)
    path = Path(os.path.normpath(path))
    here = str(path.resolve())
    if here in chain or len(chain) >= MAX_CHAIN:
        why = "comes back to a rubric already in it" if here in chain else \
            f"is more than {MAX_CHAIN} rubrics long"
        raise refuse(f"the chain of `extends` {why} ({path})")
    try:
        text, base_label = _read(path, None)
    except RubricError as exc:
        raise refuse(f"cannot extend {ref!r}: {exc.problems[0].message}") from None
    base, base_pos, found = _parse(text, base_label)
    if found:
        raise RubricError(found, file=base_label)
    if not isinstance(base, Mapping):
        raise refuse(f"cannot extend {ref!r}: it is not a rubric (a mapping of keys)")
    if "extends" in base:
        base = extend(base, base_pos, base_label, path.parent, (*chain, here))
    over = {k: v for k, v in data.items() if k != "extends"}
    merged = merge(base, base_pos, over, positions, base_file=base_label, over_file=label)
    positions.values, positions.keys, positions.text = base_pos.values, base_pos.keys, \
        base_pos.text
    return merged
