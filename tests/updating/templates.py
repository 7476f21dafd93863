"""Tiny versioned copier templates made in a test: a git repo tagged v1.0.0, then v2.0.0.

v2.0.0 changes a line of config.txt and the README title, deletes obsolete.txt, renames
old_name.txt to new_name.txt, and adds a CHANGELOG.md entry.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from scaffold.commands.new import NewOptions, create_project

COPIER_YML = "project_name:\n  type: str\n  default: demo\n"
ANSWERS = "{{ _copier_answers|to_nice_yaml -}}\n"
README_V1 = "# {{ project_name }}\n\nIntro.\n\n" + "".join(f"Line {i}.\n" for i in range(1, 9))
CONFIG_V1 = "setting = 1\nother = a\nthird = b\nfourth = c\nfifth = d\nsixth = e\n"
RENAMED = "".join(f"renamed content {i}\n" for i in range(1, 9))
CHANGELOG = (
    "# Changelog\n\n## [2.0.0] - 2024-06-01\n\n### Changed\n\n- setting is now 2\n"
    "- old_name.txt is now new_name.txt\n\n## [1.0.0] - 2024-05-01\n\n- First release\n"
)


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def commit_all(repo: Path, message: str, tag: str | None = None) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message)
    if tag:
        git(repo, "tag", tag)


def v1_files() -> dict[str, str]:
    """The files of every test template's v1.0.0."""
    return {
        "copier.yml": COPIER_YML,
        "{{ _copier_conf.answers_file }}.jinja": ANSWERS,
        "README.md.jinja": README_V1,
        "config.txt": CONFIG_V1,
        "old_name.txt": RENAMED,
        "obsolete.txt": "this file goes away in v2\n",
    }


def make_template_v1(root: Path) -> Path:
    template = root / "tpl"
    template.mkdir()
    write(template, v1_files())
    git(template, "init", "--quiet", "--initial-branch=main")
    commit_all(template, "v1", "v1.0.0")
    return template


def release_v2(template: Path) -> None:
    write(
        template,
        {
            "README.md.jinja": README_V1.replace(
                "# {{ project_name }}", "# The {{ project_name }}"
            ),
            "config.txt": CONFIG_V1.replace("setting = 1", "setting = 2"),
            "CHANGELOG.md": CHANGELOG,
        },
    )
    (template / "obsolete.txt").unlink()
    (template / "old_name.txt").rename(template / "new_name.txt")
    commit_all(template, "v2", "v2.0.0")


def generate(template: Path, dest: Path, vcs_ref: str | None = None) -> Path:
    """A project from ``template`` via ``scaffold new`` (git init and first commit)."""
    options = NewOptions(dest=dest, template=str(template), defaults=True, vcs_ref=vcs_ref)
    return create_project(options).render.dest


def run_cli(*args: str) -> tuple[int, str]:
    """Invoke the CLI in-process, turning ScaffoldError into exit 2 as ``cli.main`` does."""
    from typer.testing import CliRunner

    from scaffold.cli import app
    from scaffold.errors import ScaffoldError

    result = CliRunner().invoke(app, list(args))
    if isinstance(result.exception, ScaffoldError):
        return result.exception.exit_code, f"{result.output}error: {result.exception}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output
