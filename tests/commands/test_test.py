"""``scaffold test``: pytest with the project's configuration, in small plain repositories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from scaffold.cli import app
from tests.checks.repos import add_failing_test, clean_repo

runner = CliRunner()


def run_test(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["test", "--json", *args], catch_exceptions=False)
    report = json.loads(result.stdout)
    (step,) = report["steps"]
    return result.exit_code, step


def test_passing_tests_pass_with_the_projects_pytest_config(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)  # its tests import from src/ through pyproject's pythonpath
    code, step = run_test("-C", str(repo))
    assert (code, step["name"], step["status"]) == (0, "pytest", "passed")
    assert step["summary"].startswith("1 passed")


def test_a_failing_test_fails_the_step_and_names_the_test(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    add_failing_test(repo)
    code, step = run_test("-C", str(repo))
    assert code == 1
    assert step["status"] == "failed"
    assert step["summary"].startswith("1 failed, 1 passed")
    assert "test_add_is_wrong" in step["output"]
    assert "scaffold test -- -k" in step["fix_hint"]


def test_arguments_after_the_double_dash_go_to_pytest(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    add_failing_test(repo)
    code, step = run_test("-C", str(repo), "--", "-k", "not wrong", "-q")
    assert (code, step["status"]) == (0, "passed")
    assert step["command"][-3:] == ["-k", "not wrong", "-q"]
    assert "1 deselected" in step["summary"]


def test_no_tests_is_skipped_not_failed(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    (repo / "tests" / "test_maths.py").unlink()
    code, step = run_test("-C", str(repo))
    assert (code, step["status"], step["summary"]) == (0, "skipped", "no tests collected")


def test_table_shows_pytests_output_for_a_failure(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    add_failing_test(repo)
    result = runner.invoke(app, ["test", "-C", str(repo)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "assert 4 == 5" in result.stdout
    assert "1 of 1 step failed: pytest" in result.stdout
