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


# Real-world shapes (issue 17): the fix hint names what is true of this repository.

NEEDS_PYJOKES = (
    "import pyjokes_not_here\n\n\ndef test_joke() -> None:\n    assert pyjokes_not_here\n"
)


def test_a_declared_but_missing_package_is_fixed_by_building_the_environment(
    tmp_path: Path,
) -> None:
    pyproject = (
        '[project]\nname = "tiny"\nversion = "0.1.0"\ndependencies = ["pyjokes-not-here>=0.6"]\n'
        '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n'
    )
    repo = clean_repo(tmp_path, pyproject=pyproject)
    (repo / "tests" / "test_joke.py").write_text(NEEDS_PYJOKES)
    (repo / "Makefile").write_text("test:\n\tpytest\n\nlint:\n\truff check .\n")
    code, step = run_test("-C", str(repo))
    assert code == 1
    assert step["fix_hint"] == (
        "'pyjokes_not_here' is declared (pyproject.toml [project]) but not installed: "
        "build the environment (pip install -e .)"
    )


def test_a_poetry_project_is_built_with_poetry(tmp_path: Path) -> None:
    pyproject = (
        '[tool.poetry]\nname = "tiny"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\n'
        'python = "^3.10"\n\n[tool.poetry.group.dev.dependencies]\npyjokes-not-here = "^0.6"\n'
        '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n'
    )
    repo = clean_repo(tmp_path, pyproject=pyproject)
    (repo / "tests" / "test_joke.py").write_text(NEEDS_PYJOKES)
    code, step = run_test("-C", str(repo))
    assert code == 1
    assert step["fix_hint"] == (
        "'pyjokes_not_here' is declared (pyproject.toml [tool.poetry]) but not installed: "
        "build the environment (poetry install)"
    )


def test_a_setup_py_project_without_an_install_target_is_not_told_make_install(
    tmp_path: Path,
) -> None:
    repo = clean_repo(tmp_path, pyproject="[tool.pytest.ini_options]\n")
    (repo / "setup.py").write_text(
        "from setuptools import setup\n\nREQUIRES = ['pyjokes_not_here']\n"
        "setup(name='tiny', install_requires=REQUIRES)\n"
    )
    (repo / "Makefile").write_text("test:\n\tpytest\n")
    (repo / "tests" / "test_joke.py").write_text(NEEDS_PYJOKES)
    code, step = run_test("-C", str(repo), "--", "tests/test_joke.py")
    assert code == 1
    assert step["fix_hint"] == (
        "'pyjokes_not_here' is declared (setup.py) but not installed: "
        "build the environment (pip install -e .)"
    )
