"""``scaffold check``: every step in one run, one table or one JSON document, exit code."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scaffold.cli import app
from tests.checks.repos import broken_repo, clean_repo
from tests.projects import copy_project

runner = CliRunner()
STEPS = ["ruff", "notebook outputs", "notebook ruff", "format", "pytest"]


def check(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["check", *args], catch_exceptions=False)
    return result.exit_code, result.stdout


def check_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, stdout = check("--json", *args)
    return code, json.loads(stdout)


def table_rows(stdout: str) -> dict[str, str]:
    """First line of each table row: step name -> the result's first word."""
    rows: dict[str, str] = {}
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) == 4 and cells[0] and cells[1]:
            rows[cells[0]] = cells[1].split()[0]
    rows.pop("Step", None)
    return rows


def test_every_step_fails_and_is_named_in_a_broken_repository(tmp_path: Path) -> None:
    code, report = check_json("-C", str(broken_repo(tmp_path)))
    assert code == 1
    assert [(step["name"], step["status"]) for step in report["steps"]] == [
        *((name, "failed") for name in STEPS[:-1]),
        ("notebooks in sync", "skipped"),  # nothing was extracted from a notebook
        ("template drift", "skipped"),  # not generated from a template
        (STEPS[-1], "failed"),
    ]
    assert report["passed"] is False


def test_json_matches_the_table(tmp_path: Path) -> None:
    repo = broken_repo(tmp_path)
    (repo / "notebooks" / "run.ipynb").unlink()  # some steps pass, some fail
    code_json, report = check_json("-C", str(repo))
    code_table, stdout = check("-C", str(repo))
    assert code_json == code_table == 1
    assert table_rows(stdout) == {step["name"]: step["status"] for step in report["steps"]}
    assert "notebook outputs" in table_rows(stdout)
    failed = ", ".join(step["name"] for step in report["steps"] if step["status"] == "failed")
    assert f"steps failed: {failed}" in stdout


def test_fix_leaves_only_what_needs_a_person(tmp_path: Path) -> None:
    repo = broken_repo(tmp_path)
    code, report = check_json("--fix", "-C", str(repo))
    assert code == 1
    failed = [step["name"] for step in report["steps"] if step["status"] == "failed"]
    assert failed == ["pytest"]
    assert report["fix"] is True


def test_a_clean_repository_passes_with_exit_code_zero(tmp_path: Path) -> None:
    code, stdout = check("-C", str(clean_repo(tmp_path, git=False)))
    assert code == 0
    statuses = table_rows(stdout)
    assert statuses.pop("notebooks in sync") == statuses.pop("template drift") == "skipped"
    assert set(statuses.values()) == {"passed"}
    assert "All 7 steps passed" in stdout


@pytest.mark.slow
def test_a_generated_project_passes_every_step(
    generated_project: Callable[[str], Path], tmp_path: Path
) -> None:
    project = copy_project(generated_project("minimal"), tmp_path / "p")
    code, report = check_json("-C", str(project))
    failures = {s["name"]: s["output"] for s in report["steps"] if s["status"] == "failed"}
    assert failures == {}
    assert code == 0
    statuses = {step["name"]: step["status"] for step in report["steps"]}
    assert statuses.pop("notebooks in sync") == "skipped"
    assert statuses.pop("template drift") == "passed", report
    assert set(statuses.values()) == {"passed"}
    ruff = next(step for step in report["steps"] if step["name"] == "ruff")
    assert Path(ruff["command"][0]).parent == project / ".venv" / "bin"


@pytest.mark.slow
def test_a_broken_generated_project_fails_each_step_and_fix_repairs_the_fixable(
    generated_project: Callable[[str], Path], tmp_path: Path
) -> None:
    import yaml

    from tests.checks.repos import write_notebook

    project = copy_project(generated_project("minimal"), tmp_path / "p")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    package = project / "src" / answers["package_name"]
    (package / "unused.py").write_text('import os\n\n\ndef name() -> str:\n    return "x"\n')
    (package / "messy.py").write_text("def double(x: float) -> float:\n    return x*2\n")
    write_notebook(project / "notebooks" / "run.ipynb", "value = 5 * 2", executed=True)
    write_notebook(project / "notebooks" / "messy.ipynb", "import sys\n\nvalue = 5")
    (project / "tests" / "test_wrong.py").write_text(
        "def test_wrong() -> None:\n    assert [] == [1]\n"
    )
    code, report = check_json("-C", str(project))
    assert code == 1
    failed = {s["name"]: s["status"] for s in report["steps"] if s["status"] == "failed"}
    assert failed == dict.fromkeys(STEPS, "failed")
    code, report = check_json("--fix", "-C", str(project))
    assert [s["name"] for s in report["steps"] if s["status"] == "failed"] == ["pytest"]
    assert "test_wrong" in report["steps"][-1]["output"]
