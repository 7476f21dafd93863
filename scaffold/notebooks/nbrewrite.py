"""``--rewrite-notebook``: the moved code leaves the notebook, an import takes its place.

Edits are made on the cells' own text (positions from the parse of the masked cell, whose
lines are the cell's lines), so everything else in the notebook stays byte for byte.
"""

from __future__ import annotations

import ast
import copy
import re

from scaffold.notebooks.analysis import Analysis, Item, callback_sites
from scaffold.notebooks.edits import Edit, apply, char_col, pass_keywords, statement_span
from scaffold.notebooks.reading import Notebook, is_export_marker


def rewrite(
    notebook: Notebook, analysis: Analysis, import_from: str
) -> dict[int, str | None] | None:
    """The new source of each cell the rewrite changes, by index (None: the cell goes), or
    None when nothing changes."""
    moved = sorted(
        analysis.constants + analysis.moved, key=lambda i: (i.cell.number, i.node.lineno)
    )
    moved_ids = {id(item) for item in moved}
    remaining = [item for item in analysis.items if id(item) not in moved_ids]
    used = _names_used(remaining, notebook, moved)
    existing = _own_import(remaining, import_from)
    names = set(analysis.moved_names()) & used
    if existing is not None:
        names |= set(existing.names)
    edits: dict[int, list[Edit]] = {}
    # A name read only on IPython lines looks unused to linters, which would delete it.
    magic_only = bool(names - _python_names(remaining))
    statement = _import_statement(import_from, names, magic_only)
    if existing is not None and names != set(existing.names):
        _replace(edits, existing, statement)
    anchor = _import_anchor(remaining, moved[0]) if moved and existing is None else None
    if anchor is not None and names:
        _insert_after(edits, anchor, statement)
    for position, item in enumerate(moved):
        first = position == 0 and existing is None and anchor is None and names
        _replace(edits, item, statement if first else None)
    moved_imports = {name for _, name in analysis.imports}
    for item in remaining:
        _prune_import(edits, item, moved_imports - used)
        _pass_new_parameters(edits, item, analysis.arguments)
        _wrap_callbacks(edits, item, analysis.arguments)
    return _apply(notebook, edits)


def _python_names(remaining: list[Item]) -> set[str]:
    """Names the plain Python left in the notebook reads: not on IPython lines, including
    the statements a magic keeps (``%time y = f(x)``), which linters cannot see into."""
    return {
        node.id
        for item in remaining
        for node in item.nodes
        if isinstance(node, ast.Name)
        and isinstance(node.ctx, ast.Load)
        and node.lineno not in item.masked.kept_statements
    }


def _names_used(remaining: list[Item], notebook: Notebook, moved: list[Item]) -> set[str]:
    """Names the code left in the notebook reads, including inside IPython lines."""
    used = _python_names(remaining)
    inside_moved = {
        (item.cell.number, line)
        for item in moved
        for line in range(item.node.lineno, (item.node.end_lineno or item.node.lineno) + 1)
    }
    for item in remaining:
        for line, text in item.masked.masked_lines.items():
            if (item.cell.number, line) not in inside_moved:
                used.update(re.findall(r"[A-Za-z_]\w*", text))
    for cell in notebook.cells:
        if not any(item.cell is cell for item in remaining + moved) and cell.source.strip():
            used.update(re.findall(r"[A-Za-z_]\w*", cell.source))  # %%bash and the like
    return used


def _own_import(items: list[Item], import_from: str) -> Item | None:
    for item in items:
        node = item.node
        if isinstance(node, ast.ImportFrom) and node.module == import_from and not node.level:
            return item if item.owns_lines else None
    return None


def _import_anchor(remaining: list[Item], first_moved: Item) -> Item | None:
    """The last import before the moved code that only imports precede in its cell: the
    new import goes right after it, where linters expect imports."""
    before = [
        item
        for item in remaining
        if (item.cell.number, item.node.lineno) < (first_moved.cell.number, first_moved.node.lineno)
    ]
    for item in reversed(before):
        if item.kind not in ("import", "future") or not item.owns_lines:
            continue
        cell_items = [i for i in before if i.cell is item.cell and i.node.lineno < item.node.lineno]
        if all(i.kind in ("import", "future", "masked") for i in cell_items):
            return item
    return None


def _insert_after(edits: dict[int, list[Edit]], item: Item, text: str) -> None:
    lines = item.cell.source.split("\n")
    last = item.node.end_lineno or item.node.lineno
    if last < len(lines):
        edit = Edit((last + 1, 0), (last + 1, 0), text + "\n")
    else:
        edit = Edit((last, len(lines[-1])), (last, len(lines[-1])), "\n" + text)
    edits.setdefault(item.cell.number, []).append(edit)


