"""``scaffold lint`` on small plain repositories, with the dev environment's ruff and black."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scaffold.cli import app
from tests.checks import shapes
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
    assert "[tool.black] in pyproject.toml" in step["summary"]


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


# Real-world shapes (issue 17): repositories scaffold did not generate.


def step_of(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(step for step in report["steps"] if step["name"] == name)


def test_a_relative_project_dir_with_paths_checks_those_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = clean_repo(tmp_path / "relc")
    add_lint_error(repo)
    monkeypatch.chdir(tmp_path)
    code, report = lint_json("-C", "relc", "src")
    assert code == 1
    assert step_of(report, "ruff")["status"] == "failed"
    assert "loader.py" in step_of(report, "ruff")["output"]


def test_named_paths_without_code_are_an_error_not_a_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = clean_repo(tmp_path / "relc")
    (repo / "docs").mkdir()
    (repo / "docs" / "index.md").write_text("# docs\n")
    monkeypatch.chdir(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "scaffold", "lint", "-C", "relc", "docs"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == "error: no Python files or notebooks to check in docs"


def test_the_formatter_the_repo_runs_beats_a_bare_black_section(tmp_path: Path) -> None:
    repo = shapes.black_configured_ruff_run(tmp_path)
    scale = shapes.write(repo, {"src/tidy/scale.py": shapes.UNFORMATTED}) / "src/tidy/scale.py"
    code, report = lint_json("--fix", "-C", str(repo))
    assert code == 0, report
    step = step_of(report, "format")
    assert step["command"][1:3] == ["format", "--force-exclude"]
    assert Path(step["command"][0]).name == "ruff"
    assert "pre-commit hook ruff-format" in step["summary"]
    assert "not black ([tool.black] in pyproject.toml)" in step["summary"]
    assert "x * 2.0" in scale.read_text()


def test_conflicting_formatters_make_fix_leave_formatting_alone(tmp_path: Path) -> None:
    repo = shapes.conflicting_formatters(tmp_path)
    scale = shapes.write(repo, {"src/tidy/scale.py": shapes.UNFORMATTED}) / "src/tidy/scale.py"
    code, report = lint_json("--fix", "-C", str(repo))
    assert code == 1
    step = step_of(report, "format")
    assert step["status"] == "failed"
    assert step["summary"] == (
        "ambiguous formatter, nothing reformatted: black (pre-commit hook black); "
        "ruff (Makefile runs `ruff format`)"
    )
    assert "--formatter ruff|black" in step["fix_hint"]
    assert "[tool.scaffold]" in step["fix_hint"]
    assert scale.read_text() == shapes.UNFORMATTED
    code, report = lint_json("--fix", "--formatter", "ruff", "-C", str(repo))
    assert code == 0, report
    assert "x * 2.0" in scale.read_text()
    assert step_of(report, "format")["summary"].startswith("ruff (--formatter)")


def test_the_tool_scaffold_setting_chooses_the_formatter(tmp_path: Path) -> None:
    repo = shapes.conflicting_formatters(tmp_path)
    with (repo / "pyproject.toml").open("a") as handle:
        handle.write('\n[tool.scaffold]\nformatter = "black"\n')
    shapes.write(repo, {"src/tidy/scale.py": shapes.UNFORMATTED})
    code, report = lint_json("-C", str(repo))
    assert code == 1
    step = step_of(report, "format")
    assert Path(step["command"][0]).name == "black"
    assert step["summary"].startswith("black ([tool.scaffold] formatter)")


def test_an_unknown_formatter_is_a_one_line_error(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "scaffold", "lint", "--formatter", "yapf", "-C", str(repo)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == "error: --formatter must be ruff or black, not 'yapf'"


def installed_ruff_version() -> str:
    output = subprocess.run(
        [str(Path(sys.executable).parent / "ruff"), "--version"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return output.split()[1]


def test_a_pin_the_installed_ruff_meets_runs_it(tmp_path: Path) -> None:
    pin = f'\n[tool.ruff]\nrequired-version = "{installed_ruff_version()}"\n'
    repo = clean_repo(tmp_path, pyproject=shapes_pyproject(pin))
    code, report = lint_json("-C", str(repo))
    assert code == 0, report
    assert Path(step_of(report, "ruff")["command"][0]).name == "ruff"


def shapes_pyproject(extra: str) -> str:
    from tests.checks.repos import PYPROJECT

    return PYPROJECT + extra


def test_a_pinned_ruff_that_cannot_be_fetched_says_exactly_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UV_OFFLINE", "1")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "empty-uv-cache"))
    repo = clean_repo(
        tmp_path / "repo", pyproject=shapes_pyproject('\n[tool.ruff]\nrequired-version = "0.1.0"\n')
    )
    code, report = lint_json("-C", str(repo))
    assert code == 1
    ruff = step_of(report, "ruff")
    assert ruff["summary"].startswith(
        "the project requires ruff==0.1.0 (required-version in pyproject.toml); "
        f"the ruff found is {installed_ruff_version()}"
    )
    assert ruff["fix_hint"] == (
        "install it in the project's environment (uv pip install 'ruff==0.1.0') "
        "or run `uvx ruff@0.1.0 check .`"
    )
    assert "scaffold lint --fix" not in json.dumps(report)


def test_a_pinned_ruff_runs_through_uv(tmp_path: Path) -> None:
    repo = clean_repo(
        tmp_path, pyproject=shapes_pyproject('\n[tool.ruff]\nrequired-version = "0.6.9"\n')
    )
    add_lint_error(repo)
    code, report = lint_json("-C", str(repo))
    ruff = step_of(report, "ruff")
    if ruff["summary"].startswith("the project requires"):
        pytest.skip(f"uv cannot fetch ruff 0.6.9 here: {ruff['summary']}")
    assert code == 1
    assert ruff["command"][1:6] == ["tool", "run", "--from", "ruff==0.6.9", "ruff"]
    assert "ruff 0.6.9 through uv (the project requires ruff==0.6.9)" in ruff["summary"]
    assert "F401" in ruff["output"]


def test_ruff_defaults_in_a_flake8_repository_are_said_plainly(tmp_path: Path) -> None:
    repo = shapes.flake8_only(tmp_path)
    code, report = lint_json("-C", str(repo))
    assert code == 1
    ruff = step_of(report, "ruff")
    assert "F401" in ruff["output"]
    assert ruff["summary"].endswith(
        "(ruff's default rules (no ruff settings; the repo configures flake8 (setup.cfg), "
        "isort (setup.cfg)))"
    )
    assert ruff["fix_hint"].startswith("these are ruff's defaults, not the repo's rules")


def test_a_cookiecutter_template_repository_lints_without_its_template_folder(
    tmp_path: Path,
) -> None:
    repo = shapes.cookiecutter_template(tmp_path)
    code, report = lint_json("-C", str(repo))
    assert code == 0, report
    assert statuses(report)["ruff"] == statuses(report)["format"] == "passed"
    shapes.write(repo, {"hooks/pre_gen_project.py": "import sys\n"})
    code, report = lint_json("-C", str(repo))
    assert code == 1
    assert "hooks/pre_gen_project.py" in step_of(report, "ruff")["output"]
    assert "cookiecutter.repo_name" not in step_of(report, "ruff")["output"]


def test_lint_without_fix_changes_nothing_in_the_repository(tmp_path: Path) -> None:
    repo = shapes.conflicting_formatters(tmp_path)
    shapes.write(repo, {"src/tidy/scale.py": shapes.UNFORMATTED, "src/tidy/bad.py": "import os\n"})
    add_notebook_with_outputs(repo)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=repo, check=True)
    code, report = lint_json("-C", str(repo), "--formatter", "ruff")
    assert code == 1
    assert statuses(report) == dict.fromkeys(["ruff", "notebook outputs", "format"], "failed") | {
        "notebook ruff": "passed"
    }
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True
    )
    assert status.stdout == ""
