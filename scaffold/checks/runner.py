"""Running steps one after another and collecting one report."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from scaffold.checks.model import Outcome, Report, Status, Step, StepResult

OnStart = Callable[[Step, int, int], None]


def run_step(step: Step) -> StepResult:
    """Run one step and time it. A step that crashes is a failed step, not a crashed check."""
    started = time.perf_counter()
    try:
        outcome = step.run()
    except Exception as exc:  # a bug in one step must not hide the other steps' results
        outcome = Outcome(Status.FAILED, f"step crashed: {type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - started
    return StepResult(
        name=step.name,
        status=outcome.status,
        seconds=seconds,
        summary=outcome.summary,
        fix_hint=outcome.fix_hint,
        output=outcome.output,
        command=outcome.command,
    )


def run_steps(
    steps: Sequence[Step], root: Path, fix: bool = False, on_start: OnStart | None = None
) -> Report:
    report = Report(root=root, fix=fix)
    for index, step in enumerate(steps):
        if on_start is not None:
            on_start(step, index, len(steps))
        report.steps.append(run_step(step))
    return report
