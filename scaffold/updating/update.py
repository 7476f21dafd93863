"""``scaffold update``: copier's 3-way update, made safe for user edits and conflicts."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from scaffold.bundled import refresh_for, require_release
from scaffold.errors import ScaffoldError
from scaffold.gitops import run_git
from scaffold.updating.answers import TemplateRecord, read_record, require_version
from scaffold.updating.conflicts import files_with_conflicts
from scaffold.updating.gitstate import (
    present_files,
    require_clean,
    require_repo,
    status_lines,
    tracked_files,
)
from scaffold.updating.safeguard import KeptFile, edited_template_files, keep_removed_edits
from scaffold.updating.versions import list_releases, version_of_commit

T = TypeVar("T")
_STATUS = {"M": "modified", "A": "added", "D": "deleted", "R": "renamed", "?": "added"}


@dataclass(frozen=True)
class FileChange:
    path: str
    change: str  # added, modified, deleted, renamed, conflict


@dataclass
class UpdateResult:
    project: Path
    template: str
    from_version: str
    to_version: str
    changes: list[FileChange] = field(default_factory=list)
    kept: list[KeptFile] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    applied: bool = True  # False for --diff previews and when already up to date
    patch: str = ""  # the unified diff, for --diff

    @property
    def up_to_date(self) -> bool:
        return self.from_version == self.to_version and not self.changes

    def to_json(self) -> dict[str, Any]:
        return {
            "project": str(self.project),
            "template": self.template,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "applied": self.applied,
            "changes": [{"path": c.path, "change": c.change} for c in self.changes],
            "kept": [{"path": k.path, "renamed_to": k.renamed_to} for k in self.kept],
            "conflicts": self.conflicts,
            "patch": self.patch,
        }


def target_ref(record: TemplateRecord, to: str | None) -> str:
    """The template ref to update to: ``--to``, else the newest version tag."""
    releases = list_releases(record.src_path, prereleases=bool(to))
    if to:
        return _checked_target(record, to, [release.tag for release in releases])
    if not releases:
        raise ScaffoldError(f"template {record.src_path} has no version tags to update to")
    return releases[-1].tag


_COMMIT = re.compile(r"^[0-9a-f]{7,40}$")


def _checked_target(record: TemplateRecord, to: str, tags: list[str]) -> str:
    """``--to`` names a tag of the template (or a commit) and is not older than the project."""
    if to not in tags and not _COMMIT.match(to):
        known = ", ".join(tags[-5:]) or "none"
        raise ScaffoldError(f"template {record.src_path} has no tag {to!r} (latest tags: {known})")
    current, wanted = version_of_commit(record.commit), version_of_commit(to)
    if current is not None and wanted is not None and wanted < current:
        raise ScaffoldError(
            f"{to} is older than the project's template version {record.commit}; "
            "scaffold update does not downgrade"
        )
    return to


def is_current(record: TemplateRecord, ref: str) -> bool:
    current = version_of_commit(record.commit)
    target = version_of_commit(ref)
    return current is not None and current == target and record.commit == ref


def update_project(
    project: Path, to: str | None = None, trust: bool = False, undo_hint: bool = True
) -> UpdateResult:
    """Update ``project`` in place. Conflicts left behind are listed in the result.
    ``undo_hint``: a failure says how to undo a partial update (not for throwaway copies)."""
    project = project.expanduser().resolve()
    record = read_record(project)
    version = require_version(record)
    require_repo(project)
    result = UpdateResult(project, record.src_path, version, version)
    if remaining := files_with_conflicts(project):
        result.applied = False
        result.conflicts = remaining
        return result
    require_clean(project)
    refresh_for(record.src_path)
    require_release(record.src_path, version)
    ref = target_ref(record, to)
    if is_current(record, ref):
        result.applied = False
        return result
    return _apply(record, ref, trust, result, undo_hint)


def _apply(
    record: TemplateRecord, ref: str, trust: bool, result: UpdateResult, undo_hint: bool
) -> UpdateResult:
    project = record.project
    edited = _copier_step(lambda: edited_template_files(record, trust))
    before = tracked_files(project)
    try:
        _copier_step(lambda: _run_copier_update(project, ref, trust))
    except ScaffoldError as exc:
        if not undo_hint:
            raise
        # The tree was clean before, so everything changed since came from the update.
        raise ScaffoldError(
            f"{exc} (the project may be partly updated; undo with "
            "`git reset --hard && git clean -fd`)"
        ) from exc
    added = present_files(project) - before
    result.kept = keep_removed_edits(project, edited, added)
    result.to_version = read_record(project).commit or ref
    result.conflicts = files_with_conflicts(project)
    result.changes = changes_in(project, set(result.conflicts))
    return result


def _run_copier_update(project: Path, ref: str, trust: bool) -> None:
    import copier

    copier.run_update(
        project,
        vcs_ref=ref,
        defaults=True,
        overwrite=True,
        quiet=True,
        conflict="inline",
        unsafe=trust,
        skip_answered=True,
    )


def _copier_step(step: Callable[[], T]) -> T:
    """Run a copier call; its failures become one-line ScaffoldErrors."""
    try:
        return step()
    except (ScaffoldError, KeyboardInterrupt):
        raise
    except Exception as exc:
        if os.environ.get("SCAFFOLD_DEBUG"):
            raise
        message = (str(exc).strip() or type(exc).__name__).splitlines()[0]
        if type(exc).__name__ == "UnsafeTemplateError":
            message += "; pass --trust if you trust this template"
        raise ScaffoldError(f"the template update failed: {message}") from exc


def changes_in(project: Path, conflicts: set[str]) -> list[FileChange]:
    """What the update changed, file by file, from ``git status``."""
    prefix = run_git(project, "rev-parse", "--show-prefix").stdout.strip()
    changes = []
    for line in status_lines(project):
        code, path = line[:2], line[3:].split(" -> ")[-1].strip('"').removeprefix(prefix)
        if path in conflicts:
            change = "conflict"
        else:
            change = _STATUS.get(code.strip()[:1] or "M", "modified")
        changes.append(FileChange(path, change))
    return changes
