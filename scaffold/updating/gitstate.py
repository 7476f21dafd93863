"""Read-only questions about the project's git working tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

from scaffold.errors import ScaffoldError
from scaffold.gitops import run_git


def require_repo(project: Path) -> Path:
    """The top of the git work tree holding ``project``; ScaffoldError when there is none."""
    result = run_git(project, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise ScaffoldError(f"{project} is not in a git repository; updates need git history")
    return Path(result.stdout.strip())


def _paths(project: Path, *args: str) -> list[str]:
    result = subprocess.run(["git", *args, "-z"], cwd=project, capture_output=True, check=False)
    return sorted(p for p in result.stdout.decode("utf-8", "surrogateescape").split("\0") if p)


def tracked_files(project: Path) -> set[str]:
    """Committed files under ``project``, relative to it."""
    return set(_paths(project, "ls-files", "--cached"))


def present_files(project: Path) -> set[str]:
    """Files git would see under ``project`` (tracked or untracked, not ignored), on disk."""
    listed = _paths(project, "ls-files", "--cached", "--others", "--exclude-standard")
    return {path for path in listed if (project / path).is_file()}


def status_lines(project: Path) -> list[str]:
    """``git status --porcelain`` for ``project`` (untracked files included)."""
    result = run_git(project, "status", "--porcelain", "--untracked-files=all", "--", ".")
    return [line for line in result.stdout.splitlines() if line.strip()]


def require_clean(project: Path) -> None:
    changed = status_lines(project)
    if changed:
        raise ScaffoldError(
            f"{project} has {len(changed)} uncommitted change(s) (e.g. {changed[0][3:]}); "
            "commit them, or stash them with `git stash push --include-untracked -- .` in "
            "that folder, first, so the update can be reviewed and undone"
        )


def restore_from_head(project: Path, path: str) -> None:
    """Put ``path`` back as it is in the last commit (working tree and index)."""
    result = run_git(project, "checkout", "HEAD", "--", path)
    if result.returncode != 0:
        raise ScaffoldError(f"cannot restore {path} from git: {result.stderr.strip()}")


def enclosing_work_tree(path: Path) -> Path | None:
    """The git work tree ``path`` is (or would be, once created) inside, if any."""
    existing = path.expanduser().absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return None
    result = run_git(existing, "rev-parse", "--show-toplevel")
    return Path(result.stdout.strip()) if result.returncode == 0 else None
