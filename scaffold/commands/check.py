"""``scaffold check``: lint, format, notebooks and tests in one run, one summary table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scaffold.options import Fix, JsonOutput

ProjectDir = Annotated[
    Path,
    typer.Option(
        "--path",
        "-C",
        help="Run in this folder (its project root is found by walking up to "
        "pyproject.toml or .git). Default: the current folder.",
        show_default=False,
    ),
]

FormatterOption = Annotated[
    str | None,
    typer.Option(
        "--formatter",
        help="ruff or black: the formatter to run, whatever the project's files suggest "
        '(or set formatter = "..." under [tool.scaffold] in pyproject.toml).',
        show_default=False,
    ),
]


def run(
    group: str,
    directory: Path,
    *,
    fix: bool = False,
    as_json: bool = False,
    paths: tuple[Path, ...] = (),
    pytest_args: tuple[str, ...] = (),
    formatter: str | None = None,
) -> None:
    """Run a group of check steps (see scaffold.checks.registry) and exit with its result."""
    from scaffold.checks.context import CheckContext
    from scaffold.checks.session import run_group

    context = CheckContext.create(
        directory, fix=fix, paths=paths, pytest_args=pytest_args, formatter=formatter
    )
    raise typer.Exit(run_group(group, context, as_json=as_json))


def check(
    fix: Fix = False,
    json_output: JsonOutput = False,
    path: ProjectDir = Path("."),
    formatter: FormatterOption = None,
) -> None:
    """Lint, format check, notebooks and tests; exit 1 if any step fails."""
    run("check", path, fix=fix, as_json=json_output, formatter=formatter)
