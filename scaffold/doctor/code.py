"""Library-code rules, read with ``ast``: logging configured in one place, no print().

Entry points (``cli.py``, ``__main__.py``) may print: that is their output. Library modules
log instead, and only the application configures logging, once. Logging is judged by the
calls that configure it (``logging.basicConfig``, ``dictConfig``, ``fileConfig``, a handler
added to the root logger, loguru's ``logger.add``/``remove``/``configure``,
``structlog.configure``), not by function names: the calls in one function are one place.

Each module is read once per audit (``Repo.module_facts``) and only when its text holds a
name these rules look for, so a large package costs little.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from scaffold.doctor.model import Finding, failed, passed, skipped
from scaffold.doctor.repo import Repo

ENTRY_POINTS = frozenset({"cli.py", "__main__.py"})
STDLIB_CONFIGURE = frozenset({"basicConfig", "dictConfig", "fileConfig"})
LOGURU_CONFIGURE = frozenset({"add", "remove", "configure"})
# A module is parsed only when its text holds one of these.
LITERALS = ("print", "basicConfig", "dictConfig", "fileConfig", "addHandler", "loguru",
            "structlog")  # fmt: skip
PRINT_CALL = re.compile(r"(?<![\w.])print\s*\(")
NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.I)


@dataclass(frozen=True)
class Site:
    path: Path
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.what} at {self.path}:{self.line}"


@dataclass
class ModuleFacts:
    """What the code rules need from one module, found in one pass over its tree."""

    configuring: dict[str, list[Site]] = field(default_factory=dict)  # by enclosing function
    prints: list[Site] = field(default_factory=list)
    suppressed_prints: int = 0


def names_root(call: ast.Call) -> bool:
    """``getLogger()``, ``getLogger(None)``, ``getLogger("")`` or ``getLogger("root")``."""
    first = call.args[0] if call.args else None
    return first is None or (isinstance(first, ast.Constant) and first.value in (None, "", "root"))


def call_name(func: ast.expr) -> str:
    """``logging.config.dictConfig`` for that call's function, ``""`` when not a name."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Call):  # logging.getLogger().addHandler
        parts.append(f"{call_name(func.func)}({'' if names_root(func) else '...'})")
    elif isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


class _Reader(ast.NodeVisitor):
    def __init__(self, path: Path, lines: list[str]) -> None:
        self.path, self.lines = path, lines
        self.facts = ModuleFacts()
        self.scope = "module level"
        self.imported: dict[str, str] = {}  # local name -> "logging.basicConfig", "loguru.logger"
        self.root_loggers: set[str] = set()  # names bound to logging.getLogger()

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            top = alias.name.split(".")[0]  # `import logging.config` binds `logging`
            self.imported[alias.asname or top] = alias.name if alias.asname else top

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            self.imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer, self.scope = self.scope, f"{node.name}()"
        self.generic_visit(node)
        self.scope = outer

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Assign(self, node: ast.Assign) -> None:
        """``root = logging.getLogger()``: remember ``root`` as the root logger."""
        value = node.value
        if (
            isinstance(value, ast.Call)
            and self._qualified(value.func) == "logging.getLogger"
            and names_root(value)
        ):
            self.root_loggers |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        self.generic_visit(node)

    def _qualified(self, func: ast.expr) -> str:
        name = call_name(func)
        head, _, rest = name.partition(".")
        base = self.imported.get(head, head)
        return f"{base}.{rest}" if rest else base

    def visit_Call(self, node: ast.Call) -> None:
        name = self._qualified(node.func)
        if name == "print":
            self._print(node)
        elif what := self._configures(name):
            site = Site(self.path, node.lineno, f"{what} in {self.scope}")
            self.facts.configuring.setdefault(self.scope, []).append(site)
        self.generic_visit(node)

    def _configures(self, name: str) -> str:
        last = name.rsplit(".", 1)[-1]
        if name.startswith("logging.") and last in STDLIB_CONFIGURE:
            return f"{name}()"
        if last == "addHandler":
            receiver = name.rsplit(".", 1)[0]
            if receiver in ("logging.getLogger()", "logging.root") or receiver in self.root_loggers:
                return "a handler added to the root logger"
        if name.startswith("loguru.logger.") and last in LOGURU_CONFIGURE:
            return f"loguru logger.{last}()"
        if name == "structlog.configure":
            return "structlog.configure()"
        return ""

    def _print(self, node: ast.Call) -> None:
        line = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else ""
        if suppresses_print(line):
            self.facts.suppressed_prints += 1
        else:
            self.facts.prints.append(Site(self.path, node.lineno, "print()"))


