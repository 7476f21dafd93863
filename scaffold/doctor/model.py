"""The result model of an audit, shared by the table and JSON renderers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scaffold.doctor.repo import Repo


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"

    @property
    def weight(self) -> int:
        return {"critical": 3, "major": 2, "minor": 1}[self.value]


class Status(StrEnum):
    PASSED = "pass"
    FAILED = "fail"
    SKIPPED = "skip"  # the rule does not apply (no Dockerfile for docker.non_root...)
    WARNED = "warn"  # passes, with something worth a look (counts as passed in the score)


@dataclass(frozen=True)
class Finding:
    """What a rule found: its status and, in one sentence, why."""

    status: Status
    why: str
    fix: str = ""  # when this case needs another fix than the rule's usual one


def passed(why: str) -> Finding:
    return Finding(Status.PASSED, why)


def failed(why: str, fix: str = "") -> Finding:
    return Finding(Status.FAILED, why, fix)


def warned(why: str, fix: str = "") -> Finding:
    return Finding(Status.WARNED, why, fix)


def skipped(why: str) -> Finding:
    return Finding(Status.SKIPPED, why)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str  # what a good repository has, e.g. "tests are present and collected"
    severity: Severity
    fix: str  # how to make the rule pass
    check: Callable[[Repo], Finding]

    @property
    def weight(self) -> int:
        return self.severity.weight


@dataclass(frozen=True)
class RuleResult:
    id: str
    title: str
    severity: Severity
    status: Status
    why: str
    fix: str

    @property
    def weight(self) -> int:
        return self.severity.weight

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "severity": self.severity.value,
            "weight": self.weight,
            "status": self.status.value,
            "why": self.why,
            "fix": self.fix,
        }


def score(results: list[RuleResult]) -> int:
    """0-100: the weighted share of the applicable (not skipped) rules that passed."""
    applicable = [r for r in results if r.status is not Status.SKIPPED]
    total = sum(r.weight for r in applicable)
    if total == 0:
        return 100
    earned = sum(r.weight for r in applicable if r.status in (Status.PASSED, Status.WARNED))
    return round(100 * earned / total)


@dataclass(frozen=True)
class RepoReport:
    path: Path
    results: list[RuleResult] = field(default_factory=list)

    @property
    def score(self) -> int:
        return score(self.results)

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if r.status is Status.FAILED]

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "score": self.score,
            "passed": self.count(Status.PASSED),
            "failed": self.count(Status.FAILED),
            "skipped": self.count(Status.SKIPPED),
            "warned": self.count(Status.WARNED),
            "rules": [r.to_dict() for r in self.results],
        }


@dataclass(frozen=True)
class DoctorReport:
    repos: list[RepoReport]
    min_score: int | None = None

    @property
    def below_min(self) -> list[RepoReport]:
        if self.min_score is None:
            return []
        return [repo for repo in self.repos if repo.score < self.min_score]

    @property
    def exit_code(self) -> int:
        return 1 if self.below_min else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "min_score": self.min_score,
            "passed": not self.below_min,
            "repos": [repo.to_dict() for repo in self.repos],
        }
