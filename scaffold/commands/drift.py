"""``scaffold drift``: is the project behind its template? (for CI)"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scaffold.options import JsonOutput


def drift(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH", help="The generated project (default: here).", show_default=False
        ),
    ] = Path("."),
    json: JsonOutput = False,
) -> None:
    """Exit 1 when a newer template version exists, listing what changed since yours, or
    while conflicts from the last update remain."""
    from scaffold.updating.drift import check_drift
    from scaffold.updating.report import print_json, show_drift

    result = check_drift(path.expanduser().resolve())
    if json:
        print_json(result.to_json())
    else:
        show_drift(result)
    if not result.is_current or result.unresolved:
        raise typer.Exit(1)
