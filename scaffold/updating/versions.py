"""Template versions: the PEP 440 git tags of a template repository."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from scaffold.engine import clone_url, is_url
from scaffold.errors import ScaffoldError
from scaffold.gitops import NO_PROMPT, failure_reason

# ``git describe`` output: a tag, optionally followed by commits since it and the hash.
_DESCRIBE = re.compile(r"^(?P<tag>.+?)(?:-(?P<distance>\d+)-g[0-9a-f]+)?$")


@dataclass(frozen=True, order=True)
class Release:
    version: Version
    tag: str


def parse_tag(tag: str) -> Version | None:
    """``"v1.2.0"`` -> ``Version("1.2.0")``; None for tags that are not versions."""
    try:
        return Version(tag.removeprefix("v").removeprefix("V"))
    except InvalidVersion:
        return None


def version_of_commit(describe: str | None) -> Version | None:
    """The release a project was rendered from, from copier's ``_commit`` (git describe)."""
    if not describe:
        return None
    match = _DESCRIBE.match(describe)
    return parse_tag(match.group("tag")) if match else None


def position(describe: str | None) -> tuple[Version, int] | None:
    """``"v1.2.0-3-gabc"`` -> (1.2.0, 3): the release a ref is on and the commits past it."""
    match = _DESCRIBE.match(describe or "")
    version = parse_tag(match.group("tag")) if match else None
    if match is None or version is None:
        return None
    return version, int(match.group("distance") or 0)


def git_location(src_path: str) -> str:
    """What ``git`` can read the template from: a URL as is, a local path made absolute."""
    if is_url(src_path):
        return clone_url(src_path)
    return str(Path(src_path).expanduser().resolve())


def list_releases(src_path: str, prereleases: bool = False) -> list[Release]:
    """All version tags of the template, oldest first."""
    location = git_location(src_path)
    result = subprocess.run(
        ["git", "ls-remote", "--tags", "--refs", "--", location],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **NO_PROMPT},
    )
    if result.returncode != 0:
        reason = failure_reason(result.stderr, f"git exited {result.returncode}")
        raise ScaffoldError(f"cannot read the versions of template {src_path}: {reason}")
    releases = []
    for line in result.stdout.splitlines():
        tag = line.partition("\t")[2].removeprefix("refs/tags/")
        version = parse_tag(tag)
        if version is not None and (prereleases or not version.is_prerelease):
            releases.append(Release(version, tag))
    return sorted(releases)


def releases_after(current: Version, releases: list[Release]) -> list[Release]:
    return [release for release in releases if release.version > current]
