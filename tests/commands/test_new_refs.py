"""``scaffold new``: ``--vcs-ref`` on a local cookiecutter template, and DEST inside a repo."""

from __future__ import annotations

import json
from pathlib import Path

from tests.updating.templates import commit_all, git, make_template_v1, run_cli


def _cookiecutter(root: Path) -> Path:
    template = root / "cc"
    (template / "{{cookiecutter.project_slug}}").mkdir(parents=True)
    context = {"project_slug": "demo"}
    (template / "cookiecutter.json").write_text(json.dumps(context), encoding="utf-8")
    (template / "{{cookiecutter.project_slug}}/version.txt").write_text("one\n", "utf-8")
    return template


def test_vcs_ref_of_a_local_cookiecutter_template_is_checked_out(tmp_path: Path) -> None:
    template = _cookiecutter(tmp_path)
    git(template, "init", "--quiet", "--initial-branch=main")
    commit_all(template, "one", "v1")
    (template / "{{cookiecutter.project_slug}}/version.txt").write_text("two\n", "utf-8")
    commit_all(template, "two")

    code, output = run_cli(
        "new", str(tmp_path / "p"), "--template", str(template), "--defaults",
        "--vcs-ref", "v1", "--no-git",
    )  # fmt: skip

    assert code == 0, output
    assert (tmp_path / "p/version.txt").read_text(encoding="utf-8") == "one\n"


def test_vcs_ref_of_a_cookiecutter_folder_without_git_is_refused(tmp_path: Path) -> None:
    template = _cookiecutter(tmp_path)

    code, output = run_cli(
        "new", str(tmp_path / "p"), "--template", str(template), "--defaults",
        "--vcs-ref", "v1", "--no-git",
    )  # fmt: skip

    assert code == 2
    assert "--vcs-ref v1 needs a git repository" in output
    assert not (tmp_path / "p").exists()


def test_dest_inside_a_repository_makes_no_nested_repository(tmp_path: Path) -> None:
    template = make_template_v1(tmp_path)
    top = tmp_path / "mono"
    top.mkdir()
    git(top, "init", "--quiet", "--initial-branch=main")

    code, output = run_cli(
        "new", str(top / "services/api"), "--template", str(template), "--defaults"
    )

    assert code == 0, output
    assert not (top / "services/api/.git").exists()
    assert "no new repository made" in output.replace("\n", " ")
    assert "services/api/README.md" in git(top, "status", "--porcelain", "--untracked-files=all")
