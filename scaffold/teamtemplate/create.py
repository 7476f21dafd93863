"""``scaffold template init``: a team template repository started from the bundled one."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from scaffold import fileio
from scaffold.errors import ScaffoldError
from scaffold.gitops import init_and_commit, run_git

FIRST_VERSION = "v1.0.0"
CHANGELOG = """# Changelog

Every release of this template is a git tag (vX.Y.Z). Projects pull releases with
`scaffold update`; `scaffold drift` shows them the entries below for the versions they lack.

## [{version}] - {today}

- Started from the scaffold bundled template.
"""
# Files of the template repository itself that generated projects must not receive.
_REPO_ONLY = ("CHANGELOG.md",)
# Setting _exclude replaces copier's default list, so it is repeated.
_COPIER_DEFAULT_EXCLUDE = (
    "copier.yaml", "copier.yml", "~*", "*.py[co]", "__pycache__", ".git", ".DS_Store", ".svn",
)  # fmt: skip


@dataclass(frozen=True)
class InitResult:
    dest: Path
    tag: str
    commit: str


def _copy_bundled(dest: Path) -> None:
    from scaffold.settings import bundled_template

    ignore = shutil.ignore_patterns(".git", "__pycache__", "*.pyc")
    shutil.copytree(bundled_template(), dest, ignore=ignore, dirs_exist_ok=True)


def _exclude_repo_files(dest: Path) -> None:
    """Keep CHANGELOG.md out of generated projects when the template is not in a subfolder."""
    import yaml

    copier_yml = dest / "copier.yml"
    config = yaml.safe_load(copier_yml.read_text(encoding="utf-8")) or {}
    if config.get("_subdirectory") or "_exclude" in config:
        return  # a subfolder template never renders the root; an own _exclude is respected
    excluded = ", ".join(f'"{name}"' for name in (*_COPIER_DEFAULT_EXCLUDE, *_REPO_ONLY))
    fileio.append_text(
        copier_yml, f"\n# Files of the template repository itself.\n_exclude: [{excluded}]\n"
    )


def init_team_template(dest: Path, force: bool = False) -> InitResult:
    """Copy the bundled template to ``dest``, add a changelog, git init, commit, tag."""
    dest = dest.expanduser().absolute()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())) and not force:
        raise ScaffoldError(f"destination {dest} is not empty; choose a new folder")
    _copy_bundled(dest)
    _exclude_repo_files(dest)
    fileio.write_text(
        dest / "CHANGELOG.md",
        CHANGELOG.format(version=FIRST_VERSION.removeprefix("v"), today=date.today()),
    )
    commit = init_and_commit(dest, f"Team template {FIRST_VERSION}, from the scaffold template")
    tagged = run_git(dest, "tag", FIRST_VERSION)
    if tagged.returncode != 0:
        raise ScaffoldError(f"git tag failed in {dest}: {tagged.stderr.strip()}")
    from scaffold.settings import remember_own_template

    remember_own_template(dest)
    return InitResult(dest, FIRST_VERSION, commit)
