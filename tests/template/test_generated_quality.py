"""Qualities of the generated code beyond its own checks: fully typed (mypy --strict over the
largest preset), notebooks committed as nbstripout leaves them, no print in library code."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.projects import run, tool
from tests.template.conftest import ProjectFactory

pytestmark = pytest.mark.slow


def test_generated_code_passes_mypy_strict(built: ProjectFactory) -> None:
    project = built("full")
    python = str(project / ".venv" / "bin" / "python")
    options = ["--strict", "--ignore-missing-imports", "--cache-dir", "/dev/null"]
    run([tool("mypy"), *options, "--python-executable", python, "src", "tests"], project)


@pytest.mark.parametrize("preset", ["minimal", "full"])
def test_example_notebook_is_already_stripped(preset: str, built: ProjectFactory) -> None:
    project = built(preset)
    notebooks = [str(p) for p in (project / "notebooks").glob("*.ipynb")]
    assert notebooks
    run([tool("nbstripout"), "--verify", *notebooks], project)


def test_print_in_library_code_fails_the_projects_own_lint(
    built: ProjectFactory, tmp_path: Path
) -> None:
    import subprocess

    from tests.projects import copy_project
    from tests.template.conftest import package_of

    project = copy_project(built("minimal"), tmp_path / "p")
    module = project / "src" / package_of(project) / "features.py"
    module.write_text(module.read_text() + '\n\ndef shout() -> None:\n    print("hi")\n')
    ruff = str(project / ".venv" / "bin" / "ruff")
    result = subprocess.run(
        [ruff, "check", "--no-cache", str(module)], cwd=project, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "T201" in result.stdout
