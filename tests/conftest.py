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


@pytest.fixture(scope="session")
def tool_venv(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``tool_venv("pytest", "pytest-cov")``: a virtual environment with those packages (uv,
    the running interpreter), made once per session. Link it as a project's ``.venv`` to run
    the checks with exactly those tools."""
    import subprocess
    import sys

    from scaffold.projectenv import find_uv

    made: dict[tuple[str, ...], Path] = {}

    def get(*packages: str) -> Path:
        if packages not in made:
            venv = tmp_path_factory.mktemp("venv-" + "-".join(packages)) / ".venv"
            uv = find_uv()
            for args in (
                [uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
                [uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
                 *packages],
            ):  # fmt: skip
                subprocess.run(args, check=True, capture_output=True)
            made[packages] = venv
        return made[packages]

    return get
