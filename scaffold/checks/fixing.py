"""``--fix`` as a transaction: the fixers rewrite copies, then scaffold writes the result back.

ruff and black rewrite files in place (truncate, then write), so a Ctrl-C, SIGTERM or kill
in the middle of their run could leave a user's file empty or half-written. With ``--fix``
the lint steps run in a scratch mirror of the project (its Python files, notebooks and the
configuration that decides what the tools do, at the same paths); the last step compares
the copies with the originals and writes the changed files back through ``fileio``: staged
first, then renamed in with signals held. An interrupt before that step leaves every file
as it was; a file the user changed meanwhile stops the write (nothing is written).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from scaffold.checks.context import CheckContext
from scaffold.checks.model import Outcome, Status, plural

PREFIX = "scaffold-fix-"
SOURCES = (".py", ".pyi", ".ipynb")
# What decides what ruff, black and the notebook step do with a file, wherever it lies.
CONFIGS = frozenset({"pyproject.toml", "ruff.toml", ".ruff.toml", ".gitignore", "setup.cfg"})
# Never mirrored: version control, environments and caches (no fixer touches them).
SKIPPED = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__",
     ".mypy_cache", ".ruff_cache", ".pytest_cache", ".ipynb_checkpoints", "site-packages"}
)  # fmt: skip


@dataclass
class Mirror:
    """The scratch copy: ``root`` mirrors the project's root; ``originals`` maps each copied
    source (relative) to the bytes it had when copied."""

    root: Path
    originals: dict[Path, bytes] = field(default_factory=dict)


@contextmanager
def fixing_in_scratch(context: CheckContext) -> Iterator[CheckContext]:
    """The context whose fixers write into a mirror of the project; removed afterwards."""
    from scaffold.fileio import signals_held
    from scaffold.staging import remove_stale

    base = Path(tempfile.gettempdir())
    remove_stale(base, PREFIX)
    scratch: Path | None = None
    try:
        with signals_held():  # the folder exists only once its removal is certain
            scratch = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))
        mirror = _mirror(context.project.root, scratch)
        yield replace(context, mirror=mirror)
    finally:
        with signals_held():
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)


def _mirror(root: Path, scratch: Path) -> Mirror:
    from scaffold.fileio import write_scratch

    mirror = Mirror(scratch / "fs" / root.relative_to(root.anchor))
    mirror.root.mkdir(parents=True)
    # The folders above the root: their configuration applies too (a monorepo's ruff.toml).
    for real, copy in zip(root.parents, mirror.root.parents, strict=False):
        if real == real.parent:
            break
        _copy_configs(real, copy)
    _copy_configs(root, mirror.root, every_file=True)
    for relative in _sources(root):
        source = root / relative
        try:
            if source.is_symlink() or not source.is_file():
                continue  # a link's target, when it is the project's, is fixed as itself
            data = source.read_bytes()
        except OSError:
            continue  # unreadable: the lint step reports it
        target = mirror.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_scratch(target, data)
        if relative.suffix in SOURCES:
            mirror.originals[relative] = data
    return mirror


def _copy_configs(real: Path, copy: Path, every_file: bool = False) -> None:
    """Configuration files of ``real`` into ``copy`` (with ``every_file``: every regular file
    of the folder, as a formatter may read any of them, e.g. .pre-commit-config.yaml)."""
    try:
        entries = list(os.scandir(real))
    except OSError:
        return
    for entry in entries:
        if entry.name == ".git" or entry.name == ".hg":
            (copy / entry.name).mkdir(parents=True, exist_ok=True)  # marks a project's root
            continue
        try:
            wanted = entry.is_file(follow_symlinks=True) and (
                entry.name in CONFIGS or (every_file and entry.stat().st_size < 1 << 20)
            )
            if wanted:
                copy.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(entry.path, copy / entry.name)
        except OSError:
            continue


def _sources(root: Path) -> list[Path]:
    """Every file a fixer may read or rewrite: sources, notebooks and nested configuration;
    git's view (tracked and untracked, ignored left out) in a repository, else a walk."""
    wanted = [f":(glob)**/*{suffix}" for suffix in SOURCES] + [f":(glob)**/{n}" for n in CONFIGS]
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *wanted],
            cwd=root, capture_output=True, check=False,
        )  # fmt: skip
    except OSError:
        listed = None
    if listed is not None and listed.returncode == 0 and (root / ".git").exists():
        names = listed.stdout.decode("utf-8", "surrogateescape").split("\0")
        return [Path(name) for name in dict.fromkeys(names) if name and not _skipped(Path(name))]
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED]
        base = Path(folder).relative_to(root)
        found += [base / n for n in files if Path(n).suffix in SOURCES or n in CONFIGS]
    return found


def _skipped(path: Path) -> bool:
    return any(part in SKIPPED for part in path.parts[:-1])


@dataclass(frozen=True)
class WriteFixesStep:
    """Writes what the fixers changed in the mirror back to the project, all or nothing."""

    context: CheckContext
    name: str = "write fixes"

    def run(self) -> Outcome:
        from scaffold import fileio

        mirror = self.context.mirror
        if mirror is None:
            return Outcome(Status.SKIPPED, "nothing to write")
        root = self.context.project.root
        changed: list[tuple[Path, bytes]] = []
        moved: list[str] = []
        for relative, before in mirror.originals.items():
            try:
                after = (mirror.root / relative).read_bytes()
            except OSError:
                continue
            if after == before:
                continue
            try:
                now = (root / relative).read_bytes()
            except OSError:
                now = None
            if now != before:
                moved.append(relative.as_posix())
            changed.append((root / relative, after))
        if moved:
            return Outcome(
                Status.FAILED,
                f"nothing written: {plural(len(moved), 'file')} changed while the fixes ran "
                f"({', '.join(moved[:3])}{', ...' if len(moved) > 3 else ''})",
                "run scaffold lint --fix again",
            )
        if not changed:
            return Outcome(Status.PASSED, "no file needed a fix")
        fileio.write_files(changed)
        names = sorted(path.relative_to(root).as_posix() for path, _ in changed)
        return Outcome(
            Status.PASSED, f"wrote {plural(len(changed), 'fixed file')}", output="\n".join(names)
        )
