"""Tables in files as spreadsheets export them: CSV with any of the usual delimiters and
encodings, and Excel workbooks.

What is accepted, whichever reader does the work:

* encodings: UTF-8 with or without BOM, UTF-16 with or without BOM, else GB18030 (a
  superset of GBK); ``encoding=`` forces one; lines end in LF, CR LF or (old Mac) CR alone;
* delimiters ``,`` ``;`` and tab, found from the header line (the one that names the most known
  columns), or from Excel's ``sep=;`` first line; ``delimiter=`` forces one;
* blank lines (and lines of bare delimiters) before the header and between rows are skipped
  (and never counted as rows), and so are up to ten title lines above the header (the header
  is the first line naming at least two of the columns);
* trailing empty columns (lines ending in one or more delimiters) are ignored while they stay
  empty;
* ``.xlsx`` / ``.xls`` / ``.ods`` workbooks, the first sheet or ``sheet=``, with the ``excel``
  extra (python-calamine).

Row numbers in messages are the file's line numbers (or the sheet's row numbers). A file that
is plainly of another kind gets that named ("this is an Excel workbook ..."), not a list of
missing columns.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ._headers import spelled_like, unknown_column
from ._option_names import option
from .errors import Problem, RatingsError

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
_ENCODINGS = ("utf-8-sig", "gb18030")
_HEAD_LINES = 200  # lines looked at to find the header
_TITLE_LINES = 10  # title lines a sheet may have above its header
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, or a located RatingsError saying why it cannot be read."""
    name = str(path)
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise RatingsError([Problem(f"cannot read: {exc.strerror or exc}", file=name)],
                           file=name) from None


def workbook_kind(data: bytes) -> str | None:
    """"xlsx" for a zipped workbook (xlsx, ods), "xls" for an old binary one, else None."""
    if data.startswith(_ZIP):
        return "xlsx"
    if data.startswith(_OLE):
        return "xls"
    return None


