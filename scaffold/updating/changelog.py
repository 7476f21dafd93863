"""The template's CHANGELOG.md entries between two versions."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from packaging.version import Version

from scaffold.updating.versions import git_location, parse_tag

CHANGELOG = "CHANGELOG.md"
_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.*)$")
_VERSION_TOKEN = re.compile(r"v?\d+(?:\.\d+)+\S*", re.IGNORECASE)


def read_changelog(src_path: str, tag: str) -> str | None:
    """CHANGELOG.md as of ``tag`` in the template repository, or None when it has none."""
    location = git_location(src_path)
    if Path(location).is_dir():
        return _git_show(Path(location), tag)
    with tempfile.TemporaryDirectory(prefix="scaffold-changelog-") as tmp:
        clone = subprocess.run(
            ["git", "clone", "--quiet", "--depth", "1", "--branch", tag, location, tmp],
            capture_output=True,
            check=False,
        )
        return _git_show(Path(tmp), tag) if clone.returncode == 0 else None


def _git_show(repo: Path, tag: str) -> str | None:
    shown = subprocess.run(
        ["git", "show", f"{tag}:{CHANGELOG}"], cwd=repo, capture_output=True, check=False
    )
    return shown.stdout.decode("utf-8", "replace") if shown.returncode == 0 else None


def heading_version(title: str) -> Version | None:
    """The version a changelog heading is about: ``[1.2.0] - 2024-05-01`` -> 1.2.0."""
    for token in _VERSION_TOKEN.findall(title.replace("[", " ").replace("]", " ")):
        version = parse_tag(token.rstrip(":,;)"))
        if version is not None:
            return version
    return None


def entries_for(text: str, versions: list[Version]) -> dict[str, str]:
    """The sections of a Keep-a-Changelog style file for ``versions``, keyed by version."""
    wanted = set(versions)
    entries: dict[str, str] = {}
    current: Version | None = None
    level = 0
    lines: list[str] = []
    for line in [*text.splitlines(), "# end"]:
        heading = _HEADING.match(line)
        if heading and (current is None or len(heading.group("level")) <= level):
            if current is not None:
                entries[str(current)] = "\n".join(lines).strip()
            version = heading_version(heading.group("title"))
            current = version if version in wanted else None
            level = len(heading.group("level"))
            lines = []
        elif current is not None:
            lines.append(line)
    return {str(v): entries[str(v)] for v in sorted(wanted, reverse=True) if str(v) in entries}
