"""``scaffold update --diff``: the update computed as for real, shown instead of applied."""

from __future__ import annotations

from pathlib import Path

from scaffold.errors import ScaffoldError
from scaffold.fileio import locked
from scaffold.updating.answers import read_record
from scaffold.updating.gitstate import require_repo
from scaffold.updating.journal import recover
from scaffold.updating.merge import compute
from scaffold.updating.scratch import scratch_area
from scaffold.updating.target import resolve_target
from scaffold.updating.update import (
    UpdateResult,
    copier_step,
    interruptible,
    run_copier_update,
    start,
)


def preview_update(project: Path, to: str | None = None, trust: bool = False) -> UpdateResult:
    """What ``update_project`` would do, computed the same way; the project is not touched
    (uncommitted work is included in the preview)."""
    project = project.expanduser().resolve()
    read_record(project)  # a folder that is no generated project says so first
    require_repo(project)
    try:
        return _preview(project, to, trust)
    except KeyboardInterrupt:
        raise ScaffoldError("interrupted; nothing was changed", exit_code=130) from None


def _preview(project: Path, to: str | None, trust: bool) -> UpdateResult:
    with interruptible(), locked(project), scratch_area() as root:
        recovered = recover(project)
        result = start(project)
        result.recovered, result.applied = recovered, False
        target = resolve_target(read_record(project), to)
        if target.nothing_to_do:
            result.latest = target.latest
            return result
        record = read_record(project)
        result.take(
            copier_step(lambda: compute(record, target.ref, trust, root, run_copier_update))
        )
    return result
