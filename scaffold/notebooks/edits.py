"""Text edits on cell sources, by AST position, that keep the author's own formatting."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from scaffold.notebooks.ipython import MaskedCell
from scaffold.notebooks.reading import is_export_marker


@dataclass(frozen=True)
class Edit:
    """Replace ``[start, end)`` (1-based line, character column) with ``text``."""

    start: tuple[int, int]
    end: tuple[int, int]
    text: str


def char_col(lines: list[str], lineno: int, byte_col: int) -> int:
    """AST columns count UTF-8 bytes; strings count characters."""
    return len(lines[lineno - 1].encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def apply(source: str, edits: list[Edit]) -> str:
    lines = source.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    text = source
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        start = offsets[edit.start[0] - 1] + edit.start[1]
        end = offsets[edit.end[0] - 1] + edit.end[1]
        text = text[:start] + edit.text + text[end:]
    return text


def statement_span(node: ast.stmt, lines: list[str], with_comments: bool) -> tuple[int, int]:
    """First and last line of a statement with its decorators and, for definitions, the
    comment lines right above it (not an ``# export`` marker)."""
    first = node.lineno
    decorators = getattr(node, "decorator_list", [])
    if decorators:
        first = min(first, *(d.lineno for d in decorators))
    if with_comments:
        while first > 1 and lines[first - 2].lstrip().startswith("#"):
            if is_export_marker(lines[first - 2]):
                break
            first -= 1
    return first, node.end_lineno or node.lineno


def owns_lines(node: ast.stmt, siblings: list[ast.stmt], lines: list[str]) -> bool:
    """True when the statement starts at column 0 and no other statement shares its lines."""
    if node.col_offset != 0:
        return False
    end = node.end_lineno or node.lineno
    for other in siblings:
        if other is node:
            continue
        if other.lineno <= end and (other.end_lineno or other.lineno) >= node.lineno:
            return False
    last = lines[end - 1]
    return char_col(lines, end, node.end_col_offset or 0) >= len(last.split("#")[0].rstrip())


def segment(masked: MaskedCell, node: ast.stmt, siblings: list[ast.stmt], edits: list[Edit]) -> str:
    """The statement's code as written (with ``edits`` applied), or unparsed when it shares
    its lines with other statements."""
    lines = masked.python.split("\n")
    if not owns_lines(node, siblings, lines):
        return ast.unparse(node)
    first, last = statement_span(node, lines, with_comments=isinstance(node, _DEFINITIONS))
    edited = apply(masked.python, edits).split("\n")
    return "\n".join(edited[first - 1 : last]).rstrip()


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def add_parameters(
    node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str], names: list[str]
) -> Edit:
    """An edit adding keyword-only parameters ``names`` (no default) to a signature."""
    args = node.args
    star = "" if args.vararg or args.kwonlyargs else "*, "
    new = ", ".join(names)
    if args.kwarg is not None:
        line = args.kwarg.lineno
        col = lines[line - 1].rindex("**", 0, char_col(lines, line, args.kwarg.col_offset))
        return Edit((line, col), (line, col), f"{star}{new}, ")
    nodes: list[ast.expr | ast.arg] = [*args.args, *args.defaults, *args.kwonlyargs]
    nodes += [d for d in args.kw_defaults if d is not None]
    nodes += [args.vararg] if args.vararg else []
    if not nodes:
        line = node.lineno
        col = lines[line - 1].index("(", char_col(lines, line, node.col_offset)) + 1
        return Edit((line, col), (line, col), f"{star}{new}")
    last = max(nodes, key=lambda n: (n.end_lineno or 0, n.end_col_offset or 0))
    line = last.end_lineno or last.lineno
    col = char_col(lines, line, last.end_col_offset or 0)
    return Edit((line, col), (line, col), f", {star}{new}")


def pass_keywords(call: ast.Call, lines: list[str], pairs: list[tuple[str, str]]) -> Edit | None:
    """An edit making ``f(x)`` into ``f(x, df=df)`` (``(keyword, value)`` pairs), also
    after a ``**kwargs``; None when it already passes them."""
    passed = {k.arg for k in call.keywords}
    missing = [(keyword, value) for keyword, value in pairs if keyword not in passed]
    if not missing:
        return None
    line = call.end_lineno or call.lineno
    col = char_col(lines, line, call.end_col_offset or 0) - 1
    text = ", ".join(f"{keyword}={value}" for keyword, value in missing)
    before = _text_before(lines, line, col, call)
    if call.args or call.keywords:
        text = (" " if before.rstrip().endswith(",") else ", ") + text
    return Edit((line, col), (line, col), text)


def _text_before(lines: list[str], line: int, col: int, call: ast.Call) -> str:
    """The call's text up to its closing parenthesis, without comments."""
    start_line = call.func.end_lineno or call.lineno
    if start_line == line:
        return lines[line - 1][:col]
    chunks = [*lines[start_line - 1 : line - 1], lines[line - 1][:col]]
    return "\n".join(chunk.split("#")[0] for chunk in chunks)
