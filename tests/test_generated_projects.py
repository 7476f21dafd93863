"""The core promise: every preset generates a project whose own lint, format check and tests
pass in its own environment, and whose train and evaluate steps run end to end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import PRESETS
from tests.projects import run, tool

pytestmark = pytest.mark.slow

EXPECTED_FILES = [
    "pyproject.toml",
    "README.md",
    "CONTRIBUTING.md",
    "Makefile",
    ".pre-commit-config.yaml",
    ".gitignore",
    ".env.example",
    ".copier-answers.yml",
    "notebooks/README.md",
    "docs/model_card.md",
    "docs/data_dictionary.md",
    "docs/adr/0001-record-architecture-decisions.md",
    "docs/project-charter.md",
    "docs/glossary.md",
]
PACKAGE_MODULES = [
    "config",
    "logging",
    "data",
    "features",
    "train",
    "evaluate",
    "predict",
    "cli",
    "holdout",
    "registry",
]


def answers(project: Path) -> dict[str, object]:
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_has_the_standard_layout(
    preset: str, generated_project: Callable[[str], Path]
) -> None:
    project = generated_project(preset)
    missing = [name for name in EXPECTED_FILES if not (project / name).is_file()]
    assert missing == []
    package = project / "src" / str(answers(project)["package_name"])
    assert sorted(p.stem for p in package.glob("*.py") if p.stem in PACKAGE_MODULES) == sorted(
        PACKAGE_MODULES
    )
    assert list((project / "notebooks").glob("*.ipynb")), "an example notebook"
    assert answers(project)["preset"] == preset


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_passes_its_own_lint_format_and_tests(
    preset: str, generated_project: Callable[[str], Path]
) -> None:
    project = generated_project(preset)
    venv = project / ".venv" / "bin"
    run([str(venv / "ruff"), "check", "."], project)
    if answers(project)["formatter"] == "black":
        run([str(venv / "black"), "--check", "."], project)
    else:
        run([str(venv / "ruff"), "format", "--check", "."], project)
    # As `make test` and CI run them: with coverage, held to the project's fail_under.
    tests = run([str(venv / "pytest"), "-q", "-p", "no:cacheprovider", "--cov"], project)
    assert "Required test coverage of 85.0% reached" in tests.stdout


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_trains_then_evaluates(
    preset: str, generated_project: Callable[[str], Path], tmp_path: Path
) -> None:
    from tests.projects import copy_project

    project = copy_project(generated_project(preset), tmp_path / "p")
    python = str(project / ".venv" / "bin" / "python")
    package = str(answers(project)["package_name"])
    run([python, "-m", f"{package}.cli", "train"], project)
    assert list((project / "models").glob("*.joblib")), "train saved a model"
    run([python, "-m", f"{package}.cli", "evaluate"], project)
    assert list(project.rglob("metrics.json")), "evaluate wrote metrics.json"


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_pre_commit_config_is_valid(
    preset: str, generated_project: Callable[[str], Path]
) -> None:
    project = generated_project(preset)
    run([tool("pre-commit"), "validate-config", ".pre-commit-config.yaml"], project)


def test_black_formatter_variant_passes_its_own_checks(tmp_path: Path) -> None:
    from tests.projects import build_env, generate

    project = generate(tmp_path / "black-project", "minimal", formatter="black")
    venv = build_env(project)
    run([str(venv / "ruff"), "check", "."], project)
    run([str(venv / "black"), "--check", "."], project)
    run([str(venv / "pytest"), "-q", "-p", "no:cacheprovider"], project)
