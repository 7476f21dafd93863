"""``scaffold template test``: render every preset of a template and run each project's checks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scaffold.options import JsonOutput


def test(
    src: Annotated[
        str | None,
        typer.Argument(
            metavar="SRC",
            help="Template path or git URL (default: the template `scaffold new` would use).",
            show_default=False,
        ),
    ] = None,
    ref: Annotated[
        str,
        typer.Option("--ref", help="Template git ref; HEAD includes uncommitted changes."),
    ] = "HEAD",
    keep: Annotated[
        Path | None,
        typer.Option("--keep", help="Render into this folder and keep the projects."),
    ] = None,
    trust: Annotated[
        bool,
        typer.Option(
            "--trust",
            help="Allow the template's tasks, hooks and extensions, and run its generated "
            "projects' code; needed for a template not made here with `template init`.",
        ),
    ] = False,
    json: JsonOutput = False,
) -> None:
    """Render every preset and run ruff, the format check and pytest in each; exit 1 on failure."""
    import json as jsonlib
    import tempfile

    from scaffold.console import err, out
    from scaffold.settings import is_own_template, resolve_template
    from scaffold.teamtemplate.report import show_result
    from scaffold.teamtemplate.testing import check_template

    choice = resolve_template(src)
    source = choice.source
    if not trust and not choice.is_bundled and not is_own_template(source):
        from scaffold.errors import ScaffoldError

        raise ScaffoldError(
            f"testing {source} runs its code (the generated projects' build and tests); "
            "pass --trust for a template you did not create with `scaffold template init`"
        )
    with tempfile.TemporaryDirectory(prefix="scaffold-template-test-") as tmp:
        workdir = keep.expanduser().absolute() if keep else Path(tmp)
        with err().status("Testing the template...") as status:
            result = check_template(
                source, workdir, ref, trust, lambda step: status.update(f"Testing {step}...")
            )
    if json:
        out().print_json(jsonlib.dumps(result.to_json()))
    else:
        show_result(result)
    if not result.ok:
        raise typer.Exit(1)
