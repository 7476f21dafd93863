"""``scaffold drift``: exit 1 while the project is behind its template, with the changelog."""

from __future__ import annotations

import json
from pathlib import Path

from tests.updating.templates import commit_all, generate, make_template_v1, release_v2, run_cli


def test_behind_exits_1_with_versions_and_changelog_then_0_after_update(tmp_path: Path) -> None:
    template = make_template_v1(tmp_path)
    project = generate(template, tmp_path / "proj")
    assert run_cli("drift", str(project))[0] == 0
    release_v2(template)

    code, output = run_cli("drift", str(project))

    assert code == 1
    assert "v1.0.0" in output and "v2.0.0" in output
    assert "setting is now 2" in output  # the v2.0.0 changelog entry
    assert "\nv2.0.0\n- setting is now 2" in output.replace("### Changed\n\n", "")
    assert "1 version behind" in output
    assert "First release" not in output  # the entry of the version the project already has

    assert run_cli("update", str(project))[0] == 0
    commit_all(project, "update to v2")
    code, output = run_cli("drift", str(project))
    assert code == 0, output
    assert "Up to date" in output


def test_json_lists_every_version_between_oldest_first(tmp_path: Path) -> None:
    template = make_template_v1(tmp_path)
    project = generate(template, tmp_path / "proj")
    release_v2(template)
    (template / "late.txt").write_text("later\n", encoding="utf-8")
    commit_all(template, "v2.1", "v2.1.0")

    code, output = run_cli("drift", str(project), "--json")

    assert code == 1
    result = json.loads(output)
    assert result["behind"] == ["v2.0.0", "v2.1.0"]
    assert result["current"] == "v1.0.0"
    assert result["latest"] == "v2.1.0"
    assert result["up_to_date"] is False
    assert list(result["changelog"]) == ["2.0.0"]  # 2.1.0 has no entry in CHANGELOG.md


def test_untagged_template_is_a_clear_error(tmp_path: Path) -> None:
    template = make_template_v1(tmp_path)
    project = generate(template, tmp_path / "proj")
    (project / ".copier-answers.yml").write_text(
        f"_commit: 1a2b3c4\n_src_path: {template}\nproject_name: proj\n", encoding="utf-8"
    )

    code, output = run_cli("drift", str(project))

    assert code == 2
    assert "untagged" in output


def test_an_error_with_json_is_a_json_document_too(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "scaffold", "drift", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    document = json.loads(result.stdout)
    assert document["exit_code"] == 2
    assert "has no .copier-answers.yml" in document["error"]
    assert result.stderr.startswith("error: ")
