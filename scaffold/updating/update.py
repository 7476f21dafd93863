"""``scaffold update``: copier's 3-way update as a transaction.

The merge is computed in a scratch copy of the project (``merge.compute``), checked, then
moved into the project in one short journaled step (``apply``): an update is all of the new
template version or none of it, also under Ctrl-C, SIGTERM or a kill.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from scaffold.errors import ScaffoldError
from scaffold.fileio import locked
from scaffold.updating.answers import read_record, require_version
from scaffold.updating.gitstate import require_clean, require_repo
from scaffold.updating.journal import recover, state_dir, unresolved
from scaffold.updating.merge import FileChange, Merged, compute
from scaffold.updating.safeguard import KeptFile
from scaffold.updating.scratch import scratch_area
from scaffold.updating.target import Target, resolve_target

T = TypeVar("T")
__all__ = ["FileChange", "UpdateResult", "update_project"]


@dataclass
class UpdateResult:
    project: Path
    template: str
    from_version: str
    to_version: str
    changes: list[FileChange] = field(default_factory=list)
    kept: list[KeptFile] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    beside: list[str] = field(default_factory=list)  # conflicts kept whole, NAME.template
    skipped: list[str] = field(default_factory=list)  # template changes to files you deleted
    recovered: list[str] = field(default_factory=list)  # rolled back from a killed update
    applied: bool = True  # False for --diff previews and when there is nothing to do
    patch: str = ""  # the unified diff, for --diff
    latest: str = ""  # the newest release, set when there is nothing to do
    blocked: bool = False  # conflicts from the last update are unresolved

    @property
    def up_to_date(self) -> bool:
        return bool(self.latest)

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
            "kept_whole": self.beside,
            "deleted_but_changed": self.skipped,
            "recovered": self.recovered,
            "blocked": self.blocked,
            "patch": self.patch,
        }

    def take(self, merged: Merged) -> None:
        self.to_version = merged.to_version
        self.changes, self.patch, self.kept = merged.changes, merged.patch, merged.kept
        self.conflicts, self.beside, self.skipped = merged.conflicts, merged.beside, merged.skipped


def update_project(project: Path, to: str | None = None, trust: bool = False) -> UpdateResult:
    """Update ``project`` in place: all of the new version or nothing. Conflicts left behind
    are listed in the result."""
    project = project.expanduser().resolve()
    read_record(project)  # a folder that is no generated project says so first
    require_repo(project)
    written: list[str] = []  # set once the apply is complete, before held signals land
    try:
        # Every temporary folder (template clones too) goes in the scratch area.
        with interruptible(), locked(project), scratch_area() as root:
            recovered = recover(project)
            result = start(project)
            result.recovered = recovered
            if _blocked(result):
                return result
            require_clean(project)
            target = resolve_target(read_record(project), to)
            if target.nothing_to_do:
                result.applied, result.latest = False, target.latest
                return result
            _update(project, target, trust, root, result, written)
            return result
    except KeyboardInterrupt:
        state = "the update was complete before it stopped" if written else "nothing was changed"
        raise ScaffoldError(f"interrupted; {state}", exit_code=130) from None


def start(project: Path) -> UpdateResult:
    record = read_record(project)
    version = require_version(record)
    return UpdateResult(project, record.src_path, version, version)


def _blocked(result: UpdateResult) -> bool:
    """Conflicts the last update left, still unresolved, stop this one."""
    _, remaining = unresolved(result.project)
    if remaining:
        result.applied, result.conflicts, result.blocked = False, remaining, True
    return bool(remaining)


def _update(
    project: Path,
    target: Target,
    trust: bool,
    root: Path,
    result: UpdateResult,
    written: list[str],
) -> None:
    from scaffold.updating.apply import apply_plan, make_plan

    record = read_record(project)
    merged = copier_step(lambda: compute(record, target.ref, trust, root, run_copier_update))
    plan = make_plan(project, merged)
    unmerged = {
        "to_version": merged.to_version,
        "files": merged.marked,
        "beside": merged.beside,
    }
    apply_plan(project, state_dir(project), merged, plan, unmerged, lambda: written.append("done"))
    result.take(merged)


@contextmanager
def interruptible() -> Iterator[None]:
    """SIGTERM stops an update like Ctrl-C does: scratch folders removed, tree untouched."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_copier_update(project: Path, ref: str, trust: bool) -> None:
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


def copier_step(step: Callable[[], T]) -> T:
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
        raise ScaffoldError(f"the template update failed: {message} (nothing was changed)") from exc
