"""``scaffold extract``: notebook code into the package, with test skeletons, kept in sync."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from scaffold.options import JsonOutput

if TYPE_CHECKING:
    from scaffold.notebooks import ExtractResult


def extract(
    notebooks: Annotated[
        list[Path],
        typer.Argument(
            metavar="NOTEBOOK...",
            help="Notebooks (.ipynb), folders of notebooks, or glob patterns ('notebooks/*.ipynb').",
            show_default=False,
        ),
    ],
    module: Annotated[
        str | None,
        typer.Option(
            "--module",
            "-m",
            help="Module to write, NAME or PACKAGE.NAME (default: the module an earlier "
            "extract of this notebook wrote, else from the notebook's name, "
            "01-ab-cleaning.ipynb -> cleaning).",
        ),
    ] = None,
    rewrite_notebook: Annotated[
        bool,
        typer.Option("--rewrite-notebook", help="Replace the moved code with an import."),
    ] = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 1 when notebook and module differ."),
    ] = False,
    json_output: JsonOutput = False,
) -> None:
    """Move functions, classes and imports from notebooks into the package, with tests."""
    from scaffold.notebooks.extract import project_root

    found = notebook_paths(notebooks)
    root = project_root(found[0], Path.cwd())
    inside = root.resolve()
    for path in found[1:]:
        if not path.resolve().is_relative_to(inside):
            project_root(path, Path.cwd())  # says why
    if len(notebooks) == 1 and len(found) == 1 and notebooks[0].suffix == ".ipynb":
        _extract_one(found[0], root, module, rewrite_notebook, check, json_output)
    else:
        from scaffold.commands.extract_folder import extract_many

        extract_many(found, root, module, rewrite_notebook, check, json_output)


def notebook_paths(given: list[Path]) -> list[Path]:
    """Each argument as notebooks: a file, every notebook under a folder (checkpoints and
    hidden folders left out), or a glob pattern; in order, each once."""
    from scaffold.errors import ScaffoldError

    found: list[Path] = []
    for path in given:
        text = str(path)
        if any(char in text for char in "*?["):
            matches = sorted(Path().glob(text)) if not path.is_absolute() else _absolute_glob(path)
            found += [m for m in matches if m.suffix == ".ipynb" and m.is_file()]
            if not matches:
                raise ScaffoldError(f"no notebook matches {text}")
        elif path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*.ipynb")
                if not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif not path.exists():
            raise ScaffoldError(f"{path} does not exist")
        elif path.suffix != ".ipynb" or not path.is_file():
            raise ScaffoldError(f"{path} is not a notebook file (.ipynb)")
        else:
            found.append(path)
    unique = list(dict.fromkeys(found))
    if not unique:
        raise ScaffoldError(f"no notebooks in {', '.join(map(str, given))}")
    return unique


def _absolute_glob(pattern: Path) -> list[Path]:
    anchor = Path(pattern.anchor)
    return sorted(anchor.glob(str(pattern.relative_to(anchor))))


def _extract_one(
    notebook: Path, root: Path, module: str | None, rewrite: bool, check: bool, json_output: bool
) -> None:
    from scaffold import fileio
    from scaffold.notebooks import differences, plan_extraction, write_changes

    # One extract at a time per project: the module and notebook are read, changed, written.
    with fileio.locked(root):
        result = plan_extraction(notebook, module, rewrite=rewrite, root=root)
        if check:
            problems = differences(result)
        else:
            write_changes(result.changes)
    if check:
        _render_check(result, problems, json_output)
        raise typer.Exit(1 if problems else 0)
    _render(result, json_output)


def result_data(result: ExtractResult) -> dict[str, object]:
    return {
        "notebook": str(result.notebook),
        "module": str(result.module_path),
        "moved": result.moved,
        "constants": result.constants,
        "imports": result.imports,
        "parameters": result.parameters,
        "stays": result.stays,
        "globals": [vars(use) for use in result.global_uses],
        "tests": [{"name": t.name, "runs": t.runs} for t in result.tests],
        "written": [str(change.path) for change in result.changes],
        "warnings": result.notes,
    }


def _render_check(result: ExtractResult, problems: list[str], json_output: bool) -> None:
    from scaffold.console import out, print_json

    if json_output:
        print_json({"in_sync": not problems, "differences": problems})
        return
    if not problems:
        module = _from_here(result.module_path)
        out().print(f"[green]in sync[/] {result.notebook} and {module}")
    for problem in problems:
        out().print(f"[red]differs[/] {problem}", soft_wrap=True)


def _from_here(path: Path) -> str:
    import os

    try:
        return os.path.relpath(path, Path.cwd())
    except ValueError:  # another drive on Windows
        return str(path)


def _render(result: ExtractResult, json_output: bool) -> None:
    from rich.markup import escape

    from scaffold.console import out, print_json

    if json_output:
        print_json(result_data(result))
        return
    console = out()
    if not result.moved and not result.constants:
        console.print(
            f"Nothing new to extract from {result.notebook}: no top-level functions, "
            "classes or export cells left that can move.",
            soft_wrap=True,
        )
    else:
        moved = ", ".join(result.moved + result.constants)
        console.print(f"[bold green]Extracted[/] {moved} into {result.import_name}", soft_wrap=True)
    for use in result.global_uses:
        what = "keyword-only parameter" if use.action == "parameter" else "module constant"
        if use.parameter:
            what = f"keyword-only parameter `{use.parameter}` (it binds `{use.name}` itself)"
        if use.passed_on:
            console.print(
                f"  {use.owner} passes notebook global `{use.name}` on to what it calls: "
                f"now a {what}"
            )
            continue
        console.print(
            f"  {use.owner} reads notebook global `{use.name}` ({use.where}): now a {what}"
        )
    for name, reason in result.stays.items():
        console.print(
            f"  [yellow]stays in the notebook[/] {escape(name)}: {escape(reason)}", soft_wrap=True
        )
    for test in result.tests:
        state = "calls the notebook's example" if test.runs else "skipped until written"
        console.print(f"  added {test.name} ({state})")
    for note in result.notes:
        console.print(f"  [yellow]warning[/] {escape(note)}", soft_wrap=True)
    for change in result.changes:
        console.print(f"  [dim]wrote {change.path}[/]")
