"""The project's own formatter and import sorter, when installed; none is required."""

from __future__ import annotations

import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path


@cache
def find_tool(name: str, root: Path) -> str | None:
    """The project's ``.venv`` copy first, then scaffold's environment, then PATH."""
    for folder in (root / ".venv" / "bin", Path(sys.executable).parent):
        if (folder / name).is_file():
            return str(folder / name)
    return shutil.which(name)


def _run(args: list[str], text: str, root: Path) -> str | None:
    try:
        result = subprocess.run(
            args, input=text, cwd=root, capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 and result.stdout else None


def uses_black(root: Path) -> bool:
    try:
        return "[tool.black]" in (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return False


def format_python(
    text: str, target: Path, root: Path, sort_imports: bool = True, first_party: str = ""
) -> str:
    """``text`` with imports sorted (ruff) and formatted (black when the project configures
    it, else ruff); unchanged when the tools are missing."""
    ruff = find_tool("ruff", root)
    filename = ["--stdin-filename", str(target)]
    if ruff and sort_imports:
        fix = [ruff, "check", "--select", "I", "--fix", "--exit-zero", "--quiet", *filename]
        if first_party:  # ruff only knows a module as first-party once its file exists
            fix += ["--config", f"lint.isort.known-first-party = [{first_party!r}]"]
        fix.append("-")
        text = _run(fix, text, root) or text
    black = find_tool("black", root) if uses_black(root) else None
    if black:
        return _run([black, "--quiet", *filename, "-"], text, root) or text
    if ruff:
        return _run([ruff, "format", "--quiet", *filename, "-"], text, root) or text
    return text
