"""How a message names a reading option: as the Python keyword (``delimiter=';'``), or, while
the command line reads its input, as the command-line option (``--delimiter ';'``).

The command line sets the spelling for the duration of one read with :func:`command_line`; the
setting is a context variable, reset on leaving the block, so it never outlives that read.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_COMMAND_LINE: ContextVar[bool] = ContextVar("red_property_command_line", default=False)


@contextmanager
def command_line() -> Iterator[None]:
    """Within the block, messages name options as the command line spells them."""
    token = _COMMAND_LINE.set(True)
    try:
        yield
    finally:
        _COMMAND_LINE.reset(token)


def option(name: str, value: str) -> str:
    """``name='value'`` from Python, ``--name value`` (shell-quoted) from the command line."""
    if _COMMAND_LINE.get():
        shown = "tab" if value == "\t" else shlex.quote(value)
        return f"--{name.replace('_', '-')} {shown}"
    return f"{name}={value!r}"
