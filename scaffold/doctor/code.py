"""Library-code rules, read with ``ast``: logging configured in one place, no print().

Entry points (``cli.py``, ``__main__.py``) may print: that is their output. Library modules
log instead, and only the application configures logging, once.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from scaffold.doctor.model import Finding, failed, passed, skipped
from scaffold.doctor.repo import Repo

ENTRY_POINTS = frozenset({"cli.py", "__main__.py"})
CONFIGURE_FUNCTIONS = frozenset({"configure_logging", "setup_logging", "init_logging"})
CONFIGURE_CALLS = frozenset({"basicConfig", "dictConfig", "fileConfig"})


@dataclass(frozen=True)
class Site:
    path: Path
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.what} at {self.path}:{self.line}"


def parse(repo: Repo, path: Path) -> ast.Module | None:
    try:
        return ast.parse(repo.text(path), filename=str(path))
    except (SyntaxError, ValueError):
        return None


def called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


class _LoggingSites(ast.NodeVisitor):
    """Definitions of a configure_logging() and configuring calls outside one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sites: list[Site] = []
        self._inside = 0

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        configures = node.name in CONFIGURE_FUNCTIONS
        if configures:
            self.sites.append(Site(self.path, node.lineno, f"def {node.name}()"))
        self._inside += configures
        self.generic_visit(node)
        self._inside -= configures

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Call(self, node: ast.Call) -> None:
        name = called_name(node)
        if name in CONFIGURE_CALLS and not self._inside:
            self.sites.append(Site(self.path, node.lineno, f"{name}()"))
        self.generic_visit(node)


def logging_sites(repo: Repo) -> list[Site]:
    sites: list[Site] = []
    for path in repo.package_modules:
        if tree := parse(repo, path):
            visitor = _LoggingSites(path)
            visitor.visit(tree)
            sites += visitor.sites
    return sites


def logging_configured_once(repo: Repo) -> Finding:
    if not repo.packages:
        return skipped("no package to read")
    sites = logging_sites(repo)
    if not sites:
        return failed("logging is never configured in the package")
    if len(sites) > 1:
        return failed(
            f"logging is configured in {len(sites)} places: {'; '.join(map(str, sites[:4]))}"
        )
    return passed(f"configured once: {sites[0]}")


def print_calls(repo: Repo) -> list[Site]:
    found: list[Site] = []
    for path in repo.package_modules:
        if path.name in ENTRY_POINTS or (tree := parse(repo, path)) is None:
            continue
        found += [
            Site(path, node.lineno, "print()")
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
        ]  # fmt: skip
    return sorted(found, key=lambda site: (str(site.path), site.line))


def no_print_in_library(repo: Repo) -> Finding:
    if not repo.packages:
        return skipped("no package to read")
    calls = print_calls(repo)
    if calls:
        where = ", ".join(f"{site.path}:{site.line}" for site in calls[:5])
        more = f" (+{len(calls) - 5} more)" if len(calls) > 5 else ""
        return failed(f"{len(calls)} print() call(s) in library code: {where}{more}")
    modules = sum(1 for path in repo.package_modules if path.name not in ENTRY_POINTS)
    return passed(f"no print() in {modules} library modules")
