"""The one grammar of input cells: how every reader reads a number, and which ids it accepts.

Every table reader (CSV files, records, columns, pandas frames, claims, companies) goes through
this module, so a cell is read the same way whatever brought it.

**Numbers** (a rating's value, a claim's stars), given as text::

    number   = [sign] (digits ["." [digits]] | "." digits) [exponent]
    exponent = ("e" | "E") [sign] digits
    sign     = "+" | "-"
    digits   = one or more of 0-9

- blanks around the number are ignored; nothing else is: no ``_`` or ``,`` between digits, no
  ``%``, no spaces inside, no ``inf`` or ``nan`` (an options indicator may have a label of any
  such text; it is then a label, never a number);
- the full-width forms of these characters, as Chinese input methods type them (``８９．４``,
  ``－３``, ``１ｅ３``), are read as their ASCII forms; digits of other scripts are refused;
- an empty cell (nothing but blanks) is *empty*, and said so, never a number;
- a number given as a number (a float or int column, a Python int or float) is taken as it is;
  a boolean is refused everywhere: a check takes 1 (yes) or 0 (no).

**Ids** (company, source, rater, indicator, rater_company, a claim's or the companies list's
company): blanks around an id are ignored; an id is at most :data:`MAX_ID_LENGTH` characters and
holds no control or layout characters (NUL, an ANSI escape, a newline, a bidirectional
override...): such an id is refused with its row and column, never stored or printed.

:func:`printable` escapes the same characters in any text the library writes, so nothing from an
input can reach a terminal raw.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

import numpy as np

#: The longest id accepted, in characters (ids are short codes or names; a longer cell is a
#: misplaced column or a broken file, and would cost memory for every row that repeats it).
MAX_ID_LENGTH = 200

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# full-width digits, point, signs and exponent letters -> ASCII (U+FF10..FF19 are ０..９)
_FULL_WIDTH = {0xFF10 + d: ord("0") + d for d in range(10)} | {
    ord("．"): ord("."), ord("＋"): ord("+"), ord("－"): ord("-"), ord("ｅ"): ord("e"),
    ord("Ｅ"): ord("E"),
}
_UNSAFE = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs"))  # control, format, line/paragraph separators


def parse_number(text: str) -> float | None:
    """The number a text cell holds under the grammar above, or None when it holds none (empty
    cells and labels included). A number too large for a float is ``inf``."""
    s = text.strip()
    if not s:
        return None
    if not s.isascii():
        s = s.translate(_FULL_WIDTH)
    if _NUMBER.fullmatch(s) is None:
        return None
    return float(s)


def number_problem(value: Any) -> str | None:
    """Why a non-text cell is not a number (a boolean, a NaN, a non-finite or foreign object),
    or None when it is one. Text cells go through :func:`parse_number`."""
    if isinstance(value, (bool, np.bool_)):
        return f"{value} is a boolean; give 1 (yes) or 0 (no)"
    if isinstance(value, (int, float)) or hasattr(value, "__float__"):
        try:
            number = float(value)
        except OverflowError:
            return "is too large: values lie within ±1e15"
        except (TypeError, ValueError):
            return f"{printable(repr(value))} is not a number"
        if math.isnan(number):
            return "empty"
        return None if math.isfinite(number) else f"{number} is not a finite number"
    return f"{printable(repr(value))} is not a number"


def id_problem(label: str) -> str | None:
    """What is wrong with an id (already stripped of surrounding blanks), or None."""
    if len(label) > MAX_ID_LENGTH:
        return (f"an id of {len(label):,} characters (starting {printable(label[:20])!s}...); "
                f"ids are at most {MAX_ID_LENGTH} characters: is a column misplaced?")
    if not label.isprintable():
        bad = next((ch for ch in label if unicodedata.category(ch) in _UNSAFE), None)
        if bad is not None:
            return (f"id {printable(label)!s} holds the control character "
                    f"{printable(bad)!s}; ids are plain printable text")
    return None


def printable(text: str) -> str:
    """``text`` with control and layout characters escaped (``\\x1b``, ``\\n``, ``\\u202e``):
    safe to write to a terminal, a log or a table cell."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or unicodedata.category(ch) not in _UNSAFE
                   else ch.encode("unicode_escape").decode("ascii") for ch in text)
