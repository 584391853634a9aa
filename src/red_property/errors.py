"""Every error the library raises on purpose.

::

    RedPropertyError                  base of everything below
    ├── RubricError(ValueError)       a rubric file or model is wrong; carries every problem found,
    │                                 each with file:line:column and a dotted path
    ├── RatingsError(ValueError)      ratings (or claims) input is wrong; carries row and column of
    │                                 every problem found
    └── EvaluationError               a declared policy refused to produce a result, e.g. a source
                                      short of its quorum under the policy ``fail``

Each problem is a :class:`Problem`: where it is, what is wrong, and (where it helps) what to do.
``str(error)`` lists them one a line, ready for a terminal or a CI log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .cells import printable


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, and where it is.

    ``file``/``line``/``column`` locate it in a text file (1-based; 0 when unknown); ``path`` is
    the dotted path inside a rubric (``dimensions.service.weight``) or the column name of a
    table; ``row`` is the row of a table: the line number in a CSV file (the header is line 1),
    else the 1-based position of the record.
    """

    message: str
    path: str = ""
    file: str = ""
    line: int = 0
    column: int = 0
    row: int = 0
    #: the message in Chinese, where the library words it in both languages (else "")
    message_zh: str = field(default="", compare=False, repr=False)

    def location(self) -> str:
        """``file:line:column`` (or ``row N, column C``) as far as known."""
        if self.row:
            where = f"row {self.row}"
            if self.path:
                where += f", column {self.path}"
            return f"{self.file}: {where}" if self.file else where
        parts = [p for p in (self.file, self.line or "", self.column or "") if p != ""]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        """One line, control characters escaped (an input's text cannot reach a terminal raw)."""
        where = self.location()
        if self.row:
            return printable(f"{where}: {self.message}")
        head = ": ".join(p for p in (where, self.path) if p)
        return printable(f"{head}: {self.message}" if head else self.message)

    def zh(self) -> str:
        """The problem in Chinese where the library words it so (its place too: 第 3 行，value
        列), else as :meth:`__str__` gives it."""
        if not self.message_zh:
            return str(self)
        if self.row:
            where = f"第 {self.row} 行" + (f"，{self.path} 列" if self.path else "")
            return printable(f"{self.file}：{where}：{self.message_zh}" if self.file
                             else f"{where}：{self.message_zh}")
        return printable(f"{self.location()}：{self.message_zh}" if self.location()
                         else self.message_zh)

    def to_dict(self) -> dict[str, str | int]:
        """The problem as plain data (for ``--format json``)."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "row": self.row,
            "path": self.path,
            "message": self.message,
        }


#: How many rows a grouped problem lists (all are counted).
ROWS_SHOWN = 5


def rows_text(rows: Iterable[int], count: int) -> str:
    """``"rows 3, 7, 9 and 40 more"``: the first :data:`ROWS_SHOWN` of ``count`` rows sharing
    one cause, for a problem that stands for all of them."""
    shown = list(rows)[:ROWS_SHOWN]
    head = ("row " if count == 1 else "rows ") + ", ".join(str(r) for r in shown)
    return head + (f" and {count - len(shown)} more" if count > len(shown) else "")


def rows_text_zh(rows: Iterable[int], count: int) -> str:
    """:func:`rows_text` in Chinese: ``"第 3、7、9 行，另有 40 行"``."""
    shown = list(rows)[:ROWS_SHOWN]
    head = "第 " + "、".join(str(r) for r in shown) + " 行"
    return head + (f"，另有 {count - len(shown)} 行" if count > len(shown) else "")


class RedPropertyError(Exception):
    """Base class of every error raised on purpose by red-property."""


class _ProblemsError(RedPropertyError):
    """An error that carries a list of located problems."""

    #: The noun used in the summary line.
    what = "input"

    def __init__(self, problems: Iterable[Problem] | str, *, file: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, file=file)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.file = file
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.problems)
        if n == 1:
            return str(self.problems[0])
        head = f"{n} problems in {self.what}" + (f" {self.file}" if self.file else "")
        return head + ":\n" + "\n".join(f"  {p}" for p in self.problems)

    def to_dicts(self) -> list[dict[str, str | int]]:
        """Every problem as plain data."""
        return [p.to_dict() for p in self.problems]


class RubricError(_ProblemsError, ValueError):
    """A rubric file or model is wrong. ``problems`` holds every problem, each located."""

    what = "rubric"


class RatingsError(_ProblemsError, ValueError):
    """Ratings or claims input is wrong. ``problems`` holds each bad row and column."""

    what = "ratings"


class EvaluationError(RedPropertyError):
    """A policy of the rubric refused to produce a result (the message says which and why)."""
