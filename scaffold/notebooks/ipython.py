"""Turning an IPython cell into plain Python without changing its line numbers.

Magics (``%matplotlib inline``, ``%time x = f()``), shell escapes (``!pip install x``,
``files = !ls``), help lines (``obj?``, ``??obj``) and indented ``%%`` lines are not Python.
Rather than guess from the text (a ``%`` line may be the middle of a string or of an
expression), we let the parser say where the first non-Python line is, mask that one line
and parse again. A mask keeps the line count, so positions stay valid for the notebook.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

# Line magics whose argument is a Python statement that runs: keep the statement.
_STATEMENT_MAGICS = {"time", "timeit", "prun", "capture"}
# Cell magics whose body is Python (the first line is dropped, the body analysed).
PYTHON_CELL_MAGICS = {"time", "timeit", "prun", "capture", "debug"}
_ESCAPE = re.compile(r"^(?P<indent>\s*)(?P<escape>%%|%|!!|!|\?\?|\?)")
_HELP_SUFFIX = re.compile(r"^\s*[\w.\[\]()'\"]+\?\??\s*$")
_ASSIGNED_ESCAPE = re.compile(r"^(?P<indent>\s*)(?P<target>[\w, ]+?)\s*=\s*(?P<escape>%|!)")
_MAGIC_OPTION = re.compile(r"^(-\w+(\s+\d+)?\s+)*")
MASK_COMMENT = "# IPython line removed by scaffold:"


@dataclass
class MaskedCell:
    """A cell's code as Python: same lines, IPython lines replaced."""

    python: str
    masked_lines: dict[int, str] = field(default_factory=dict)  # 1-based line -> original
    cell_magic: str | None = None  # the magic of a ``%%name`` first line, if any
    # Masked lines that kept their magic's statement (``%time y = f(x)`` -> ``y = f(x)``):
    # line -> how many characters the statement starts further right in the original line.
    kept_statements: dict[int, int] = field(default_factory=dict)
    # The parse of ``python`` that told us it is Python, kept so nobody parses it again.
    tree: ast.Module | None = field(default=None, compare=False, repr=False)


class CellSyntaxError(Exception):
    """The cell is not Python even once its IPython lines are masked."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def cell_magic(source: str) -> str | None:
    """``bash`` for a cell starting with ``%%bash``, else None."""
    first = source.lstrip("\n").split("\n", 1)[0].strip()
    if first.startswith("%%"):
        name = first[2:].split(None, 1)
        return name[0] if name else ""
    return None


def mask_cell(source: str) -> MaskedCell:
    """Parseable Python for ``source``; raises CellSyntaxError for real syntax errors."""
    magic = cell_magic(source)
    lines = source.split("\n")
    cell = MaskedCell(python=source, cell_magic=magic)
    if magic is not None:
        if magic not in PYTHON_CELL_MAGICS:
            cell.python = ""
            return cell
        index = next(i for i, line in enumerate(lines) if line.strip())
        cell.masked_lines[index + 1] = lines[index]
        lines[index] = ""
    for _ in range(len(lines) + 1):
        text = "\n".join(lines)
        try:
            tree = ast.parse(text)
        except SyntaxError as exc:
            number = _offending_line(exc, lines)
            if number is None or not _mask_line(lines, number, cell):
                raise CellSyntaxError(exc.lineno or 1, exc.msg) from None
            continue
        cell.python, cell.tree = text, tree
        return cell
    raise CellSyntaxError(1, "could not make sense of the IPython lines")


def _offending_line(exc: SyntaxError, lines: list[str]) -> int | None:
    """The IPython line the error points at, or just before (an unexpected indent)."""
    reported = exc.lineno or 1
    for number in (reported, reported - 1):
        if 1 <= number <= len(lines) and _is_ipython_line(lines[number - 1]):
            return number
    return None


def _is_ipython_line(line: str) -> bool:
    return bool(_ESCAPE.match(line) or _HELP_SUFFIX.match(line) or _ASSIGNED_ESCAPE.match(line))


def _mask_line(lines: list[str], number: int, cell: MaskedCell) -> bool:
    """Replace line ``number`` (and its backslash continuations) with Python."""
    masked = cell.masked_lines
    if number in masked:
        return False
    masked[number] = lines[number - 1]
    lines[number - 1], shift = _replacement(lines[number - 1])
    if shift is not None:
        cell.kept_statements[number] = shift
    current = number
    while masked[current].rstrip().endswith("\\") and current < len(lines):
        masked[current + 1] = lines[current]
        lines[current] = ""
        current += 1
    return True


def _replacement(line: str) -> tuple[str, int | None]:
    """The Python that stands for an IPython line, at the same indentation, and for a magic
    that keeps its statement, how far right the statement starts in ``line``."""
    indent = line[: len(line) - len(line.lstrip())]
    summary = line.strip().rstrip("\\").strip()
    if assigned := _ASSIGNED_ESCAPE.match(line):
        return f"{indent}{assigned['target'].strip()} = None  {MASK_COMMENT} {summary}", None
    match = _ESCAPE.match(line)
    if match and match["escape"] == "%":
        name, _, argument = line.strip()[1:].partition(" ")
        statement = _MAGIC_OPTION.sub("", argument.strip(), count=1)
        if name in _STATEMENT_MAGICS and statement and _parses(statement):
            start = len(line.rstrip()) - len(statement)
            return f"{indent}{statement}", start - len(indent)
    return f"{indent}pass  {MASK_COMMENT} {summary}", None


def ipython_lines(cell: MaskedCell) -> dict[int, str]:
    """The cell's IPython lines by their first line number, backslash continuations joined."""
    found: dict[int, str] = {}
    head = 0
    for number in sorted(cell.masked_lines):
        text = cell.masked_lines[number]
        continues = head > 0 and number == head + found[head].count("\n") + 1
        if continues and found[head].rstrip().endswith("\\"):
            found[head] += "\n" + text
        else:
            head, found[number] = number, text
    return found


def line_kind(line: str) -> str:
    """What an IPython line is: ``shell line``, ``cell magic line``, ``magic line`` or
    ``help line`` (``obj?``, which runs nothing)."""
    match = _ESCAPE.match(line) or _ASSIGNED_ESCAPE.match(line)
    escape = match["escape"] if match else "?"
    if escape.startswith("!"):
        return "shell line"
    if escape == "%%":
        return "cell magic line"
    return "magic line" if escape == "%" else "help line"


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return True
