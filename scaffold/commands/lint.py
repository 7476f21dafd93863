"""``scaffold lint``: ruff, the project's formatter, and notebooks (outputs stripped, ruff)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scaffold.commands.check import FormatterOption, ProjectDir, run
from scaffold.options import Fix, JsonOutput


def lint(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATHS",
            help="Files or folders to lint (default: the whole project).",
            show_default=False,
        ),
    ] = None,
    fix: Fix = False,
    json_output: JsonOutput = False,
    path: ProjectDir = Path("."),
    formatter: FormatterOption = None,
) -> None:
    """Lint and format-check code and notebooks; --fix repairs what it can."""
    run("lint", path, fix=fix, as_json=json_output, paths=tuple(paths or ()), formatter=formatter)
