"""The staging folder a new project is built in: beside DEST, so the final move is a rename.

Its name carries the process id, so the next run removes folders left by a killed one. While
it exists, temporary files (copier's clones, cookiecutter's hook scripts) go inside it too.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scaffold.errors import ScaffoldError

PREFIX = ".scaffold-new-"
_OWNED = re.compile(rf"^{re.escape(PREFIX)}(\d+)-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale(folder: Path, prefix: str = PREFIX) -> list[Path]:
    """Remove ``folder``'s scratch folders named ``<prefix><pid>-...`` whose process is gone;
    return them."""
    owned = _OWNED if prefix == PREFIX else re.compile(rf"^{re.escape(prefix)}(\d+)-")
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = owned.match(entry.name)
        if match and entry.is_dir() and not _alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _missing_ancestors(path: Path) -> list[Path]:
    missing = []
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    return missing


@contextmanager
def staging_folder(dest: Path) -> Iterator[Path]:
    """A fresh folder beside ``dest`` (its parent created first), removed afterwards with
    any parent folders it had to create, unless the project was moved into them.

    Ctrl-C and SIGTERM are held while the folder comes into being and while it is removed,
    so neither can leave it behind (a kill can: the next run removes it)."""
    from scaffold.fileio import signals_held

    created = _missing_ancestors(dest.parent)
    staging: Path | None = None
    try:
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            remove_stale(dest.parent)
            with signals_held():
                staging = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=dest.parent))
        except OSError as exc:
            raise ScaffoldError(f"cannot create {dest}: {exc.strerror or exc}") from exc
        with _temporary_files_in(staging / "tmp"):
            yield staging
    finally:
        with signals_held():
            if staging is not None:
                remove_tree(staging)
            _remove_empty(created)


def remove_tree(folder: Path, attempts: int = 20) -> None:
    """Remove ``folder``, again while a process that was just killed still had a write in
    flight there (its last file can land after the listing)."""
    import time

    for _ in range(attempts):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.05)


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:  # innermost first
        try:
            folder.rmdir()
        except OSError:
            return


@contextmanager
def _temporary_files_in(folder: Path) -> Iterator[None]:
    folder.mkdir()
    saved_env, saved_dir = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = saved_dir
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
