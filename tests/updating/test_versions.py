from __future__ import annotations

from packaging.version import Version

from scaffold.updating.changelog import entries_for, heading_version
from scaffold.updating.versions import parse_tag, version_of_commit


def test_commit_description_gives_the_release_it_was_made_from() -> None:
    assert version_of_commit("v1.2.0") == Version("1.2.0")
    assert version_of_commit("v1.2.0-3-gabc1234") == Version("1.2.0")
    assert version_of_commit("1.2.0rc1") == Version("1.2.0rc1")
    assert version_of_commit("abc1234") is None
    assert version_of_commit(None) is None


def test_tags_that_are_not_versions_are_ignored() -> None:
    assert parse_tag("v2") == Version("2")
    assert parse_tag("latest") is None


def test_changelog_headings_in_common_styles() -> None:
    assert heading_version("[1.2.0] - 2024-05-01") == Version("1.2.0")
    assert heading_version("v1.3.0 (2024-06-01)") == Version("1.3.0")
    assert heading_version("Unreleased") is None


CHANGELOG = """# Changelog

## Unreleased
- not yet

## [1.2.0] - 2024-06-01
### Added
- serving

## v1.1.0
- logging

## 1.0.0
- first
"""


def test_entries_between_versions_newest_first_with_their_subsections() -> None:
    entries = entries_for(CHANGELOG, [Version("1.1.0"), Version("1.2.0")])

    assert list(entries) == ["1.2.0", "1.1.0"]
    assert entries["1.2.0"] == "### Added\n- serving"
    assert entries["1.1.0"] == "- logging"


def test_a_ref_is_placed_by_its_release_and_the_commits_past_it() -> None:
    from scaffold.updating.versions import position

    assert position("v1.2.0") == (Version("1.2.0"), 0)
    assert position("v1.2.0-3-gabc1234") == (Version("1.2.0"), 3)
    assert position("v1.2.0-3-gabc1234") > position("v1.2.0")  # type: ignore[operator]
    assert position("v1.10.0") > position("v1.9.0-40-gabc1234")  # type: ignore[operator]
    assert position("abc1234") is None
