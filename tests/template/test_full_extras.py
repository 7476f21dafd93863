"""The full preset's extras run: MLflow records the training run (quietly, without telemetry),
the dvc pipeline reproduces in a project fresh from ``scaffold new``, the docs site builds, and
the committed OpenAPI schema regenerates unchanged."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.projects import copy_project, generate, run
from tests.template.conftest import ProjectFactory, package_of

pytestmark = pytest.mark.slow

# What `dvc init` creates (besides .dvc/tmp, which .dvc/.gitignore keeps out of git).
DVC_INIT_FILES = (".dvc/config", ".dvc/.gitignore", ".dvcignore")


@pytest.fixture
def full(built: ProjectFactory, tmp_path: Path) -> Path:
    """The full preset as ``scaffold new --no-git`` leaves it, with its environment."""
    return copy_project(built("full"), tmp_path / "full")


@pytest.fixture
def fresh_full(built: ProjectFactory, tmp_path: Path) -> Path:
    """The full preset as ``scaffold new`` leaves it (git repository, first commit), sharing
    the environment built for the session instead of installing its own."""
    env = built("full") / ".venv"
    project = generate(tmp_path / env.parent.name, "full")
    (project / ".venv").symlink_to(env, target_is_directory=True)
    return project


def user_env(home: Path) -> dict[str, str]:
    """A new user's shell: PATH and an empty home. Not the test run's environment, whose CI
    and pytest variables make MLflow turn its telemetry off by itself."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
    }


def dvc_env() -> dict[str, str]:
    """The test run's environment without DVC's usage analytics (dvc sends them by default)."""
    return {**os.environ, "DVC_NO_ANALYTICS": "1"}


def test_make_train_logs_to_mlflow_quietly_and_sends_no_telemetry(
    full: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    result = run(["make", "train"], full, user_env(home))
    metas = list((full / "mlruns").glob("*/*/meta.yaml"))
    assert metas, "a run recorded under mlruns/"
    params = {p.name for p in (full / "mlruns").glob("*/*/params/*")}
    assert {"regularization", "max_iter"} <= params
    # MLflow writes its installation id before it sends anything: no file, no telemetry.
    assert not (home / ".config" / "mlflow").exists()
    # configs/dev.toml logs the package at DEBUG; libraries stay at WARNING.
    assert f"DEBUG    {package_of(full)}.data: loaded dataset" in result.stderr
    noise = ("urllib3", "git.cmd", "mlflow-telemetry", "mlflow.tracking")
    assert [text for text in noise if text in result.stderr] == [], result.stderr
    run(["git", "init", "-q"], full)
    ignored = run(["git", "check-ignore", "mlruns/x"], full)
    assert ignored.stdout.strip() == "mlruns/x"


def test_shipped_dvc_files_are_what_dvc_init_creates(built: ProjectFactory, tmp_path: Path) -> None:
    """What ``dvc init`` writes, plus one setting: usage analytics off, as
    ``dvc config core.analytics false`` writes it (a generated project sends nothing)."""
    project = built("full")
    repo = tmp_path / "dvc-init"
    repo.mkdir()
    run(["git", "init", "-q"], repo)
    dvc = str(project / ".venv/bin/dvc")
    run([dvc, "init", "-q"], repo, dvc_env())
    run([dvc, "config", "core.analytics", "false"], repo, dvc_env())
    for name in DVC_INIT_FILES:
        assert (project / name).read_bytes() == (repo / name).read_bytes(), name
    assert run([dvc, "config", "core.analytics"], project).stdout.strip() == "false"


def test_make_repro_runs_in_a_fresh_project(fresh_full: Path) -> None:
    tracked = run(["git", "ls-files", *DVC_INIT_FILES], fresh_full).stdout.split()
    assert sorted(tracked) == sorted(DVC_INIT_FILES), "in scaffold new's first commit"
    run(["make", "repro"], fresh_full, dvc_env())
    assert (fresh_full / "models" / "model.joblib").is_file()
    metrics = json.loads((fresh_full / "metrics" / "metrics.json").read_text())
    assert metrics["roc_auc"] > 0.95
    lock = (fresh_full / "dvc.lock").read_text()
    assert "train:" in lock and "evaluate:" in lock
    changed = run(["git", "status", "--porcelain", "--untracked-files=no"], fresh_full)
    assert changed.stdout == "", "dvc changed no committed file"


def test_make_repro_without_git_follows_the_readme(full: Path) -> None:
    """``scaffold new --no-git``: dvc needs git or core.no_scm; the README says so."""
    readme = (full / "README.md").read_text()
    remedy = ".venv/bin/dvc config core.no_scm true"
    assert remedy in readme and "git init" in readme
    in_git = subprocess.run(
        ["git", "rev-parse", "--is-inside-work-tree"], cwd=full, capture_output=True
    )
    if in_git.returncode != 0:  # unless the temporary folder is itself inside a repository
        refused = subprocess.run(
            ["make", "repro"], cwd=full, env=dvc_env(), capture_output=True, text=True
        )
        assert refused.returncode != 0
        assert "is not a git repository" in refused.stderr
    run(remedy.split(), full, dvc_env())
    run(["make", "repro"], full, dvc_env())
    assert (full / "models" / "model.joblib").is_file()
    assert "evaluate:" in (full / "dvc.lock").read_text()


def test_docs_site_builds_strictly(full: Path) -> None:
    run([str(full / ".venv/bin/mkdocs"), "build", "--strict"], full)
    assert (full / "site" / "model_card" / "index.html").is_file()


def test_make_openapi_regenerates_the_committed_schema(full: Path) -> None:
    committed = json.loads((full / "docs" / "openapi.json").read_text())
    run(["make", "openapi"], full)
    assert json.loads((full / "docs" / "openapi.json").read_text()) == committed
