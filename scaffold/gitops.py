"""The few git operations scaffold needs, through the git command line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from scaffold.errors import ScaffoldError

# Never stop at a password prompt: a private template needs its credentials set up first.
NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0"}


def failure_reason(stderr: str, fallback: str) -> str:
    """git's own reason: its ``fatal:``/``ERROR:`` line, not the advice printed after it."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal:", "ERROR:", "error:")):
            return line.split(":", 1)[1].strip()
    return lines[-1] if lines else fallback


def git_available() -> bool:
    return shutil.which("git") is not None


def run_git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)


def is_work_tree(path: Path) -> bool:
    return path.is_dir() and run_git(path, "rev-parse", "--is-inside-work-tree").returncode == 0


def _identity_args(repo: Path, fallback_name: str, fallback_email: str) -> list[str]:
    """Use the user's git identity; fall back to the project's author only where none is set."""
    args: list[str] = []
    if not run_git(repo, "config", "user.name").stdout.strip():
        args += ["-c", f"user.name={fallback_name or 'scaffold'}"]
    if not run_git(repo, "config", "user.email").stdout.strip():
        args += ["-c", f"user.email={fallback_email or 'scaffold@localhost'}"]
    return args


def init_and_commit(
    repo: Path,
    message: str,
    author_name: str = "",
    author_email: str = "",
    paths: list[str] | None = None,
) -> str:
    """``git init`` + add ``paths`` (everything when None) + first commit; the short id."""
    if not git_available():
        raise ScaffoldError("git is not installed; install it or pass --no-git")
    identity = _identity_args(repo, author_name, author_email)
    # Only the given files: a folder the project was added to keeps its own files out of it.
    add = ["add", "--all"] if paths is None else ["add", "--", *paths]
    steps = {
        "init": ["init", "--quiet", "--initial-branch=main"],
        "add": add,
        "commit": [*identity, "commit", "--quiet", "--no-verify", "-m", message],
    }
    for name, args in steps.items():
        result = run_git(repo, *args)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            reason = detail[-1] if detail else f"exit {result.returncode}"
            raise ScaffoldError(f"git {name} failed in {repo}: {reason}")
    return run_git(repo, "rev-parse", "--short", "HEAD").stdout.strip()
