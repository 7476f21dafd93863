"""The pytest step: configuration, coverage thresholds, summaries."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest

from scaffold.checks.context import CheckContext
from scaffold.checks.model import Status
from scaffold.checks.project import Project
from scaffold.checks.testing import (
    PytestStep,
    coverage_threshold,
    interpreter_of,
    measures_coverage,
    pytest_summary,
    selects_subset,
)
from tests.checks.repos import PYPROJECT, clean_repo

COVERAGE_TOOLS = ("pytest_cov", "coverage")


def project(tmp_path: Path, extra: str = "") -> Project:
    return Project.at(clean_repo(tmp_path, pyproject=PYPROJECT + extra))


def test_threshold_comes_from_pyproject_or_coveragerc(tmp_path: Path) -> None:
    assert coverage_threshold(project(tmp_path / "a")) is None
    assert (
        coverage_threshold(project(tmp_path / "b", "\n[tool.coverage.report]\nfail_under = 85\n"))
        == 85
    )
    rc = project(tmp_path / "c")
    (rc.root / ".coveragerc").write_text("[report]\nfail_under = 70.5\n")
    assert coverage_threshold(rc) == 70.5


def test_cov_in_addopts_or_arguments_means_pytest_measures_coverage(tmp_path: Path) -> None:
    plain = project(tmp_path / "a")
    assert not measures_coverage(plain, ())
    assert measures_coverage(plain, ("--cov=tiny",))
    configured = project(tmp_path / "b")
    text = (configured.root / "pyproject.toml").read_text()
    (configured.root / "pyproject.toml").write_text(text + 'addopts = "-q --cov=tiny"\n')
    assert measures_coverage(Project.at(configured.root), ())
    ini = project(tmp_path / "c")
    (ini.root / "pytest.ini").write_text("[pytest]\naddopts = --cov --cov-report=term\n")
    assert measures_coverage(ini, ())


def test_a_scripts_interpreter_is_its_sibling_python() -> None:
    import sys

    pytest_script = Path(sys.executable).parent / "pytest"
    assert interpreter_of(pytest_script) == Path(sys.executable).parent / "python"


@pytest.mark.parametrize(
    ("output", "summary"),
    [
        ("collected 3 items\n\n=== 2 passed, 1 failed in 0.20s ===\n", "2 passed, 1 failed in 0.20s"),
        ("..\n2 passed in 0.01s\n", "2 passed in 0.01s"),
        ("\n=== no tests ran in 0.01s ===\n", "no tests ran in 0.01s"),
        ("ERROR: usage: pytest [options]\n", "ERROR: usage: pytest [options]"),
    ],
)  # fmt: skip
def test_summary_is_pytests_closing_line(output: str, summary: str) -> None:
    assert pytest_summary(output) == summary


@pytest.mark.skipif(
    any(importlib.util.find_spec(name) for name in COVERAGE_TOOLS),
    reason="needs an environment without pytest-cov and coverage",
)
def test_a_threshold_that_cannot_be_measured_fails_with_how_to_measure_it(tmp_path: Path) -> None:
    configured = project(tmp_path, "\n[tool.coverage.report]\nfail_under = 80\n")
    outcome = PytestStep(CheckContext.create(configured.root)).run()
    assert outcome.status is Status.FAILED
    assert outcome.summary.startswith("1 passed")
    assert outcome.summary.endswith("coverage threshold 80% not checked")
    assert "pip install pytest-cov" in outcome.fix_hint


def test_a_usage_error_names_the_exit_code(tmp_path: Path) -> None:
    context = CheckContext.create(project(tmp_path).root, pytest_args=("--no-such-option",))
    outcome = PytestStep(context).run()
    assert outcome.status is Status.FAILED
    assert outcome.fix_hint.startswith("pytest exited 4")


UNCOVERED = """\
def add(a: int, b: int) -> int:
    return a + b


def never_called(a: int) -> int:
    if a > 0:
        return a
    return -a
