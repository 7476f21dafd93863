"""The generated project's git hooks run from its own .venv: a commit needs no network.

Each commit runs under ``unshare -rn`` (no network at all) where the machine allows it, with a
fresh ``PRE_COMMIT_HOME``, so a hook that tried to clone or download would fail here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.projects import copy_project, run
from tests.template.conftest import ProjectFactory

pytestmark = pytest.mark.slow

_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7a2Fq8y0\n-----END RSA PRIVATE KEY-----\n"


def _no_network() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


@pytest.fixture
def repo(built: ProjectFactory, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    project = copy_project(built("standard"), tmp_path / "project")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        # Were anything to reach for the network anyway, it would find nothing here.
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
    }
    run(["git", "init", "--quiet", "-b", "main"], project, env)
    run(["git", "add", "--all"], project, env)
    run(["git", "commit", "--quiet", "--no-verify", "-m", "generated"], project, env)
    run([str(project / ".venv" / "bin" / "pre-commit"), "install"], project, env)
    return project, env


def _commit(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``git commit`` with no network; the hooks' report (git sends it to stderr) in stdout."""
    run(["git", "add", "--all"], project, env)
    return subprocess.run(
        [*_no_network(), "git", "commit", "-m", "change"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )


def _hook_names(project: Path) -> list[str]:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (local,) = config["repos"]
    assert local["repo"] == "local"
    return [hook["name"] for hook in local["hooks"]]


def test_every_hook_runs_and_passes_offline(repo: tuple[Path, dict[str, str]]) -> None:
    project, env = repo
    package = next(p for p in (project / "src").iterdir() if p.is_dir())
    (package / "extra.py").write_text('"""More code."""\n\nANSWER = 42\n')
    (project / "configs" / "extra.yaml").write_text("key: value\n")
    (project / "configs" / "extra.toml").write_text('key = "value"\n')
    (project / "metrics" / "extra.json").write_text('{"key": 1}\n')
    notebook = project / "notebooks" / "02-xx-more.ipynb"
    shutil.copy(next((project / "notebooks").glob("01-*.ipynb")), notebook)
    result = _commit(project, env)
    output = result.stdout
    assert result.returncode == 0, output
    for name in _hook_names(project):
        line = next((ln for ln in output.splitlines() if ln.startswith(name)), None)
        assert line is not None and line.endswith("Passed"), (name, output)


def test_outputs_are_stripped_and_a_private_key_blocks_the_commit(
    repo: tuple[Path, dict[str, str]],
) -> None:
    project, env = repo
    notebook = next((project / "notebooks").glob("01-*.ipynb"))
    data = json.loads(notebook.read_text(encoding="utf-8"))
    data["cells"].append(
        {
            "cell_type": "code",
            "id": "added-cell",
            "metadata": {},
            "source": ["rows = 2 + 1\n", "rows"],
            "execution_count": 3,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": ["secret\n"]}],
        }
    )
    notebook.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    first = _commit(project, env)
    assert first.returncode != 0  # nbstripout changed the file: pre-commit stops the commit
    assert "nbstripout" in first.stdout and "files were modified" in first.stdout
    second = _commit(project, env)
    assert second.returncode == 0, second.stdout
    committed = json.loads(run(["git", "show", f"HEAD:{notebook.relative_to(project)}"],
                               project, env).stdout)  # fmt: skip
    assert all(not c.get("outputs") for c in committed["cells"] if c["cell_type"] == "code")

    (project / "docs" / "ops-notes.md").write_text("Server access:\n\n" + _KEY)
    blocked = _commit(project, env)
    assert blocked.returncode != 0
    assert "detect private key" in blocked.stdout and "Failed" in blocked.stdout
    assert "docs/ops-notes.md" in blocked.stdout
    log = run(["git", "log", "--format=%s"], project, env).stdout.splitlines()
    assert len(log) == 2  # the generated commit and the stripped notebook; not the key
