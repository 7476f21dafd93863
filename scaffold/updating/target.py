"""Which template version to update to, decided before anything is computed.

``--to`` takes a release tag, a branch or a commit of the template. Every ref is placed by
``git describe`` (the release it is on, and how many commits past it), so "older", "the same"
and "ahead" are known up front: no update runs to find out it had nothing to do.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scaffold.errors import ScaffoldError
from scaffold.updating.answers import TemplateRecord
from scaffold.updating.versions import git_location, list_releases, position


@dataclass(frozen=True)
class Target:
    ref: str  # what copier checks out
    describe: str  # where it is: "v2.0.0", "v2.0.0-3-gabc1234"
    latest: str  # the newest release tag
    nothing_to_do: bool = False


def describe_ref(src_path: str, ref: str) -> str | None:
    """``git describe --tags`` of ``ref`` in the template repository (None: no such ref)."""
    location = git_location(src_path)
    if Path(location).is_dir():
        return _describe(Path(location), ref)
    with tempfile.TemporaryDirectory(prefix="scaffold-describe-") as tmp:
        clone = subprocess.run(
            ["git", "clone", "--quiet", "--bare", "--filter=blob:none", "--", location, tmp],
            capture_output=True,
            check=False,
        )
        return _describe(Path(tmp), ref) if clone.returncode == 0 else None


def _describe(repo: Path, ref: str) -> str | None:
    for candidate in (ref, f"origin/{ref}"):
        result = subprocess.run(
            ["git", "describe", "--tags", "--abbrev=7", f"{candidate}^{{commit}}", "--"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0:
            return result.stdout.strip()
    return None


def resolve_target(record: TemplateRecord, to: str | None) -> Target:
    """The version to update to; ScaffoldError for refs that do not exist or go back."""
    from scaffold.bundled import refresh_for, require_release

    refresh_for(record.src_path)
    require_release(record.src_path, record.commit or "")
    current = position(record.commit)
    releases = list_releases(
        record.src_path, prereleases=bool(to) or bool(current and current[0].is_prerelease)
    )
    if not releases:
        raise ScaffoldError(f"template {record.src_path} has no version tags to update to")
    latest = releases[-1].tag
    tags = [release.tag for release in releases]
    describe = to if to in tags else (describe_ref(record.src_path, to) if to else latest)
    if describe is None:
        known = ", ".join(tags[-5:])
        raise ScaffoldError(
            f"template {record.src_path} has no tag, branch or commit {to!r} (latest tags: {known})"
        )
    wanted = position(describe)
    if to and wanted is None:
        raise ScaffoldError(f"{to} is not on any release of template {record.src_path}")
    if current is not None and wanted is not None and wanted <= current:
        if to and wanted < current:
            raise ScaffoldError(
                f"{to} is older than the project's template version {record.commit}; "
                "scaffold update does not downgrade"
            )
        return Target(to or latest, describe, latest, nothing_to_do=True)
    return Target(to or latest, describe, latest)
