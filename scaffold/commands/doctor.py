"""``scaffold doctor``: audit repositories against the ways of working, score them, say how
to fix what fails. ``--min-score`` turns it into a CI gate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scaffold.options import JsonOutput


def doctor(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH", help="Repositories to audit (default: here).", show_default=False
        ),
    ] = None,
    json_output: JsonOutput = False,
    min_score: Annotated[
        int | None,
        typer.Option(
            "--min-score",
            min=0,
            max=100,
            help="Exit 1 if any repository scores below this (0-100).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Audit repositories (tests, CI, Docker, pre-commit, notebooks, secrets, deps, logging,
    docs, template version): a score out of 100 each, and how to fix what fails."""
    from scaffold.console import out
    from scaffold.doctor.audit import audit_all
    from scaffold.doctor.report import print_report, to_json

    report = audit_all(paths or [Path(".")], min_score)
    if json_output:
        typer.echo(to_json(report))
    else:
        print_report(report, out())
    raise typer.Exit(report.exit_code)
