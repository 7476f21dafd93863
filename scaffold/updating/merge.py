"""Computing an update in the scratch area: the project's files, merged with the new version.

Nothing here touches the user's tree; it is only read. The result is a folder holding the
project as it will be after the update, checked, plus what to report about it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from scaffold import fileio
from scaffold.errors import ScaffoldError
from scaffold.gitops import run_git
from scaffold.updating.answers import TemplateRecord, read_record
from scaffold.updating.conflicts import has_markers
from scaffold.updating.copies import kept_renders
from scaffold.updating.journal import BESIDE
from scaffold.updating.safeguard import (
    KeptFile,
    keep_removed_edits,
    render_version,
    user_deleted,
    user_modified,
)
from scaffold.updating.scratch import Stamp, copy_project
from scaffold.updating.unmergeable import settle

_NAME_STATUS = {"A": "added", "M": "modified", "D": "deleted", "R": "renamed", "T": "modified"}


@dataclass(frozen=True)
class FileChange:
    path: str
    change: str  # added, modified, deleted, renamed, conflict


@dataclass
class Merged:
    """The project after the update, in ``work``, and what to say about it."""

    work: Path
    stamps: dict[str, Stamp]  # the project's files as copied, to spot changes made meanwhile
    to_version: str
    changes: list[FileChange] = field(default_factory=list)
    patch: str = ""
    kept: list[KeptFile] = field(default_factory=list)
    marked: list[str] = field(default_factory=list)  # conflict markers written by the merge
    beside: list[str] = field(default_factory=list)  # the template's version is NAME.template
    skipped: list[str] = field(default_factory=list)  # changed by the template, deleted by you

    @property
    def conflicts(self) -> list[str]:
        return sorted({*self.marked, *self.beside})


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() and not path.is_symlink() else None


def compute(
    record: TemplateRecord,
    ref: str,
    trust: bool,
    root: Path,
    copier_update: Callable[[Path, str, bool], None],
) -> Merged:
    """Merge template version ``ref`` into a copy of the project under ``root``."""
    project = record.project
    work = root / "work" / project.name
    stamps = copy_project(project, work)
    (root / "kept").mkdir()
    with kept_renders(root / "kept") as kept:
        copier_update(work, ref, trust)
    merged = Merged(work, stamps, read_record(work).commit or ref)
    answers = read_record(work).answers
    old = kept.get("old_copy") or render_version(
        record.src_path, record.commit, record.answers, root / "old" / project.name, trust
    )
    edited, deleted = user_modified(project, old, set(stamps)), user_deleted(project, old)
    new = kept.get("new_copy")

    @cache
    def new_render(only: tuple[str, ...] | None) -> Path:
        dest = root / ("new-only" if only else "new") / project.name
        return render_version(record.src_path, ref, answers, dest, trust, list(only or []) or None)

    def new_version(path: str) -> bytes | None:
        if new is not None and path not in deleted:  # copier leaves out files you deleted
            return _read(new / path)
        return _read(new_render(tuple(deleted) if path in deleted else None) / path)

    added = set(_files(work)) - set(stamps)
    merged.kept = keep_removed_edits(work, edited, added)
    merged.beside = settle(work, edited, lambda p: _read(project / p), new_version)
    merged.beside += _protect_ignored(project, work, stamps)
    merged.skipped = [p for p in deleted if new_version(p) not in (None, _read(old / p))]
    merged.changes, merged.patch = _diff(work)
    merged.marked = [
        c.path
        for c in merged.changes
        if has_markers(work / c.path) and not has_markers(project / c.path)
    ]
    conflicts = set(merged.conflicts)
    merged.changes = [
        replace(c, change="conflict") if c.path in conflicts else c for c in merged.changes
    ]
    _verify(merged, edited)
    return merged


def _files(folder: Path) -> list[str]:
    """Every file and symbolic link under ``folder``, relative, without ``.git`` folders."""
    found = []
    for parent, folders, files in os.walk(folder):
        here = Path(parent)
        for name in list(folders):
            if name == ".git":
                folders.remove(name)
            elif (here / name).is_symlink():
                found.append((here / name).relative_to(folder).as_posix())
        found += [(here / name).relative_to(folder).as_posix() for name in files]
    return sorted(found)


def result_files(work: Path) -> list[str]:
    return _files(work)


def _protect_ignored(project: Path, work: Path, stamps: dict[str, Stamp]) -> list[str]:
    """A new template file where the project has an ignored file of its own: keep the user's
    file, put the template's beside it."""
    beside = []
    for path in _files(work):
        mine = project / path
        if path in stamps or not os.path.lexists(mine):
            continue
        theirs = work / path
        if _read(mine) is not None and _read(mine) == _read(theirs):
            continue
        fileio.move(theirs, work / (path + BESIDE))
        if mine.is_file():
            fileio.write_scratch(work / path, mine.read_bytes())
        beside.append(path)
    return beside


def _diff(work: Path) -> tuple[list[FileChange], str]:
    run_git(work, "add", "--all", "--", ".")
    names = run_git(work, "diff", "--cached", "-M", "--name-status", "HEAD")
    changes = []
    for line in names.stdout.splitlines():
        code, *paths = line.split("\t")
        changes.append(FileChange(paths[-1], _NAME_STATUS.get(code[:1], "modified")))
    patch = run_git(work, "diff", "--cached", "-M", "--binary", "HEAD").stdout
    return changes, patch


def _verify(merged: Merged, edited: dict[str, bytes]) -> None:
    """Checks before anything reaches the project: no edited file is gone, and the answers
    file records the new version."""
    lost = [p for p in edited if not os.path.lexists(merged.work / p)]
    if lost:
        raise ScaffoldError(
            f"the merged update would lose your edited file {lost[0]}; nothing was changed"
        )
    if not read_record(merged.work).commit:
        raise ScaffoldError("the merged update records no template version; nothing was changed")
