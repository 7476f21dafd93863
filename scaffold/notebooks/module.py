"""Writing the extracted code into the package module, merging with what is already there.

A definition the notebook still holds replaces the module's definition of the same name
(the notebook is the source while it defines it); everything else in the module is kept.
New imports go after the module's imports, new constants after them, new definitions at
the end. Unused imports are dropped, then the project's formatter runs.
"""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import dataclass

from scaffold.errors import ScaffoldError
from scaffold.notebooks.analysis import Analysis, Item, bound_names, references, walk
from scaffold.notebooks.edits import Edit, add_parameters, pass_keywords, segment, statement_span
from scaffold.notebooks.project import HEADER_PREFIX


@dataclass
class Snippet:
    text: str
    names: list[str]
    kind: str  # "import", "constant" or "code"


def snippets(analysis: Analysis, own_module: str) -> list[Snippet]:
    """The code to move, in module order: imports, constants, definitions."""
    found = _import_snippets(analysis, own_module)
    for item in analysis.constants:
        found.append(
            Snippet(segment(item.masked, item.node, [item.node], []), item.names, "constant")
        )
    for item in analysis.moved:
        edits = module_edits(item, analysis.arguments)
        found.append(
            Snippet(segment(item.masked, item.node, [item.node], edits), item.names, "code")
        )
    return found


def module_edits(item: Item, arguments: dict[str, dict[str, str]]) -> list[Edit]:
    """New parameters in the signature, and at calls of changed functions the keyword for
    each global they need, given this function's own parameter for it."""
    lines = item.masked.python.split("\n")
    edits: list[Edit] = []
    node = item.node
    own = arguments.get(item.names[0], {}) if item.kind == "def" else {}
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and own:
        edits.append(add_parameters(node, lines, list(own.values())))
    for sub in item.nodes:
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
            needed = arguments.get(sub.func.id, {})
            pairs = [(param, own.get(name, name)) for name, param in needed.items()]
            edit = pass_keywords(sub, lines, pairs) if pairs else None
            edits += [edit] if edit else []
    return edits


def _import_snippets(analysis: Analysis, own_module: str) -> list[Snippet]:
    found: list[Snippet] = []
    seen: set[str] = set()
    for item, name in analysis.imports:
        node = item.node
        assert isinstance(node, ast.Import | ast.ImportFrom)
        aliases = [a for a in node.names if (a.asname or a.name).split(".")[0] == name]
        if isinstance(node, ast.ImportFrom):
            if node.module == own_module and node.level == 0:
                continue  # the module's own names, imported back by a rewritten notebook
            reduced: ast.stmt = ast.ImportFrom(node.module, aliases, node.level)
        else:
            reduced = ast.Import(aliases)
        text = ast.unparse(reduced)
        if text not in seen:
            seen.add(text)
            found.append(Snippet(text, [name], "import"))
    return found


def merge(existing: str, header: str, found: list[Snippet]) -> str:
    """``existing`` module text with ``found`` merged in (see module docstring)."""
    lines = _with_header(existing, header).split("\n")
    tree = _parse_module("\n".join(lines))
    spans = _definition_spans(tree, lines)
    bound = {name for node in tree.body for name in bound_names(node)}
    replace: dict[tuple[int, int], str] = {}
    after_imports: list[str] = []
    futures: list[str] = []
    constants: list[str] = []
    at_end: list[str] = []
    for snippet in found:
        span = next((spans[n] for n in snippet.names if n in spans), None)
        if snippet.kind == "import":
            if not bound.intersection(snippet.names):
                is_future = snippet.text.startswith("from __future__ ")
                (futures if is_future else after_imports).append(snippet.text)
        elif span is not None:
            replace[span] = snippet.text
        elif snippet.names or snippet.text not in existing:
            (constants if snippet.kind == "constant" else at_end).append(snippet.text)
    anchor = _anchor(tree, lines)
    ops = [(first, last, text) for (first, last), text in replace.items()]
    block = "\n".join(after_imports) + ("\n\n" if after_imports and constants else "")
    block += "\n".join(constants)
    if block:
        ops.append((anchor + 1, anchor, "\n" + block))
    if futures:  # they must come first, right after the docstring
        start = _docstring_anchor(tree, lines)
        ops.append((start + 1, start, "\n".join(futures)))
    for first, last, text in sorted(ops, reverse=True):
        lines[first - 1 : last] = text.split("\n")
    text = "\n".join(lines).rstrip() + "\n"
    if at_end:
        text += "\n\n" + _join(at_end) + "\n"
    return text


