"""Never lose a user edit: files the user changed that the new template removes are kept.

copier's update deletes every file the old template version had and the new one has not,
even when the user edited it. So before updating, the old version is rendered again with
the recorded answers to learn which of the project's files the user changed; after the
update, any of those that copier removed is restored from git and reported.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold.updating.answers import ANSWERS_FILE
from scaffold.updating.gitstate import restore_from_head

_MAX_COMPARED_BYTES = 200_000  # rename detection compares contents; skip big files


@dataclass(frozen=True)
class KeptFile:
    path: str
    renamed_to: str | None  # where the template moved it, when that can be told


def render_version(
    src_path: str,
    ref: str | None,
    answers: dict[str, Any],
    dest: Path,
    trust: bool,
    only: list[str] | None = None,
) -> Path:
    """Render the template at ``ref`` with ``answers`` into ``dest`` (no tasks run);
    ``only``: just these files of it."""
    import copier

    source = src_path
    if only is not None and ref and (exported := _exported(src_path, ref, dest.parent)):
        source, ref = str(exported), None  # a local repository: no clone needed
    copier.run_copy(
        source,
        dest,
        data=dict(answers),
        exclude=[] if only is None else ["*", *(f"!{_escaped(path)}" for path in only)],
        vcs_ref=ref,
        defaults=True,
        overwrite=True,
        quiet=True,
        unsafe=trust,
        skip_tasks=True,
    )
    return dest


def _exported(src_path: str, ref: str, beside: Path) -> Path | None:
    """The files of a local template repository at ``ref`` (``git archive``), or None."""
    import io
    import subprocess
    import tarfile

    from scaffold.updating.versions import git_location

    location = Path(git_location(src_path))
    if not location.is_dir():
        return None
    archive = subprocess.run(
        ["git", "archive", "--format=tar", f"{ref}^{{commit}}"],
        cwd=location,
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        return None
    target = beside / ".template-source"
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+
            tar.extractall(target, filter="data")
        else:  # pragma: no cover - our own git archive of the template
            tar.extractall(target)
    return target


def _escaped(path: str) -> str:
    """A path as a gitignore pattern that matches it alone."""
    return "".join(f"\\{char}" if char in "[]*?!#\\ " else char for char in path)


def template_files(render: Path) -> Iterator[str]:
    """The files of a render, relative to it, without the answers file and ``.git``."""
    for path in render.rglob("*"):
        relative = path.relative_to(render)
        if relative.parts[0] == ".git" or relative.as_posix() == ANSWERS_FILE:
            continue
        if path.is_file() and not path.is_symlink():
            yield relative.as_posix()


def user_modified(project: Path, old_render: Path, among: set[str]) -> dict[str, bytes]:
    """Template files the user changed: path -> the old template's content of that file.
    ``among``: the project's files that count (not ignored ones)."""
    modified: dict[str, bytes] = {}
    for relative in template_files(old_render):
        if relative not in among:
            continue
        mine = project / relative
        original = (old_render / relative).read_bytes()
        if mine.is_file() and mine.read_bytes() != original:
            modified[relative] = original
    return modified


def user_deleted(project: Path, old_render: Path) -> list[str]:
    """Template files the user deleted from the project."""
    return sorted(p for p in template_files(old_render) if not os.path.lexists(project / p))


def keep_removed_edits(
    project: Path,
    edited: dict[str, bytes],
    added: Iterable[str],
) -> list[KeptFile]:
    """Restore every edited file the update removed; guess where the template moved it."""
    added = sorted(added)
    kept = []
    for path in sorted(edited):
        if (project / path).exists():
            continue
        restore_from_head(project, path)
        kept.append(KeptFile(path, _renamed_to(edited[path], project, added)))
    return kept


def _renamed_to(original: bytes, project: Path, added: list[str]) -> str | None:
    """The added file most similar to the old template's version of a removed file."""
    best, best_ratio = None, 0.6
    for candidate in added:
        path = project / candidate
        if not path.is_file() or path.stat().st_size > _MAX_COMPARED_BYTES:
            continue
        content = path.read_bytes()
        matcher = difflib.SequenceMatcher(None, original, content, autojunk=False)
        if matcher.real_quick_ratio() > best_ratio and (ratio := matcher.ratio()) > best_ratio:
            best, best_ratio = candidate, ratio
    return best
