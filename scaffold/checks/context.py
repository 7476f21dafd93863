"""Everything a step factory needs to build the steps for one run."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.checks.formatter import FORMATTERS, FormatterDecision, detect_formatter
from scaffold.checks.project import Project
from scaffold.checks.ruff import Ruff, RuffUnavailable, required_spec, resolve_ruff
from scaffold.checks.tools import ToolLocator

if TYPE_CHECKING:
    from scaffold.checks.fixing import Mirror


@dataclass(frozen=True)
class CheckContext:
    project: Project
    locator: ToolLocator
    fix: bool = False
    paths: tuple[Path, ...] = (Path("."),)  # lint targets, relative to the root when inside it
    pytest_args: tuple[str, ...] = field(default_factory=tuple)
    formatter: str | None = None  # the user's --formatter, which beats any evidence
    mirror: Mirror | None = None  # with --fix: the scratch copy the fixers rewrite (fixing)

    @property
    def workspace(self) -> Path:
        """Where the lint tools run and write: the project, or its mirror with --fix."""
        return self.mirror.root if self.mirror is not None else self.project.root

    @property
    def writes_in_place(self) -> bool:
        """The fixers rewrite the user's files themselves: on Ctrl-C they may finish."""
        return self.fix and self.mirror is None

    @classmethod
    def create(
        cls,
        start: Path,
        *,
        fix: bool = False,
        paths: tuple[Path, ...] = (),
        pytest_args: tuple[str, ...] = (),
        formatter: str | None = None,
    ) -> CheckContext:
        """Find the project from ``start``; ``paths`` are taken relative to ``start``.

        Named paths that hold no Python file or notebook are an error: a CI gate written
        with a wrong path must fail, not pass having checked nothing.
        """
        from scaffold.errors import ScaffoldError

        if formatter is not None and formatter not in FORMATTERS:
            raise ScaffoldError(f"--formatter must be ruff or black, not {formatter!r}")
        start = start.expanduser().resolve()  # a relative -C must not be joined twice
        project = Project.at(start)
        targets: list[Path] = []
        for path in paths:
            absolute = path.expanduser() if path.is_absolute() else start / path
            if not absolute.exists():
                raise ScaffoldError(f"no such file or folder: {path}")
            targets.append(project.relative(absolute))
        if targets and not any(project.files(p, targets) for p in ("*.py", "*.ipynb")):
            named = ", ".join(str(path) for path in paths)
            raise ScaffoldError(f"no Python files or notebooks to check in {named}")
        return cls(
            project=project,
            locator=ToolLocator.for_project(project.root),
            fix=fix,
            paths=tuple(targets) or (Path("."),),
            pytest_args=pytest_args,
            formatter=formatter,
        )

    def tool_hint(self, package: str) -> str:
        """How to get a missing tool: build the environment when the project declares it."""
        from scaffold.checks.declared import declared_names, install_command, is_declared
        from scaffold.checks.tools import install_hint

        root, pyproject = self.project.root, self.project.pyproject
        where = is_declared(package, declared_names(root, pyproject))
        if where is None:
            return install_hint(package)
        build = install_command(root, pyproject)
        return f"{package} is declared ({where}) but not installed: build the environment ({build})"

    @cached_property
    def ruff(self) -> Ruff | RuffUnavailable:
        """The ruff matching the project's pin (found once per run), or why there is none."""
        pin = required_spec(self.project.root, self.project.pyproject)
        spec, source = pin if pin else (None, "")
        try:
            return resolve_ruff(self.project.root, self.locator, spec, source, self.tool_hint)
        except RuffUnavailable as exc:
            return exc

    @cached_property
    def formatter_decision(self) -> FormatterDecision:
        return detect_formatter(self.project.root, self.project.pyproject, self.formatter)
