"""Which top-level code of a notebook can move into the package, and how.

Every code cell is masked (see ``ipython``) and parsed. Top-level ``def``/``class``
statements and whole ``export`` cells are candidates. Each candidate's free names are
resolved against the notebook: an import moves with it, a literal constant assigned once
becomes a module constant, a notebook variable becomes a keyword-only parameter (functions
only, when every use of the function is a call), and anything else keeps the candidate in
the notebook with a reason. The result guarantees the module imports without a NameError.
"""

from __future__ import annotations

import ast
import builtins
import symtable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Literal

from scaffold.errors import ScaffoldError
from scaffold.notebooks.edits import owns_lines
from scaffold.notebooks.ipython import CellSyntaxError, MaskedCell, mask_cell
from scaffold.notebooks.reading import CodeCell, Notebook

Kind = Literal["import", "future", "def", "class", "constant", "other", "masked"]
_BUILTINS = set(dir(builtins)) | {"__name__", "__file__", "__doc__"}
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


@dataclass(eq=False)
class Item:
    """One top-level statement of a code cell."""

    cell: CodeCell
    masked: MaskedCell
    node: ast.stmt
    kind: Kind
    names: list[str]  # names the statement binds
    owns_lines: bool = True  # no other statement on its lines: it can be moved by lines

    @property
    def where(self) -> str:
        return f"cell {self.cell.number}, line {self.node.lineno}"

    @cached_property
    def nodes(self) -> list[ast.AST]:
        """Every node of the statement, in ``ast.walk`` order (walked once, read often)."""
        return walk(self.node)


def walk(node: ast.AST) -> list[ast.AST]:
    """The nodes ``ast.walk`` yields, in its order (breadth first), as a list: the same
    traversal without its generators, several times faster."""
    found = [node]
    for current in found:  # a list read while it grows: each node's children queue up
        for name in current._fields:
            value = getattr(current, name, None)
            if isinstance(value, ast.AST):
                found.append(value)
            elif isinstance(value, list):
                found += [item for item in value if isinstance(item, ast.AST)]
    return found


def children(node: ast.AST) -> list[ast.AST]:
    """``ast.iter_child_nodes(node)`` as a list."""
    found: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            found.append(value)
        elif isinstance(value, list):
            found += [item for item in value if isinstance(item, ast.AST)]
    return found


@dataclass
class GlobalUse:
    """A moved function or class reading a notebook global, and what was done about it."""

    owner: str
    name: str
    where: str
    action: Literal["parameter", "constant", "import"]
    parameter: str | None = None  # the parameter carrying it, when not named like it
    passed_on: bool = False  # not read by the owner itself: a function it calls needs it


@dataclass
class Analysis:
    items: list[Item]
    moved: list[Item]  # defs, classes, export statements, in notebook order
    constants: list[Item]
    imports: list[tuple[Item, str]]  # (import statement, bound name it provides)
    parameters: dict[str, list[str]]  # function -> keyword-only parameters added
    stays: dict[str, str]  # candidate name -> why it stays in the notebook
    global_uses: list[GlobalUse] = field(default_factory=list)
    # function -> {notebook global: the parameter that carries it} (``df`` -> ``df_`` when
    # the function binds ``df`` itself)
    arguments: dict[str, dict[str, str]] = field(default_factory=dict)

    def moved_names(self) -> list[str]:
        names = [name for item in self.constants for name in item.names]
        return names + [name for item in self.moved for name in item.names]


def parse_cells(notebook: Notebook) -> list[Item]:
    items: list[Item] = []
    for cell in notebook.cells:
        try:
            masked = mask_cell(cell.source)
            tree = masked.tree or ast.parse(masked.python)
            # What the parser accepts but Python refuses to run: ``await`` in a plain
            # ``def``, a duplicate parameter, ``return`` outside a function.
            _compile_definitions(tree, cell.number)
        except (CellSyntaxError, SyntaxError) as exc:
            line = getattr(exc, "line", None) or getattr(exc, "lineno", 1)
            if not isinstance(line, int):
                line = getattr(exc, "lineno", 1)
            message = getattr(exc, "msg", None) or str(exc)
            raise ScaffoldError(
                f"{notebook.path}: cell {cell.number} ({cell.first_line!r}) has a syntax "
                f"error at line {line}: {message}"
            ) from None
        except (RecursionError, MemoryError):
            raise ScaffoldError(
                f"{notebook.path}: cell {cell.number} ({cell.first_line!r}) is nested too "
                "deeply for Python to read"
            ) from None
        lines = masked.python.split("\n")
        for node in tree.body:
            kind, names = _classify(node, masked)
            owns = owns_lines(node, tree.body, lines)
            items.append(Item(cell, masked, node, kind, names, owns))
    return items


