"""Small repositories for doctor to audit, written into tmp_path."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.checks.repos import write_notebook

GOOD_PYPROJECT = """\
[project]
name = "tiny"
version = "0.1.0"
dependencies = ["pandas>=2.2"]
"""


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def commit_all(repo: Path) -> Path:
    if not (repo / ".git").exists():
        git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "commit")
    return repo


def bare_repo(root: Path) -> Path:
    """The acceptance repository: a notebook with outputs, a committed .env, no tests."""
    root.mkdir(parents=True, exist_ok=True)
    write(root, {"README.md": "# analysis\n", ".env": "DB_PASSWORD=hunter2\n"})
    write_notebook(root / "analysis.ipynb", "x = 2 + 3\nx", executed=True)
    return commit_all(root)
