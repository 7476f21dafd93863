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
    if not result.applied and result.conflicts and not result.patch and not result.changes:
        console.print(
            f"[bold red]{len(result.conflicts)} file(s) still have conflict markers[/] "
            "from the last update; resolve them, then commit:"
        )
        _show_conflicts(result)
        return
    if result.up_to_date:
        console.print(f"Already at template version {escape(result.to_version)}; nothing to do.")
        return
    verb = "Would update" if result.patch or not result.applied else "Updated"
    console.print(
        f"[bold]{verb}[/] {escape(str(result.project))} from template "
        f"{escape(result.from_version)} to {escape(result.to_version)}"
    )
    _show_changes(result)
    _show_kept(result)
    _show_conflicts(result)
    if result.patch:
        _show_patch(result.patch)


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
    out().print(
        "Edit the conflicted files: keep what you need between the markers "
        "('<<<<<<< before updating' ... '>>>>>>> after updating'), then git add and commit."
    )


def show_drift(result: DriftResult) -> None:
    console = out()
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
    from scaffold.updating.versions import parse_tag

    tags = {str(parse_tag(tag)): tag for tag in result.behind}  # "2.0.0" -> "v2.0.0"
    for version, entry in result.changelog.items():
        console.print(f"\n[bold]{escape(tags.get(version, version))}[/]\n{escape(entry)}")
    if result.blocked:
        console.print(
            f"\n[yellow]scaffold update cannot merge them here:[/] {escape(result.blocked)}"
        )
    else:
        console.print("\nRun [bold]scaffold update[/] to pull these changes.")
