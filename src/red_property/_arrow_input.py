"""The columnar CSV reader: pyarrow's C++ CSV parser, every column dictionary-encoded, so ids
arrive as integer codes and each distinct text is decoded once.

It keeps the guarantees of the locating reader (:func:`red_property._tabular.read_table`) by
taking the same decisions (encoding, delimiter, header) and by handing it the file whenever the
fast parse is not plainly the same: a parse error, a line count that does not match the rows
read (quoted line breaks, blank lines between rows), a value in an unnamed trailing column. The
locating reader then either reads the file or says where it is wrong.
"""

from __future__ import annotations

import csv
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from ._factorize import arrow, int_codes, one_chunk
from ._factorize import cores as _cores
from ._tabular import bomless_utf16, decode, find_layout, header_problems

_HEAD_BYTES = 1 << 16
_UTF8_BOM = b"\xef\xbb\xbf"


def read_csv_arrow(data: bytes, name: str, required: tuple[str, ...],
                   optional: tuple[str, ...], *, encoding: str | None = None,
                   delimiter: str | None = None
                   ) -> tuple[dict[str, Any], npt.NDArray[np.int64]] | None:
    """Columns (pyarrow ChunkedArrays) and line numbers, or None to use the locating reader."""
    pa = arrow()
    if pa is None:
        return None
    utf8 = encoding is None or encoding.lower().replace("_", "-") in ("utf-8", "utf8",
                                                                        "utf-8-sig")
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    elif not utf8 or data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
            encoding is None and bomless_utf16(data)):
        data = decode(data, name, encoding).encode("utf-8")
    result = _read(pa, data, name, required, optional, delimiter)
    if result == "not utf-8" and encoding is None:
        result = _read(pa, decode(data, name, None).encode("utf-8"), name, required, optional,
                       delimiter)
    return None if isinstance(result, str) else result


def _read(pa: Any, data: bytes, name: str, required: tuple[str, ...],
          optional: tuple[str, ...], delimiter: str | None
          ) -> tuple[dict[str, Any], npt.NDArray[np.int64]] | str:
    import pyarrow.csv as pcsv

    try:
        head_text = data[:_HEAD_BYTES].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < _HEAD_BYTES - 4:
            return "not utf-8"
        head_text = data[:exc.start].decode("utf-8")
    head = head_text.split("\n")[:-1] if len(data) > _HEAD_BYTES else head_text.split("\n")
    layout = find_layout(head, required + optional, delimiter)
    if layout is None or header_problems(layout, head[layout.skip], name, required, optional,
                                         forced=delimiter is not None):
        return "header"
    if b'"' in data:
        return "quotes"  # the locating reader holds quoted fields to the strict CSV rules
    offset = sum(len(line.encode("utf-8")) + 1 for line in head[:layout.skip + 1])
    end = len(data)
    while end > offset and data[end - 1] in b"\r\n":
        end -= 1
    names = [h or f"\x00{k}" for k, h in enumerate(layout.header)]
    try:
        table = _parse_parts(pa, pcsv, pa.py_buffer(data), _parts(data, offset, end), names,
                             layout.delimiter)
    except pa.ArrowInvalid as exc:
        return "not utf-8" if "UTF8" in str(exc) or "UTF-8" in str(exc) else "parse"
    n = table.num_rows
    lines = _line_breaks(data, offset, end) + 1 if end > offset else 0
    if n != lines:
        return "lines"  # blank or multi-line rows: the locating reader numbers them
    row = np.arange(layout.skip + 2, layout.skip + 2 + n, dtype=np.int64)
    table = table.unify_dictionaries()
    columns = {c: one_chunk(table.column(c), pa) for c in names}
    limit = csv.field_size_limit()
    if any(_longest(pa, col) > limit for col in columns.values()):
        return "field too large"  # the locating reader refuses it where it is
    blank = _blank_rows(pa, [columns[c] for c in names if c != "note"], n)
    if blank is not None:
        bits = pa.py_buffer(np.packbits(~blank, bitorder="little"))
        keep = pa.Array.from_buffers(pa.bool_(), n, [None, bits])  # pa.array would load pandas
        columns = {c: col.filter(keep) for c, col in columns.items()}
        row = row[~blank]
    for c in names:
        if c.startswith("\x00"):  # the trailing empty column must stay empty
            col = columns.pop(c)
            if len(col) and _nonblank(pa, col).any():
                return "trailing"
    return columns, row


