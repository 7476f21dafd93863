"""``scaffold update``: pull template changes into a generated project with a 3-way merge."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scaffold.options import JsonOutput


def update(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH", help="The generated project (default: here).", show_default=False
        ),
    ] = Path("."),
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="A release tag, branch or commit of the template (not older than the "
            "project's); default: the newest release tag.",
        ),
    ] = None,
    diff: Annotated[
        bool, typer.Option("--diff", help="Show what would change, file by file; write nothing.")
    ] = False,
    trust: Annotated[
        bool, typer.Option("--trust", help="Allow the template's tasks, migrations, extensions.")
    ] = False,
    json: JsonOutput = False,
) -> None:
    """Update a project to a newer template version, keeping your edits.

    All of the new version or none of it: the merge is computed on a copy and applied in one
    step. Exits 1 when the update (or, with --diff, the preview) has conflicts, and while
    conflicts from the last update remain.
    """
    from scaffold.updating.preview import preview_update
    from scaffold.updating.report import print_json, show_update
    from scaffold.updating.update import update_project

    result = preview_update(path, to, trust) if diff else update_project(path, to, trust)
    if json:
        print_json(result.to_json())
    else:
        show_update(result)
    if result.conflicts:
        raise typer.Exit(1)