def suppresses_print(line: str) -> bool:
    """A ``# noqa`` on the line that covers T201 (bare, or naming it among other codes)."""
    noqa = NOQA.search(line)
    codes = (noqa.group("codes") or "").upper() if noqa else ""
    return noqa is not None and (not codes or "T201" in re.split(r"[\s,]+", codes))


def needs_parsing(text: str) -> tuple[bool, int]:
    """Whether the module must be parsed, else how many prints ``# noqa`` suppresses there.

    Only a configuring name or a print line without its ``# noqa: T201`` needs the tree: a
    module whose every print is suppressed is counted line by line, without parsing."""
    if any(literal in text for literal in LITERALS[1:]):
        return True, 0
    if "print" not in text:
        return False, 0
    lines = [line for line in text.splitlines() if PRINT_CALL.search(line)]
    if all(suppresses_print(line) for line in lines):
        return False, len(lines)
    return True, 0


def read_module(path: Path, text: str) -> ModuleFacts:
    parse, suppressed = needs_parsing(text)
    if not parse:
        return ModuleFacts(suppressed_prints=suppressed)
    try:
        tree = ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ModuleFacts()
    reader = _Reader(path, text.splitlines())
    reader.visit(tree)
    return reader.facts


def module_facts(repo: Repo) -> dict[Path, ModuleFacts]:
    """Each package module's facts, computed once per audit and shared by both rules."""
    return repo.shared(
        "code.module_facts",
        lambda: {path: read_module(path, repo.text(path)) for path in repo.package_modules},
    )


def logging_sites(repo: Repo) -> list[list[Site]]:
    """The places logging is configured: the configuring calls of one function each."""
    return [sites for facts in module_facts(repo).values() for sites in facts.configuring.values()]


def has_entry_point(repo: Repo) -> bool:
    """An application: a cli.py or __main__.py in the package, or a declared console script."""
    if any(path.name in ENTRY_POINTS for path in repo.package_modules):
        return True
    project, tool = repo.project_table, repo.pyproject.data.get("tool", {})
    if project.get("scripts") or project.get("gui-scripts"):
        return True
    if (
        isinstance(tool, dict)
        and isinstance(tool.get("poetry"), dict)
        and tool["poetry"].get("scripts")
    ):
        return True
    return "console_scripts" in repo.text("setup.py") or "entry_points" in repo.text("setup.cfg")


def logging_configured_once(repo: Repo) -> Finding:
    if not repo.packages:
        return skipped("no package to read")
    places = logging_sites(repo)
    if not places and not has_entry_point(repo):
        return skipped(
            "a library (no cli.py, __main__.py or console script): the application that "
            "uses it configures logging"
        )
    if not places:
        return failed(
            "no call configures logging in the package (logging.basicConfig, dictConfig, a "
            "root handler, loguru logger.add/remove, structlog.configure)"
        )
    shown = ["; ".join(map(str, sites[:2])) for sites in places]
    if len(places) > 1:
        return failed(f"logging is configured in {len(places)} places: {' | '.join(shown[:4])}")
    return passed(f"configured once: {shown[0]}")


def no_print_in_library(repo: Repo) -> Finding:
    if not repo.packages:
        return skipped("no package to read")
    library = {p: f for p, f in module_facts(repo).items() if p.name not in ENTRY_POINTS}
    calls = sorted(
        (s for f in library.values() for s in f.prints), key=lambda s: (str(s.path), s.line)
    )
    suppressed = sum(f.suppressed_prints for f in library.values())
    note = f" ({suppressed} suppressed with # noqa: T201)" if suppressed else ""
    if calls:
        where = ", ".join(f"{site.path}:{site.line}" for site in calls[:5])
        more = f" (+{len(calls) - 5} more)" if len(calls) > 5 else ""
        return failed(f"{len(calls)} print() call(s) in library code: {where}{more}{note}")
    return passed(f"no print() in {len(library)} library modules{note}")
