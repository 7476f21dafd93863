"""Tools come from the project's environment first; a missing tool fails with how to get it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scaffold.checks.context import CheckContext
from scaffold.checks.lint import FormatStep, RuffStep
from scaffold.checks.model import Status
from scaffold.checks.project import Project
from scaffold.checks.testing import PytestStep
from scaffold.checks.tools import ToolLocator, candidate_dirs, run_tool
from tests.checks.repos import clean_repo

NOWHERE = ToolLocator(dirs=(), search_path="")


def executable(path: Path, text: str = "#!/bin/sh\necho from-project\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


def test_the_projects_venv_comes_before_the_active_one_and_scaffolds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "active"))
    assert candidate_dirs(tmp_path) == [
        tmp_path / ".venv" / "bin",
        tmp_path / "active" / "bin",
        Path(sys.executable).parent,
    ]


def test_a_tool_in_the_projects_venv_is_the_one_found(tmp_path: Path) -> None:
    ruff = executable(tmp_path / ".venv" / "bin" / "ruff")
    assert ToolLocator.for_project(tmp_path).find("ruff") == ruff
    assert ToolLocator.for_project(tmp_path / "elsewhere").find("ruff") != ruff


def test_tools_run_with_their_own_bin_folder_first_on_path(tmp_path: Path) -> None:
    executable(tmp_path / "bin" / "helper", "#!/bin/sh\necho helper-here\n")
    tool = executable(tmp_path / "bin" / "tool", "#!/bin/sh\nhelper\nexit 3\n")
    result = run_tool(tool, [], tmp_path)
    assert (result.returncode, result.output) == (3, "helper-here")


@pytest.mark.parametrize("step_type", [RuffStep, FormatStep])
def test_a_missing_lint_tool_fails_the_step_with_an_install_hint(
    tmp_path: Path, step_type: type[RuffStep] | type[FormatStep]
) -> None:
    context = CheckContext(Project.at(clean_repo(tmp_path)), NOWHERE)
    outcome = step_type(context).run()
    assert outcome.status is Status.FAILED
    assert "ruff is not installed" in outcome.summary
    assert "pip install ruff" in outcome.fix_hint


def test_missing_pytest_fails_when_there_are_tests_and_skips_when_there_are_none(
    tmp_path: Path,
) -> None:
    repo = clean_repo(tmp_path)
    context = CheckContext(Project.at(repo), NOWHERE)
    failed = PytestStep(context).run()
    assert failed.status is Status.FAILED
    assert "pytest is not installed" in failed.summary
    assert "pip install pytest" in failed.fix_hint
    (repo / "tests" / "test_maths.py").unlink()
    assert PytestStep(context).run().status is Status.SKIPPED