def _import_statement(import_from: str, names: set[str], magic_only: bool = False) -> str:
    ordered = sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[:1].isupper() else 2, n))
    noqa = "  # noqa: F401" if magic_only else ""
    return f"from {import_from} import {', '.join(ordered)}{noqa}"


def _replace(edits: dict[int, list[Edit]], item: Item, text: str | None) -> None:
    """Remove the item's lines (with an export marker right above), or put ``text`` there."""
    lines = item.cell.source.split("\n")
    is_definition = isinstance(item.node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    first, last = statement_span(item.node, item.masked.python.split("\n"), is_definition)
    while first > 1 and (is_export_marker(lines[first - 2]) or not lines[first - 2].strip()):
        if is_export_marker(lines[first - 2]):
            first -= 1
            break
        first -= 1
    first = _skip_blank(lines, first, last)
    end = (last + 1, 0) if last < len(lines) else (last, len(lines[last - 1]))
    replacement = "" if text is None else text + ("\n" if last < len(lines) else "")
    edits.setdefault(item.cell.number, []).append(Edit((first, 0), end, replacement))


def _skip_blank(lines: list[str], first: int, last: int) -> int:
    while first < last and not lines[first - 1].strip():
        first += 1
    return first


def _prune_import(edits: dict[int, list[Edit]], item: Item, unused: set[str]) -> None:
    node = item.node
    if item.kind != "import" or not item.owns_lines or not unused & set(item.names):
        return
    assert isinstance(node, ast.Import | ast.ImportFrom)
    kept = [a for a in node.names if (a.asname or a.name).split(".")[0] not in unused]
    if kept:
        reduced = copy.copy(node)
        reduced.names = kept
        _replace(edits, item, ast.unparse(reduced))
    else:
        _replace(edits, item, None)


def _pass_new_parameters(
    edits: dict[int, list[Edit]], item: Item, arguments: dict[str, dict[str, str]]
) -> None:
    """``name=name`` added to calls of changed functions, also on a ``%time`` line, whose
    statement stands further right in the cell than in the parse."""
    lines = item.masked.python.split("\n")
    kept = item.masked.kept_statements
    for node in item.nodes:
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id not in arguments:
            continue
        if node.lineno in item.masked.masked_lines and node.lineno not in kept:
            continue  # not in the parse; analysis keeps functions called there in the notebook
        pairs = [(param, name) for name, param in arguments[node.func.id].items()]
        edit = pass_keywords(node, lines, pairs)
        if edit is not None:
            edits.setdefault(item.cell.number, []).append(_shift(edit, kept.get(node.lineno, 0)))


def _wrap_callbacks(
    edits: dict[int, list[Edit]], item: Item, arguments: dict[str, dict[str, str]]
) -> None:
    """``map(f, xs)`` -> ``map(lambda *a, **k: f(*a, **k, df=df), xs)``: the function is
    passed the notebook's globals when it is called, as it read them before."""
    lines = item.masked.python.split("\n")
    kept = item.masked.kept_statements
    for node, _ in callback_sites(item.node):
        if node.id not in arguments:
            continue
        if node.lineno in item.masked.masked_lines and node.lineno not in kept:
            continue
        passed = ", ".join(f"{param}={name}" for name, param in arguments[node.id].items())
        text = f"(lambda *args, **kwargs: {node.id}(*args, **kwargs, {passed}))"
        start = (node.lineno, char_col(lines, node.lineno, node.col_offset))
        end = (node.lineno, char_col(lines, node.lineno, node.end_col_offset or 0))
        edit = Edit(start, end, text)
        edits.setdefault(item.cell.number, []).append(_shift(edit, kept.get(node.lineno, 0)))


def _shift(edit: Edit, columns: int) -> Edit:
    (line, start), (end_line, end) = edit.start, edit.end
    return Edit((line, start + columns), (end_line, end + columns), edit.text)


def _apply(notebook: Notebook, edits: dict[int, list[Edit]]) -> dict[int, str | None] | None:
    """Each edited cell's new source by its index (None: the cell is left empty and goes)."""
    sources = {cell.number: cell.source for cell in notebook.cells}
    changed: dict[int, str | None] = {}
    for number, cell_edits in edits.items():
        source = _tidy(apply(sources[number], cell_edits))
        if source != sources[number]:
            changed[number - 1] = source if source.strip() else None
    return changed or None


def _tidy(source: str) -> str:
    """No leading or trailing blank lines, and at most two blank lines in a row."""
    return re.sub(r"\n{4,}", "\n\n\n", source).strip("\n")
