"""tests.present: test files found, and collected by the project's own pytest when it has one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scaffold.doctor.model import Status
from scaffold.doctor.repo import Repo
from scaffold.doctor.testing import collected_tests
from tests.checks.repos import PYPROJECT, TEST_MATHS, clean_repo
from tests.doctor.repos import write


def give_project_pytest(root: Path) -> None:
    """A .venv/bin/pytest that runs the real pytest of the interpreter running these tests."""
    script = root / ".venv" / "bin" / "pytest"
    script.parent.mkdir(parents=True)
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pytest "$@"\n', encoding="utf-8")
    script.chmod(0o755)


def test_no_test_files_fails(tmp_path: Path) -> None:
    write(tmp_path, {"src/pkg/__init__.py": "", "src/pkg/testing_utils.py": ""})
    finding = collected_tests(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert finding.why == "no test files (test_*.py or *_test.py)"


def test_without_a_project_environment_tests_are_found_by_their_names(tmp_path: Path) -> None:
    write(tmp_path, {
        "tests/test_a.py": "def test_one():\n    pass\n\n\ndef helper():\n    pass\n",
        "pkg/b_test.py": "class TestB:\n    def test_two(self):\n        pass\n\n"
                         "    async def test_three(self):\n        pass\n",
        "tests/test_c.py": "class Helper:\n    def test_not_collected(self):\n        pass\n",
    })  # fmt: skip
    finding = collected_tests(Repo(tmp_path))
    assert finding.status is Status.PASSED
    assert finding.why.startswith("3 tests in 3 files by pytest's naming rules")


def test_without_a_project_environment_empty_test_files_fail(tmp_path: Path) -> None:
    write(tmp_path, {"tests/test_a.py": "", "tests/test_b.py": "import os\n"})
    finding = collected_tests(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert finding.why == "2 test file(s) but no test functions (test_* names)"


def test_without_a_project_environment_a_broken_test_file_fails(tmp_path: Path) -> None:
    write(tmp_path, {"tests/test_a.py": "def test_x(:\n"})
    finding = collected_tests(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert finding.why == "tests/test_a.py does not parse"


def test_the_projects_pytest_collects_the_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = clean_repo(tmp_path / "repo")
    write(repo, {"tests/test_more.py": "def test_one():\n    pass\n\ndef test_two():\n    pass\n"})
    give_project_pytest(repo)
    finding = collected_tests(Repo(repo))
    assert finding.why == "the project's pytest collects 3 tests"
    assert not (repo / ".pytest_cache").exists()
    assert not list(repo.rglob("__pycache__")), "bytecode written into the audited repository"
    cached = list((tmp_path / "cache" / "scaffold" / "pycache").rglob("test_more*.pyc"))
    assert cached, "the project's compiled imports are kept in scaffold's cache"


def test_collection_errors_fail(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": PYPROJECT, "tests/test_maths.py": TEST_MATHS})
    give_project_pytest(tmp_path)  # tiny.maths does not exist: the import fails
    finding = collected_tests(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert finding.why == "the project's pytest cannot collect the tests: 1 collection error(s)"


def test_test_files_without_tests_fail_when_collected(tmp_path: Path) -> None:
    write(tmp_path, {"tests/test_empty.py": "import os\n"})
    give_project_pytest(tmp_path)
    assert collected_tests(Repo(tmp_path)).why == "the project's pytest collects no tests"