def _join(blocks: list[str]) -> str:
    """Two blank lines around definitions, none between plain statements."""
    text = blocks[0]
    for previous, block in itertools.pairwise(blocks):
        plain = not _is_definition(previous) and not _is_definition(block)
        text += ("\n" if plain else "\n\n\n") + block
    return text


def _is_definition(block: str) -> bool:
    return bool(re.match(r"(#.*\n)*(@|def |async def |class )", block))


def _with_header(existing: str, header: str) -> str:
    lines = existing.split("\n")
    if header in lines:
        return existing
    headers = [i for i, line in enumerate(lines) if line.startswith(HEADER_PREFIX)]
    position = headers[-1] + 1 if headers else 0
    lines.insert(position, header)
    return "\n".join(lines)


def _parse_module(text: str) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError as exc:
        raise ScaffoldError(
            f"the existing module has a syntax error at line {exc.lineno}: {exc.msg}; fix it first"
        ) from None


def _definition_spans(tree: ast.Module, lines: list[str]) -> dict[str, tuple[int, int]]:
    spans: dict[str, tuple[int, int]] = {}
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom | ast.Expr):
            continue
        with_comments = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        span = statement_span(node, lines, with_comments)
        for name in bound_names(node):
            spans[name] = span
    return spans


def _docstring_anchor(tree: ast.Module, lines: list[str]) -> int:
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        return first.end_lineno or first.lineno
    return max((i + 1 for i, line in enumerate(lines) if line.startswith(HEADER_PREFIX)), default=0)


def _anchor(tree: ast.Module, lines: list[str]) -> int:
    """The line after which new imports and constants go."""
    anchor = max(
        (i + 1 for i, line in enumerate(lines) if line.startswith(HEADER_PREFIX)), default=0
    )
    for node in tree.body:
        is_docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if isinstance(node, ast.Import | ast.ImportFrom) or (is_docstring and node is tree.body[0]):
            anchor = max(anchor, node.end_lineno or node.lineno)
    return anchor


def prune_imports(text: str) -> tuple[str, ast.Module]:
    """Drop imports nothing in the module uses (names in strings count as uses): the text
    and its parse (parsed again only when an import went)."""
    tree = ast.parse(text)
    nodes = walk(tree)
    used = {n.id for n in nodes if isinstance(n, ast.Name)}
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            used.update(re.findall(r"[A-Za-z_]\w*", node.value))
    lines = text.split("\n")
    changed = False
    for node in reversed(tree.body):
        if not isinstance(node, ast.Import | ast.ImportFrom) or _is_future(node):
            continue
        kept = [
            a for a in node.names if a.name == "*" or (a.asname or a.name).split(".")[0] in used
        ]
        if len(kept) == len(node.names) or node.col_offset != 0:
            continue
        changed = True
        first, last = node.lineno, node.end_lineno or node.lineno
        if kept:
            node.names = kept
            lines[first - 1 : last] = [ast.unparse(node)]
        else:
            del lines[first - 1 : last]
    if not changed:
        return text, tree
    text = "\n".join(lines)
    return text, ast.parse(text)


def _is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def check_importable(text: str, module: str, tree: ast.Module | None = None) -> None:
    """Raise when importing the module would raise NameError (a name read before it is
    bound, or a function reading a name the module never binds). ``tree``: the parse of
    ``text`` when at hand."""
    tree = tree or ast.parse(text)
    if any(isinstance(n, ast.ImportFrom) and n.names[0].name == "*" for n in tree.body):
        return  # a star import binds names we cannot see
    everything = {name for node in tree.body for name in bound_names(node)}
    bound: set[str] = set()
    from scaffold.notebooks.analysis import _BUILTINS, own_source

    lines = text.split("\n")
    for node in tree.body:
        refs = references(node, own_source(node, tree.body, lines))
        early = refs.import_time - bound - _BUILTINS - set(bound_names(node))
        late = refs.call_time - everything - _BUILTINS
        for name in sorted(early | late):
            raise ScaffoldError(
                f"the extracted {module} would read `{name}` (line {node.lineno}) before "
                "defining it; move the cell defining it above, or pass --module to start fresh"
            )
        bound.update(bound_names(node))
