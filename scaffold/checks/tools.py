"""Finding and running the project's tools (ruff, black, pytest).

A tool is taken from the project's own environment first, because that is where its plugins
and the project's dependencies live: ``<root>/.venv``, then the active ``$VIRTUAL_ENV``, then
the environment scaffold itself runs in, then ``PATH``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BIN = "Scripts" if sys.platform == "win32" else "bin"


def candidate_dirs(root: Path) -> list[Path]:
    dirs = [root / ".venv" / BIN]
    if active := os.environ.get("VIRTUAL_ENV"):
        dirs.append(Path(active) / BIN)
    dirs.append(Path(sys.executable).parent)  # not resolved: a venv's bin/python is a symlink
    return list(dict.fromkeys(dirs))


@dataclass(frozen=True)
class ToolLocator:
    """Where to look for tools; ``search_path`` is None for ``$PATH``, "" for nowhere."""

    dirs: tuple[Path, ...]
    search_path: str | None = None

    @classmethod
    def for_project(cls, root: Path) -> ToolLocator:
        return cls(tuple(candidate_dirs(root)))

    def find(self, name: str) -> Path | None:
        for folder in self.dirs:
            found = shutil.which(name, path=str(folder))
            if found:
                return Path(found)
        on_path = shutil.which(name, path=self.search_path)
        return Path(on_path) if on_path else None


def install_hint(package: str) -> str:
    """How to get a missing tool into the project's environment."""
    if shutil.which("uv"):
        return f"uv pip install {package}  (or add it to your dev dependencies)"
    return f"python -m pip install {package}  (or add it to your dev dependencies)"


@dataclass(frozen=True)
class ToolRun:
    command: tuple[str, ...]
    returncode: int
    output: str  # stdout then stderr, as a person reading the terminal would see them


def run_tool(executable: Path, args: Sequence[str], cwd: Path) -> ToolRun:
    """Run a tool with its own environment's bin folder first on PATH, as if activated."""
    command = (str(executable), *args)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(executable.parent), os.environ.get("PATH", "")]),
    }
    try:
        result = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, errors="replace", check=False
        )
    except OSError as exc:
        return ToolRun(command, 127, f"cannot run {executable}: {exc}")
    output = "\n".join(part.rstrip("\n") for part in (result.stdout, result.stderr) if part.strip())
    return ToolRun(command, result.returncode, output)
