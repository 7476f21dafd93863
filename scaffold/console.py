"""Shared rich consoles: results go to stdout, diagnostics to stderr."""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

# Pipes and CI logs have no width: rich's default of 80 columns would break messages mid-path
# and cut table cells with '…'. Lines are left whole there, and tables get room.
PIPE_WIDTH = 200


def _console(stderr: bool) -> Console:
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.soft_wrap = True
        console.width = PIPE_WIDTH
    return console


@cache
def out() -> Console:
    return _console(stderr=False)


@cache
def err() -> Console:
    return _console(stderr=True)


def error(message: str) -> None:
    """Print a one-line error to stderr."""
    from rich.markup import escape

    first_line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    err().print(f"[bold red]error:[/] {escape(first_line)}", soft_wrap=True)
