"""The ``template test`` summary: one row per preset, one column per step."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from scaffold.console import out
from scaffold.teamtemplate.testing import TemplateTestResult

STEPS = ("render", "env", "lint", "format", "tests")
_TAIL_LINES = 25  # of a failing step's output: enough to see the failure, not the whole log


def summary_table(result: TemplateTestResult) -> Table:
    table = Table(title=f"Template {escape(result.template)}")
    table.add_column("preset")
    for step in STEPS:
        table.add_column(step)
    for run in result.runs:
        done = {step.name: step for step in run.steps}
        cells = [
            ("[green]pass[/]" if done[name].ok else "[bold red]FAIL[/]") if name in done else "-"
            for name in STEPS
        ]
        table.add_row(escape(run.preset), *cells)
    return table


def show_result(result: TemplateTestResult) -> None:
    console = out()
    console.print(summary_table(result))
    for run in result.runs:
        for step in run.steps:
            if step.ok:
                continue
            console.print(
                f"\n[bold red]{escape(run.preset)} / {step.name}[/]: {escape(step.summary)}"
            )
            tail = step.output.strip().splitlines()[-_TAIL_LINES:]
            if tail:
                console.print(escape("\n".join(tail)), style="dim")
    verdict = "[bold green]All presets pass.[/]" if result.ok else "[bold red]Failures above.[/]"
    console.print(verdict)
