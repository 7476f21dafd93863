"""``scaffold template``: tools for the people who own a team template."""

from __future__ import annotations

import typer

from scaffold.commands.template import init, test

app = typer.Typer(
    name="template",
    help="Start a team template from the bundled one, and test every preset of a template.",
    no_args_is_help=True,
)
app.command("init")(init.init)
app.command("test")(test.test)