"""
STRICT = "\n[tool.coverage.report]\nfail_under = 95\n"


def under_covered(tmp_path: Path, venv: Path) -> Path:
    """A project with an untested function (coverage well below 95%) using ``venv``."""
    root = project(tmp_path, STRICT).root
    (root / "src" / "tiny" / "maths.py").write_text(UNCOVERED)
    (root / ".venv").symlink_to(venv, target_is_directory=True)
    return root


@pytest.mark.parametrize(
    "packages", [("pytest", "pytest-cov"), ("pytest", "coverage")], ids=["pytest-cov", "coverage"]
)
def test_coverage_below_the_threshold_fails_with_the_figures(
    tmp_path: Path, tool_venv: Callable[..., Path], packages: tuple[str, ...]
) -> None:
    root = under_covered(tmp_path, tool_venv(*packages))
    outcome = PytestStep(CheckContext.create(root)).run()
    assert outcome.status is Status.FAILED, outcome.output
    assert outcome.summary.startswith("1 passed")
    assert "required 95%" in outcome.summary
    assert outcome.fix_hint == "add tests: coverage is below the required threshold"
    assert Path(outcome.command[0]).parent == root / ".venv" / "bin"


def test_a_selection_of_tests_is_not_held_to_the_threshold(
    tmp_path: Path, tool_venv: Callable[..., Path]
) -> None:
    root = under_covered(tmp_path, tool_venv("pytest", "pytest-cov"))
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(text.replace("[tool.pytest.ini_options]\n",
                                                      '[tool.pytest.ini_options]\naddopts = "--cov=tiny"\n'))  # fmt: skip
    context = CheckContext.create(root, pytest_args=("-k", "add"))
    outcome = PytestStep(context).run()
    assert outcome.status is Status.PASSED, outcome.output
    assert outcome.summary.endswith("coverage threshold 95% not enforced on a selection")
    assert "--cov-fail-under=0" in outcome.command
    everything = PytestStep(CheckContext.create(root)).run()
    assert everything.status is Status.FAILED  # the whole suite still is


def test_a_selection_that_matches_nothing_fails_saying_so(tmp_path: Path) -> None:
    root = project(tmp_path, STRICT).root
    outcome = PytestStep(CheckContext.create(root, pytest_args=("-k", "churn"))).run()
    assert outcome.status is Status.FAILED
    assert outcome.summary == "no tests matched: -k churn"
    assert "--collect-only" in outcome.fix_hint


@pytest.mark.parametrize(
    ("args", "subset"),
    [((), False), (("-q", "-v"), False), (("-k", "x"), True), (("tests/test_a.py",), True),
     (("tests/test_a.py::test_b",), True), (("-x",), True), (("--lf",), True),
     (("-mslow",), True)],
)  # fmt: skip
def test_which_arguments_select_a_subset(args: tuple[str, ...], subset: bool) -> None:
    assert selects_subset(args) is subset


def test_an_uninstalled_project_is_told_to_install_itself(tmp_path: Path) -> None:
    root = clean_repo(tmp_path, pyproject='[project]\nname = "tiny"\nversion = "0.1.0"\n')
    outcome = PytestStep(CheckContext.create(root)).run()
    assert outcome.status is Status.FAILED
    assert outcome.fix_hint == (
        "the project itself is not installed in its environment: run pip install -e ."
    )
    (root / "Makefile").write_text("install:\n\tpip install -e .\n")
    outcome = PytestStep(CheckContext.create(root)).run()
    assert outcome.fix_hint.endswith("run make install")


def test_a_missing_third_party_module_is_named(tmp_path: Path) -> None:
    root = project(tmp_path).root
    (root / "tests" / "test_maths.py").write_text(
        "import zz_not_installed\n\n\ndef test_x():\n    pass\n"
    )
    outcome = PytestStep(CheckContext.create(root)).run()
    assert outcome.status is Status.FAILED
    assert outcome.fix_hint == (
        "the tests need 'zz_not_installed', which the project does not declare: add it to the "
        "dependencies (uv add zz_not_installed, or [project].dependencies), then run pip install -e ."
    )
