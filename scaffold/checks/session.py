"""One command run: build the group's steps, run them with progress on stderr, print."""

from __future__ import annotations

import sys

from scaffold.checks.context import CheckContext
from scaffold.checks.model import Report, Step
from scaffold.checks.registry import steps_for
from scaffold.checks.runner import run_steps


def run_group(group: str, context: CheckContext, as_json: bool = False) -> int:
    """Run the ``group`` of steps in the project and print the report; return the exit code.

    With ``--fix`` the fixers work on a scratch mirror and the changes are written back in
    one step (checks.fixing), so an interrupt never leaves a half-written file."""
    if not context.fix:
        return _run(group, context, as_json)
    from scaffold.checks.fixing import fixing_in_scratch

    with fixing_in_scratch(context) as fixing:
        return _run(group, fixing, as_json)


def _run(group: str, context: CheckContext, as_json: bool) -> int:
    from scaffold.console import err, out

    steps = steps_for(group, context)
    if as_json or not err().is_terminal:
        report = run_steps(steps, context.project.root, context.fix)
    else:
        report = _with_spinner(steps, context)
    if as_json:
        from scaffold.checks.report import to_json

        sys.stdout.write(to_json(report) + "\n")
    else:
        from scaffold.checks.report import print_report

        print_report(report, out(), group)
    return report.exit_code


def _with_spinner(steps: list[Step], context: CheckContext) -> Report:
    from scaffold.console import err

    with err().status("Starting checks") as status:

        def show(step: Step, index: int, total: int) -> None:
            status.update(f"[{index + 1}/{total}] {step.name}")

        return run_steps(steps, context.project.root, context.fix, on_start=show)
