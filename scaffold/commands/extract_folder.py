"""``scaffold extract`` over several notebooks (a folder, a glob): one process, one batch of
formatting, one summary table (or ``--json``), ``--check`` for CI."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from scaffold.notebooks import ExtractResult


def extract_many(
    notebooks: list[Path],
    root: Path,
    module: str | None,
    rewrite: bool,
    check: bool,
    json_output: bool,
) -> None:
    from scaffold import fileio
    from scaffold.notebooks import differences, write_changes
    from scaffold.notebooks.extract import plan_folder

    # One extract at a time per project: modules and notebooks are read, changed, written.
    with fileio.locked(root):
        planned = plan_folder(notebooks, root, module, rewrite, shared=not check)
        errors = {path: outcome for path, outcome in planned if isinstance(outcome, str)}
        results = [(path, outcome) for path, outcome in planned if not isinstance(outcome, str)]
        if check:
            problems = {path: differences(result) for path, result in results}
        else:
            changes = {change.path: change for _, result in results for change in result.changes}
            write_changes(list(changes.values()))
    if check:
        _render_check(notebooks, problems, errors, json_output)
        raise typer.Exit(2 if errors else 1 if any(problems.values()) else 0)
    _render(notebooks, dict(results), errors, json_output)
    if errors:
        raise typer.Exit(2)


def _render(
    notebooks: list[Path],
    results: dict[Path, ExtractResult],
    errors: dict[Path, str],
    json_output: bool,
) -> None:
    from scaffold.commands.extract import result_data
    from scaffold.console import out, print_json

    if json_output:
        rows: list[dict[str, object]] = [
            result_data(results[path])
            if path in results
            else {"notebook": str(path), "error": errors[path]}
            for path in notebooks
        ]
        print_json({"notebooks": rows, "errors": len(errors)})
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="scaffold extract")
    for column in ("notebook", "module", "moved", "stays", "tests", "result"):
        table.add_column(column)
    for path in notebooks:
        if path in errors:
            table.add_row(str(path), "", "", "", "", f"[red]error[/] {escape(errors[path])}")
            continue
        result = results[path]
        written = ", ".join(change.path.name for change in result.changes) or "unchanged"
        table.add_row(
            str(path),
            result.import_name,
            str(len(result.moved) + len(result.constants)),
            str(len(result.stays)),
            str(len(result.tests)),
            f"wrote {written}" if result.changes else "unchanged",
        )
    console = out()
    console.print(table)
    for path in notebooks:
        for note in results[path].notes if path in results else []:
            console.print(f"[yellow]warning[/] {path}: {escape(note)}", soft_wrap=True)
    moved = sum(len(r.moved) + len(r.constants) for r in results.values())
    console.print(
        f"{len(notebooks)} notebooks: {moved} definitions moved, {len(errors)} errors",
        soft_wrap=True,
    )


def _render_check(
    notebooks: list[Path],
    problems: dict[Path, list[str]],
    errors: dict[Path, str],
    json_output: bool,
) -> None:
    from scaffold.console import out, print_json

    if json_output:
        rows = [
            {"notebook": str(path), "error": errors[path]}
            if path in errors
            else {
                "notebook": str(path),
                "in_sync": not problems[path],
                "differences": problems[path],
            }
            for path in notebooks
        ]
        in_sync = not errors and not any(problems.values())
        print_json({"in_sync": in_sync, "notebooks": rows})
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="scaffold extract --check")
    table.add_column("notebook")
    table.add_column("result")
    for path in notebooks:
        if path in errors:
            table.add_row(str(path), f"[red]error[/] {escape(errors[path])}")
        elif problems[path]:
            table.add_row(str(path), "[red]differs[/] " + escape("; ".join(problems[path])))
        else:
            table.add_row(str(path), "[green]in sync[/]")
    out().print(table)
