"""Moving a computed update into the project: one short step under a journal.

Ctrl-C and SIGTERM are held back while it runs (they take effect once it is complete), any
error rolls it back at once, and a kill leaves the journal that the next ``scaffold update``,
``drift`` or ``doctor`` rolls back. Only files inside the project folder are ever touched.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold import fileio
from scaffold.errors import ScaffoldError
from scaffold.updating.journal import Journal, begin, finish, read_unmerged, recover, write_unmerged
from scaffold.updating.merge import Merged, result_files
from scaffold.updating.scratch import stamp

_HELD = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


@dataclass(frozen=True)
class Plan:
    writes: list[str]  # created or replaced, from the merged folder
    deletes: list[str]


def _same(new: Path, old: Path) -> bool:
    if not os.path.lexists(old):
        return False
    if new.is_symlink() or old.is_symlink():
        return new.is_symlink() and old.is_symlink() and os.readlink(new) == os.readlink(old)
    new_info, old_info = new.stat(), old.stat()
    if new_info.st_size != old_info.st_size or (new_info.st_mode ^ old_info.st_mode) & 0o111:
        return False
    return new.read_bytes() == old.read_bytes()


def make_plan(project: Path, merged: Merged) -> Plan:
    result = result_files(merged.work)
    writes = [p for p in result if not _same(merged.work / p, project / p)]
    deletes = sorted(set(merged.stamps) - set(result))
    return Plan(writes, deletes)


def _check_untouched(project: Path, merged: Merged, plan: Plan) -> None:
    """Files changed in the project while the update was computed are not overwritten."""
    for path in [*plan.writes, *plan.deletes]:
        if stamp(project / path) != merged.stamps.get(path):
            raise ScaffoldError(
                f"{path} changed while the update was being computed; nothing was changed, "
                "run scaffold update again"
            )


def _new_folders(project: Path, paths: list[str]) -> list[str]:
    """Folders that writing ``paths`` creates, parents before children."""
    folders: set[str] = set()
    for path in paths:
        parent = Path(path).parent
        while parent != Path(".") and not (project / parent).exists():
            folders.add(parent.as_posix())
            parent = parent.parent
    return sorted(folders, key=lambda folder: (folder.count("/"), folder))


@contextmanager
def held_signals() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP wait until the block is done (they are not lost)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _put(source: Path, target: Path) -> None:
    if target.is_dir() and not target.is_symlink():
        raise ScaffoldError(f"{target} is a folder where the update writes a file")
    if source.is_symlink():
        temporary = target.with_name(f".{target.name}.scaffold-link")
        temporary.unlink(missing_ok=True)
        os.symlink(os.readlink(source), temporary)
        fileio.move(temporary, target)
    else:
        fileio.write_bytes(target, source.read_bytes(), source.stat().st_mode & 0o7777)


def _delete(project: Path, path: str) -> None:
    target = project / path
    target.unlink(missing_ok=True)
    parent = target.parent
    while parent != project and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def apply_plan(
    project: Path,
    state: Path,
    merged: Merged,
    plan: Plan,
    unmerged: dict[str, Any] | None,
    on_applied: Callable[[], None],
) -> None:
    """Write the plan into the project, all of it or (rolled back) none of it.
    ``on_applied`` runs once it is complete, before held signals take effect."""
    _check_untouched(project, merged, plan)
    touched = [*plan.writes, *plan.deletes]
    journal = Journal(
        to_version=merged.to_version,
        replaced={
            p: (project / p).lstat().st_mode & 0o7777
            for p in touched
            if os.path.lexists(project / p)
        },
        created=[p for p in plan.writes if not os.path.lexists(project / p)],
        folders=_new_folders(project, plan.writes),
        unmerged=read_unmerged(state),
    )
    with held_signals():
        try:
            begin(state, project, journal)  # killed or failing in here: nothing written yet
            for path in plan.writes:
                _put(merged.work / path, project / path)
            for path in plan.deletes:
                _delete(project, path)
            write_unmerged(state, unmerged)
        except BaseException as exc:
            recover(project)
            if isinstance(exc, ScaffoldError | OSError):
                raise ScaffoldError(
                    f"the update could not be written ({exc}); it was rolled back, "
                    "the project is as it was"
                ) from exc
            raise
        finish(state)
        on_applied()
