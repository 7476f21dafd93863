"""Rendering update and drift results for people (rich) or machines (JSON)."""

from __future__ import annotations

import json
from typing import Any

from rich.markup import escape

from scaffold.checks.model import plural
from scaffold.console import out
from scaffold.updating.drift import DriftResult
from scaffold.updating.update import UpdateResult

_COLOURS = {"added": "green", "modified": "yellow", "deleted": "red", "renamed": "cyan"}


def print_json(document: dict[str, Any]) -> None:
    out().print_json(json.dumps(document))


def show_update(result: UpdateResult) -> None:
    console = out()
    _show_recovered(result)
    if result.blocked:
        console.print(
            "[bold red]Conflicts from the last update remain[/] in "
            f"{plural(len(result.conflicts), 'file')}; resolve them, then commit:"
        )
        _show_conflicts(result)
        return
    if result.up_to_date:
        _show_nothing_to_do(result)
        return
    verb = "Updated" if result.applied else "Would update"
    console.print(
        f"[bold]{verb}[/] {escape(str(result.project))} from template "
        f"{escape(result.from_version)} to {escape(result.to_version)}"
    )
    _show_changes(result)
    _show_kept(result)
    _show_skipped(result)
    _show_conflicts(result)
    if result.patch and not result.applied:
        _show_patch(result.patch)
    elif result.applied:
        console.print("Review with [bold]git diff[/], run [bold]scaffold check[/], then commit.")


def _show_recovered(result: UpdateResult) -> None:
    if result.recovered:
        out().print(
            "[yellow]An earlier scaffold update was stopped while writing;[/] rolled back "
            f"{plural(len(result.recovered), 'file')} it had changed "
            f"({escape(', '.join(result.recovered[:5]))}), the project is as it was before it."
        )


def _show_nothing_to_do(result: UpdateResult) -> None:
    if result.from_version == result.latest:
        out().print(f"Already at template version {escape(result.latest)}; nothing to do.")
    else:
        out().print(
            f"Already at or ahead of the newest release ({escape(result.latest)}; the project "
            f"is at {escape(result.from_version)}); nothing to do."
        )


def _show_skipped(result: UpdateResult) -> None:
    for path in result.skipped:
        out().print(
            f"  [bold yellow]  skipped[/] {escape(path)}: you deleted it and the template "
            "changed it; the change is not applied (restore the file to take it)"
        )


def _show_patch(patch: str) -> None:
    """Coloured on a terminal; elsewhere the raw patch, whole lines, fit for ``git apply``."""
    console = out()
    if not console.is_terminal:
        console.file.write(patch if patch.endswith("\n") else patch + "\n")
        return
    from rich.syntax import Syntax

    console.print(
        Syntax(patch, "diff", theme="ansi_dark", background_color="default", word_wrap=True)
    )


def _show_changes(result: UpdateResult) -> None:
    for change in result.changes:
        colour = "bold red" if change.change == "conflict" else _COLOURS.get(change.change, "")
        out().print(f"  [{colour}]{change.change:>9}[/] {escape(change.path)}")


def _show_kept(result: UpdateResult) -> None:
    for kept in result.kept:
        where = f"renamed it to {kept.renamed_to}" if kept.renamed_to else "deleted it"
        out().print(
            f"  [bold yellow]     kept[/] {escape(kept.path)}: you edited it and the template "
            f"{escape(where)}; merge your changes by hand, then delete it"
        )


def _show_conflicts(result: UpdateResult) -> None:
    if not result.conflicts:
        return
    listed = {change.path for change in result.changes if change.change == "conflict"}
    for path in result.conflicts:
        if path not in listed:
            out().print(f"  [bold red] conflict[/] {escape(path)}")
    marked = [path for path in result.conflicts if path not in result.beside]
    if marked:
        out().print(
            "Edit the conflicted files: keep what you need between the markers "
            "('<<<<<<< before updating' ... '>>>>>>> after updating'), then git add and commit."
        )
    for path in result.beside:
        out().print(
            f"{escape(path)} could not be merged line by line: yours is kept as it was, the "
            f"template's new version is {escape(path)}.template; merge them, then delete it."
        )


def show_drift(result: DriftResult) -> None:
    console = out()
    if result.recovered:
        console.print(
            "[yellow]An earlier scaffold update was stopped while writing;[/] rolled back "
            f"{plural(len(result.recovered), 'file')} it had changed, the project is as it "
            "was before it."
        )
    if result.unresolved:
        console.print(
            f"[bold red]Conflicts from the last update remain[/] in "
            f"{escape(', '.join(result.unresolved))}; resolve them, then commit."
        )
    if result.is_current:
        console.print(
            f"[green]Up to date[/] with template {escape(result.template)} "
            f"({escape(result.current)})."
        )
        return
    console.print(
        f"[bold yellow]Behind[/] template {escape(result.template)}: at "
        f"{escape(result.current)}, latest is {escape(result.latest)} "
        f"({plural(len(result.behind), 'version')} behind: {escape(', '.join(result.behind))})"
    )
    _show_changelog(result)
    if result.blocked:
        console.print(
            f"\n[yellow]scaffold update cannot merge them here:[/] {escape(result.blocked)}"
        )
    else:
        console.print("\nRun [bold]scaffold update[/] to pull these changes.")


def _show_changelog(result: DriftResult) -> None:
    from scaffold.updating.versions import parse_tag

    for tag in reversed(result.behind):  # newest first, as changelogs are
        entry = result.changelog.get(str(parse_tag(tag)))
        text = escape(entry) if entry else "[dim](no changelog entry)[/]"
        out().print(f"\n[bold]{escape(tag)}[/]\n{text}")
