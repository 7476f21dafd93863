"""Which ruff to run, and with which settings the project gives it.

A project may pin ruff (``required-version``): another ruff refuses to run. The project's own
environment comes first (``tools.ToolLocator``); when its ruff does not match the pin, the
pinned ruff runs through ``uv tool run`` (what ``uvx ruff@X`` does); when that cannot run
either, the step says exactly which version to install. Template folders (Jinja in their
names) are excluded: their pyproject.toml is not TOML until rendered.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold.checks.tools import ToolLocator, run_tool

RUFF_FILES = ("ruff.toml", ".ruff.toml")
# Settings of other linters that a repository without ruff settings may keep.
OTHER_LINTERS = {
    "flake8": ((".flake8", ""), ("setup.cfg", "[flake8]"), ("tox.ini", "[flake8]")),
    "isort": ((".isort.cfg", ""), ("setup.cfg", "[isort]"), ("tox.ini", "[isort]")),
    "pylint": ((".pylintrc", ""), ("pylintrc", ""), ("setup.cfg", "[pylint")),
}


class RuffUnavailable(Exception):
    """No ruff that matches the project can run; ``hint`` says how to get one."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Ruff:
    executable: Path
    prefix: tuple[str, ...] = ()  # ("tool", "run", "--from", "ruff==0.4.4", "ruff") through uv
    note: str = ""  # how this ruff was chosen, when it is not simply the project's


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def ruff_settings(root: Path, pyproject: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """The project's ruff settings and the file holding them (ruff.toml wins, as in ruff)."""
    for name in RUFF_FILES:
        if (root / name).is_file():
            return _read_toml(root / name), name
    tool = pyproject.get("tool", {})
    ruff = tool.get("ruff") if isinstance(tool, dict) else None
    return (ruff, "pyproject.toml") if isinstance(ruff, dict) else None


def required_spec(root: Path, pyproject: dict[str, Any]) -> tuple[str, str] | None:
    """``("==0.4.4", "pyproject.toml")`` when the project pins ruff, else None."""
    settings = ruff_settings(root, pyproject)
    if settings is None or not isinstance(settings[0].get("required-version"), str):
        return None
    spec = settings[0]["required-version"].strip()
    return (f"=={spec}" if spec[:1].isdigit() else spec), settings[1]


def satisfies(version: str, spec: str) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion

    try:
        return SpecifierSet(spec).contains(version, prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return False


def version_of(command: list[str]) -> str | None:
    try:
        result = subprocess.run(
            [*command, "--version"], capture_output=True, text=True, timeout=300, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"ruff (\S+)", result.stdout)
    return match.group(1) if result.returncode == 0 and match else None


def _through_uv(spec: str) -> Ruff | None:
    from scaffold.errors import ScaffoldError
    from scaffold.projectenv import find_uv

    try:
        uv = Path(find_uv())
    except ScaffoldError:
        return None
    prefix = ("tool", "run", "--from", f"ruff{spec}", "ruff")
    version = version_of([str(uv), *prefix])
    if version is None:
        return None
    return Ruff(uv, prefix, f"ruff {version} through uv (the project requires ruff{spec})")


def resolve_ruff(
    root: Path, locator: ToolLocator, spec: str | None, source: str, hint: Callable[[str], str]
) -> Ruff:
    """The ruff to run in ``root``; RuffUnavailable when none matches ``spec``. ``hint``
    says how to get a missing tool into the project's environment."""
    found = locator.find("ruff")
    if spec is None:
        if found is None:
            raise RuffUnavailable(
                "ruff is not installed in the project's environment, scaffold's, or on PATH",
                hint("ruff"),
            )
        return Ruff(found)
    version = version_of([str(found)]) if found else None
    if version is not None and found is not None and satisfies(version, spec):
        return Ruff(found)
    if through_uv := _through_uv(spec):
        return through_uv
    have = f"the ruff found is {version}" if version else "no ruff is installed"
    exact = spec[2:] if spec.startswith("==") else None
    uvx = f"uvx ruff@{exact} check ." if exact else f"uvx --from 'ruff{spec}' ruff check ."
    raise RuffUnavailable(
        f"the project requires ruff{spec} (required-version in {source}); {have}, "
        "and uv could not fetch the pinned one",
        f"install it in the project's environment (uv pip install 'ruff{spec}') or run `{uvx}`",
    )


def run_ruff(ruff: Ruff, args: list[str], cwd: Path, writes: bool = False) -> Any:
    """``writes``: ruff rewrites files (--fix, format), so Ctrl-C lets it finish its write."""
    return run_tool(ruff.executable, [*ruff.prefix, *args], cwd, writes)


def glob_escape(path: Path) -> str:
    """A path as a literal ruff exclude glob (``{``, ``[``, ``*`` and ``?`` escaped)."""
    return re.sub(r"([\\*?\[\]{}])", r"\\\1", path.as_posix())


def other_linters(root: Path) -> list[str]:
    """Linters the repository configures besides ruff, e.g. ``["flake8 (setup.cfg)"]``."""
    found = []
    for linter, places in OTHER_LINTERS.items():
        for name, section in places:
            path = root / name
            text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
            if text is not None and (not section or section in text):
                found.append(f"{linter} ({name})")
                break
    pyproject = _read_toml(root / "pyproject.toml").get("tool", {})
    found += [f"{name} ([tool.{name}])" for name in ("isort", "pylint") if name in pyproject]
    return list(dict.fromkeys(found))
