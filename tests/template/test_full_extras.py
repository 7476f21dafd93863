"""The full preset's extras run: MLflow records the training run, the dvc pipeline
reproduces, the docs site builds, and the committed OpenAPI schema regenerates unchanged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.projects import copy_project, run
from tests.template.conftest import ProjectFactory, package_of

pytestmark = pytest.mark.slow


@pytest.fixture
def full(built: ProjectFactory, tmp_path: Path) -> Path:
    return copy_project(built("full"), tmp_path / "full")


def venv_env(project: Path) -> dict[str, str]:
    """The environment with the project's venv first on PATH, as when it is activated."""
    venv = project / ".venv"
    return {**os.environ, "VIRTUAL_ENV": str(venv), "PATH": f"{venv}/bin:{os.environ['PATH']}"}


def test_training_logs_to_the_local_mlflow_store(full: Path) -> None:
    run([str(full / ".venv/bin/python"), "-m", f"{package_of(full)}.cli", "train"], full)
    metas = list((full / "mlruns").glob("*/*/meta.yaml"))
    assert metas, "a run recorded under mlruns/"
    params = {p.name for p in (full / "mlruns").glob("*/*/params/*")}
    assert {"regularization", "max_iter"} <= params
    run(["git", "init", "-q"], full)
    ignored = run(["git", "check-ignore", "mlruns/x"], full)
    assert ignored.stdout.strip() == "mlruns/x"


def test_dvc_pipeline_reproduces(full: Path) -> None:
    env = venv_env(full)
    run([str(full / ".venv/bin/dvc"), "init", "--no-scm", "-q"], full, env)
    run([str(full / ".venv/bin/dvc"), "repro"], full, env)
    assert (full / "models" / "model.joblib").is_file()
    metrics = json.loads((full / "metrics" / "metrics.json").read_text())
    assert metrics["roc_auc"] > 0.95
    lock = (full / "dvc.lock").read_text()
    assert "train:" in lock and "evaluate:" in lock


def test_docs_site_builds_strictly(full: Path) -> None:
    run([str(full / ".venv/bin/mkdocs"), "build", "--strict"], full)
    assert (full / "site" / "model_card" / "index.html").is_file()


def test_make_openapi_regenerates_the_committed_schema(full: Path) -> None:
    committed = json.loads((full / "docs" / "openapi.json").read_text())
    run(["make", "openapi"], full)
    assert json.loads((full / "docs" / "openapi.json").read_text()) == committed
