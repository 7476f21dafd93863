"""The result model shared by every check step and both renderers (table and JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"  # only when there is nothing to check; a missing tool is a failure
    WARNED = "warned"  # worth knowing, never a failure (e.g. a newer template version)


@dataclass(frozen=True)
class Outcome:
    """What a step reports about itself; the runner adds its name and timing."""

    status: Status
    summary: str
    fix_hint: str = ""
    output: str = ""  # the tool's own output, shown when the step fails
    command: tuple[str, ...] = ()


class Step(Protocol):
    """One unit of a check. Steps never raise for a finding: they return a failed Outcome."""

    @property
    def name(self) -> str: ...

    def run(self) -> Outcome: ...


@dataclass(frozen=True)
class StepResult:
    name: str
    status: Status
    seconds: float
    summary: str
    fix_hint: str = ""
    output: str = ""
    command: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status is Status.FAILED


@dataclass(frozen=True)
class Report:
    root: Path
    fix: bool
    steps: list[StepResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not any(step.failed for step in self.steps)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def to_dict(self) -> dict[str, Any]:
        steps = []
        for step in self.steps:
            data = asdict(step)
            data["status"] = step.status.value
            data["seconds"] = round(step.seconds, 3)
            data["command"] = list(step.command)
            steps.append(data)
        return {"root": str(self.root), "fix": self.fix, "passed": self.passed, "steps": steps}
