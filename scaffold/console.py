"""Shared rich consoles: results go to stdout, diagnostics to stderr."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@cache
def out() -> Console:
    from rich.console import Console

    return Console(highlight=False)


@cache
def err() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def error(message: str) -> None:
    """Print a one-line error to stderr."""
    from rich.markup import escape

    first_line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    err().print(f"[bold red]error:[/] {escape(first_line)}", soft_wrap=True)
