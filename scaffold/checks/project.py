"""The project being checked: its root, its pyproject settings, its notebooks and tests."""

from __future__ import annotations

import os
import subprocess
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from scaffold.errors import ScaffoldError

ROOT_MARKERS = ("pyproject.toml", ".git")
# Folders never searched for notebooks or tests: environments, caches, build output.
SKIPPED_DIRS = frozenset({"venv", "env", "node_modules", "site-packages", "__pycache__"})


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding pyproject.toml or .git, else ``start``."""
    start = start.expanduser().resolve()
    if not start.is_dir():
        raise ScaffoldError(f"{start} is not a folder")
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return start


def read_pyproject(root: Path) -> dict[str, Any]:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScaffoldError(f"cannot read {path}: {exc}") from exc


def _table(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        value = data.get(key)
        if not isinstance(value, dict):
            return {}
        data = value
    return data


def dev_requirements(pyproject: dict[str, Any]) -> list[str]:
    """Requirement strings of the dev extras and dependency groups (PEP 735, uv, hatch envs)."""
    found: list[str] = []
    extras = _table(pyproject, "project", "optional-dependencies")
    groups = pyproject.get("dependency-groups", {})
    for name in ("dev", "test", "lint", "tests"):
        for source in (extras.get(name), groups.get(name) if isinstance(groups, dict) else None):
            if isinstance(source, list):
                found += [item for item in source if isinstance(item, str)]
    uv_dev = _table(pyproject, "tool", "uv").get("dev-dependencies")
    if isinstance(uv_dev, list):
        found += [item for item in uv_dev if isinstance(item, str)]
    return found


def requirement_name(requirement: str) -> str:
    import re

    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return match.group(1).lower().replace("_", "-") if match else ""


def safe_loader() -> Any:
    """PyYAML's safe loader, the C one (several times faster) when libyaml is there."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def is_template_part(name: str) -> bool:
    """A file or folder name holding Jinja: ``{{ cookiecutter.repo_name }}``, ``{% if x %}``."""
    return "{{" in name or "{%" in name


def template_dirs(files: Iterable[Path]) -> tuple[Path, ...]:
    """The outermost template folders among ``files``' parents (a rendered project's source,
    which no tool can read as it stands: its pyproject.toml holds Jinja)."""
    found: set[Path] = set()
    for path in files:
        for index, part in enumerate(path.parts[:-1]):
            if is_template_part(part):
                found.add(Path(*path.parts[: index + 1]))
                break
    return tuple(sorted(found))


def pre_commit_hooks(root: Path) -> set[str]:
    """The hook ids of the project's .pre-commit-config.yaml (empty when absent or unreadable)."""
    path = root / ".pre-commit-config.yaml"
    if not path.is_file():
        return set()  # and yaml (tens of milliseconds to import) is not needed
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        config = yaml.load(text, Loader=safe_loader())
    except (yaml.YAMLError, UnicodeDecodeError):
        return set()
    repos = config.get("repos", []) if isinstance(config, dict) else []
    hooks = [hook for repo in repos if isinstance(repo, dict) for hook in repo.get("hooks", [])]
    return {str(hook["id"]) for hook in hooks if isinstance(hook, dict) and "id" in hook}


def _hidden_or_skipped(parts: Iterable[str]) -> bool:
    return any(part.startswith(".") or part in SKIPPED_DIRS for part in parts)


@dataclass(frozen=True)
class Project:
    root: Path
    pyproject: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def at(cls, start: Path) -> Project:
        root = find_root(start)
        return cls(root=root, pyproject=read_pyproject(root))

    @property
    def is_git(self) -> bool:
        return (self.root / ".git").exists()

    @cached_property
    def template_dirs(self) -> tuple[Path, ...]:
        """Folders of a cookiecutter/copier template (Jinja in their names), relative."""
        return template_dirs(self.files("*"))

    def files(self, pattern: str, under: Iterable[Path] = ()) -> list[Path]:
        """Files whose name matches ``pattern`` (e.g. ``*.ipynb``), relative to the root, sorted.

        In a git repository git-ignored files are left out; everywhere, hidden folders and
        environments are. ``under`` restricts the search to these files or folders.
        """
        paths = [path for path in self._candidates(pattern) if (self.root / path).is_file()]
        roots = [self.relative(path) for path in under]
        if roots and Path(".") not in roots:
            paths = [p for p in paths if any(p == r or r in p.parents for r in roots)]
        return sorted(paths)

    def special_files(self, *patterns: str) -> list[Path]:
        """FIFOs, devices and the like named like source files: a tool reading one would
        hang, so every step leaves them out."""
        return sorted(  # walked, not asked of git: git never lists such files
            path
            for pattern in patterns
            for path in self._walk(pattern)
            if not _hidden_or_skipped(path.parts[:-1])
            and (self.root / path).exists()
            and not (self.root / path).is_file()
        )

    def _candidates(self, pattern: str) -> list[Path]:
        found = self._git_files(pattern) if self.is_git else None
        if found is None:
            found = list(self._walk(pattern))
        return [path for path in found if not _hidden_or_skipped(path.parts[:-1])]

    def relative(self, path: Path) -> Path:
        absolute = path if path.is_absolute() else self.root / path
        try:
            return absolute.resolve().relative_to(self.root)
        except ValueError:
            return absolute.resolve()

    def _git_files(self, pattern: str) -> list[Path] | None:
        args = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--"]
        try:
            result = subprocess.run(
                [*args, f":(glob)**/{pattern}"], cwd=self.root, capture_output=True, check=False
            )
        except OSError:
            return None
        if result.returncode != 0:
            return None
        names = result.stdout.decode("utf-8", "replace").split("\0")
        return [
            Path(name) for name in dict.fromkeys(names) if name and (self.root / name).is_file()
        ]

    def _walk(self, pattern: str) -> Iterator[Path]:
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = [d for d in dirs if not _hidden_or_skipped([d])]
            base = Path(folder).relative_to(self.root)
            yield from (base / name for name in files if Path(name).match(pattern))
