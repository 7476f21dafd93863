"""``scaffold update --diff``: run the update on a throwaway copy and show what changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from scaffold.gitops import run_git
from scaffold.updating.gitstate import present_files, require_repo, status_lines
from scaffold.updating.update import FileChange, UpdateResult, update_project

_NAME_STATUS = {"A": "added", "M": "modified", "D": "deleted", "R": "renamed", "T": "modified"}
# copier's own identity, so the snapshot commit works without a configured git user.
_IDENTITY = {
    "GIT_AUTHOR_NAME": "scaffold",
    "GIT_AUTHOR_EMAIL": "scaffold@localhost",
    "GIT_COMMITTER_NAME": "scaffold",
    "GIT_COMMITTER_EMAIL": "scaffold@localhost",
}


def copy_worktree(top: Path, dest: Path) -> None:
    """Copy the repository (``.git`` and every non-ignored file) without ignored bulk."""
    shutil.copytree(top / ".git", dest / ".git", symlinks=True)
    for relative in present_files(top):
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(top / relative, target, follow_symlinks=False)


def _snapshot(copy: Path) -> None:
    """Commit uncommitted work in the copy, so the preview includes it."""
    if not status_lines(copy):
        return
    env = {**os.environ, **_IDENTITY}
    for args in (["add", "--all"], ["commit", "--quiet", "--no-verify", "-m", "snapshot"]):
        subprocess.run(["git", *args], cwd=copy, env=env, capture_output=True, check=True)


def preview_update(project: Path, to: str | None = None, trust: bool = False) -> UpdateResult:
    """What ``update_project`` would do, computed on a copy; the project is not touched."""
    project = project.expanduser().resolve()
    top = require_repo(project)
    with tempfile.TemporaryDirectory(prefix="scaffold-update-diff-") as tmp:
        copy_top = Path(tmp) / top.name
        copy_worktree(top, copy_top)
        copy = copy_top / project.relative_to(top)
        _snapshot(copy)
        result = update_project(copy, to, trust, undo_hint=False)
        changes, patch = _diff(copy, set(result.conflicts))
    result.project, result.applied = project, False
    result.changes, result.patch = changes, patch
    return result


def _diff(copy: Path, conflicts: set[str]) -> tuple[list[FileChange], str]:
    run_git(copy, "add", "--all", "--", ".")
    names = run_git(copy, "diff", "--cached", "-M", "--name-status", "--relative", "HEAD")
    changes = []
    for line in names.stdout.splitlines():
        code, *paths = line.split("\t")
        path = paths[-1]
        change = "conflict" if path in conflicts else _NAME_STATUS.get(code[:1], "modified")
        changes.append(FileChange(path, change))
    patch = run_git(copy, "diff", "--cached", "-M", "--relative", "HEAD").stdout
    return changes, patch
