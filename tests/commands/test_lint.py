"""``scaffold lint`` on small plain repositories, with the dev environment's ruff and black."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from scaffold.cli import app
from tests.checks.repos import (
    add_lint_error,
    add_notebook_lint_error,
    add_notebook_with_outputs,
    add_unformatted_file,
    clean_repo,
)

runner = CliRunner()
LINT_STEPS = ["ruff", "notebook outputs", "notebook ruff", "format"]


def lint_json(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["lint", "--json", *args], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {step["name"]: step["status"] for step in report["steps"]}


def test_a_clean_repository_passes_every_lint_step(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    code, report = lint_json("-C", str(repo))
    assert code == 0
    assert statuses(report) == dict.fromkeys(LINT_STEPS, "passed")
    assert report["passed"] is True


def test_each_problem_fails_its_own_step(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    add_lint_error(repo)
    add_unformatted_file(repo)
    add_notebook_with_outputs(repo)
    add_notebook_lint_error(repo)
    code, report = lint_json("-C", str(repo))
    assert code == 1
    assert statuses(report) == dict.fromkeys(LINT_STEPS, "failed")
    by_name = {step["name"]: step for step in report["steps"]}
    assert "loader.py" in by_name["ruff"]["output"]
    assert "messy.ipynb" not in by_name["ruff"]["output"]
    assert "messy.ipynb" in by_name["notebook ruff"]["output"]
    assert by_name["notebook outputs"]["output"] == "notebooks/run.ipynb (1 cell)"
    assert "scale.py" in by_name["format"]["output"]
    assert all(step["fix_hint"] for step in report["steps"])


def test_fix_repairs_what_is_fixable_and_lint_then_passes(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    loader = add_lint_error(repo)
    scale = add_unformatted_file(repo)
    run_notebook = add_notebook_with_outputs(repo)
    add_notebook_lint_error(repo)
    code, report = lint_json("--fix", "-C", str(repo))
    assert code == 0, report
    assert "import os" not in loader.read_text()
    assert "x * 2.0" in scale.read_text()
    cells = json.loads(run_notebook.read_text())["cells"]
    assert [(c.get("outputs"), c.get("execution_count")) for c in cells if "outputs" in c] == [
        ([], None)
    ]
    code, report = lint_json("-C", str(repo))
    assert (code, statuses(report)) == (0, dict.fromkeys(LINT_STEPS, "passed"))


def test_fix_reports_what_it_cannot_fix(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    (repo / "src" / "tiny" / "undefined.py").write_text("def f() -> int:\n    return y\n")
    code, report = lint_json("--fix", "-C", str(repo))
    assert code == 1
    ruff = next(step for step in report["steps"] if step["name"] == "ruff")
    assert ruff["status"] == "failed"
    assert "F821" in ruff["output"]
    assert "by hand" in ruff["fix_hint"]


def test_paths_limit_lint_to_those_files_and_folders(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    add_lint_error(repo)
    add_notebook_with_outputs(repo)
    code, report = lint_json("-C", str(repo), "tests")
    assert code == 0
    assert statuses(report)["notebook outputs"] == "skipped"
    code, report = lint_json("-C", str(repo), "notebooks")
    assert statuses(report)["notebook outputs"] == "failed"
    assert statuses(report)["ruff"] == "skipped"  # no Python files under notebooks/


def test_black_is_used_when_the_project_configures_it(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    with (repo / "pyproject.toml").open("a") as handle:
        handle.write("\n[tool.black]\nline-length = 100\n")
    add_unformatted_file(repo)
    code, report = lint_json("-C", str(repo))
    assert code == 1
    step = next(step for step in report["steps"] if step["name"] == "format")
    assert Path(step["command"][0]).name == "black"
    assert step["status"] == "failed"
    assert "[tool.black] is configured" in step["summary"]


def test_runs_from_a_subfolder_on_the_whole_project(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    add_lint_error(repo)
    code, report = lint_json("-C", str(repo / "tests"))
    assert code == 1
    assert report["root"] == str(repo.resolve())
    assert statuses(report)["ruff"] == "failed"


def test_table_names_each_failed_step_and_how_to_fix_it(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    add_notebook_with_outputs(repo)
    result = runner.invoke(app, ["lint", "-C", str(repo)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "1 of 4 steps failed: notebook outputs" in result.stdout
    assert "scaffold lint --fix" in result.stdout


def test_a_missing_path_is_a_one_line_error(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "scaffold", "lint", "-C", str(repo), "nope.py"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == "error: no such file or folder: nope.py"


def test_a_folder_without_code_has_nothing_to_check(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# notes\n")
    result = runner.invoke(app, ["check", "-C", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Nothing to check here" in result.stdout
    assert "passed" not in result.stdout
