"""Deciding what moves: candidates, their globals, parameters, and what stays (and why)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from scaffold.errors import ScaffoldError
from scaffold.notebooks.analysis import (
    _BUILTINS,
    Analysis,
    GlobalUse,
    Item,
    References,
    bound_anywhere,
    callback_sites,
    first_use,
    mutated_names,
    parse_cells,
    references,
    scoped_calls,
    value_uses,
)
from scaffold.notebooks.ipython import ipython_lines, line_kind
from scaffold.notebooks.reading import Notebook

_DEFS = ("def", "class")


@dataclass(frozen=True)
class _IPythonLine:
    cell: int
    line: int
    text: str

    def describe(self) -> str:
        shown = self.text.strip().split("\n")[0]
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return f"{line_kind(self.text)} (cell {self.cell}, line {self.line}: `{shown}`)"


@dataclass
class _Context:
    items: list[Item]
    bindings: dict[str, list[Item]]
    candidates: list[Item]
    refs: dict[int, References]
    literals: set[str]
    imported: set[str]
    value_used: set[str]
    stays: dict[int, str]
    params: dict[int, set[str]]
    rebound: dict[str, str]  # definitions that are not candidates, and why
    hidden: list[_IPythonLine]  # IPython lines a rewrite cannot pass new parameters into
    calls: dict[int, list[tuple[ast.Call, frozenset[str]]]] = field(default_factory=dict)

    def scoped_calls(self, item: Item) -> list[tuple[ast.Call, frozenset[str]]]:
        """The item's calls with the local names around each (computed once)."""
        if id(item) not in self.calls:
            self.calls[id(item)] = scoped_calls(item.node)
        return self.calls[id(item)]

    def moving(self, item: Item) -> bool:
        return id(item) in self.refs and id(item) not in self.stays


def analyse(notebook: Notebook) -> Analysis:
    items = parse_cells(notebook)
    context = _context(items)
    while _resolve_round(context):
        pass
    for item in context.candidates:
        if item.kind not in _DEFS and id(item) in context.stays:
            raise ScaffoldError(
                f"{notebook.path}: {item.where} is marked export but "
                f"{context.stays[id(item)]}; mark the cells it needs export too, or unmark it"
            )
    return _analysis(context)


def _context(items: list[Item]) -> _Context:
    bindings: dict[str, list[Item]] = {}
    for item in items:
        for name in item.names:
            bindings.setdefault(name, []).append(item)
    candidates = [
        item
        for item in items
        if item.owns_lines
        and (
            (item.kind in _DEFS and len(bindings[item.names[0]]) == 1)
            or (item.cell.exported and item.kind in ("other", "constant"))
        )
    ]
    rebound = {
        item.names[0]: _rebound_reason(bindings[item.names[0]])
        for item in items
        if item.kind in _DEFS and len(bindings[item.names[0]]) > 1
    }
    mutated = mutated_names(items)
    literals = {
        name
        for name, binders in bindings.items()
        if len(binders) == 1
        and binders[0].kind == "constant"
        and binders[0].owns_lines
        and name not in mutated
    }
    imported = {n for n, b in bindings.items() if all(i.kind in ("import", "future") for i in b)}
    return _Context(
        items=items,
        bindings=bindings,
        candidates=candidates,
        refs={id(item): references(item.node, _source(item)) for item in candidates},
        literals=literals,
        imported=imported,
        value_used=value_uses(items),
        stays={},
        params={id(item): set() for item in candidates},
        rebound=rebound,
        hidden=_hidden_lines(items),
    )


def _source(item: Item) -> str | None:
    """A candidate's own lines (it owns them: column 0, nothing else on them)."""
    lines = item.masked.python.split("\n")
    decorators = getattr(item.node, "decorator_list", [])
    first = min([item.node.lineno, *(d.lineno for d in decorators)])
    return "\n".join(lines[first - 1 : item.node.end_lineno or item.node.lineno])


def _hidden_lines(items: list[Item]) -> list[_IPythonLine]:
    """IPython lines whose code is not in the parse (a ``%time`` statement is): a call of a
    function there cannot be given the function's new parameters."""
    cells = {id(item.masked): item for item in items}
    return [
        _IPythonLine(item.cell.number, line, text)
        for item in cells.values()
        for line, text in ipython_lines(item.masked).items()
        if line not in item.masked.kept_statements and line_kind(text) != "help line"
    ]


def _rebound_reason(binders: list[Item]) -> str:
    numbers = sorted({item.cell.number for item in binders})
    cells = f"cell{'' if len(numbers) == 1 else 's'} {', '.join(map(str, numbers))}"
    return f"is bound {len(binders)} times ({cells}): keep one definition to extract it"


