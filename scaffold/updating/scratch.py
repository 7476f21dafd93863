"""The scratch area an update is computed in, away from the user's tree.

One folder per run under the system temporary folder, named with the process id; copier's
own temporary folders go inside it too (``tempfile.tempdir`` points there meanwhile), so a
Ctrl-C removes everything and a run killed outright leaves one folder that the next run
removes (its process is gone).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scaffold.updating.gitstate import present_files

PREFIX = "scaffold-update-"
# copier's identity in the scratch repository, so it works without a configured git user.
IDENTITY = {
    "GIT_AUTHOR_NAME": "scaffold",
    "GIT_AUTHOR_EMAIL": "scaffold@localhost",
    "GIT_COMMITTER_NAME": "scaffold",
    "GIT_COMMITTER_EMAIL": "scaffold@localhost",
}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def clean_stale(folder: Path) -> None:
    """Remove scratch folders of runs whose process no longer exists."""
    for entry in folder.glob(f"{PREFIX}*"):
        pid = entry.name.removeprefix(PREFIX).split("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


@contextmanager
def scratch_area() -> Iterator[Path]:
    """A fresh scratch folder, holding every temporary folder made meanwhile."""
    system = Path(tempfile.gettempdir())
    clean_stale(system)
    root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=system))
    (root / "tmp").mkdir()
    previous = tempfile.tempdir
    tempfile.tempdir = str(root / "tmp")
    try:
        yield root
    finally:
        tempfile.tempdir = previous
        shutil.rmtree(root, ignore_errors=True)


@dataclass(frozen=True)
class Stamp:
    """What a project file looked like when it was copied: changed since means touched."""

    size: int
    mtime_ns: int
    mode: int


def stamp(path: Path) -> Stamp | None:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    return Stamp(info.st_size, info.st_mtime_ns, info.st_mode)


def copy_project(project: Path, dest: Path) -> dict[str, Stamp]:
    """Copy the project's files (tracked and untracked, not ignored) into a new repository at
    ``dest`` with one commit of them all; the stamps of the files copied."""
    stamps: dict[str, Stamp] = {}
    for relative in sorted(present_files(project)):
        source, target = project / relative, dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        before = stamp(source)
        shutil.copy2(source, target, follow_symlinks=False)
        if before is not None:
            stamps[relative] = before
    dest.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **IDENTITY}
    for args in (
        ["init", "--quiet"],
        ["add", "--all", "--force"],
        ["-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false", "commit", "--quiet",
         "--no-verify", "--allow-empty", "-m", "before the update"],
    ):  # fmt: skip
        subprocess.run(["git", *args], cwd=dest, env=env, capture_output=True, check=True)
    return stamps
