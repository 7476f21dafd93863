"""The repository being audited: its files (as git sees them), pyproject and packages.

Everything is read lazily and once, so that rules stay cheap and independent.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from scaffold.checks.project import is_template_part

T = TypeVar("T")

# Folders never audited: environments, caches, build output, VCS internals.
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".venv", "venv", "env", ".tox", ".nox", "node_modules", "site-packages",
     "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".ipynb_checkpoints",
     "build", "dist"}
)  # fmt: skip
# Top-level folders that hold no importable package of the project.
NOT_PACKAGES = frozenset({"tests", "test", "docs", "notebooks", "scripts", "examples", "configs"})


@dataclass(frozen=True)
class PyprojectRead:
    data: dict[str, Any]
    error: str | None  # why pyproject.toml could not be read, None when fine or absent


def read_pyproject(root: Path) -> PyprojectRead:
    path = root / "pyproject.toml"
    if not path.is_file():
        return PyprojectRead({}, None)
    try:
        return PyprojectRead(tomllib.loads(path.read_text(encoding="utf-8")), None)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return PyprojectRead({}, f"pyproject.toml is not valid TOML ({exc})")


def _git_names(root: Path, *options: str) -> list[str] | None:
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", *options], cwd=root, capture_output=True, check=False
        )
    except OSError:
        return None
    if result.returncode != 0:
        return None
    return [name for name in result.stdout.decode("utf-8", "replace").split("\0") if name]


def walk_files(root: Path) -> list[Path]:
    """Every file under ``root`` outside environments, caches and VCS folders."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        base = Path(folder).relative_to(root)
        found += [base / name for name in files]
    return sorted(found)


class Repo:
    """One repository on disk. Paths it returns are relative to ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._texts: dict[Path, str] = {}
        self._data: dict[Path, bytes | None] = {}
        self._shared: dict[str, Any] = {}

    def shared(self, key: str, compute: Callable[[], T]) -> T:
        """A value computed once per audit and shared by the rules that need it (parsed
        modules, say), so no rule reads or parses a file another one already has."""
        if key not in self._shared:
            self._shared[key] = compute()
        value: T = self._shared[key]
        return value

    @property
    def is_git(self) -> bool:
        """Inside a git work tree (the root itself or a folder of a larger repository)."""
        return self.committed is not None

    @cached_property
    def committed(self) -> frozenset[Path] | None:
        """Files in git's index; None when this is not a git repository."""
        names = _git_names(self.root, "--cached")
        return None if names is None else frozenset(map(Path, names))

    @cached_property
    def untracked(self) -> frozenset[Path]:
        """Files git would add with ``git add -A`` (untracked and not ignored)."""
        names = _git_names(self.root, "--others", "--exclude-standard") if self.is_git else None
        return frozenset(map(Path, names or []))

    @cached_property
    def all_files(self) -> list[Path]:
        """The repository's files: what git tracks or would add, else everything on disk."""
        if self.committed is None:
            return walk_files(self.root)
        names = self.committed | self.untracked
        kept = [p for p in names if not SKIPPED_DIRS.intersection(p.parts[:-1])]
        return sorted(p for p in kept if (self.root / p).is_file())

    @cached_property
    def files(self) -> list[Path]:
        """The repository's own files: ``all_files`` outside template folders (Jinja in their
        names, as in ``{{ cookiecutter.repo_name }}/``), which are not this project's code."""
        return [p for p in self.all_files if not any(map(is_template_part, p.parts[:-1]))]

    def matching(self, pattern: str) -> list[Path]:
        return [path for path in self.files if path.match(pattern)]

    def exists(self, name: str) -> bool:
        return (self.root / name).is_file()

    def text(self, path: Path | str) -> str:
        """A file's text, read once per audit ("" when unreadable or not UTF-8)."""
        key = Path(path)
        if key not in self._texts:
            try:
                self._texts[key] = (self.root / key).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self._texts[key] = ""
        return self._texts[key]

    def data(self, path: Path, max_bytes: int = 2_000_000) -> bytes | None:
        """A file's bytes, read once per audit; None when unreadable or over ``max_bytes``
        (data and models, not configuration)."""
        if path not in self._data:
            try:
                too_big = (self.root / path).stat().st_size > max_bytes
                self._data[path] = None if too_big else (self.root / path).read_bytes()
            except OSError:
                self._data[path] = None
        return self._data[path]

    @cached_property
    def pyproject(self) -> PyprojectRead:
        return read_pyproject(self.root)

    @cached_property
    def project_table(self) -> dict[str, Any]:
        table = self.pyproject.data.get("project")
        return table if isinstance(table, dict) else {}

    @cached_property
    def packages(self) -> list[Path]:
        """Importable packages: ``src/<name>/`` first, else top-level folders with __init__.py."""
        inits = [p for p in self.files if p.name == "__init__.py"]
        src = sorted({p.parent for p in inits if len(p.parts) == 3 and p.parts[0] == "src"})
        if src:
            return src
        top = {p.parent for p in inits if len(p.parts) == 2}
        return sorted(p for p in top if p.name not in NOT_PACKAGES)

    @cached_property
    def package_modules(self) -> list[Path]:
        """The ``.py`` files of the packages (library code and entry points alike)."""
        return [
            path
            for path in self.matching("*.py")
            if any(package in path.parents for package in self.packages)
        ]
