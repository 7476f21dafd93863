"""The template ships inside the wheel: after installing the wheel, ``scaffold new`` renders
the bundled template with no checkout around and no network."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.projects import run, tool

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run([tool("uv"), "build", "--wheel", "--out-dir", str(out), str(REPO)], REPO)
    (built,) = out.glob("scaffold_ml-*.whl")
    return built


def test_wheel_contains_the_template_and_the_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "scaffold/_template/copier.yml" in names
    assert "scaffold/cli.py" in names
    template_files = {
        p.relative_to(REPO).as_posix() for p in (REPO / "template").rglob("*") if p.is_file()
    }
    shipped = {n.replace("scaffold/_template/", "template/", 1) for n in names}
    assert template_files <= shipped


def _offline() -> list[str]:
    """A prefix that runs a command with no network, where the machine allows it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


def test_installed_wheel_generates_offline_from_its_own_template(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    # A clean environment with the wheel and its dependencies: no checkout on sys.path.
    run([tool("uv"), "venv", "--quiet", "--python", sys.executable, str(venv)], tmp_path)
    run(
        [
            tool("uv"),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            str(wheel),
        ],
        tmp_path,
    )
    where = run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "from scaffold.settings import bundled_template as b; print(b())",
        ],
        tmp_path,
    ).stdout.strip()
    assert where.startswith(str(venv)) and where.endswith("_template")
    result = run(
        [*_offline(), str(venv / "bin" / "scaffold"), "new", "offline-project", "--defaults"],
        tmp_path,
    )
    project = tmp_path / "offline-project"
    assert (project / "src" / "offline_project" / "train.py").is_file(), result.stdout
    assert (project / ".git").is_dir()
