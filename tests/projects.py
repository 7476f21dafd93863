"""Generating projects from the bundled template and building their environments, for tests.

Building an environment is the slow part (uv installs scikit-learn and friends), so the
fixtures in conftest.py share one generated project per preset across the whole session.
Tests that modify a project must work on a copy (``copy_project``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from scaffold import projectenv
from scaffold.commands.new import NewOptions, create_project

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A tool from the test environment (the [test] extra), else from PATH."""
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed; run: pip install -e '.[test]'")
    return found


def generate(dest: Path, preset: str, git: bool = True, **data: str) -> Path:
    options = NewOptions(dest=dest, preset=preset, data=dict(data), defaults=True, git=git)
    return create_project(options).render.dest


def build_env(project: Path) -> Path:
    """Create ``project/.venv`` with uv and the interpreter running the tests; install [dev]."""
    try:
        return projectenv.build_env(project)
    except projectenv.EnvBuildError as exc:
        raise AssertionError(f"{exc}\n{exc.output}") from exc


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure, fail with its whole output (what a person would need)."""
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} exited {result.returncode} in {cwd}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
    return result


def copy_project(project: Path, dest: Path) -> Path:
    """A copy of a generated project (with its .venv symlinked, not copied) to modify freely."""
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns(".venv"), symlinks=True)
    if (project / ".venv").exists():
        (dest / ".venv").symlink_to(project / ".venv", target_is_directory=True)
    return dest
