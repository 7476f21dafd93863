"""Finding the project root, choosing the formatter, listing notebooks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scaffold.checks.project import Project, find_root, pre_commit_hooks, template_dirs
from scaffold.errors import ScaffoldError
from tests.checks.repos import clean_repo, write_notebook


def test_root_is_the_nearest_folder_with_pyproject_or_git(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "sub" / "pkg").mkdir(parents=True)
    (tmp_path / "repo" / "sub" / "pyproject.toml").write_text("")
    assert find_root(tmp_path / "repo" / "sub" / "pkg") == (tmp_path / "repo" / "sub").resolve()
    assert find_root(tmp_path / "repo") == (tmp_path / "repo").resolve()


def test_a_folder_outside_any_project_is_its_own_root(tmp_path: Path) -> None:
    if any((p / m).exists() for p in tmp_path.parents for m in ("pyproject.toml", ".git")):
        pytest.skip("the temporary folder sits inside a project")
    assert find_root(tmp_path) == tmp_path.resolve()


def test_a_file_or_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError, match="is not a folder"):
        find_root(tmp_path / "missing")


def test_unreadable_pyproject_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\n")
    with pytest.raises(ScaffoldError, match="cannot read"):
        Project.at(tmp_path)


def test_pre_commit_hooks_are_read_from_the_config(tmp_path: Path) -> None:
    (tmp_path / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: https://github.com/psf/black\n  rev: 24.1.0\n  hooks:\n  - id: black\n"
    )
    assert pre_commit_hooks(tmp_path) == {"black"}
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: [unclosed\n")
    assert pre_commit_hooks(tmp_path) == set()


def test_notebooks_leave_out_git_ignored_hidden_and_environment_folders(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    for ignored in ("scratch/a.ipynb", ".venv/lib/b.ipynb", "notebooks/.ipynb_checkpoints/c.ipynb"):
        write_notebook(repo / ignored, "x = 1")
    (repo / ".gitignore").write_text("scratch/\n")
    assert Project.at(repo).files("*.ipynb") == [Path("notebooks/explore.ipynb")]


def test_notebooks_outside_git_skip_hidden_and_environment_folders(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path, git=False)
    for skipped in ("venv/lib/b.ipynb", ".cache/c.ipynb"):
        write_notebook(repo / skipped, "x = 1")
    write_notebook(repo / "reports" / "d.ipynb", "x = 1")
    assert Project.at(repo).files("*.ipynb") == [
        Path("notebooks/explore.ipynb"),
        Path("reports/d.ipynb"),
    ]


def test_files_can_be_limited_to_some_paths(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path)
    write_notebook(repo / "reports" / "d.ipynb", "x = 1")
    project = Project.at(repo)
    assert project.files("*.ipynb", [repo / "reports"]) == [Path("reports/d.ipynb")]
    assert project.files("*.ipynb", [Path("notebooks/explore.ipynb")]) == [
        Path("notebooks/explore.ipynb")
    ]
    untracked = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True)
    assert b"reports/" in untracked.stdout  # untracked notebooks are checked too


def test_files_match_names_in_every_folder(tmp_path: Path) -> None:
    for git in (True, False):
        repo = clean_repo(tmp_path / str(git), git=git)
        (repo / "tests" / "unit").mkdir()
        (repo / "tests" / "unit" / "test_deep.py").write_text("")
        (repo / "contest_x.py").write_text("")
        assert Project.at(repo).files("test_*.py") == [
            Path("tests/test_maths.py"),
            Path("tests/unit/test_deep.py"),
        ]


def test_template_folders_are_the_outermost_folders_with_jinja_in_their_names() -> None:
    files = [
        Path("{{ cookiecutter.repo_name }}/pyproject.toml"),
        Path("{{ cookiecutter.repo_name }}/src/{{ cookiecutter.pkg }}/__init__.py"),
        Path("template/{% if docker %}deploy{% endif %}/x.yml"),
        Path("{{ top }}.txt"),
        Path("src/app/__init__.py"),
    ]
    assert template_dirs(files) == (
        Path("template/{% if docker %}deploy{% endif %}"),
        Path("{{ cookiecutter.repo_name }}"),
    )
