"""The bundled template as a versioned repository: one tag per distinct template content, and
projects from it that drift reports behind and update merges after scaffold is upgraded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scaffold import bundled
from scaffold.errors import ScaffoldError
from scaffold.settings import bundled_template
from tests.updating.templates import commit_all, git, run_cli


def tags(repo: Path) -> list[str]:
    return git(repo, "tag", "--list").split()


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


@pytest.fixture
def template(tmp_path: Path) -> Path:
    root = tmp_path / "tpl"
    (root / "project").mkdir(parents=True)
    (root / "copier.yml").write_text("_subdirectory: project\n", encoding="utf-8")
    (root / "project" / "README.md").write_text("# one\n", encoding="utf-8")
    return root


def test_same_content_is_tagged_once(template: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    first = bundled.ensure_release(template, "1.0.0", repo)
    again = bundled.ensure_release(template, "1.0.0", repo)
    assert first.tag == again.tag == "v1.0.0"
    assert tags(repo) == ["v1.0.0"]
    assert commits(repo) == 1
    assert (repo / "project" / "README.md").read_text(encoding="utf-8") == "# one\n"


def test_changed_content_under_the_same_version_gets_a_post_release(
    template: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    bundled.ensure_release(template, "1.0.0", repo)
    (template / "project" / "README.md").write_text("# two\n", encoding="utf-8")
    assert bundled.ensure_release(template, "1.0.0", repo).tag == "v1.0.0.post1"
    (template / "project" / "README.md").write_text("# three\n", encoding="utf-8")
    assert bundled.ensure_release(template, "1.0.0", repo).tag == "v1.0.0.post2"


def test_going_back_to_known_content_reuses_its_tag(template: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    bundled.ensure_release(template, "1.0.0", repo)
    (template / "project" / "NEW.md").write_text("new\n", encoding="utf-8")
    assert bundled.ensure_release(template, "1.1.0", repo).tag == "v1.1.0"
    assert (repo / "project" / "NEW.md").is_file()
    (template / "project" / "NEW.md").unlink()
    assert bundled.ensure_release(template, "1.0.0", repo).tag == "v1.0.0"
    assert tags(repo) == ["v1.0.0", "v1.1.0"]
    assert commits(repo) == 2


def test_deleted_files_leave_the_release(template: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (template / "project" / "OLD.md").write_text("old\n", encoding="utf-8")
    bundled.ensure_release(template, "1.0.0", repo)
    (template / "project" / "OLD.md").unlink()
    bundled.ensure_release(template, "2.0.0", repo)
    assert not (repo / "project" / "OLD.md").exists()


def test_bytecode_litter_does_not_make_a_new_release(template: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    digest = bundled.content_digest(template)
    (template / "__pycache__").mkdir()
    (template / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    assert bundled.content_digest(template) == digest
    bundled.ensure_release(template, "1.0.0", repo)
    assert not (repo / "__pycache__").exists()


def test_a_path_under_home_is_recorded_with_a_tilde(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert bundled.display_path(tmp_path / "a" / "b") == "~/a/b"
    assert bundled.display_path(Path("/elsewhere/b")) == "/elsewhere/b"


def test_the_bundled_source_is_recognised_in_either_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SCAFFOLD_DATA_DIR", str(tmp_path / "data"))
    assert bundled.is_bundled_source("~/data/bundled-template")
    assert bundled.is_bundled_source(str(tmp_path / "data" / "bundled-template"))
    assert not bundled.is_bundled_source(str(tmp_path / "team-template"))


def release_upgrade(version: str) -> Path:
    """What upgrading scaffold does: a newer bundled template, recorded as a new release."""
    upgraded = bundled.repo_path().parent / f"upgrade-{version}"
    shutil.copytree(bundled_template(), upgraded)
    makefile = upgraded / "project" / "Makefile.jinja"
    makefile.write_text(
        makefile.read_text(encoding="utf-8") + "\n# added by the upgrade\n", encoding="utf-8"
    )
    return bundled.ensure_release(upgraded, version).repo


def test_a_project_from_the_bundled_template_records_a_version(tmp_path: Path) -> None:
    from tests.projects import generate

    project = generate(tmp_path / "proj", "minimal")
    answers = (project / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "_commit: v0.1.0" in answers or "_commit: v0.1.0.post" in answers
    assert bundled.repo_path().name in answers
    code, output = run_cli("drift", str(project))
    assert code == 0, output


def test_after_an_upgrade_drift_reports_and_update_merges_keeping_user_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCAFFOLD_DATA_DIR", str(tmp_path / "data"))
    from tests.projects import generate

    project = generate(tmp_path / "proj", "minimal")
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nOur notes.\n", encoding="utf-8")
    commit_all(project, "our notes")
    release_upgrade("99.0.0")

    code, output = run_cli("drift", str(project))
    assert code == 1
    assert "v99.0.0" in output

    code, output = run_cli("update", str(project))
    assert code == 0, output
    assert "# added by the upgrade" in (project / "Makefile").read_text(encoding="utf-8")
    assert "Our notes." in readme.read_text(encoding="utf-8")
    commit_all(project, "update")
    assert run_cli("drift", str(project))[0] == 0


def test_update_names_a_bundled_version_this_machine_never_had(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCAFFOLD_DATA_DIR", str(tmp_path / "data"))
    from scaffold.commands.new import NewOptions, create_project

    release_upgrade("0.0.1")  # an older scaffold's bundled template, on the first machine
    options = NewOptions(dest=tmp_path / "proj", preset="minimal", defaults=True, vcs_ref="v0.0.1")
    project = create_project(options).render.dest
    # A second machine: its bundled repository only has what its own scaffold brings.
    shutil.rmtree(bundled.repo_path())

    code, output = run_cli("drift", str(project))
    assert code == 1
    assert "scaffold update cannot merge them here" in output
    assert "Run scaffold update" not in output

    code, output = run_cli("update", str(project))
    assert code == 2
    assert "v0.0.1" in output
    assert "is not on this machine" in output
    assert "_commit: v0.0.1" in (project / ".copier-answers.yml").read_text(encoding="utf-8")


def test_only_the_bundled_repository_needs_its_release_on_this_machine(tmp_path: Path) -> None:
    bundled.require_release(str(tmp_path / "team-template"), "v404")
    with pytest.raises(ScaffoldError, match="team template"):
        bundled.require_release(str(bundled.repo_path()), "v404")
