"""`make lock` pins every dependency in uv.lock; `make install`, CI and the Dockerfile then
install exactly those versions."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from scaffold.projectenv import find_uv
from tests.projects import copy_project, run
from tests.template.conftest import ProjectFactory
from tests.template.dockerfile import build

pytestmark = pytest.mark.slow


def _locked_version(project: Path, name: str) -> str:
    lock = tomllib.loads((project / "uv.lock").read_text(encoding="utf-8"))
    (version,) = [p["version"] for p in lock["package"] if p["name"] == name]
    return str(version)


def _installed_version(python: Path, module: str) -> str:
    code = f"import {module}; print({module}.__version__)"
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()  # fmt: skip


def test_the_lock_is_what_make_install_and_the_image_install(
    built: ProjectFactory, tmp_path: Path
) -> None:
    project = copy_project(built("standard"), tmp_path / "project")
    (project / ".venv").unlink()  # a fresh environment of its own, from the lock
    uv = find_uv()
    run(["make", "lock", f"UV={uv}"], project)
    locked = _locked_version(project, "scikit-learn")

    result = run(["make", "install", f"UV={uv}"], project)
    assert "installing the locked versions (uv.lock)" in result.stdout
    assert _installed_version(project / ".venv" / "bin" / "python", "sklearn") == locked

    image, _ = build(project, tmp_path / "image")
    assert _installed_version(image.venv / "bin" / "python", "sklearn") == locked

    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    installs = [
        s["run"] for s in workflow["jobs"]["test"]["steps"] if "uv sync" in s.get("run", "")
    ]
    assert installs and "uv sync --locked --extra dev" in installs[0]
