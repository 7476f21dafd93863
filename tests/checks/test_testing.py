"""The pytest step: configuration, coverage thresholds, summaries."""

from __future__ import annotations

import importlib.util
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
