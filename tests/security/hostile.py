"""Hostile templates built in the tests; each leaves a marker file when its code runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

_GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]


def scaffold(
    *args: str, cwd: Path | None = None, timeout: float = 120, **extra_env: str
) -> tuple[int, str]:
    """Run the real CLI in a child process; exit code and stdout+stderr."""
    env = {**os.environ, "COLUMNS": "200", "SCAFFOLD_DEBUG": "", **extra_env}
    done = subprocess.run(
        [sys.executable, "-m", "scaffold", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return done.returncode, done.stdout + done.stderr


def git(repo: Path, *args: str) -> None:
    subprocess.run([*_GIT, *args], cwd=repo, check=True, capture_output=True)


def cookiecutter_template(root: Path, context: dict[str, object], files: dict[str, str]) -> Path:
    """A cookiecutter template: ``files`` under ``{{cookiecutter.project_slug}}/``."""
    project = root / "{{cookiecutter.project_slug}}"
    project.mkdir(parents=True)
    full = {"project_name": "demo", "project_slug": "demo", **context}
    (root / "cookiecutter.json").write_text(json.dumps(full), encoding="utf-8")
    for name, text in files.items():
        (project / name).write_text(text, encoding="utf-8")
    return root


def copier_template(root: Path, config: str = "", files: dict[str, str] | None = None) -> Path:
    """A copier template with one question, committed in its own git repository, untagged."""
    root.mkdir(parents=True)
    (root / "copier.yml").write_text(
        "project_name:\n  type: str\n  default: demo\n" + config, encoding="utf-8"
    )
    (root / "README.md.jinja").write_text("# {{ project_name }}\n", encoding="utf-8")
    for name, text in (files or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "template")
    return root


def marker_script(path: Path, marker: Path) -> Path:
    """An executable that creates ``marker`` (the proof that a command ran)."""
    path.write_text(f"#!/bin/sh\ntouch '{marker}'\nexit 1\n", encoding="utf-8")
    path.chmod(0o755)
    return path