def _resolve_round(context: _Context) -> bool:
    """One pass over the moving candidates; True when anything changed."""
    changed = False
    for item in context.candidates:
        if not context.moving(item):
            continue
        before = set(context.params[id(item)])
        reason = _check(context, item)
        if reason is None:
            reason = _check_parameters(context, item)
        if reason is not None:
            context.stays[id(item)] = reason
            changed = True
        elif context.params[id(item)] != before:
            changed = True
    return changed


def _check(context: _Context, item: Item) -> str | None:
    if reason := _ipython_reason(item):
        return reason
    refs = context.refs[id(item)]
    for name in sorted(refs.writes):
        return f"assigns the notebook global `{name}` (global statement)"
    for at_import, names in ((True, refs.import_time), (False, refs.call_time)):
        for name in sorted(names):
            reason = _resolve_name(context, item, name, at_import)
            if reason is not None:
                return reason
    return None


def _resolve_name(context: _Context, item: Item, name: str, at_import: bool) -> str | None:
    """None when ``name`` is available to the moved ``item`` (possibly as a new parameter)."""
    binders = context.bindings.get(name, [])
    if not binders:
        return None if name in _BUILTINS else f"reads `{name}`, which the notebook never defines"
    if name in context.imported or name in context.literals:
        return None
    if all(b.kind in _DEFS or id(b) in context.refs for b in binders):
        if len(binders) > 1 or not context.moving(binders[0]):
            return f"uses `{name}`, which stays in the notebook"
        if at_import and context.items.index(binders[0]) > context.items.index(item):
            return (
                f"needs `{name}` when it is defined, and `{name}` is defined later "
                f"({binders[0].where}): move that cell above to extract both"
            )
        callee_params = context.params[id(binders[0])]
        if callee_params and not at_import and item.kind == "def":
            context.params[id(item)] |= callee_params
            return None
        return None if not callee_params else f"uses `{name}`, which needs new parameters"
    if any(b.kind in ("import", "future") for b in binders):
        return f"reads `{name}`, which is imported conditionally or also assigned"
    if at_import or item.kind != "def":
        return f"reads the notebook variable `{name}` ({binders[0].where})"
    context.params[id(item)].add(name)
    return None


def _ipython_reason(item: Item) -> str | None:
    """A definition holding IPython lines would run differently in a module: it stays."""
    if item.kind not in _DEFS:
        return None  # an export cell's IPython lines are masked: the cell is taken as Python
    end = item.node.end_lineno or item.node.lineno
    for line, text in ipython_lines(item.masked).items():
        if item.node.lineno <= line <= end:
            return f"uses an IPython {_IPythonLine(item.cell.number, line, text).describe()}"
    return None


def _check_parameters(context: _Context, item: Item) -> str | None:
    if not context.params[id(item)]:
        return None
    name = item.names[0]
    node = item.node
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    if name in context.value_used and (reason := _callback_reason(context, item)):
        return reason
    if node.args.posonlyargs:
        return "reads notebook variables and has positional-only parameters"
    return (
        _shadow_reason(context, item)
        or _shadowed_call(context, item)
        or _hidden_use(context, name, sorted(context.params[id(item)]))
    )


def _callback_reason(context: _Context, item: Item) -> str | None:
    """None when every use of the function as a value is an argument in notebook code that
    stays, where ``--rewrite-notebook`` can pass the globals through a lambda."""
    name, needed = item.names[0], context.params[id(item)]
    sites = 0
    for other in context.items:
        for node, local in callback_sites(other.node):
            if node.id != name:
                continue
            sites += 1
            if context.moving(other) or needed & local:
                return "reads notebook variables and is used other than by a direct call"
    uses = sum(
        1
        for other in context.items
        for sub in other.nodes
        if isinstance(sub, ast.Name) and sub.id == name and isinstance(sub.ctx, ast.Load)
    )
    calls = sum(
        1
        for other in context.items
        for sub in other.nodes
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == name
    )
    if sites + calls != uses:
        return "reads notebook variables and is used other than by a direct call"
    return None


def _shadow_reason(context: _Context, item: Item) -> str | None:
    """A function reading the notebook's ``df`` while a scope inside it binds ``df``: one
    parameter cannot stand for both."""
    clash = context.params[id(item)] & context.refs[id(item)].call_time & bound_anywhere(item.node)
    for name in sorted(clash):
        return (
            f"reads the notebook variable `{name}` and also binds `{name}` in an inner "
            "scope: rename one to extract it"
        )
    return None


