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


def print_json(data: object) -> None:
    """``data`` as indented JSON on stdout, the text rich's ``print_json`` shows. Without
    colours (a pipe, a file: what ``--json`` is for) the same text is written directly:
    highlighting a large document costs rich more than producing it."""
    import json

    console = out()
    if console.color_system is not None or console.is_jupyter or console.record:
        console.print_json(json.dumps(data))
        return
    if console.quiet:
        return
    console.file.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    console.file.flush()


def error(message: str) -> None:
    """Print a one-line error to stderr."""
    from rich.markup import escape

    first_line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    err().print(f"[bold red]error:[/] {escape(first_line)}", soft_wrap=True)
