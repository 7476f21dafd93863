from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.projects import build_env, generate

PRESETS = ("minimal", "standard", "full")


@pytest.fixture(autouse=True)
def _isolated_user_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads the developer's own scaffold config or team template, or writes to the
    developer's bundled template repository (one per test session, shared by its projects)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg")))
    monkeypatch.setenv("SCAFFOLD_DATA_DIR", str(tmp_path_factory.getbasetemp() / "data"))
    monkeypatch.delenv("SCAFFOLD_TEMPLATE", raising=False)
    monkeypatch.delenv("SCAFFOLD_CONFIG", raising=False)


@pytest.fixture(scope="session")
def generated_project(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``generated_project("standard")``: one project per preset for the session, with its
    ``.venv`` built. Read-only: copy it (tests.projects.copy_project) before changing it."""
    made: dict[str, Path] = {}

    def get(preset: str) -> Path:
        if preset not in made:
            root = tmp_path_factory.mktemp(f"gen-{preset}")
            project = generate(root / f"demo-{preset}", preset)
            build_env(project)
            made[preset] = project
        return made[preset]

    return get
