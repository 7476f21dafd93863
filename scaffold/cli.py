"""The ``scaffold`` command line: registrations only. Each verb lives in ``scaffold.commands``."""

from __future__ import annotations

import sys

import typer

from scaffold import __version__
from scaffold.commands import check, config, drift, lint, new, test, update
from scaffold.commands import doctor as doctor_command
from scaffold.commands import extract as extract_command
from scaffold.commands import template as template_commands

app = typer.Typer(
    name="scaffold",
    help="Production-ready ML repositories on day one, kept that way.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scaffold {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Show the version and exit.",
    ),
) -> None:
    """Production-ready ML repositories on day one, kept that way."""


app.command("new")(new.new)
app.command("extract")(extract_command.extract)
app.command("check")(check.check)
app.command("lint")(lint.lint)
app.command("test")(test.test)
app.command("update")(update.update)
app.command("drift")(drift.drift)
app.command("doctor")(doctor_command.doctor)
app.add_typer(config.app)
app.add_typer(template_commands.app)


def main() -> None:
    from scaffold.errors import ScaffoldError

    try:
        app()
    except ScaffoldError as exc:
        from scaffold.console import error

        error(str(exc))
        if "--json" in sys.argv[1:]:
            # Machines reading stdout get a document too, not an empty stream.
            import json

            sys.stdout.write(json.dumps({"error": str(exc), "exit_code": exc.exit_code}) + "\n")
        raise SystemExit(exc.exit_code) from None
