"""A test skeleton per public function moved: a real call when the notebook shows one with
literal arguments (asserting on the notebook's own output when it was saved), else a test
skipped with the reason, that fails once unskipped until someone writes it."""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from scaffold.notebooks.analysis import Analysis, Item, walk


@dataclass
class TestSkeleton:
    function: str
    name: str
    text: str
    needs_pytest: bool
    runs: bool  # False: skipped, with the reason in the text
    imports: list[str] = field(default_factory=list)  # e.g. "import itertools"

    __test__ = False  # not a pytest class


def skeletons(
    analysis: Analysis, notebook: str, existing_tests: set[str], root: Path | None = None
) -> list[TestSkeleton]:
    """``notebook`` is relative to the project ``root``: literal paths in an example call
    are relative to the notebook's folder, where Jupyter runs it."""
    found = []
    examples = example_calls(analysis.items)
    for item in analysis.moved:
        node = item.node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if node.name.startswith("_") or f"test_{node.name}" in existing_tests:
            continue
        found.append(_skeleton(analysis, node, notebook, root, examples.get(node.name)))
    return found


def _skeleton(
    analysis: Analysis,
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    notebook: str,
    root: Path | None,
    example: tuple[Item, ast.Call] | None,
) -> TestSkeleton:
    name = node.name
    reason = None
    paths = _literal_paths(example[1]) if example else []
    folder = Path(notebook).parent
    missing = [p for p in paths if root is None or not (root / folder / p).exists()]
    if isinstance(node, ast.AsyncFunctionDef):
        reason = f"{name} is async: call it with asyncio.run"
    elif name in analysis.parameters:
        needed = ", ".join(analysis.parameters[name])
        reason = f"{name} now takes {needed} (notebook variables): build inputs"
    elif example is None:
        reason = "no call with literal arguments in the notebook: write one"
    elif missing:
        reason = (
            f"the notebook's example reads {missing[0]!r} relative to {folder.as_posix()}/, "
            "which is not in the project: give it a small input"
        )
    if reason is not None or example is None:
        reason = reason or "no example call"
        body = (
            f'    raise NotImplementedError("call {name} with a small input, assert on the result")'
        )
        text = f"@pytest.mark.skip(reason={_short_lines(reason)})\ndef test_{name}() -> None:\n{body}\n"
        return TestSkeleton(name, f"test_{name}", text, True, False)
    call_item, call = example
    imports = ["from pathlib import Path"] if paths else []
    call_text = ast.unparse(_with_paths(call, folder)) if paths else ast.unparse(call)
    if _is_generator(node):
        # A generator may never end: take the first items only.
        call_text = f"list(itertools.islice({call_text}, {GENERATOR_ITEMS}))"
        imports.append("import itertools")
    where = f"cell {call_item.cell.number}"
    expected = _saved_output(call_item, call)
    if expected is None:
        body = f"    # The notebook's example call ({where}).\n"
        body += "    # It fails if the call raises; add an assertion on the result.\n"
        body += f"    {call_text}\n"
        return TestSkeleton(
            name, f"test_{name}", f"def test_{name}() -> None:\n{body}", False, True, imports
        )
    body = f"    # The notebook's example call and its saved output ({where}).\n"
    body += f"    assert {call_text} == {expected}\n"
    needs_pytest = "pytest.approx" in expected
    return TestSkeleton(
        name, f"test_{name}", f"def test_{name}() -> None:\n{body}", needs_pytest, True, imports
    )


GENERATOR_ITEMS = 10
_PATHLIKE = re.compile(r"^[\w.-]*[/\\][\w./\\-]*$|^[\w-]+\.[A-Za-z][\w]{0,5}$")


def _literal_paths(call: ast.Call) -> list[str]:
    """String arguments that look like relative file paths (``data/labels.txt``)."""
    values = [*call.args, *(k.value for k in call.keywords)]
    return [
        v.value
        for v in values
        if isinstance(v, ast.Constant)
        and isinstance(v.value, str)
        and _PATHLIKE.match(v.value)
        and not v.value.startswith(("/", "http"))
    ]


def _with_paths(call: ast.Call, folder: Path) -> ast.Call:
    """The call with each relative path argument resolved from the test file's place."""
    new = copy.deepcopy(call)
    base = f"Path(__file__).resolve().parents[1] / {folder.as_posix()!r}"
    new.args = [_resolved(arg, base) for arg in new.args]
    for keyword in new.keywords:
        keyword.value = _resolved(keyword.value, base)
    return new


