"""The project's own formatter and linter over the code extract writes, in one batch.

Every file is written to a temporary copy of the project's layout (with its ruff/black
configuration files, so per-file settings like ``tests/**`` apply as in the project), then
ONE ``ruff check --fix`` (safe fixes only, imports sorted) and ONE formatter run go over all
of them: a folder of notebooks costs two processes, not two per notebook. Nothing is
required: without the tools the text is left as it is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from scaffold import fileio

_CONFIG_FILES = ("pyproject.toml", "ruff.toml", ".ruff.toml")
# What to do about the rules extracted notebook code breaks most often.
_HINTS = {
    "T201": "log through logging.getLogger(__name__) instead of print",
    "T203": "log through logging.getLogger(__name__) instead of pprint",
    "B007": "rename the unused loop variable to _",
    "E722": "catch the exceptions you expect, not everything",
    "F841": "remove the unused variable",
    "E741": "give the variable a descriptive name",
}


@cache
def find_tool(name: str, root: Path) -> str | None:
    """The project's ``.venv`` copy first, then scaffold's environment, then PATH."""
    for folder in (root / ".venv" / "bin", Path(sys.executable).parent):
        if (folder / name).is_file():
            return str(folder / name)
    return shutil.which(name)


@dataclass
class Job:
    """One file to format: ``path`` relative to the project root; ``fix``: also apply ruff's
    safe fixes and report what remains (the module); otherwise only sort imports."""

    path: str
    text: str
    fix: bool = True
    remaining: list[str] = field(default_factory=list)  # "T201 `print` found (x3): hint"


def uses_black(root: Path) -> bool:
    """The formatter the project runs, as ``scaffold check`` decides it."""
    from scaffold.checks.formatter import detect_formatter

    return detect_formatter(root).tool == "black"


def format_jobs(jobs: list[Job], root: Path, first_party: str = "") -> None:
    """Format every job's text in place (two tool processes for all of them)."""
    ruff = find_tool("ruff", root)
    if not jobs or ruff is None:
        return
    scratch = _scratch_parent(sum(len(job.text) for job in jobs))
    with tempfile.TemporaryDirectory(prefix="scaffold-extract-", dir=scratch) as tmp:
        mirror = Path(tmp)
        for name in _CONFIG_FILES:
            if (root / name).is_file():
                shutil.copyfile(root / name, mirror / name)
        for job in jobs:
            target = mirror / job.path
            target.parent.mkdir(parents=True, exist_ok=True)
            fileio.write_scratch(target, job.text)
        modules = [job for job in jobs if job.fix]
        tests = [job for job in jobs if not job.fix]
        # Two fixers on different files: both run at once.
        fixed = _run_all(
            [
                _fix_command(ruff, mirror, modules, first_party, select=None),
                _fix_command(ruff, mirror, tests, first_party, select="I"),
            ],
            mirror,
        )
        if fixed[0]:
            _remaining(modules, mirror, fixed[0])
        black = find_tool("black", root) if uses_black(root) else None
        files = [str(mirror / job.path) for job in jobs]
        formatter = [black, "--quiet"] if black else [ruff, "format", "--quiet", "--no-cache"]
        command = [*formatter, *files]
        _run(command, mirror)
        for job in jobs:
            job.text = (mirror / job.path).read_text(encoding="utf-8")


def _scratch_parent(size: int) -> str | None:
    """Where the scratch copy goes: memory (``/dev/shm``) when there is room and TMPDIR does
    not say otherwise, else the default temporary folder. Removing a few hundred files the
    tools just rewrote took a second on a busy disk, 0.02 s in memory (measured)."""
    memory = "/dev/shm"
    if "TMPDIR" in os.environ or not os.path.isdir(memory) or not os.access(memory, os.W_OK):
        return None
    try:
        free = os.statvfs(memory)
    except OSError:
        return None
    room = free.f_bavail * free.f_frsize
    return memory if room > 4 * size + 64 * 1024 * 1024 else None


def _fix_command(
    ruff: str, mirror: Path, jobs: list[Job], first_party: str, select: str | None
) -> list[str]:
    """ruff's safe fixes over ``jobs`` (``select``: only those rules), none when no jobs."""
    if not jobs:
        return []
    command = [ruff, "check", "--fix", "--exit-zero", "--output-format", "json", "--no-cache"]
    command += ["--select", select] if select else ["--extend-select", "I"]
    if first_party:  # ruff only knows a module as first-party once its file exists
        command += ["--config", f"lint.isort.known-first-party = [{first_party!r}]"]
    return [*command, *(str(mirror / job.path) for job in jobs)]


def _remaining(jobs: list[Job], mirror: Path, output: str) -> None:
    try:
        found = json.loads(output)
    except ValueError:
        return
    by_file: dict[str, Counter[tuple[str, str]]] = {}
    for violation in found:
        path = Path(violation.get("filename", "")).resolve()
        try:
            rel = path.relative_to(mirror.resolve()).as_posix()
        except ValueError:
            continue
        key = (str(violation.get("code") or "?"), str(violation.get("message", "")))
        by_file.setdefault(rel, Counter())[key] += 1
    for job in jobs:
        for (code, message), count in sorted(by_file.get(job.path, Counter()).items()):
            times = f" (x{count})" if count > 1 else ""
            hint = f": {_HINTS[code]}" if code in _HINTS else ""
            job.remaining.append(f"{code} {message}{times}{hint}")


def _run(args: list[str], cwd: Path) -> str:
    return _run_all([args], cwd)[0]


def _run_all(commands: list[list[str]], cwd: Path) -> list[str]:
    """Each command's output, all started at once ("" for an empty command or one that
    could not run or timed out); none is left running, whatever happens."""
    started: list[subprocess.Popen[str] | None] = []
    try:
        for args in commands:
            started.append(_start(args, cwd) if args else None)
        return [_output(process) for process in started]
    finally:
        for process in started:
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()


def _start(args: list[str], cwd: Path) -> subprocess.Popen[str] | None:
    try:
        return subprocess.Popen(
            args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    except OSError:
        return None


def _output(process: subprocess.Popen[str] | None) -> str:
    if process is None:
        return ""
    try:
        stdout, _ = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        return ""  # killed by _run_all
    return stdout