def _shadowed_call(context: _Context, item: Item) -> str | None:
    """A call of the function, in code that stays, where a needed global is hidden by a
    local of the same name: ``name=name`` there would pass the local."""
    name, needed = item.names[0], context.params[id(item)]
    for other in context.items:
        if context.moving(other):
            continue
        for call, local in context.scoped_calls(other):
            hidden = sorted(needed & local)
            if isinstance(call.func, ast.Name) and call.func.id == name and hidden:
                where = f"cell {other.cell.number}, line {call.lineno}"
                return (
                    f"is called where `{hidden[0]}` is a local name ({where}), so scaffold "
                    "cannot pass it the notebook's"
                )
    return None


def argument_names(item: Item, needed: set[str]) -> dict[str, str]:
    """The parameter carrying each needed global: its own name, or a fresh one (``df_``)
    when the function binds that name itself (a parameter or a local)."""
    bound = bound_anywhere(item.node)
    taken = bound | needed | {n.id for n in item.nodes if isinstance(n, ast.Name)}
    found: dict[str, str] = {}
    for name in sorted(needed):
        fresh = name
        while fresh in bound or (fresh != name and fresh in taken) or fresh in found.values():
            fresh += "_"
        found[name] = fresh
    return found


def _hidden_use(context: _Context, name: str, parameters: list[str]) -> str | None:
    """Why the function stays: an IPython line uses it where no parameter can be passed."""
    for hidden in context.hidden:
        if re.search(rf"\b{re.escape(name)}\b", hidden.text):
            called = re.search(rf"\b{re.escape(name)}\s*\(", hidden.text)
            needed = ", ".join(f"`{p}`" for p in parameters)
            verb = "called from" if called else "used on"
            return f"{verb} a {hidden.describe()}, where scaffold cannot pass it {needed}"
    return None


def _analysis(context: _Context) -> Analysis:
    moved = [item for item in context.candidates if context.moving(item)]
    used: set[str] = set()
    for item in moved:
        refs = context.refs[id(item)]
        used |= refs.import_time | refs.call_time
    constants = [
        context.bindings[name][0]
        for name in sorted(used & context.literals)
        if id(context.bindings[name][0]) not in context.refs
    ]
    constants.sort(key=context.items.index)
    imports = [
        (binder, name)
        for name in sorted(used & context.imported)
        for binder in _binders(context, name)
    ]
    imports += [
        (item, name)
        for item in context.items
        if item.kind == "future" and moved
        for name in item.names
    ]
    arguments = {
        item.names[0]: argument_names(item, context.params[id(item)])
        for item in moved
        if context.params[id(item)]
    }
    analysis = Analysis(
        items=context.items,
        moved=moved,
        constants=constants,
        imports=imports,
        parameters={name: list(found.values()) for name, found in arguments.items()},
        arguments=arguments,
        stays=context.rebound
        | {
            _label(item): reason
            for item in context.candidates
            if (reason := context.stays.get(id(item)))
        },
    )
    analysis.global_uses = _global_uses(context, moved, arguments)
    return analysis


def _binders(context: _Context, name: str) -> list[Item]:
    """The imports a moved name needs: every ``import a.x`` binding ``a`` (each makes its
    submodule an attribute of ``a``), else the last one, which is what the notebook sees."""
    binders = context.bindings[name]
    dotted = [
        item
        for item in binders
        if isinstance(item.node, ast.Import)
        and any(a.asname is None and a.name.split(".")[0] == name for a in item.node.names)
    ]
    return dotted if len(dotted) == len(binders) else binders[-1:]


def _label(item: Item) -> str:
    return item.names[0] if item.kind in _DEFS else item.where


def _global_uses(
    context: _Context, moved: list[Item], arguments: dict[str, dict[str, str]]
) -> list[GlobalUse]:
    uses = []
    for item in moved:
        refs = context.refs[id(item)]
        owner = _label(item)
        carried = arguments.get(owner, {})
        for name in sorted(refs.import_time | refs.call_time | set(carried)):
            action = None
            if name in carried:
                action = "parameter"
            elif name in context.literals:
                action = "constant"
            if action is not None:
                where = f"cell {item.cell.number}, line {first_use(item.node, name)}"
                param = carried.get(name)
                fresh = param if param != name else None
                direct = name in refs.import_time | refs.call_time
                uses.append(GlobalUse(owner, name, where, action, fresh, not direct))  # type: ignore[arg-type]
    return uses
