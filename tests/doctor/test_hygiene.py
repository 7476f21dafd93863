"""precommit.config, notebooks.stripped, env.not_committed, docs.readme, docs.contributing."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.doctor.hygiene import (
    contributing_present,
    env_not_committed,
    is_env_file,
    no_conflict_markers,
    notebooks_stripped,
    pre_commit_config,
    readme_present,
)
from scaffold.doctor.model import Status
from scaffold.doctor.repo import Repo
from tests.checks.repos import write_notebook
from tests.doctor.repos import commit_all, git, write

PRE_COMMIT = """\
repos:
  - repo: https://github.com/kynan/nbstripout
    rev: 0.9.1
    hooks:
      - id: nbstripout
  - repo: https://github.com/psf/black
    rev: 25.1.0
    hooks:
      - id: black
"""


def test_pre_commit_with_nbstripout_and_black_passes(tmp_path: Path) -> None:
    write(tmp_path, {".pre-commit-config.yaml": PRE_COMMIT})
    finding = pre_commit_config(Repo(tmp_path))
    assert finding.status is Status.PASSED
    assert "nbstripout and black" in finding.why


def test_pre_commit_names_what_it_lacks(tmp_path: Path) -> None:
    write(
        tmp_path,
        {".pre-commit-config.yaml": PRE_COMMIT.split("  - repo: https://github.com/psf")[0]},
    )
    finding = pre_commit_config(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert "lacks a formatter" in finding.why
    assert pre_commit_config(Repo(tmp_path / "none")).why == (
        "no .pre-commit-config.yaml (nor lefthook.yml or .husky/)"
    )


LEFTHOOK = """\
pre-commit:
  parallel: true
  commands:
    lint:
      glob: "*.py"
      run: ruff check {staged_files}
    format:
      glob: "*.py"
      run: ruff format {staged_files}
