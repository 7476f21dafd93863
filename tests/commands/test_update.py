"""``scaffold update``: a project made from a tiny template at v1.0.0, updated to v2.0.0."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.updating.templates import (
    CONFIG_V1,
    COPIER_YML,
    RENAMED,
    commit_all,
    generate,
    git,
    make_template_v1,
    release_v2,
    run_cli,
)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return make_template_v1(tmp_path)


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Path:
    """A project generated at v1.0.0, after which the template released v2.0.0."""
    made = generate(template, tmp_path / "proj")
    release_v2(template)
    return made


def edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_user_edit_in_unchanged_region_survives_and_template_change_lands(
    project: Path,
) -> None:
    edit(project, "README.md", "Line 8.", "Line 8, with my notes.")
    commit_all(project, "my notes")

    code, output = run_cli("update", str(project))

    assert code == 0, output
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "Line 8, with my notes." in readme
    assert readme.startswith("# The proj\n")
    assert "setting = 2" in (project / "config.txt").read_text(encoding="utf-8")
    assert "_commit: v2.0.0" in (project / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "v1.0.0 to v2.0.0" in output


def test_same_line_edit_is_reported_as_conflict_and_exits_1_until_resolved(
    project: Path,
) -> None:
    edit(project, "config.txt", "setting = 1", "setting = 5")
    commit_all(project, "my setting")

    code, output = run_cli("update", str(project))

    assert code == 1
    assert "conflict" in output and "config.txt" in output
    text = (project / "config.txt").read_text(encoding="utf-8")
    assert "<<<<<<< before updating" in text and "setting = 5" in text
    assert "setting = 2" in text

    rerun_code, rerun_output = run_cli("update", str(project))
    assert rerun_code == 1
    assert "Conflicts from the last update remain" in rerun_output and "config.txt" in rerun_output

    # Even once committed, the markers keep the update failing until they are resolved.
    commit_all(project, "oops, committed the markers")
    assert run_cli("update", str(project))[0] == 1
    (project / "config.txt").write_text(CONFIG_V1.replace("1", "5"), encoding="utf-8")
    commit_all(project, "resolved")
    assert run_cli("update", str(project))[0] == 0


def test_edited_file_the_template_deletes_is_kept_and_reported(project: Path) -> None:
    (project / "obsolete.txt").write_text("my important notes\n", encoding="utf-8")
    commit_all(project, "notes")

    code, output = run_cli("update", str(project))

    assert code == 0, output
    assert (project / "obsolete.txt").read_text(encoding="utf-8") == "my important notes\n"
    assert "kept" in output and "obsolete.txt" in output and "deleted it" in output


def test_unedited_file_the_template_deletes_is_removed(project: Path) -> None:
    code, output = run_cli("update", str(project))

    assert code == 0, output
    assert not (project / "obsolete.txt").exists()
    assert "kept" not in output


def test_edited_file_the_template_renames_is_kept_beside_the_new_name(project: Path) -> None:
    edit(project, "old_name.txt", "renamed content 8\n", "renamed content 8\nmy line\n")
    commit_all(project, "my line")

    code, output = run_cli("update", str(project), "--json")

    assert code == 0, output
    result = json.loads(output)
    assert result["kept"] == [{"path": "old_name.txt", "renamed_to": "new_name.txt"}]
    assert "my line" in (project / "old_name.txt").read_text(encoding="utf-8")
    assert (project / "new_name.txt").read_text(encoding="utf-8") == RENAMED


def test_dirty_tree_is_refused_and_nothing_changes(project: Path) -> None:
    (project / "README.md").write_text("uncommitted work\n", encoding="utf-8")
    (project / "scratch.py").write_text("x = 1\n", encoding="utf-8")

    code, output = run_cli("update", str(project))

    assert code == 2
    assert "uncommitted" in output
    assert (project / "README.md").read_text(encoding="utf-8") == "uncommitted work\n"
    assert "setting = 1" in (project / "config.txt").read_text(encoding="utf-8")
    assert "_commit: v1.0.0" in (project / ".copier-answers.yml").read_text(encoding="utf-8")


def test_diff_shows_changes_file_by_file_and_writes_nothing(project: Path) -> None:
    edit(project, "config.txt", "setting = 1", "setting = 5")
    (project / "obsolete.txt").write_text("mine\n", encoding="utf-8")
    commit_all(project, "edits")
    head = git(project, "rev-parse", "HEAD")

    code, output = run_cli("update", str(project), "--diff", "--json")

    assert code == 1, output  # the preview has a conflict
    result = json.loads(output)
    changes = {c["path"]: c["change"] for c in result["changes"]}
    assert changes["README.md"] == "modified"
    assert changes["config.txt"] == "conflict"
    assert changes["new_name.txt"] == "renamed"  # from old_name.txt, which was not edited
    assert "obsolete.txt" not in changes  # kept, so not deleted
    assert result["applied"] is False
    assert "+# The proj" in result["patch"]
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "rev-parse", "HEAD") == head
    assert "setting = 5" in (project / "config.txt").read_text(encoding="utf-8")


def test_to_updates_to_the_given_version_only(project: Path, template: Path) -> None:
    (template / "extra.txt").write_text("v3\n", encoding="utf-8")
    commit_all(template, "v3", "v3.0.0")

    code, output = run_cli("update", str(project), "--to", "v2.0.0")

    assert code == 0, output
    assert "_commit: v2.0.0" in (project / ".copier-answers.yml").read_text(encoding="utf-8")
    assert not (project / "extra.txt").exists()


def test_project_already_at_latest_version_is_left_alone(template: Path, tmp_path: Path) -> None:
    made = generate(template, tmp_path / "current")

    code, output = run_cli("update", str(made))

    assert code == 0
    assert "Already at template version v1.0.0" in output
    assert git(made, "status", "--porcelain") == ""


def test_folder_without_answers_file_is_a_clear_error(tmp_path: Path) -> None:
    code, output = run_cli("update", str(tmp_path))

    assert code == 2
    assert "has no .copier-answers.yml" in output


def test_project_from_an_unversioned_template_is_a_clear_error(tmp_path: Path) -> None:
    template = tmp_path / "plain"
    template.mkdir()
    (template / "copier.yml").write_text("project_name: {type: str, default: x}\n", "utf-8")
    (template / "{{ _copier_conf.answers_file }}.jinja").write_text(
        "{{ _copier_answers|to_nice_yaml }}", "utf-8"
    )
    made = generate(template, tmp_path / "proj")

    for command in ("update", "drift"):
        code, output = run_cli(command, str(made))
        assert code == 2
        assert "records no template version" in output


def test_diff_on_a_dirty_tree_previews_with_uncommitted_work_and_changes_nothing(
    project: Path,
) -> None:
    edit(project, "config.txt", "setting = 1", "setting = 7")  # not committed

    code, output = run_cli("update", str(project), "--diff")

    assert code == 1, output  # the preview has a conflict
    assert "Would update" in output
    assert "conflict" in output and "config.txt" in output
    assert git(project, "status", "--porcelain") == " M config.txt\n"
    assert "<<<<<<<" not in (project / "config.txt").read_text(encoding="utf-8")


def test_piped_diff_is_a_whole_patch_that_applies(project: Path) -> None:
    import subprocess
    import sys

    long_line = "Intro, " + "and a long line " * 10 + "\n"
    edit(project, "README.md", "Intro.\n", long_line)  # context of the template's title change
    commit_all(project, "a long line")

    preview = subprocess.run(
        [sys.executable, "-m", "scaffold", "update", str(project), "--diff"],
        capture_output=True,
        text=True,
        check=False,
        env={key: value for key, value in os.environ.items() if key != "COLUMNS"},
    )

    assert preview.returncode == 0, preview.stderr
    assert long_line in preview.stdout  # whole lines, not cut at 80 columns
    patch = project.parent / "update.patch"
    patch.write_text(preview.stdout, encoding="utf-8")
    git(project, "apply", str(patch))  # raises unless every hunk applies
    assert "setting = 2" in (project / "config.txt").read_text(encoding="utf-8")
    assert long_line in (project / "README.md").read_text(encoding="utf-8")


def test_to_a_tag_the_template_does_not_have_is_named(project: Path) -> None:
    code, output = run_cli("update", str(project), "--to", "v9.9.9")

    assert code == 2
    assert "has no tag, branch or commit 'v9.9.9' (latest tags: v1.0.0, v2.0.0)" in output
    assert git(project, "status", "--porcelain") == ""


def test_to_an_older_version_is_refused_up_front(project: Path) -> None:
    assert run_cli("update", str(project))[0] == 0
    commit_all(project, "to v2")

    code, output = run_cli("update", str(project), "--to", "v1.0.0", "--diff")

    assert code == 2
    assert "v1.0.0 is older than the project's template version v2.0.0" in output
    assert "git reset" not in output


def test_a_failing_diff_never_advises_discarding_work(project: Path, template: Path) -> None:
    (template / "copier.yml").write_text(COPIER_YML + "_tasks:\n  - touch ran.txt\n")
    commit_all(template, "tasks", "v3.0.0")
    (project / "wip.txt").write_text("unsaved\n", encoding="utf-8")  # a dirty tree: --diff is fine

    code, output = run_cli("update", str(project), "--diff")

    assert code == 2
    assert "pass --trust" in output
    assert "git reset" not in output and "git clean" not in output
    assert (project / "wip.txt").read_text(encoding="utf-8") == "unsaved\n"


def test_a_failing_update_changes_nothing_and_says_so(project: Path, template: Path) -> None:
    (template / "copier.yml").write_text(COPIER_YML + "_tasks:\n  - touch ran.txt\n")
    commit_all(template, "tasks", "v3.0.0")

    code, output = run_cli("update", str(project))

    assert code == 2
    assert "pass --trust" in output and "nothing was changed" in output
    assert "git reset" not in output
    assert git(project, "status", "--porcelain") == ""
