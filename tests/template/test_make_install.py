"""`make install` for someone who installed only scaffold: uv found beside it or not at all.

The Makefile never lets uv download an interpreter: a Python the project asks for that is not
on the machine is named, with the interpreters that were found.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold.projectenv import find_uv
from tests.projects import generate

pytestmark = pytest.mark.slow


def _path_without_uv(tmp_path: Path) -> str:
    """PATH with a folder holding only python3.X and make: no uv anywhere on it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    (bin_dir / version).symlink_to(sys.executable)
    for name in ("make", "sh", "grep", "awk", "ls", "tr", "sort", "git", "env", "cat"):
        found = shutil.which(name)
        if found:
            (bin_dir / name).symlink_to(found)
    return str(bin_dir)


def _make(project: Path, path: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    return subprocess.run(
        ["make", "install", *args],
        cwd=project,
        env={**env, "PATH": path},
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_without_uv_make_install_falls_back_to_venv_and_pip(tmp_path: Path) -> None:
    project = generate(tmp_path / "proj", "minimal")
    result = _make(project, _path_without_uv(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "note: uv not found" in result.stdout
    python = project / ".venv" / "bin" / "python"
    subprocess.run([str(python), "-c", "import sklearn, pytest, ruff"], check=True)
    assert (project / ".git" / "hooks" / "pre-commit").is_file()  # the hooks were installed


def test_with_uv_a_missing_python_is_named_never_downloaded(tmp_path: Path) -> None:
    project = generate(tmp_path / "proj", "minimal", git=False, python_version="3.97")
    uv = find_uv()
    env_path = _path_without_uv(tmp_path)
    result = _make(project, env_path, f"UV={uv}")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "error: Python 3.97 is not installed here; interpreters found:" in output
    assert sys.executable.split("/")[-1] in output or "cpython-3." in output
    assert "Downloading" not in output and not (project / ".venv" / "bin" / "python").exists()
