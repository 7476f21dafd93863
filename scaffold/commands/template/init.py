"""``scaffold template init``: start a team template repository from the bundled template."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def init(
    dest: Annotated[
        Path, typer.Argument(
            metavar="DEST", help="Folder for the new template repository.", show_default=False
        )
    ],
) -> None:
    """Copy the bundled template into DEST as a git repository tagged v1.0.0."""
    from rich.markup import escape
    from rich.panel import Panel

    from scaffold.console import out
    from scaffold.teamtemplate.create import init_team_template

    result = init_team_template(dest)
    path = escape(str(result.dest))
    out().print(
        f"[bold green]Created[/] team template {path} (commit {result.commit}, tag {result.tag})"
    )
    steps = [
        f"cd {path}",
        "git remote add origin <url> && git push origin main --tags",
        "scaffold template test .          # every preset must pass its checks",
        "",
        "Teammates then run, once:",
        "  scaffold config set template <url>",
        "Release a change: edit, add a CHANGELOG.md entry, commit, git tag vX.Y.Z, push --tags;",
        "projects pull it with `scaffold update` (`scaffold drift` in CI tells them).",
    ]
    out().print(Panel("\n".join(steps), title="Next steps", expand=False))
