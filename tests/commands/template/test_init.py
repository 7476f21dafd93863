"""``scaffold template init``: a team template repository from the bundled template."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.settings import bundled_template
from tests.updating.templates import git, run_cli


def test_creates_a_tagged_git_repository_with_a_changelog(tmp_path: Path) -> None:
    dest = tmp_path / "team-template"

    code, output = run_cli("template", "init", str(dest))

    assert code == 0, output
    assert git(dest, "tag", "--list").split() == ["v1.0.0"]
    assert git(dest, "status", "--porcelain") == ""
    assert "## [1.0.0]" in (dest / "CHANGELOG.md").read_text(encoding="utf-8")
    bundled = (bundled_template() / "copier.yml").read_text(encoding="utf-8")
    assert (dest / "copier.yml").read_text(encoding="utf-8").startswith(bundled)
    assert "scaffold config set template" in output


def test_refuses_a_non_empty_destination(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me\n", encoding="utf-8")

    code, output = run_cli("template", "init", str(tmp_path))

    assert code == 2 and "not empty" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


@pytest.mark.slow
def test_projects_from_the_team_template_are_versioned_and_can_drift(tmp_path: Path) -> None:
    team = tmp_path / "team-template"
    assert run_cli("template", "init", str(team))[0] == 0
    assert run_cli("config", "set", "template", str(team))[0] == 0

    code, output = run_cli("new", str(tmp_path / "proj"), "--defaults")
    assert code == 0, output
    project = tmp_path / "proj"
    answers = (project / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "_commit: v1.0.0" in answers and f"_src_path: {team}" in answers
    assert not (project / "CHANGELOG.md").exists()
    assert run_cli("drift", str(project))[0] == 0

    gitignore = team / "project" / ".gitignore.jinja"
    gitignore.write_text(gitignore.read_text(encoding="utf-8") + "team-scratch/\n", "utf-8")
    git(team, "commit", "--quiet", "-am", "ignore team-scratch/")
    git(team, "tag", "v1.1.0")
    assert run_cli("drift", str(project))[0] == 1

    code, output = run_cli("update", str(project))
    assert code == 0, output
    assert "team-scratch/" in (project / ".gitignore").read_text(encoding="utf-8")
    git(project, "commit", "--quiet", "-am", "template v1.1.0")
    assert run_cli("drift", str(project))[0] == 0
