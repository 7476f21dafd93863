"""Is a project behind its template? Which versions, and what changed in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold.errors import ScaffoldError
from scaffold.updating.answers import read_record, require_version
from scaffold.updating.changelog import entries_for, read_changelog
from scaffold.updating.versions import list_releases, releases_after, version_of_commit


@dataclass(frozen=True)
class DriftResult:
    project: Path
    template: str
    current: str  # the template version the project was last rendered or updated from
    latest: str
    behind: list[str]  # newer tags, oldest first
    changelog: dict[str, str] = field(default_factory=dict)  # version -> entry, newest first
    # Why ``scaffold update`` cannot merge here, when it cannot ("" when it can).
    blocked: str = ""
    recovered: list[str] = field(default_factory=list)  # rolled back from a killed update
    unresolved: list[str] = field(default_factory=list)  # conflicts the last update left

    @property
    def no_entry(self) -> list[str]:
        """Newer versions the changelog says nothing about (all of them without one)."""
        from scaffold.updating.versions import parse_tag

        return [tag for tag in self.behind if str(parse_tag(tag)) not in self.changelog]

    @property
    def is_current(self) -> bool:
        return not self.behind

    def to_json(self) -> dict[str, Any]:
        return {
            "project": str(self.project),
            "template": self.template,
            "current": self.current,
            "latest": self.latest,
            "up_to_date": self.is_current,
            "behind": self.behind,
            "changelog": self.changelog,
            "update_blocked": self.blocked,
            "no_changelog_entry": self.no_entry,
            "recovered": self.recovered,
            "unresolved_conflicts": self.unresolved,
        }


def check_drift(project: Path) -> DriftResult:
    from scaffold.updating.scratch import scratch_area

    with scratch_area():  # template clones go there; a killed run's are removed next time
        return _check(project)


def _check(project: Path) -> DriftResult:
    from scaffold.bundled import missing_release, refresh_for

    read_record(project)  # a folder that is no generated project says so first
    recovered, unresolved = _update_state(project)
    record = read_record(project)
    refresh_for(record.src_path)
    current = version_of_commit(require_version(record))
    if current is None:
        raise ScaffoldError(
            f"the project records template commit {record.commit}, not a version: "
            "it was generated from an untagged template"
        )
    releases = list_releases(record.src_path, prereleases=current.is_prerelease)
    if not releases:
        raise ScaffoldError(f"template {record.src_path} has no version tags")
    newer = releases_after(current, releases)
    changelog: dict[str, str] = {}
    if newer and (text := read_changelog(record.src_path, newer[-1].tag)):
        changelog = entries_for(text, [release.version for release in newer])
    return DriftResult(
        project=project,
        template=record.src_path,
        current=record.commit or str(current),
        latest=releases[-1].tag,
        behind=[release.tag for release in newer],
        changelog=changelog,
        blocked=missing_release(record.src_path, record.commit or "") if newer else "",
        recovered=recovered,
        unresolved=unresolved,
    )


def _update_state(project: Path) -> tuple[list[str], list[str]]:
    """Roll back a killed ``scaffold update``, if any; the conflicts the last one left."""
    from scaffold.gitops import is_work_tree
    from scaffold.updating.journal import recover_unfinished, unresolved

    if not is_work_tree(project):
        return [], []
    return recover_unfinished(project), unresolved(project)[1]
