"""Never lose a user edit: files the user changed that the new template removes are kept.

copier's update deletes every file the old template version had and the new one has not,
even when the user edited it. So before updating, the old version is rendered again with
the recorded answers to learn which of the project's files the user changed; after the
update, any of those that copier removed is restored from git and reported.
"""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scaffold.updating.answers import ANSWERS_FILE, TemplateRecord
from scaffold.updating.gitstate import restore_from_head

_MAX_COMPARED_BYTES = 200_000  # rename detection compares contents; skip big files


@dataclass(frozen=True)
class KeptFile:
    path: str
    renamed_to: str | None  # where the template moved it, when that can be told


def render_recorded_version(record: TemplateRecord, dest: Path, trust: bool) -> None:
    """Render the template at the version and with the answers the project records."""
    import copier

    copier.run_copy(
        record.src_path,
        dest,
        data=dict(record.answers),
        vcs_ref=record.commit,
        defaults=True,
        overwrite=True,
        quiet=True,
        unsafe=trust,
        skip_tasks=True,
    )


def user_modified(project: Path, old_render: Path) -> dict[str, bytes]:
    """Template files the user changed: path -> the old template's content of that file."""
    modified: dict[str, bytes] = {}
    for path in old_render.rglob("*"):
        relative = path.relative_to(old_render).as_posix()
        if not path.is_file() or path.is_symlink() or relative == ANSWERS_FILE:
            continue
        mine = project / relative
        if mine.is_file() and mine.read_bytes() != (original := path.read_bytes()):
            modified[relative] = original
    return modified


def edited_template_files(record: TemplateRecord, trust: bool) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="scaffold-old-render-") as tmp:
        render_recorded_version(record, Path(tmp) / "old", trust)
        return user_modified(record.project, Path(tmp) / "old")


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
