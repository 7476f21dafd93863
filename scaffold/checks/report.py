"""Rendering a report: one rich table (with the failing tools' output above it) or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from scaffold.checks.model import Report, Status, plural

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

STYLES = {
    Status.PASSED: "green",
    Status.FAILED: "bold red",
    Status.SKIPPED: "dim",
    Status.WARNED: "yellow",
}


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2)


def table(report: Report, group: str = "check") -> Table:
    from rich.table import Table
    from rich.text import Text

    grid = Table(
        title=f"scaffold {group}{' --fix' if report.fix else ''}: {report.root}",
        title_justify="left",
    )
    grid.add_column("Step", no_wrap=True)
    grid.add_column("Result")
    grid.add_column("Time", justify="right", no_wrap=True)
    grid.add_column("How to fix")
    for step in report.steps:
        result = Text(step.status.value, style=STYLES[step.status])
        if step.summary:
            result.append(f" {step.summary}", style="default")
        grid.add_row(step.name, result, f"{step.seconds:.1f}s", Text(step.fix_hint))
    return grid


def print_report(report: Report, console: Console, group: str = "check") -> None:
    from rich.rule import Rule
    from rich.text import Text

    for step in report.steps:
        if step.failed and step.output.strip():
            console.print(Rule(Text(step.name, style="bold red"), align="left"))
            console.print(Text(step.output.rstrip()), soft_wrap=True)
    console.print(table(report, group))
    failed = [step.name for step in report.steps if step.failed]
    if failed:
        console.print(
            f"[bold red]{len(failed)} of {plural(len(report.steps), 'step')} failed:[/] "
            f"{', '.join(failed)}"
        )
    else:
        count = len(report.steps)
        if all(step.status is Status.SKIPPED for step in report.steps):
            console.print("[yellow]Nothing to check here:[/] no Python code, notebooks or tests")
        else:
            passed = "The step passed" if count == 1 else f"All {count} steps passed"
            console.print(f"[bold green]{passed}[/] (or had nothing to check)")
    warned = [step.name for step in report.steps if step.status is Status.WARNED]
    if warned:
        console.print(f"[yellow]Worth a look:[/] {', '.join(warned)}")
