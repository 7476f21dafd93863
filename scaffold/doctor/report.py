"""Rendering audits: one rule table per repository, or one table for several; or JSON."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from scaffold.doctor.model import DoctorReport, RepoReport, Status

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

STYLES = {
    Status.PASSED: "green",
    Status.FAILED: "bold red",
    Status.SKIPPED: "yellow",
    Status.WARNED: "dark_orange",
}


def to_json(report: DoctorReport) -> str:
    return json.dumps(report.to_dict(), indent=2)


def label(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path)


def score_style(score: int, min_score: int | None) -> str:
    if min_score is not None and score < min_score:
        return "bold red"
    return "green" if score == 100 else "yellow"


def rule_table(repo: RepoReport, min_score: int | None = None) -> Table:
    from rich.table import Table
    from rich.text import Text

    title = Text(f"scaffold doctor: {label(repo.path)}  score ")
    title.append(f"{repo.score}/100", style=score_style(repo.score, min_score))
    grid = Table(title=title, title_justify="left")
    grid.add_column("Rule", no_wrap=True)
    grid.add_column("Result", no_wrap=True)
    grid.add_column("Why")
    grid.add_column("How to fix")
    for result in repo.results:
        fix = result.fix if result.status in (Status.FAILED, Status.WARNED) else ""
        grid.add_row(
            result.id,
            Text(result.status.value, style=STYLES[result.status]),
            Text(result.why),
            Text(fix),
        )
    return grid


def summary_table(report: DoctorReport) -> Table:
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=f"scaffold doctor: {len(report.repos)} repositories", title_justify="left")
    grid.add_column("Repository")
    grid.add_column("Score", justify="right", no_wrap=True)
    grid.add_column("Rules passed", justify="right", no_wrap=True)
    grid.add_column("Failed rules")
    for repo in report.repos:
        good = repo.count(Status.PASSED) + repo.count(Status.WARNED)
        applicable = good + repo.count(Status.FAILED)
        grid.add_row(
            Text(label(repo.path)),
            Text(str(repo.score), style=score_style(repo.score, report.min_score)),
            f"{good}/{applicable}",
            Text(", ".join(r.id for r in repo.failures), style="red"),
        )
    return grid


def fixes_table(report: DoctorReport) -> Table | None:
    """Each failed rule once, with how many repositories fail it and how to fix it."""
    from rich.table import Table

    counts = Counter(result.id for repo in report.repos for result in repo.failures)
    if not counts:
        return None
    fixes = {r.id: r.fix for repo in report.repos for r in repo.failures}
    from rich.text import Text

    grid = Table(title="How to fix", title_justify="left")
    grid.add_column("Rule", no_wrap=True)
    grid.add_column("Repos", justify="right", no_wrap=True)
    grid.add_column("How to fix")
    for rule_id, count in counts.most_common():
        grid.add_row(rule_id, str(count), Text(fixes[rule_id]))
    return grid


def verdict(report: DoctorReport) -> str:
    scores = [repo.score for repo in report.repos]
    text = f"mean score {sum(scores) / len(scores):.0f}/100, lowest {min(scores)}"
    if report.min_score is None:
        return text
    below = report.below_min
    if below:
        from rich.markup import escape

        names = escape(", ".join(label(repo.path) for repo in below[:5]))
        return f"[bold red]{len(below)} below --min-score {report.min_score}:[/] {names} ({text})"
    return f"[bold green]all at or above --min-score {report.min_score}[/] ({text})"


def print_report(report: DoctorReport, console: Console) -> None:
    if len(report.repos) == 1:
        console.print(rule_table(report.repos[0], report.min_score))
    else:
        console.print(summary_table(report))
        if fixes := fixes_table(report):
            console.print(fixes)
    console.print(verdict(report))
