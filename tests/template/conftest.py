"""Projects rendered from the bundled template, shared across the session.

``rendered(preset, **data)`` only renders (fast); ``built(preset, **data)`` also creates the
project's ``.venv`` (the slow part, so each variant is built at most once per session).
Both are read-only: copy a project (tests.projects.copy_project) before changing it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pytest

from tests.projects import build_env, generate


class ProjectFactory(Protocol):
    def __call__(self, preset: str, **data: str) -> Path: ...


def _key(preset: str, data: dict[str, str]) -> str:
    """A folder-name-safe key for one variant (answers may hold '/', ':' or spaces)."""
    import hashlib
    import re

    parts = [preset, *(f"{k}_{v}" for k, v in sorted(data.items()))]
    key = re.sub(r"[^\w.=-]+", "_", "-".join(parts))
    if len(key) > 60:
        key = key[:48] + "-" + hashlib.sha256(key.encode()).hexdigest()[:8]
    return key


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> ProjectFactory:
    made: dict[str, Path] = {}

    def get(preset: str, **data: str) -> Path:
        key = _key(preset, data)
        if key not in made:
            root = tmp_path_factory.mktemp(f"render-{key}")
            made[key] = generate(root / "demo-project", preset, git=False, **data)
        return made[key]

    return get


@pytest.fixture(scope="session")
def built(rendered: ProjectFactory) -> ProjectFactory:
    done: set[Path] = set()

    def get(preset: str, **data: str) -> Path:
        project = rendered(preset, **data)
        if project not in done:
            build_env(project)
            done.add(project)
        return project

    return get


def package_of(project: Path) -> str:
    import yaml

    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    return str(answers["package_name"])
