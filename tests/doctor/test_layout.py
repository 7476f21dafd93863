"""package.layout, deps.declared, deps.lockable."""

from __future__ import annotations

from pathlib import Path

from scaffold.doctor.layout import (
    dependencies_declared,
    dependencies_lockable,
    package_layout,
    unbounded,
)
from scaffold.doctor.model import Status
from scaffold.doctor.repo import Repo
from tests.checks.repos import write_notebook
from tests.doctor.repos import GOOD_PYPROJECT, write


def test_src_package_with_pyproject_passes(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": GOOD_PYPROJECT, "src/tiny/__init__.py": ""})
    finding = package_layout(Repo(tmp_path))
    assert finding.status is Status.PASSED
    assert "src/tiny" in finding.why


def test_top_level_package_passes_but_tests_folder_is_not_a_package(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": GOOD_PYPROJECT, "tests/__init__.py": ""})
    assert package_layout(Repo(tmp_path)).status is Status.FAILED
    write(tmp_path, {"tiny/__init__.py": ""})
    assert package_layout(Repo(tmp_path)).status is Status.PASSED


def test_code_only_in_notebooks_is_named(tmp_path: Path) -> None:
    write_notebook(tmp_path / "explore.ipynb", "x = 1")
    finding = package_layout(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert "1 notebook" in finding.why


def test_broken_pyproject_fails_with_the_reason(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project\nname = 'x'\n", "src/x/__init__.py": ""})
    finding = package_layout(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert "not valid TOML" in finding.why


def test_pyproject_without_project_name_fails(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.ruff]\n", "src/x/__init__.py": ""})
    assert "no [project] name" in package_layout(Repo(tmp_path)).why


def test_dependencies_only_in_requirements_txt_are_not_declared(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n", "requirements.txt": "pandas\n"})
    finding = dependencies_declared(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert "requirements.txt" in finding.why


def test_no_pyproject_says_so_for_dependencies(tmp_path: Path) -> None:
    write(tmp_path, {"analysis.py": "import pandas\n"})
    assert dependencies_declared(Repo(tmp_path)).why == "no pyproject.toml to declare them in"
    write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n"})
    assert (
        dependencies_declared(Repo(tmp_path)).why == "pyproject.toml has no [project].dependencies"
    )


def test_declared_and_dynamic_dependencies_pass(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": GOOD_PYPROJECT})
    assert dependencies_declared(Repo(tmp_path)).status is Status.PASSED
    write(tmp_path, {"pyproject.toml": "[project]\nname='x'\ndynamic=['dependencies']\n"})
    assert dependencies_declared(Repo(tmp_path)).status is Status.PASSED


def test_unbounded_requirements_are_the_ones_without_specifier_or_url() -> None:
    requirements = [
        "pandas",
        "numpy>=1.26",
        "scikit-learn[all] ~= 1.4",
        "torch @ https://example.org/torch.whl",
        "requests; python_version < '3.12'",
        "attrs (>=23)",
    ]
    assert unbounded(requirements) == ["pandas", "requests; python_version < '3.12'"]


def test_unbounded_dependencies_without_lock_file_fail_and_are_named(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project]\nname='x'\ndependencies=['pandas', 'a>=1']\n"})
    finding = dependencies_lockable(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert "1 unbounded dependencies: pandas" in finding.why
    write(tmp_path, {"uv.lock": "version = 1\n"})
    assert dependencies_lockable(Repo(tmp_path)).status is Status.PASSED


def test_lockable_skips_without_dependencies(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[project]\nname='x'\ndependencies=[]\n"})
    assert dependencies_lockable(Repo(tmp_path)).status is Status.SKIPPED