#: Bytes of file from which the parse is split among the cores.
PARALLEL_BYTES = 4 << 20


def _parts(data: bytes, start: int, end: int) -> list[tuple[int, int]]:
    """``data[start:end]`` cut at line feeds into one part per core (one part for a small
    file). The file holds no quotes, so every line feed ends a row."""
    cores = _cores()
    if cores < 2 or end - start < PARALLEL_BYTES:
        return [(start, end)]
    cuts = [start]
    for k in range(1, cores):
        at = data.find(b"\n", start + (end - start) * k // cores, end)
        if at < 0 or at + 1 <= cuts[-1]:
            break
        cuts.append(at + 1)
    cuts.append(end)
    return [(a, b) for a, b in pairwise(cuts) if b > a]


def _parse_parts(pa: Any, pcsv: Any, buffer: Any, parts: list[tuple[int, int]],
                 names: list[str], delimiter: str) -> Any:
    """One table of the parts of ``buffer``, each parsed on a thread of its own.

    Arrow's own threads stay off: with its thread pool started, a process that read a file
    aborted at exit ("terminate called without an active exception", exit code 134) in about
    one run in ten (apache/arrow#34314). Python's threads, each parsing a part on one thread
    (Arrow releases the GIL while it parses), have ended before the call returns."""
    ids = pa.dictionary(pa.int32(), pa.string())

    def parse(part: tuple[int, int]) -> Any:
        a, b = part
        return pcsv.read_csv(
            pa.BufferReader(buffer[a:b]),
            read_options=pcsv.ReadOptions(column_names=names, use_threads=False,
                                          block_size=_block_size(b - a)),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=True),
            convert_options=pcsv.ConvertOptions(
                column_types={n: (pa.string() if n == "note" else ids) for n in names},
                strings_can_be_null=False, quoted_strings_can_be_null=False, null_values=[]),
        )

    if len(parts) == 1:
        return parse(parts[0])
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(parts)) as pool:
        tables = list(pool.map(parse, parts))
    return pa.concat_tables(tables)


def _block_size(size: int) -> int:
    """Bytes Arrow parses as one block: about an eighth of the file, not Arrow's 1 MB default,
    whose hundreds of blocks each build dictionaries that must then be unified (a third of the
    reading time of a 279 MB file)."""
    return max(1 << 20, min(64 << 20, size // 8 + 1))


def _line_breaks(data: bytes, start: int, end: int) -> int:
    """How many line feeds ``data[start:end]`` holds (counted a megabyte at a time: no
    file-sized temporary)."""
    view = np.frombuffer(data, dtype=np.uint8, count=end - start, offset=start)
    step = 1 << 20
    return sum(int(np.count_nonzero(view[a:a + step] == 10)) for a in range(0, view.size, step))


def _longest(pa: Any, col: Any) -> int:
    """The length of the column's longest text, at least (in UTF-8 bytes, from the offsets:
    never fewer than its characters); exact in characters when that is over the limit."""
    words = col.dictionary if pa.types.is_dictionary(col.type) else col
    if len(words) == 0:
        return 0
    width = 8 if pa.types.is_large_string(words.type) else 4
    offsets = np.frombuffer(words.buffers()[1], dtype=np.int64 if width == 8 else np.int32,
                            count=len(words) + 1, offset=words.offset * width)
    most = int(np.diff(offsets).max())
    if most <= csv.field_size_limit():
        return most
    return max(len(w) for w in words.to_pylist() if w is not None)


def _texts(pa: Any, col: Any) -> tuple[npt.NDArray[np.int64], list[str]]:
    codes = int_codes(col.indices, pa)
    return codes, col.dictionary.to_pylist()


def _nonblank(pa: Any, col: Any) -> npt.NDArray[np.bool_]:
    codes, words = _texts(pa, col)
    filled = np.array([bool(w.strip()) for w in words], dtype=bool)
    return filled[codes] if filled.size else np.zeros(0, dtype=bool)


def _blank_rows(pa: Any, cols: list[Any], n: int) -> npt.NDArray[np.bool_] | None:
    """Rows whose every cell is blank (a line of delimiters), or None when there is none."""
    blank = np.ones(n, dtype=bool)
    for col in cols:
        empty = np.array([not w.strip() for w in col.dictionary.to_pylist()], dtype=bool)
        if not empty.any():
            return None  # a column without a blank cell: no blank row, codes unread
        blank &= empty[int_codes(col.indices, pa)]
        if not blank.any():
            return None
    return blank
