"""The update journal: what an apply is about to change, so a killed apply can be undone.

It lives in the project's git folder (``.git/scaffold-update/<project key>/``), never in the
working tree. Before the first file of an update is written, every file the update replaces
or deletes is copied to ``backup/`` and ``journal.json`` lists them with the files it
creates; the journal is removed once the last file is in place. A journal found later means
an apply was killed half way: ``recover`` puts back the pre-update tree, touching nothing
but the files the journal names, all inside the project folder.

Beside it, ``unmerged.json`` names the files the last completed update left with conflicts:
only those block the next update (a committed how-to that quotes conflict markers does not).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold import fileio
from scaffold.errors import ScaffoldError
from scaffold.gitops import run_git
from scaffold.updating.conflicts import has_markers

JOURNAL = "journal.json"
UNMERGED = "unmerged.json"
BACKUP = "backup"
BESIDE = ".template"  # the template's version of a file that could not be merged


def state_dir(project: Path) -> Path:
    """``<git dir>/scaffold-update/<key>``: one per project folder of a repository."""
    git_dir = run_git(project, "rev-parse", "--absolute-git-dir")
    prefix = run_git(project, "rev-parse", "--show-prefix")
    if git_dir.returncode != 0:
        raise ScaffoldError(f"{project} is not in a git repository; updates need git history")
    key = hashlib.sha256(prefix.stdout.strip().encode()).hexdigest()[:16]
    return Path(git_dir.stdout.strip()) / "scaffold-update" / key


@dataclass
class Journal:
    """One apply: the files it replaces or deletes (backed up) and the files it creates."""

    to_version: str
    replaced: dict[str, int] = field(default_factory=dict)  # path -> original mode
    created: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)  # folders the apply made, deepest last
    unmerged: dict[str, Any] | None = None  # the unmerged record before this apply

    def to_json(self) -> dict[str, Any]:
        return {
            "to_version": self.to_version,
            "replaced": self.replaced,
            "created": self.created,
            "folders": self.folders,
            "unmerged": self.unmerged,
        }


def begin(state: Path, project: Path, journal: Journal) -> None:
    """Back up every file the apply touches, then write the journal (the point of no return
    for a kill: from here on, the next run rolls back)."""
    backup = state / BACKUP
    shutil.rmtree(backup, ignore_errors=True)
    for index, path in enumerate(journal.replaced):
        fileio.write_bytes(backup / str(index), (project / path).read_bytes(), 0o600)
    fileio.write_text(state / JOURNAL, json.dumps(journal.to_json(), indent=1))


def finish(state: Path) -> None:
    """The apply is complete: drop the journal, then its backups."""
    (state / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(state / BACKUP, ignore_errors=True)


def pending(project: Path) -> bool:
    return (state_dir(project) / JOURNAL).is_file()


def recover(project: Path) -> list[str]:
    """Undo a killed apply, if there was one: the paths restored or removed (else [])."""
    state = state_dir(project)
    try:
        data = json.loads((state / JOURNAL).read_text(encoding="utf-8"))
    except FileNotFoundError:
        shutil.rmtree(state / BACKUP, ignore_errors=True)  # killed before the journal
        return []
    except ValueError as exc:  # a journal is written atomically, so this is not a kill
        raise ScaffoldError(f"cannot read the update journal {state / JOURNAL}: {exc}") from exc
    touched = _roll_back(state, project, data)
    finish(state)
    return touched


def recover_unfinished(project: Path) -> list[str]:
    """``recover`` for commands that only look (drift, doctor): a project in git, locked."""
    from scaffold.fileio import locked
    from scaffold.gitops import is_work_tree

    if not is_work_tree(project):
        return []
    with locked(project):
        return recover(project)


def _roll_back(state: Path, project: Path, data: dict[str, Any]) -> list[str]:
    touched = []
    for index, (path, mode) in enumerate(data["replaced"].items()):
        target = project / path
        if target.is_symlink() or target.is_dir():
            _remove(target)
        fileio.write_bytes(target, (state / BACKUP / str(index)).read_bytes(), int(mode))
        touched.append(path)
    for path in data["created"]:
        target = project / path
        if target.exists() or target.is_symlink():
            _remove(target)
            touched.append(path)
    for folder in reversed(data["folders"]):
        with suppress(OSError):  # not empty (something else is there) or already gone
            (project / folder).rmdir()
    write_unmerged(state, data.get("unmerged"))
    return sorted(touched)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def read_unmerged(state: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((state / UNMERGED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_unmerged(state: Path, data: dict[str, Any] | None) -> None:
    if data is None:
        (state / UNMERGED).unlink(missing_ok=True)
    else:
        fileio.write_text(state / UNMERGED, json.dumps(data, indent=1))


def unresolved(project: Path) -> tuple[str, list[str]]:
    """The version the last update went to and its conflicts still unresolved: files that
    still hold the markers it wrote, and files whose ``NAME.template`` is still beside them."""
    data = read_unmerged(state_dir(project))
    if not data:
        return "", []
    marked = [p for p in data.get("files", []) if has_markers(project / p)]
    beside = [p for p in data.get("beside", []) if (project / (p + BESIDE)).exists()]
    return str(data.get("to_version", "")), sorted({*marked, *beside})
