"""template.current: a project generated with copier is on its template's latest version.

Reuses ``scaffold drift`` (scaffold.updating). Only templates reachable on this machine are
compared: doctor does not go to the network, so a template URL makes the rule skip."""

from __future__ import annotations

from pathlib import Path

from scaffold.doctor.model import Finding, failed, passed, skipped
from scaffold.doctor.repo import Repo
from scaffold.errors import ScaffoldError

ANSWERS_FILE = ".copier-answers.yml"


def template_current(repo: Repo) -> Finding:
    if not repo.exists(ANSWERS_FILE):  # before the imports below, which load copier
        return skipped(f"no {ANSWERS_FILE}: not generated from a copier template")
    from scaffold.bundled import is_bundled_source
    from scaffold.engine import is_url
    from scaffold.updating.answers import read_record
    from scaffold.updating.drift import check_drift
    from scaffold.updating.journal import recover_unfinished

    if rolled_back := recover_unfinished(repo.root):  # a killed `scaffold update`
        return failed(
            f"an interrupted `scaffold update` was rolled back ({len(rolled_back)} files)"
        )
    try:
        record = read_record(repo.root)
    except ScaffoldError as exc:
        return failed(str(exc))
    if not record.commit:
        return skipped(f"no template version recorded ({record.src_path} was not tagged)")
    if is_url(record.src_path):
        return skipped(f"template {record.src_path} is remote; run `scaffold drift` to compare")
    local = Path(record.src_path).expanduser().is_dir() or is_bundled_source(record.src_path)
    if not local:
        return skipped(f"template {record.src_path} is not on this machine")
    try:
        drift = check_drift(repo.root)
    except ScaffoldError as exc:
        return skipped(str(exc))
    if drift.behind:
        return failed(f"on {drift.current}, {len(drift.behind)} release(s) behind {drift.latest}")
    return passed(f"on {drift.current}, the latest release")
