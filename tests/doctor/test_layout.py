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
        dependencies_declared(Repo(tmp_path)).why
        == "pyproject.toml [project] declares no dependencies"
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


SETUP_PY = """\
from setuptools import find_packages, setup

REQUIRES = ["numpy>=1.24", "torch"]

setup(name="research", packages=find_packages(), install_requires=REQUIRES)
"""


def test_a_setup_py_package_is_recognised(tmp_path: Path) -> None:
    write(tmp_path, {"setup.py": SETUP_PY, "research/__init__.py": "", "research/model.py": ""})
    write(tmp_path, {"examples/requirements.txt": "matplotlib\n"})
    write_notebook(tmp_path / "notebooks" / "demo.ipynb", "import research")
    repo = Repo(tmp_path)
    assert package_layout(repo).why == "package research, declared in setup.py"
    assert dependencies_declared(repo).why == "setup.py declares 2 package(s)"
    assert dependencies_lockable(repo).why == "no lock file and 1 unbounded dependencies: torch"


def test_setup_py_reading_requirements_at_build_time_declares_them(tmp_path: Path) -> None:
    setup = "from setuptools import setup\n\nsetup(name='r', install_requires=open('requirements.txt').read().split())\n"
    write(tmp_path, {"setup.py": setup, "requirements.txt": "numpy\n", "r/__init__.py": ""})
    assert dependencies_declared(Repo(tmp_path)).why == "setup.py reads them at build time"


def test_a_setup_cfg_package_is_recognised(tmp_path: Path) -> None:
    cfg = "[metadata]\nname = tool\n\n[options]\ninstall_requires =\n    requests>=2\n    click\n"
    write(
        tmp_path,
        {"setup.cfg": cfg, "pyproject.toml": "[build-system]\nrequires = ['setuptools']\n"},
    )
    write(tmp_path, {"src/tool/__init__.py": ""})
    repo = Repo(tmp_path)
    assert package_layout(repo).why == "package src/tool, declared in setup.cfg"
    assert dependencies_declared(repo).why == "setup.cfg declares 2 package(s)"


def test_a_poetry_package_is_recognised(tmp_path: Path) -> None:
    pyproject = (
        '[tool.poetry]\nname = "app"\nversion = "1"\n\n[tool.poetry.dependencies]\n'
        'python = "^3.10"\npandas = "^2.2"\nrich = "*"\n'
    )
    write(tmp_path, {"pyproject.toml": pyproject, "app/__init__.py": ""})
    repo = Repo(tmp_path)
    assert package_layout(repo).why == "package app, declared in pyproject.toml [tool.poetry]"
    assert dependencies_declared(repo).why == "pyproject.toml [tool.poetry] declares 2 package(s)"
    assert dependencies_lockable(repo).why == "no lock file and 1 unbounded dependencies: rich"


def test_an_examples_requirements_file_is_not_the_projects_declaration(tmp_path: Path) -> None:
    write(tmp_path, {"train.py": "import torch\n", "examples/requirements.txt": "torch\n"})
    repo = Repo(tmp_path)
    assert dependencies_declared(repo).why == "no pyproject.toml to declare them in"
    assert package_layout(repo).why == (
        "no pyproject.toml, so nothing is installable or importable; "
        "the code lives in 1 top-level script(s)"
    )


def test_a_monorepo_of_projects_passes_and_says_so(tmp_path: Path) -> None:
    write(tmp_path, {
        "libs/core/pyproject.toml": GOOD_PYPROJECT, "libs/core/src/core/__init__.py": "",
        "services/api/pyproject.toml": GOOD_PYPROJECT, "services/api/api/__init__.py": "",
    })  # fmt: skip
    repo = Repo(tmp_path)
    assert package_layout(repo).why == (
        "a monorepo of 2 projects (libs/core, services/api); audit each with doctor"
    )
    assert dependencies_declared(repo).status is Status.PASSED


def test_a_fully_pinned_requirements_file_is_a_lock(tmp_path: Path) -> None:
    pinned = "numpy==1.26.4 \\\n    --hash=sha256:abc\nrequests[socks]==2.31.0 ; python_version >= '3.8'\n"
    write(tmp_path, {"setup.py": SETUP_PY, "requirements.txt": pinned})
    assert dependencies_lockable(Repo(tmp_path)).why == (
        "requirements.txt pins every package (==), as pip-compile writes it"
    )
    write(tmp_path, {"requirements.txt": "numpy==1.26.4\nrequests>=2\n"})
    assert dependencies_lockable(Repo(tmp_path)).status is Status.FAILED
