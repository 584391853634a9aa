"""The case type of the hostile-input catalogue, and the small season cases build on."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from red_property.errors import RedPropertyError

__all__ = ["HEADER", "RUBRIC", "Case", "ratings_csv"]

#: A small rubric: authority and peer sources; a check, an options and a score indicator.
RUBRIC = textwrap.dedent("""\
    id: mini
    version: "1"
    title: {en: Mini}
    sources:
      authority: {label: {en: Authority}, weight: 0.6}
      peer: {label: {en: Peer}, weight: 0.4, peer: true}
    dimensions:
      d:
        label: {en: D}
        points: 10
        indicators:
          ok: {label: {en: OK}, kind: check, points: 2}
          party: {label: {en: Party}, kind: options, options: {none: 0, occasional: 2, regular: 4}}
          care: {label: {en: Care}, kind: score, points: 4}
    levels:
      - {stars: 1, min_total: 2}
      - {stars: 2, min_total: 6}
    """)

HEADER = "company,source,rater,indicator,value,rater_company"

#: Rows 2-9 of every ratings case: two companies, fully rated by authority and peers.
GOOD = (
    "a,authority,au1,ok,1,", "a,authority,au1,party,regular,", "a,authority,au1,care,3.5,",
    "b,authority,au1,ok,0,", "b,authority,au1,party,none,", "b,authority,au1,care,2,",
    "a,peer,pb,care,3,b", "b,peer,pa,care,2.5,a",
)


def ratings_csv(*extra: str, header: str = HEADER, good: tuple[str, ...] = GOOD) -> str:
    """A ratings file: the header, the good rows (rows 2-9), then ``extra`` (rows 10, ...)."""
    return "\n".join((header, *good, *extra)) + "\n"


@dataclass(frozen=True)
class Case:
    """One hostile input and what the library must do with it.

    ``input`` is a file's text (or bytes) for ``kind`` ratings, claims, companies or rubric, or
    a callable for ``kind`` api (an input only Python code can give). ``error`` is the exact
    class raised (None: accepted); ``row``/``column`` locate a table problem, ``line``/``col``
    a rubric problem; ``message`` is a fragment of that problem's text; ``exit`` is the command
    line's exit code (None: no command line receives such input). An accepted input states
    ``rows`` = (read, used, dropped).
    """

    name: str
    kind: str
    input: str | bytes | Path | Callable[[], Any]
    error: type[Exception] | None
    message: str = ""
    row: int = 0
    column: str = ""
    line: int = 0
    col: int = 0
    exit: int | None = 1
    rows: tuple[int, int, int] | None = None
    rubric: str = RUBRIC
    policy: str = ""  # extra rubric YAML: an input policy, or a key for the options indicator
    ratings: str = ""  # the season, for claims and companies cases (default: the good rows)
    shown: str = ""  # a fragment the command line's output must show

    def rubric_text(self) -> str:
        """The rubric the case runs under, with its ``policy``."""
        if self.policy.startswith("numbers:"):
            return self.rubric.replace("regular: 4}", "regular: 4}, " + self.policy)
        return self.rubric + self.policy

    def __post_init__(self) -> None:
        assert self.error is None or issubclass(self.error, (RedPropertyError, TypeError))
        assert (self.error is None) == (self.rows is not None) or self.kind in ("api", "rubric")
        assert self.kind in ("ratings", "claims", "companies", "api", "rubric")