def _compile_definitions(tree: ast.Module, number: int) -> None:
    """Compile the cell's definitions (what may move): raises SyntaxError for what the
    parser accepts but Python refuses (``await`` in a plain ``def``, duplicate parameters)."""
    definitions: list[ast.stmt] = [n for n in tree.body if isinstance(n, _SCOPES)]
    if definitions:
        module = ast.Module(body=definitions, type_ignores=[])
        compile(module, f"<cell {number}>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


def _classify(node: ast.stmt, masked: MaskedCell) -> tuple[Kind, list[str]]:
    names = bound_names(node)
    if node.lineno in masked.masked_lines:
        return "masked", names
    if isinstance(node, ast.ImportFrom) and node.module == "__future__":
        return "future", names
    if isinstance(node, ast.Import | ast.ImportFrom):
        return "import", names
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return "def", names
    if isinstance(node, ast.ClassDef):
        return "class", names
    if _literal_assignment(node):
        return "constant", names
    return "other", names


def _literal_assignment(node: ast.stmt) -> bool:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        target, value = node.target, node.value
    else:
        return False
    if not isinstance(target, ast.Name):
        return False
    try:
        ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def bound_names(node: ast.stmt) -> list[str]:
    """Names a top-level statement binds in the notebook's namespace."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
    names: list[str] = []
    _stored_names(node, names)
    return names


_NEW_SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _stored_names(node: ast.AST, names: list[str]) -> None:
    """Names stored at module level under ``node``, in source order, not looking into
    nested scopes (imports and definitions bind their own names)."""
    for child in children(node):
        if isinstance(child, ast.Name):
            if isinstance(child.ctx, ast.Store | ast.Del) and child.id not in names:
                names.append(child.id)
        elif isinstance(child, ast.Import | ast.ImportFrom):
            names.extend(bound_names(child))
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(child.name)
        elif not isinstance(child, _NEW_SCOPES):
            _stored_names(child, names)


def own_source(node: ast.stmt, siblings: list[ast.stmt], lines: list[str]) -> str | None:
    """The statement's text (decorators included) when no other statement shares its lines."""
    if not owns_lines(node, siblings, lines):
        return None
    decorators = getattr(node, "decorator_list", [])
    first = min([node.lineno, *(d.lineno for d in decorators)])
    return "\n".join(lines[first - 1 : node.end_lineno or node.lineno])


@dataclass
class References:
    import_time: set[str]  # read when the module is imported (decorators, defaults, bases)
    call_time: set[str]  # read when called (function bodies)
    writes: set[str]  # declared ``global`` and assigned


def references(node: ast.stmt, source: str | None = None) -> References:
    """Free names of one top-level statement, split by when they are read. ``source``: the
    statement's own text when known (faster than unparsing it)."""
    top, in_classes, call_time, writes = _symbol_uses(source or ast.unparse(node))
    own = set(bound_names(node))
    return References(set(top - own) | in_classes, set(call_time), set(writes))


@lru_cache(maxsize=4096)
def _symbol_uses(
    source: str,
) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """The global names ``source`` reads at its top level, in class bodies (both when it
    runs), in functions (when they are called), and assigns through ``global``. Cached: the
    module extract writes holds the same definitions the analysis just read, and the same
    import lines come back in notebook after notebook."""
    table = symtable.symtable(source, "<cell>", "exec")
    top = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    refs = References(set(), set(), set())
    for child in table.get_children():
        _collect(child, refs, at_import=child.get_type() == "class")
    return (
        frozenset(top),
        frozenset(refs.import_time),
        frozenset(refs.call_time),
        frozenset(refs.writes),
    )


def _collect(table: symtable.SymbolTable, refs: References, at_import: bool) -> None:
    for symbol in table.get_symbols():
        if not symbol.is_global():
            continue
        if symbol.is_declared_global() and symbol.is_assigned():
            refs.writes.add(symbol.get_name())
        if symbol.is_referenced() or symbol.is_declared_global():
            (refs.import_time if at_import else refs.call_time).add(symbol.get_name())
    for child in table.get_children():
        _collect(child, refs, at_import=at_import and child.get_type() == "class")


def first_use(node: ast.AST, name: str) -> int:
    for sub in walk(node):
        if isinstance(sub, ast.Name) and sub.id == name:
            return sub.lineno
    return getattr(node, "lineno", 1)


def value_uses(items: list[Item]) -> set[str]:
    """Names used other than as the function of a direct call (``df.apply(f)``, ``@f``)."""
    called: set[int] = set()
    used: set[str] = set()
    for item in items:
        for sub in item.nodes:  # breadth first: a call comes before its function
            if isinstance(sub, ast.Call):
                called.add(id(sub.func))
            elif (
                isinstance(sub, ast.Name)
                and isinstance(sub.ctx, ast.Load)
                and id(sub) not in called
            ):
                used.add(sub.id)
    return used


def mutated_names(items: list[Item]) -> set[str]:
    """Names whose object is changed in place (``x[k] = v``, ``x.append(v)``) or rebound
    through ``global`` somewhere: their literal value is not a constant."""
    names: set[str] = set()
    for item in items:
        for sub in item.nodes:
            if isinstance(sub, ast.Global):
                names.update(sub.names)
            target = None
            if isinstance(sub, ast.Subscript | ast.Attribute) and isinstance(
                sub.ctx, ast.Store | ast.Del
            ):
                target = sub.value
            elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
                target = sub.func.value if _mutable_method(sub.func.attr) else None
            if isinstance(target, ast.Name):
                names.add(target.id)
    return names


def _mutable_method(name: str) -> bool:
    return name in {
        "append", "extend", "insert", "pop", "remove", "clear", "update", "add",
        "discard", "setdefault", "popitem", "sort", "reverse", "__setitem__",
    }  # fmt: skip


def bound_anywhere(node: ast.AST) -> set[str]:
    """Every name bound inside ``node``, in any of its scopes: parameters, assignments, loop
    and comprehension targets, imports, ``except ... as``, nested definitions."""
    names: set[str] = set()
    for sub in walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store | ast.Del):
            names.add(sub.id)
        elif isinstance(sub, ast.arg):
            names.add(sub.arg)
        elif isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if sub is not node:
                names.add(sub.name)
        elif isinstance(sub, ast.Import | ast.ImportFrom):
            names.update(bound_names(sub))
        elif isinstance(sub, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and sub.name:
            names.add(sub.name)
        elif isinstance(sub, ast.Global | ast.Nonlocal):
            names.update(sub.names)
    return names


def scoped_calls(
    node: ast.AST, outer: frozenset[str] = frozenset()
) -> list[tuple[ast.Call, frozenset[str]]]:
    """Every call under ``node`` with the names bound by the function, lambda and
    comprehension scopes around it (a name there is not the notebook's global)."""
    return [(n, bound) for n, bound in scoped_nodes(node, outer) if isinstance(n, ast.Call)]


def scoped_nodes(
    node: ast.AST, outer: frozenset[str] = frozenset()
) -> list[tuple[ast.AST, frozenset[str]]]:
    """Every node under ``node`` with the names bound by the scopes around it (``node``'s
    own, when it is a function: a def that stays in the notebook has locals too)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        outer = outer | bound_anywhere(node)
    found: list[tuple[ast.AST, frozenset[str]]] = []
    for child in children(node):
        bound = outer
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            bound = outer | bound_anywhere(child)
        elif isinstance(child, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            bound = outer | {
                name for gen in child.generators for name in bound_anywhere(gen.target)
            }
        found.append((child, outer))
        found += scoped_nodes(child, bound)
    return found


def callback_sites(node: ast.AST) -> list[tuple[ast.Name, frozenset[str]]]:
    """Names passed as an argument (``map(f, xs)``, ``df.apply(f)``, ``key=f``), with the
    local names around them."""
    arguments: set[int] = set()
    for sub in walk(node):
        if isinstance(sub, ast.Call):
            arguments.update(id(a) for a in sub.args if isinstance(a, ast.Name))
            arguments.update(id(k.value) for k in sub.keywords if isinstance(k.value, ast.Name))
    return [
        (n, bound)
        for n, bound in scoped_nodes(node)
        if isinstance(n, ast.Name) and id(n) in arguments and isinstance(n.ctx, ast.Load)
    ]
