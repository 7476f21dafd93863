"""Building a generated project's virtual environment with uv (``.venv`` + its dev extra)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from scaffold.errors import ScaffoldError


class EnvBuildError(Exception):
    """A command building the environment failed; ``output`` is everything it printed."""

    def __init__(self, message: str, output: str) -> None:
        super().__init__(message)
        self.output = output


def find_uv() -> str:
    """The uv executable: from the uv package when installed, else from PATH."""
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    if found is None:
        raise ScaffoldError("uv is not installed; install it (pip install uv) to build projects")
    return found


def dev_extra(project: Path) -> str:
    """``"[dev]"`` when the project's pyproject.toml declares a dev extra, else ``""``."""
    try:
        data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return ""
    extras = data.get("project", {}).get("optional-dependencies", {})
    return "[dev]" if "dev" in extras else ""


def env_vars(project: Path) -> dict[str, str]:
    """The environment for commands run inside the project's ``.venv``."""
    env = {**os.environ, "VIRTUAL_ENV": str(project / ".venv")}
    env["PATH"] = f"{project / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("CONDA_PREFIX", None)
    env.pop("PYTHONPATH", None)
    return env


def _run(args: list[str], project: Path) -> None:
    result = subprocess.run(
        args, cwd=project, env=env_vars(project), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise EnvBuildError(
            f"{' '.join(args)} exited {result.returncode} in {project}",
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}",
        )


def build_env(project: Path, python: str = sys.executable) -> Path:
    """Create ``project/.venv`` with uv and ``python``; install the project (+ dev extra).

    Returns the environment's ``bin`` folder. Raises EnvBuildError with uv's output.
    """
    uv = find_uv()
    _run([uv, "venv", "--quiet", "--python", python, ".venv"], project)
    _run([uv, "pip", "install", "--quiet", "-e", f".{dev_extra(project)}"], project)
    return project / ".venv" / "bin"
