"""``scaffold test``: pytest with the project's configuration and coverage threshold."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scaffold.commands.check import ProjectDir, run
from scaffold.options import JsonOutput


def test(
    pytest_args: Annotated[
        list[str] | None,
        typer.Argument(
            help="Arguments passed to pytest, after --: scaffold test -- -k churn -x",
            show_default=False,
            metavar="-- PYTEST_ARGS",
        ),
    ] = None,
    json_output: JsonOutput = False,
    path: ProjectDir = Path("."),
) -> None:
    """Run the project's tests with pytest; exit 1 if they fail."""
    run("test", path, as_json=json_output, pytest_args=tuple(pytest_args or ()))
