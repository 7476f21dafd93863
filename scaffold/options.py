"""Options shared by several commands, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

import typer

JsonOutput = Annotated[
    bool, typer.Option("--json", help="Print one JSON document instead of tables.")
]
Fix = Annotated[bool, typer.Option("--fix", help="Repair what can be repaired automatically.")]
