"""Finding and running the project's tools (ruff, black, pytest).

A tool is taken from the project's own environment first, because that is where its plugins
and the project's dependencies live: ``<root>/.venv``, then the active ``$VIRTUAL_ENV``, then
the environment scaffold itself runs in, then ``PATH``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
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


# A step that runs longer is stopped (a tool waiting on a FIFO, a hung test run).
STEP_TIMEOUT = float(os.environ.get("SCAFFOLD_STEP_TIMEOUT", "1800"))
_FINISH_ON_INTERRUPT = 30.0


def run_tool(executable: Path, args: Sequence[str], cwd: Path, writes: bool = False) -> ToolRun:
    """Run a tool with its own environment's bin folder first on PATH, as if activated.

    ``writes``: the tool rewrites files, so on Ctrl-C it may finish (else it is stopped)."""
    command = (str(executable), *args)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(executable.parent), os.environ.get("PATH", "")]),
    }
    try:
        # Its own session: Ctrl-C in the terminal reaches scaffold, which lets a tool that
        # is rewriting files (ruff --fix, the formatter) finish its write before stopping.
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, errors="replace", start_new_session=True,
        )  # fmt: skip
    except OSError as exc:
        return ToolRun(command, 127, f"cannot run {executable}: {exc}")
    stdout, stderr = _communicate(process, command, _FINISH_ON_INTERRUPT if writes else 5.0)
    output = "\n".join(part.rstrip("\n") for part in (stdout, stderr) if part.strip())
    return ToolRun(command, process.returncode, output)


def _communicate(
    process: subprocess.Popen[str], command: Sequence[str], grace: float
) -> tuple[str, str]:
    try:
        return process.communicate(timeout=STEP_TIMEOUT)
    except subprocess.TimeoutExpired:
        _stop(process, signal.SIGKILL)
        stdout, stderr = process.communicate()
        return stdout, f"{stderr}\n{command[0]} stopped after {STEP_TIMEOUT} s (time limit)"
    except BaseException:
        if grace < _FINISH_ON_INTERRUPT:
            _stop(process, signal.SIGINT)
        try:
            process.communicate(timeout=grace)
        except BaseException:
            _stop(process, signal.SIGKILL)
            process.wait()
        raise


def _stop(process: subprocess.Popen[str], signum: int) -> None:
    """Signal the tool and every process it started (its session's group)."""
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signum)
