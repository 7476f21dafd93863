"""Everything a step factory needs to build the steps for one run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scaffold.checks.project import Project
from scaffold.checks.tools import ToolLocator


@dataclass(frozen=True)
class CheckContext:
    project: Project
    locator: ToolLocator
    fix: bool = False
    paths: tuple[Path, ...] = (Path("."),)  # lint targets, relative to the root when inside it
    pytest_args: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def create(
        cls,
        start: Path,
        *,
        fix: bool = False,
        paths: tuple[Path, ...] = (),
        pytest_args: tuple[str, ...] = (),
    ) -> CheckContext:
        """Find the project from ``start``; ``paths`` are taken relative to ``start``."""
        from scaffold.errors import ScaffoldError

        project = Project.at(start)
        targets: list[Path] = []
        for path in paths:
            absolute = path if path.is_absolute() else start / path
            if not absolute.exists():
                raise ScaffoldError(f"no such file or folder: {path}")
            targets.append(project.relative(absolute))
        return cls(
            project=project,
            locator=ToolLocator.for_project(project.root),
            fix=fix,
            paths=tuple(targets) or (Path("."),),
            pytest_args=pytest_args,
        )