def _resolved(node: ast.expr, base: str) -> ast.expr:
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _PATHLIKE.match(node.value)
    ):
        return ast.parse(f"str({base} / {node.value!r})", mode="eval").body
    return node


def _short_lines(text: str) -> str:
    """One string literal: split parts would be joined on one line by the formatter, which
    ruff then reports (ISC001)."""
    return repr(text)


def example_calls(items: list[Item]) -> dict[str, tuple[Item, ast.Call]]:
    """The first call with literal arguments of each name, over the notebook's top-level
    code (one walk for all functions)."""
    found: dict[str, tuple[Item, ast.Call]] = {}
    for item in items:
        if item.kind in ("def", "class"):
            continue
        for sub in item.nodes:
            called = isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name)
            if called and sub.func.id not in found and _literal_arguments(sub):  # type: ignore[attr-defined,arg-type]
                found[sub.func.id] = (item, sub)  # type: ignore[attr-defined,assignment]
    return found


def _literal_arguments(call: ast.Call) -> bool:
    values = [*call.args, *(k.value for k in call.keywords)]
    if any(k.arg is None for k in call.keywords):
        return False
    try:
        for value in values:
            ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _is_generator(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(sub, ast.Yield | ast.YieldFrom) for sub in walk(node))


def _saved_output(item: Item, call: ast.Call) -> str | None:
    """The saved ``execute_result`` of a cell ending with exactly this call, as Python."""
    statement = item.node
    last = ast.parse(item.masked.python).body[-1:]
    if not (isinstance(statement, ast.Expr) and statement.value is call and last):
        return None
    if last[0].lineno != statement.lineno:
        return None
    for output in item.cell.outputs:
        if output.get("output_type") != "execute_result":
            continue
        data = output.get("data")
        shown = data.get("text/plain") if isinstance(data, dict) else None
        if isinstance(shown, list) and all(isinstance(part, str) for part in shown):
            shown = "".join(shown)
        if not isinstance(shown, str):
            return None  # an odd saved output: no expected value, not an error
        try:
            value = ast.literal_eval(shown)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
        if isinstance(value, float):
            return f"pytest.approx({value!r})"
        return None if _has_float(value) else repr(value)
    return None


def _has_float(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_float(v) for v in value)
    if isinstance(value, dict):
        return any(_has_float(k) or _has_float(v) for k, v in value.items())
    return False


def merge_tests(
    existing: str | None,
    found: list[TestSkeleton],
    package: str,
    module: str,
    notebook: str,
    bodies: str | None = None,
) -> str:
    """The test file with ``found`` appended; existing tests are left as they are."""
    if not found:
        return existing or ""
    names = sorted({s.function for s in found if s.runs})
    imports = [f"from {package}.{module} import {', '.join(names)}"] if names else []
    if any(s.needs_pytest for s in found) and not _imports_pytest(existing):
        imports.insert(0, "import pytest")
    extra = sorted({line for s in found for line in s.imports})
    imports[:0] = [line for line in extra if line not in (existing or "").split("\n")]
    bodies = bodies or "\n\n".join(s.text for s in found)
    if existing is None:
        docstring = (
            f'"""Tests for {package}.{module}.\n\nStarted by scaffold extract from {notebook}.\n"""'
        )
        return f"{docstring}\n\n" + "\n".join(imports) + "\n\n\n" + bodies
    lines = existing.rstrip().split("\n")
    tree = ast.parse(existing)
    anchor = max(
        (n.end_lineno or n.lineno for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)),
        default=_docstring_end(tree),
    )
    lines[anchor:anchor] = imports
    return "\n".join(lines) + "\n\n\n" + bodies


def _docstring_end(tree: ast.Module) -> int:
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        return first.end_lineno or first.lineno
    return 0


def _imports_pytest(text: str | None) -> bool:
    if not text:
        return False
    return any(
        isinstance(n, ast.Import) and any(a.name == "pytest" and not a.asname for a in n.names)
        for n in ast.parse(text).body
    )


def test_names(text: str | None) -> set[str]:
    if not text:
        return set()
    return {n.name for n in walk(ast.parse(text)) if isinstance(n, ast.FunctionDef)}