def bomless_utf16(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for UTF-16 text saved without a BOM (every other byte of its
    ASCII characters is zero, which UTF-8 and GB18030 text never has), else None."""
    head = data[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode(data: bytes, name: str, encoding: str | None) -> str:
    """The file's text: the forced encoding, else by BOM, else UTF-16 without a BOM, else
    UTF-8, else GB18030. Old Mac line endings (carriage returns only) become line feeds."""
    if encoding:
        tries: tuple[str, ...] = (encoding,)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        tries = ("utf-16",)
    else:
        wide = bomless_utf16(data)
        tries = (wide,) if wide else _ENCODINGS
    for enc in tries:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if "\n" not in text and "\r" in text:
            text = text.replace("\r", "\n")
        return text
    fits = [enc for enc in _ENCODINGS if enc not in tries and _decodes(data, enc)]
    how = (f"it reads as {fits[0]}: pass {option('encoding', fits[0])}" if fits
           else f"save it as UTF-8 or pass its encoding ({option('encoding', 'NAME')})")
    what = (f"unknown encoding {encoding!r}" if encoding and not _known(encoding)
            else f"cannot decode as {' or '.join(tries)}")
    raise RatingsError([Problem(f"{what}; {how}", file=name)], file=name)


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def _decodes(data: bytes, encoding: str) -> bool:
    """True when ``data`` decodes as ``encoding`` (False for an encoding Python lacks)."""
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the header is and how fields are separated."""

    delimiter: str
    skip: int  # lines before the header (blank lines, Excel's sep= line)
    header: tuple[str, ...]  # the header's names, stripped, trailing empty ones kept


def unnamed_tail(header: list[str] | tuple[str, ...]) -> int:
    """How many empty names end the header (columns of trailing delimiters), at most all but
    one."""
    k = 0
    while k < len(header) - 1 and header[-1 - k] == "":
        k += 1
    return k


def _blank(line: str) -> bool:
    return not line.strip(" \t\r\n\ufeff,;")


def _split(line: str, delimiter: str) -> list[str]:
    try:
        fields = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # a stray carriage return or NUL: the reader later says where
        fields = line.split(delimiter)
    return [f.strip().lstrip("\ufeff").strip() for f in fields]


def find_layout(head: list[str], known: tuple[str, ...], delimiter: str | None) -> Layout | None:
    """The layout from the first lines of a text (None when every line is blank)."""
    skip = 0
    sep: str | None = None
    while skip < len(head):
        line = head[skip].strip().lstrip("\ufeff")
        if sep is None and line.lower().startswith("sep=") and len(line) in (5, 7):
            sep = line[4] if len(line) == 5 else line[5]  # sep=; or "sep=;"
        elif not _blank(line):
            break
        skip += 1
    if skip >= len(head):
        return None
    given = delimiter or sep
    skip = _below_title(head, skip, known, (given,) if given else tuple(DELIMITERS))
    line = head[skip].rstrip("\r\n")
    if delimiter is None:
        delimiter = sep or max(DELIMITERS, key=lambda d: (
            sum(f in known for f in _split(line, d)), len(_split(line, d)), d == ","))
    return Layout(delimiter, skip, tuple(_split(line, delimiter)))


def _below_title(lines: list[Any], first: int, known: tuple[str, ...], delimiters: tuple[str, ...]
                 ) -> int:
    """The header's index: the first line from ``first`` (within :data:`_TITLE_LINES`) that names
    at least two known columns, so that a sheet's title lines above its header are skipped; else
    ``first`` (whose problems the header check then names). ``lines`` are text lines, or rows
    of cells (a workbook)."""
    for k in range(first, min(len(lines), first + _TITLE_LINES)):
        for d in delimiters:
            cells = _split(lines[k], d) if isinstance(lines[k], str) else [
                str(c).strip() for c in lines[k]]
            if sum(spelled_like(c, known) is not None for c in cells) >= 2:
                return k
    return first


def header_problems(layout: Layout, head_line: str, name: str, required: tuple[str, ...],
                    optional: tuple[str, ...], *, forced: bool) -> list[Problem]:
    """Every problem of the header at once; a header of another kind of file named as such."""
    header = list(layout.header)
    del header[len(header) - unnamed_tail(header):]  # trailing delimiters: empty columns
    known = required + optional
    row = layout.skip + 1
    if not any(spelled_like(h, known) for h in header):
        for d, word in DELIMITERS.items():
            if d != layout.delimiter and sum(f in known for f in _split(head_line, d)) >= 2:
                how = f"pass {option('delimiter', d)}" if forced else "check its delimiter"
                return [Problem(f"looks like a {word}-separated export; {how}", file=name,
                                row=row)]
        return [Problem(f"no header naming the columns: the first line reads "
                        f"{head_line.strip()[:60]!r}; a file of this kind starts with the columns "
                        f"{', '.join(required)}", file=name, row=row)]
    renamed = {spelled_like(c, known) for c in header if c not in known}
    problems = [Problem(f"missing column {c!r}; the header needs {', '.join(required)}",
                        file=name, row=row, path=c) for c in required
                if c not in header and c not in renamed]
    problems += [unknown_column(c, known, file=name, row=row) for c in header if c not in known]
    problems += [Problem(f"column {c!r} appears {header.count(c)} times; keep one", file=name,
                         row=row, path=c) for c in sorted(set(header)) if header.count(c) > 1]
    return problems


def _no_excel(kind: str, name: str) -> RatingsError:
    what = "an Excel workbook" if kind == "xlsx" else "an Excel 97-2003 workbook (.xls)"
    return RatingsError([Problem(f"this is {what}; install red-property[excel] "
                                 "(pip install 'red-property[excel]') or save it as CSV",
                                 file=name)], file=name)


def read_table(path: str | os.PathLike[str], required: tuple[str, ...],
               optional: tuple[str, ...], *, encoding: str | None = None,
               delimiter: str | None = None, sheet: str | int | None = None,
               data: bytes | None = None) -> tuple[list[str], list[list[Any]], list[int]]:
    """Header, rows and line numbers of a table file, its columns checked: every problem (a
    missing, unknown or repeated column; a row with too many or too few fields) reported at
    once. This is the locating reader: Python's csv module, line by line."""
    name = str(path)
    data = read_bytes(path) if data is None else data
    kind = workbook_kind(data)
    if kind is not None:
        return _read_workbook(path, kind, required, optional, sheet)
    text = decode(data, name, encoding)
    head = text.split("\n", _HEAD_LINES)[:_HEAD_LINES]
    layout = find_layout(head, required + optional, delimiter)
    if layout is None:
        raise RatingsError([Problem("the file is empty; it needs a header row", file=name)],
                           file=name)
    problems = header_problems(layout, head[layout.skip], name, required, optional,
                               forced=delimiter is not None)
    if problems:
        raise RatingsError(problems, file=name)
    start = sum(len(line) + 1 for line in head[:layout.skip])
    reader = csv.reader(io.StringIO(text[start:], newline=""), delimiter=layout.delimiter,
                        strict=True)
    next(_records(reader, name, layout.skip))
    return _body(list(layout.header), _records(reader, name, layout.skip),
                 lambda: reader.line_num + layout.skip, name)


def _body(header: list[str], records: Iterator[tuple[list[Any], int]], end: Any, name: str
          ) -> tuple[list[str], list[list[Any]], list[int]]:
    """The rows of the body, each with the line it starts on; ``end()`` is the line the last
    record read ends on (later than its start when a quote ran on)."""
    trailing = unnamed_tail(header)
    width = len(header) - trailing
    problems: list[Problem] = []
    body: list[list[Any]] = []
    lines: list[int] = []
    for record, start in records:
        if not record or all(not str(c).strip() for c in record):
            continue
        if trailing and width < len(record) <= width + trailing:
            if any(str(c).strip() for c in record[width:]):
                problems.append(Problem("a value in a column after the last named one (the "
                                        "header gives it no name)", file=name, row=start))
                continue
            record = record[:width]
        if len(record) != width:
            spans = (f"; the row runs on to line {end()}: is a closing quote missing?"
                     if end() > start else "")
            problems.append(Problem(f"{len(record)} fields, the header has {width}{spans}",
                                    file=name, row=start))
            continue
        body.append(record)
        lines.append(start)
    if problems:
        raise RatingsError(problems, file=name)
    return header[:width], body, lines


def _records(reader: Any, name: str, offset: int) -> Iterator[tuple[list[str], int]]:
    """The rows of a csv reader with the line each starts on, its parse errors turned into
    RatingsErrors located at the row where the broken record starts (where an unclosed quote
    opened, not where the parser gave up)."""
    while True:
        start = reader.line_num + 1 + offset
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            ended = reader.line_num + offset
            hint = (f"a quote opened on this row is not closed (the parser read on to line "
                    f"{ended})") if ended > start or "end of data" in str(exc) else str(exc)
            raise RatingsError([Problem(f"not readable as CSV: {hint}", file=name, row=start)],
                               file=name) from None
        yield record, start


def _read_workbook(path: str | os.PathLike[str], kind: str, required: tuple[str, ...],
                   optional: tuple[str, ...], sheet: str | int | None
                   ) -> tuple[list[str], list[list[Any]], list[int]]:
    name = str(path)
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        raise _no_excel(kind, name) from None
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        if sheet is None:
            chosen = names[0]
        elif isinstance(sheet, int):
            chosen = names[sheet]
        elif sheet not in names and sheet.isdigit() and 1 <= int(sheet) <= len(names):
            chosen = names[int(sheet) - 1]  # "2" (the command line's --sheet 2): the second
        else:
            chosen = sheet
        if chosen not in names:
            raise RatingsError([Problem(f"no sheet {sheet!r}; the sheets are "
                                        f"{', '.join(names)}", file=name)], file=name)
        cells = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except (IndexError, ValueError, OSError) as exc:
        raise RatingsError([Problem(f"not readable as a workbook: {exc}", file=name)],
                           file=name) from None
    label = name
    start = next((k for k, r in enumerate(cells) if any(str(c).strip() for c in r)), None)
    if start is None:
        raise RatingsError([Problem("the sheet is empty; it needs a header row", file=label)],
                           file=label)
    start = _below_title(cells, start, required + optional, (",",))
    header = [str(c).strip() for c in cells[start]]
    while len(header) > 1 and header[-1] == "" and header[-2] == "":
        header.pop()  # cells formatted but never filled
    layout = Layout(",", start, tuple(header))
    problems = header_problems(layout, ",".join(header), label, required, optional,
                               forced=False)
    if problems:
        raise RatingsError(problems, file=label)
    width = len(header)
    rows = iter(enumerate(cells[start + 1:], start=start + 2))
    at = [0]

    def records() -> Iterator[tuple[list[Any], int]]:
        for k, r in rows:
            at[0] = k
            extra = [c for c in r[width:] if str(c).strip()]
            yield list(r[:width]) + extra, k

    return _body(header, records(), lambda: at[0], label)


def read_columns(path: str | os.PathLike[str], required: tuple[str, ...],
                 optional: tuple[str, ...], *, encoding: str | None = None,
                 delimiter: str | None = None, sheet: str | int | None = None
                 ) -> tuple[dict[str, Any], npt.NDArray[np.int64], str]:
    """The file's columns by name (Arrow columns from the fast reader, object arrays from the
    locating reader), the line number of each row, and the name to use in messages."""
    from ._arrow_input import read_csv_arrow

    name = str(path)
    data = read_bytes(path)
    if workbook_kind(data) is None:
        fast = read_csv_arrow(data, name, required, optional, encoding=encoding,
                              delimiter=delimiter)
        if fast is not None:
            return fast[0], fast[1], name
    from ._columns import _text_column

    header, body, lines = read_table(path, required, optional, encoding=encoding,
                                     delimiter=delimiter, sheet=sheet, data=data)
    cols = list(zip(*body, strict=True)) if body else [() for _ in header]
    book = workbook_kind(data) is not None  # typed cells: numbers stay numbers
    columns = {h: np.array(c, dtype=object) if book else _text_column(c)
               for h, c in zip(header, cols, strict=True)}
    return columns, np.asarray(lines, dtype=np.int64), name