"""


def test_lefthook_is_recognised_and_its_fix_names_its_file(tmp_path: Path) -> None:
    write(tmp_path, {"lefthook.yml": LEFTHOOK})
    finding = pre_commit_config(Repo(tmp_path))
    assert (finding.status, finding.why) == (
        Status.PASSED,
        "lefthook (lefthook.yml) runs ruff format",
    )
    write_notebook(tmp_path / "notebooks" / "eda.ipynb", "x = 1")
    finding = pre_commit_config(Repo(tmp_path))
    assert (finding.status, finding.why) == (
        Status.FAILED, "lefthook (lefthook.yml) hooks lack nbstripout"
    )  # fmt: skip
    assert finding.fix.startswith("add to lefthook.yml a pre-commit command for each")
    write(
        tmp_path, {"lefthook.yml": LEFTHOOK + "    strip:\n      run: nbstripout {staged_files}\n"}
    )
    assert pre_commit_config(Repo(tmp_path)).why == (
        "lefthook (lefthook.yml) runs nbstripout and ruff format"
    )


def test_husky_hooks_are_recognised(tmp_path: Path) -> None:
    write(tmp_path, {".husky/pre-commit": "npx lint-staged\nblack .\n"})
    assert pre_commit_config(Repo(tmp_path)).why == "husky (.husky/) runs black"


def test_nbstripout_is_needed_only_for_committed_notebooks(tmp_path: Path) -> None:
    only_black = PRE_COMMIT.split("  - repo: https://github.com/psf")[1]
    write(
        tmp_path,
        {".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/psf" + only_black},
    )
    assert pre_commit_config(Repo(tmp_path)).status is Status.PASSED
    write_notebook(tmp_path / "eda.ipynb", "x = 1")
    assert pre_commit_config(Repo(tmp_path)).why == ".pre-commit-config.yaml lacks nbstripout"
    write(tmp_path, {".gitattributes": "*.ipynb filter=nbstripout\n"})
    assert pre_commit_config(Repo(tmp_path)).status is Status.PASSED


def test_notebook_with_outputs_fails_and_is_named(tmp_path: Path) -> None:
    write_notebook(tmp_path / "notebooks" / "clean.ipynb", "x = 1")
    write_notebook(tmp_path / "notebooks" / "ran.ipynb", "x = 1\nx", executed=True)
    finding = notebooks_stripped(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert "notebooks/ran.ipynb (1 cell)" in finding.why
    assert "clean.ipynb" not in finding.why


def test_stripped_notebooks_pass_and_no_notebooks_skip(tmp_path: Path) -> None:
    assert notebooks_stripped(Repo(tmp_path)).status is Status.SKIPPED
    write_notebook(tmp_path / "clean.ipynb", "x = 1")
    (tmp_path / "broken.ipynb").write_text("{not json", encoding="utf-8")
    finding = notebooks_stripped(Repo(tmp_path))
    assert finding.status is Status.PASSED
    assert "1 unreadable, not checked" in finding.why


def test_git_ignored_notebooks_are_not_audited(tmp_path: Path) -> None:
    write_notebook(tmp_path / "scratch" / "ran.ipynb", "1", executed=True)
    write(tmp_path, {".gitignore": "scratch/\n"})
    commit_all(tmp_path)
    assert notebooks_stripped(Repo(tmp_path)).status is Status.SKIPPED


def test_env_files_and_their_documented_templates() -> None:
    assert is_env_file(Path(".env"))
    assert is_env_file(Path("config/.env.prod"))
    assert not is_env_file(Path(".env.example"))
    assert not is_env_file(Path("template/.env.example.jinja"))
    assert not is_env_file(Path("env.py"))


def test_committed_env_fails_with_the_file_named(tmp_path: Path) -> None:
    commit_all(write(tmp_path, {".env": "TOKEN=1\n", ".env.example": "TOKEN=\n"}))
    finding = env_not_committed(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert finding.why == "committed to git: .env sets TOKEN"


def test_untracked_env_not_ignored_fails_and_ignored_env_passes(tmp_path: Path) -> None:
    commit_all(write(tmp_path, {"README.md": "x\n"}))
    write(tmp_path, {".env": "TOKEN=1\n"})
    assert "not git-ignored" in env_not_committed(Repo(tmp_path)).why
    write(tmp_path, {".gitignore": ".env\n"})
    assert env_not_committed(Repo(tmp_path)).status is Status.PASSED


def test_env_removed_from_the_index_passes_though_still_on_disk(tmp_path: Path) -> None:
    commit_all(write(tmp_path, {".env": "TOKEN=1\n"}))
    write(tmp_path, {".gitignore": ".env\n"})
    git(tmp_path, "rm", "--cached", "--quiet", ".env")
    assert env_not_committed(Repo(tmp_path)).status is Status.PASSED


def test_a_project_inside_a_larger_repository_is_read_through_git(tmp_path: Path) -> None:
    commit_all(write(tmp_path, {"services/churn/.env": "TOKEN=1\n", "README.md": "x\n"}))
    finding = env_not_committed(Repo(tmp_path / "services" / "churn"))
    assert finding.why == "committed to git: .env sets TOKEN"


def test_env_outside_git_fails(tmp_path: Path) -> None:
    write(tmp_path, {".env": "TOKEN=1\n"})
    finding = env_not_committed(Repo(tmp_path))
    assert "not a git repository" in finding.why
    assert finding.fix.startswith("add .env to .gitignore before `git init`")
    assert "git rm" not in finding.fix


def test_readme_at_top_and_contributing_in_docs(tmp_path: Path) -> None:
    assert readme_present(Repo(tmp_path)).status is Status.FAILED
    assert contributing_present(Repo(tmp_path)).status is Status.FAILED
    write(tmp_path, {"README.rst": "x\n", "docs/CONTRIBUTING.md": "x\n"})
    assert readme_present(Repo(tmp_path)).why == "README.rst"
    assert contributing_present(Repo(tmp_path)).why == "docs/CONTRIBUTING.md"


def test_committed_conflict_markers_fail(tmp_path: Path) -> None:
    marked = "a\n<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after updating\n"
    commit_all(write(tmp_path, {"Makefile": marked, "README.md": "x\n"}))
    finding = no_conflict_markers(Repo(tmp_path))
    assert finding.status is Status.FAILED
    assert finding.why == "conflict markers in Makefile"


def test_a_how_to_quoting_markers_in_a_fence_is_not_a_conflict_but_bare_ones_are(
    tmp_path: Path,
) -> None:
    markers = "<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after updating\n"
    quoted = f"# Resolving\n\n````text\n{markers}```\nstill quoted\n````\n\nDone.\n"
    commit_all(write(tmp_path, {"docs/update.md": quoted, "README.md": "x\n"}))
    assert no_conflict_markers(Repo(tmp_path)).status is Status.PASSED
    commit_all(write(tmp_path, {"docs/update.md": quoted + markers}))
    finding = no_conflict_markers(Repo(tmp_path))
    assert finding.why == "conflict markers in docs/update.md"


def test_a_separator_line_alone_is_not_a_conflict(tmp_path: Path) -> None:
    write(tmp_path, {"README.md": "Title\n=======\n\ntext\n"})
    assert no_conflict_markers(Repo(tmp_path)).status is Status.PASSED


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("# Copy to .env and fill in\n# DB_PASSWORD=\n", ".env holds no secret-looking values (only comments)"),
        ("COMPOSE_PROJECT_NAME=churn\n", ".env holds no secret-looking values (only COMPOSE_PROJECT_NAME)"),
        ("API_KEY=\nDB_PASSWORD=changeme\nTOKEN=${CI_TOKEN}\nDEBUG=1\n",
         ".env holds no secret-looking values (only API_KEY, DB_PASSWORD, DEBUG, TOKEN)"),
    ],
)  # fmt: skip
def test_a_committed_env_without_secret_values_passes(tmp_path: Path, text: str, why: str) -> None:
    commit_all(write(tmp_path, {".env": text}))
    finding = env_not_committed(Repo(tmp_path))
    assert (finding.status, finding.why) == (Status.PASSED, why)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("DATABASE_URL=postgres://app:s3cr3t@db:5432/app\n", "DATABASE_URL"),
        ("HF=hf_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ\n", "HF"),
        ("export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMIK7MDENGbPxRfiCYzzzzzzzzzzzz'\n", "AWS_SECRET_ACCESS_KEY"),
    ],
)  # fmt: skip
def test_secret_looking_values_are_the_evidence(tmp_path: Path, text: str, key: str) -> None:
    commit_all(write(tmp_path, {".env": "COMPOSE_PROJECT_NAME=x\n" + text}))
    finding = env_not_committed(Repo(tmp_path))
    assert (finding.status, finding.why) == (Status.FAILED, f"committed to git: .env sets {key}")


def test_an_env_inside_a_template_folder_is_not_the_repositorys(tmp_path: Path) -> None:
    files = {"{{ cookiecutter.repo_name }}/.env": "SECRET_KEY={{ cookiecutter.secret }}x\n"}
    commit_all(write(tmp_path, files))
    assert env_not_committed(Repo(tmp_path)).why == "no .env file in version control"
