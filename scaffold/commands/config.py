"""``scaffold config``: the user's settings (the team template) in the user config file."""

from __future__ import annotations

from typing import Annotated

import typer

from scaffold.options import JsonOutput

app = typer.Typer(
    name="config",
    help="Show or change your scaffold settings (e.g. the team template).",
    no_args_is_help=True,
)

Key = Annotated[
    str, typer.Argument(metavar="KEY", help="Setting name, e.g. template.", show_default=False)
]


@app.command("set")
def set_(
    key: Key,
    value: Annotated[str, typer.Argument(metavar="VALUE", help="New value.", show_default=False)],
) -> None:
    """Set a setting. `template` takes a path (stored absolute) or a git URL."""
    from rich.markup import escape

    from scaffold.console import out
    from scaffold.settings import config_path, set_value

    stored = set_value(key, value)
    out().print(f"{key} = {escape(stored)}  [dim]({escape(str(config_path()))})[/]")


@app.command("get")
def get(key: Key) -> None:
    """Print a setting's value; exit 1 when it is not set."""
    from scaffold.settings import get_value

    value = get_value(key)
    if value is None:
        raise typer.Exit(1)
    typer.echo(value)


@app.command("unset")
def unset(key: Key) -> None:
    """Remove a setting."""
    from scaffold.console import out
    from scaffold.settings import unset_value

    removed = unset_value(key)
    out().print(f"{key} unset" if removed else f"{key} was not set")


@app.command("list")
def list_(json: JsonOutput = False) -> None:
    """Show every setting and which template `scaffold new` would use."""
    import json as jsonlib

    from rich.markup import escape

    from scaffold.console import out
    from scaffold.settings import config_path, read_config, resolve_template

    values = read_config()
    choice = resolve_template(None)
    if json:
        document = {
            "config_file": str(config_path()),
            "settings": values,
            "template": {"source": choice.source, "origin": choice.origin},
        }
        out().print_json(jsonlib.dumps(document))
        return
    for key, value in sorted(values.items()):
        out().print(f"{key} = {escape(value)}")
    out().print(f"[dim]config file: {escape(str(config_path()))}[/]")
    if choice.is_bundled:
        from scaffold.bundled import display_path, repo_path

        uses = f"the bundled template, versioned in {display_path(repo_path())}"
    else:
        uses = f"{choice.source} (from {choice.origin})"
    out().print(f"[dim]scaffold new uses: {escape(uses)}[/]")
