"""Qualities of the generated code beyond its own checks: fully typed (mypy --strict over the
largest preset) and notebooks committed as nbstripout leaves them."""

from __future__ import annotations

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
