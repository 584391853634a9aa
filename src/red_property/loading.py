"""Reading rubric YAML safely, and pointing at the line and column of every problem.

Only this module knows YAML. It

* refuses anything but plain data: no tags outside YAML's core schema (so ``!!python/object``
  is an error), no anchors or aliases (so no alias bombs), no merge keys, no duplicate keys;
* caps the size of a file (:data:`MAX_BYTES`) and requires UTF-8;
* uses libyaml's C parser when PyYAML has it;
* reports **every** problem of a file at once, as ``file:line:column: dotted.path: message``, in
  one :class:`~red_property.errors.RubricError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.constructor import SafeConstructor

from .errors import Problem, RubricError
from .extending import extend, folder_of, identity
from .rubric import Rubric
from .rubric_checks import Loc, check_rubric
from .rubric_messages import pydantic_message

#: Largest rubric file accepted, in bytes. Real rubrics are a few kilobytes.
MAX_BYTES = 1_000_000
_MAX_DEPTH = 40

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass(frozen=True, slots=True)
class _Mark:
    line: int
    column: int
    file: str | None = None  # set when the rubric merges several files (``extends``)


class _Positions:
    """Where each value (and each mapping key) of the document starts, and the text of each
    scalar as written (for messages that quote it)."""

    def __init__(self) -> None:
        self.values: dict[Loc, _Mark] = {}
        self.keys: dict[Loc, _Mark] = {}
        self.text: dict[Loc, str] = {}
        self.at: dict[int, _Mark] = {}  # problem index -> where it is, when not at its path
        self.constructor = SafeConstructor()

    def scalar(self, node: yaml.Node, loc: Loc, problems: list[tuple[Loc, str]]) -> Any:
        """The Python value of a scalar node, or a located problem when it has none."""
        try:
            return self.constructor.construct_object(node)
        except Exception as exc:
            problems.append((loc, f"unreadable value {node.value!r}: "
                             f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"))
            return None
        finally:  # the constructor remembers each node it saw: keep no node alive
            self.constructor.constructed_objects.clear()

    def find(self, loc: Loc, *, key: bool = False) -> tuple[Loc, _Mark]:
        """The deepest known prefix of ``loc`` and its mark (pydantic adds union tags to paths,
        which are skipped)."""
        best: Loc = ()
        walked: Loc = ()
        for k, part in enumerate(loc):
            candidate = (*walked, part)
            after = loc[k + 1:k + 2]
            if after and (*candidate, *after) not in self.values and (*walked, *after) in \
                    self.values:
                continue  # a union tag named like a key (``options``): the next part is here
            if candidate in self.values:
                walked = candidate
                best = walked
        table = self.keys if key and best in self.keys else self.values
        return best, table.get(best, _Mark(1, 1))


def _mark(node: yaml.Node) -> _Mark:
    return _Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node: yaml.Node, loc: Loc, pos: _Positions, problems: list[tuple[Loc, str]]) -> Any:
    """Turn a composed node into plain Python data, recording positions and refusing what is not
    plain data."""
    pos.values[loc] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        if node.tag != _TAG + "map":
            problems.append((loc, f"tag {node.tag!r} is not allowed; write plain YAML data"))
            return None
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                pos.at[len(problems)] = _mark(key_node)
                problems.append((loc, "merge keys (<<) are not allowed; write the keys out"))
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                pos.at[len(problems)] = _mark(key_node)
                problems.append((loc, "mapping keys must be plain scalars"))
                continue
            key = pos.scalar(key_node, loc, problems)
            child = (*loc, key)
            if key in out:
                line = pos.keys[child].line
                pos.at[len(problems)] = _mark(key_node)
                problems.append((child, f"duplicate key {key!r} (first at line {line}); keep one"))
                continue
            pos.keys[child] = _mark(key_node)
            out[key] = _build(value_node, child, pos, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _TAG + "seq":
            problems.append((loc, f"tag {node.tag!r} is not allowed; write plain YAML data"))
            return None
        return [_build(item, (*loc, i), pos, problems) for i, item in enumerate(node.value)]
    if node.tag not in _SCALAR_TAGS:
        problems.append((loc, f"tag {node.tag!r} is not allowed; write plain YAML data"))
        return None
    pos.text[loc] = str(node.value)
    return pos.scalar(node, loc, problems)


def _scan_events(text: str) -> list[tuple[_Mark, str]]:
    """Refuse anchors, aliases and deep nesting from the parse events, before anything is
    composed: composing a deeply nested document recurses once per level and can overflow the C
    stack of some libyaml builds, killing the interpreter."""
    found: list[tuple[_Mark, str]] = []
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        start = event.start_mark
        mark = _Mark(start.line + 1, start.column + 1) if start else _Mark(1, 1)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > _MAX_DEPTH:
                found.append((mark, f"nested deeper than {_MAX_DEPTH} levels; a rubric needs "
                                    "a handful"))
                return found
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            found.append((mark, f"alias *{anchor} is not allowed; write the value out"))
        elif anchor:
            found.append((mark, f"anchor &{anchor} is not allowed; write the value out"))
    return found


def _decode(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise RubricError(
            [Problem(f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                     file=name, line=line, column=column)],
            file=name,
        ) from None
    return text


def _read(file: str | os.PathLike[str] | bytes, name: str | None) -> tuple[str, str]:
    if isinstance(file, bytes):
        label = name or "<bytes>"
        if len(file) > MAX_BYTES:
            raise RubricError(_too_big(label, len(file)), file=label)
        return _decode(file, label), label
    if isinstance(file, str) and ("\n" in file or file.lstrip().startswith("{")):
        label = name or "<text>"
        if len(file) > MAX_BYTES:  # a byte a character at least: too big, without encoding it
            raise RubricError(_too_big(label, len(file), "characters"), file=label)
        size = len(file.encode("utf-8", "replace"))
        if size > MAX_BYTES:
            raise RubricError(_too_big(label, size), file=label)
        return file, label
    if isinstance(file, str) and file in bundled_rubric_names():
        if Path(file).exists():
            raise RubricError([Problem(f"{file!r} names a bundled rubric and a file here; "
                                       f"write ./{file} for the file", file=file)])
        name, file = name or f"{file}.yaml", _bundled_dir() / f"{file}.yaml"
    path = Path(file)
    label = name or str(file)
    try:
        size = path.stat().st_size
        data = b"" if size > MAX_BYTES else path.read_bytes()
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        if isinstance(exc, FileNotFoundError) and not _has_separator(os.fspath(file)):
            why = (f"{os.fspath(file)!r} is neither a file nor a bundled rubric; the bundled "
                   f"rubrics are {', '.join(bundled_rubric_names())} (or give the path "
                   "of a rubric file)")
        raise RubricError([Problem(f"cannot read the rubric: {why}", file=label)],
                          file=label) from None
    if size > MAX_BYTES:
        raise RubricError(_too_big(label, size), file=label)
    return _decode(data, label), label


def _has_separator(text: str) -> bool:
    """True when ``text`` is written as a path (it names a folder), not a bare name."""
    return any(sep and sep in text for sep in ("/", os.sep, os.altsep))


def _too_big(label: str, size: int, unit: str = "bytes") -> list[Problem]:
    return [Problem(f"{size:,} {unit} is more than the {MAX_BYTES:,} bytes a rubric may have",
                    file=label, line=1, column=1)]


def load_rubric(file: str | os.PathLike[str] | bytes, *, name: str | None = None) -> Rubric:
    """Load and fully validate a rubric from a file path, YAML text or bytes.

    A ``str`` holding a newline (or starting with ``{``) is YAML text; a ``str`` that is the name
    of a bundled rubric (see :func:`bundled_rubric_names`) is that rubric; any other ``str`` or a
    path-like is a file name. ``name`` sets the file name used in messages.

    Raises :class:`~red_property.errors.RubricError` carrying **every** problem found, each at
    its ``file:line:column`` with the dotted path of the offending value.
    """
    text, label = _read(file, name)
    data, positions, found = _parse(text, label)
    if found:
        raise RubricError(found, file=label)
    if isinstance(data, Mapping) and "extends" in data:
        data = extend(data, positions, label, folder_of(file), (identity(file),))
    return _validate(data, positions, label)


def _parse(text: str, label: str) -> tuple[Any, _Positions, list[Problem]]:
    positions = _Positions()
    try:
        bad = _scan_events(text)
        if bad:
            return None, positions, [
                Problem(msg, file=label, line=m.line, column=m.column) for m, msg in bad
            ]
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = "; ".join(str(p) for p in (exc.context, exc.problem) if p)
        marks = [m.line for m in (exc.context_mark, exc.problem_mark) if m]
        lines = text.splitlines()
        if any("：" in lines[k] for k in marks if k < len(lines)):  # an input method's colon
            what += "; a full-width colon '：' is not YAML's ':': type ':' (half-width)"
        return None, positions, [Problem(f"not valid YAML: {what}", file=label, line=line,
                                         column=col)]
    except yaml.YAMLError as exc:
        at = _character_index(text, int(getattr(exc, "position", 0) or 0))
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, positions, [Problem(f"not valid YAML: {first}", file=label, line=line,
                                         column=column)]
    except UnicodeEncodeError as exc:  # libyaml reads UTF-8: half a surrogate pair is no text
        line = text.count("\n", 0, exc.start) + 1
        column = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        return None, positions, [Problem(
            f"not valid YAML: unacceptable character #x{ord(text[exc.start]):04x}: half of a "
            "surrogate pair is not text; remove it", file=label, line=line, column=column)]
    if node is None:
        return None, positions, [Problem("the file is empty; a rubric is a mapping with `id`, "
                                         "`version`, ...", file=label, line=1, column=1)]
    found: list[tuple[Loc, str]] = []
    data = _build(node, (), positions, found)  # at most _MAX_DEPTH deep: see _scan_events
    out = []
    for k, (loc, msg) in enumerate(found):
        where = positions.at.get(k)
        if where is None:
            out.append(_locate(loc, msg, positions, label))
        else:
            out.append(Problem(msg, path=_dotted(loc), file=label, line=where.line,
                               column=where.column))
    return data, positions, out


def _character_index(text: str, position: int) -> int:
    """The index in ``text`` of a reader error's position: libyaml counts the bytes of the text
    as UTF-8, PyYAML's own reader counts characters."""
    if _Loader is yaml.SafeLoader:
        return position
    return len(text.encode()[:position].decode())


def _locate(loc: Loc, message: str, positions: _Positions, label: str, *, key: bool = False
            ) -> Problem:
    _, mark = positions.find(loc, key=key)
    return Problem(message, path=_dotted(loc), file=mark.file or label, line=mark.line,
                   column=mark.column)


def _dotted(loc: Loc) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")


def _validate(data: Any, positions: _Positions, label: str) -> Rubric:
    if not isinstance(data, Mapping):
        raise RubricError([Problem("a rubric is a mapping (keys `id`, `version`, ...), not "
                                   f"{type(data).__name__}", file=label,
                                   line=positions.values.get((), _Mark(1, 1)).line,
                                   column=positions.values.get((), _Mark(1, 1)).column)],
                          file=label)
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        errors = _one_per_union(exc.errors(), positions)
        raise RubricError(
            sorted((_from_pydantic(err, positions, label) for err in errors),
                   key=lambda p: (p.line, p.column, p.path)),
            file=label,
        ) from None
    found = check_rubric(rubric)
    if found:
        raise RubricError(
            sorted((_locate(loc, msg, positions, label) for loc, msg in found),
                   key=lambda p: (p.line, p.column, p.path)),
            file=label,
        )
    return rubric


def _one_per_union(errors: list[Any], positions: _Positions) -> list[Any]:
    """Keep, of the errors pydantic reports for each branch of a union, the telling one.

    For ``covers: [Service]`` pydantic reports both "input should be 'all'" (the string branch)
    and the bad id (the list branch). A branch error is dropped when another error goes deeper
    into the same value, or when it only says the value is of another type while another
    branch says what is wrong with the value itself.
    """
    found = [(err, positions.find(tuple(err["loc"]))[0]) for err in errors]

    def branch(err: Any, known: Loc) -> bool:
        return len(tuple(err["loc"])) > len(known) and err["type"] != "missing"

    keep = []
    for err, known in found:
        if branch(err, known):
            deeper = any(k2[: len(known)] == known and len(k2) > len(known)
                         for e2, k2 in found if e2 is not err)
            telling = err["type"].endswith("_type") and any(
                k2 == known and not e2["type"].endswith("_type") and branch(e2, k2)
                for e2, k2 in found if e2 is not err)
            if deeper or telling:
                continue
        keep.append(err)
    return keep or errors


def _from_pydantic(err: Mapping[str, Any], positions: _Positions, label: str) -> Problem:
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    at_key = kind == "extra_forbidden" or "[key]" in loc
    known, _ = positions.find(loc, key=at_key)
    # Keep only the parts of the path that exist in the document (drop pydantic's union tags),
    # plus a missing field's own name.
    shown = list(known)
    if kind == "missing" and loc:
        shown.append(loc[-1])
    elif kind == "union_tag_invalid" and (*known, "kind") in positions.values:
        shown.append("kind")  # point at the kind itself
    message = pydantic_message(err, positions.text.get(tuple(known)))
    return _locate(tuple(shown), message, positions, label, key=at_key)


# --------------------------------------------------------------------------- writing


def rubric_data(rubric: Rubric) -> dict[str, Any]:
    """The rubric as plain data with only what was stated or differs from the defaults."""
    return rubric.model_dump(mode="python", exclude_defaults=True)


class _Dumper(yaml.SafeDumper):
    """Safe YAML out, readable Chinese, and line-break characters (NEL, LS, PS) escaped: YAML
    reads them raw as line breaks, so text holding them is written double-quoted."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = '"' if any(ch in text for ch in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_rubric(rubric: Rubric) -> str:
    """The rubric as YAML text that :func:`load_rubric` reads back to an equal rubric."""
    return yaml.dump(rubric_data(rubric), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=100)


def _bundled_dir() -> Path:
    here = Path(__file__).resolve().parent
    inside = here / "_rubrics"
    return inside if inside.is_dir() else here.parent.parent / "rubrics"


def bundled_rubric(name: str) -> Rubric:
    """A rubric shipped with the package, by name (``"shanyang-red-property-2019"``); only the
    names :func:`bundled_rubric_names` lists are accepted, never a path."""
    names = list(bundled_rubric_names())
    if not isinstance(name, str) or name not in names:
        raise RubricError([Problem(f"no bundled rubric {name!r}; bundled: {', '.join(names)}")])
    return load_rubric(_bundled_dir() / f"{name}.yaml", name=f"{name}.yaml")


def bundled_rubric_names() -> Iterator[str]:
    """Names of the bundled rubrics (their file stems)."""
    return iter(sorted(p.stem for p in _bundled_dir().glob("*.yaml")))
