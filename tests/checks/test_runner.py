"""Running steps: timing, a crashing step, the registry's groups, plugging in a step."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from scaffold.checks import registry
from scaffold.checks.context import CheckContext
from scaffold.checks.model import Outcome, Status, Step
from scaffold.checks.runner import run_steps
from tests.checks.repos import clean_repo


@dataclass(frozen=True)
class ReadmeStep:
    """A real step of the kind other commands plug in: the project has a README."""

    root: Path
    name: str = "readme"

    def run(self) -> Outcome:
        if (self.root / "README.md").is_file():
            return Outcome(Status.PASSED, "README.md present")
        return Outcome(Status.FAILED, "no README.md", fix_hint="write a README.md")


@dataclass(frozen=True)
class CrashingStep:
    name: str = "crashes"

    def run(self) -> Outcome:
        raise RuntimeError("boom")


def readme_steps(context: CheckContext) -> list[Step]:
    return [ReadmeStep(context.project.root)]


def test_a_crashing_step_fails_alone_and_the_others_still_run(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hi")
    seen: list[str] = []
    report = run_steps(
        [CrashingStep(), ReadmeStep(tmp_path)],
        tmp_path,
        on_start=lambda step, index, total: seen.append(f"{index + 1}/{total} {step.name}"),
    )
    assert [(s.name, s.status) for s in report.steps] == [
        ("crashes", Status.FAILED),
        ("readme", Status.PASSED),
    ]
    assert report.steps[0].summary == "step crashed: RuntimeError: boom"
    assert seen == ["1/2 crashes", "2/2 readme"]
    assert report.exit_code == 1
    assert all(step.seconds >= 0 for step in report.steps)


def test_skipped_steps_do_not_fail_the_report(tmp_path: Path) -> None:
    context = CheckContext.create(clean_repo(tmp_path))
    (tmp_path / "notebooks" / "explore.ipynb").unlink()
    report = run_steps(registry.steps_for("lint", context), tmp_path)
    assert {s.name: s.status for s in report.steps}["notebook outputs"] is Status.SKIPPED
    assert report.exit_code == 0


def test_check_runs_lint_then_sync_then_tests(tmp_path: Path) -> None:
    context = CheckContext.create(clean_repo(tmp_path))
    names = {
        group: [s.name for s in registry.steps_for(group, context)] for group in registry.GROUPS
    }
    assert names["lint"] == ["ruff", "notebook outputs", "notebook ruff", "format"]
    assert names["test"] == ["pytest"]
    assert names["check"] == [*names["lint"], "notebooks in sync", "template drift", *names["test"]]


def test_a_plugged_in_factory_runs_in_its_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        registry.GROUPS, "check", (*registry.GROUPS["check"], f"{__name__}:readme_steps")
    )
    context = CheckContext.create(clean_repo(tmp_path))
    names = [step.name for step in registry.steps_for("check", context)]
    assert names == [
        "ruff",
        "notebook outputs",
        "notebook ruff",
        "format",
        "notebooks in sync",
        "template drift",
        "pytest",
        "readme",
    ]
    readme = run_steps(registry.steps_for("check", context)[-1:], tmp_path).steps[0]
    assert (readme.status, readme.fix_hint) == (Status.FAILED, "write a README.md")
