"""The README's two set-up commands, run as written in a fresh copy of this checkout, with
``python3`` the machine's system interpreter (Debian's refuses ``pip install`` outside a venv,
PEP 668) when there is one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.projects import run

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _readme_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    set_up = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", set_up, re.S)


def _system_python() -> str:
    """Debian's /usr/bin/python3 when present (externally managed), else this interpreter."""
    system = Path("/usr/bin/python3")
    if (
        system.exists()
        and subprocess.run([system, "-m", "venv", "-h"], capture_output=True).returncode == 0
    ):
        return str(system)
    return sys.executable


def test_the_readme_set_up_commands_work_with_the_system_python(tmp_path: Path) -> None:
    checkout = tmp_path / "scaffold"
    files = run(["git", "ls-files", "-co", "--exclude-standard", "-z"], REPO).stdout.split("\0")
    for name in filter(None, files):
        if (REPO / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, checkout / name)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(_system_python())
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    install_and_new, install_and_test = _readme_commands()

    run(["bash", "-c", install_and_new], checkout, env)
    project = tmp_path / "my-ml-project"
    assert (project / "pyproject.toml").is_file() and (project / ".git").is_dir()

    # The test command as written, stopping at collection (the full run is this suite).
    assert install_and_test.endswith(".venv/bin/python -m pytest")
    collected = run(["bash", "-c", install_and_test + " --collect-only -q"], checkout, env)
    assert re.search(r"^\d+ tests collected", collected.stdout, re.M), collected.stdout
