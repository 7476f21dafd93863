"""The evaluation half of the operate parts, run as a user would: ``make report`` renders the
metrics it computed, a failing report cell fails the command and keeps the notebook, the model
registry round-trips on a file and on a sqlite-backed MLflow store (concurrent promotions
included), and the fairness gate names the group it fails."""

from __future__ import annotations

import json
import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.projects import copy_project, run, tool
from tests.template.conftest import ProjectFactory, package_of

pytestmark = pytest.mark.slow


class Tables(HTMLParser):
    """Every table cell's text, row by row, of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    parser = Tables()
    parser.feed(html)
    return parser.rows


def cli(project: Path, *args: str) -> list[str]:
    python = str(project / ".venv" / "bin" / "python")
    return [python, "-m", f"{package_of(project)}.cli", *args]


def project_env(project: Path, **settings: str) -> dict[str, str]:
    prefix = package_of(project).upper() + "_"
    return {**os.environ, **{prefix + key.upper(): value for key, value in settings.items()}}


def write_csv(project: Path, path: Path, script: str) -> Path:
    """A labelled CSV written with the project's own holdout module (``holdout`` in scope)."""
    code = (
        "import numpy as np\n"
        "from dataclasses import replace\n"
        f"from {package_of(project)}.holdout import bundled_holdout, write_holdout\n"
        "holdout = bundled_holdout()\n"
        f"{script}\n"
        f"write_holdout(holdout, __import__('pathlib').Path({str(path)!r}))\n"
    )
    run([str(project / ".venv" / "bin" / "python"), "-c", code], project)
    return path


@pytest.fixture(scope="module")
def full_trained(built: ProjectFactory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full preset, trained once for this module (tests copy it before changing it)."""
    project = copy_project(built("full"), tmp_path_factory.mktemp("full") / "full")
    run(["make", "train"], project)
    return project


def test_report_template_is_stripped_and_passes_scaffold_lint(
    rendered: ProjectFactory,
) -> None:
    project = rendered("full")
    template = project / "reports" / "templates" / "evaluation.ipynb"
    run([tool("nbstripout"), "--verify", str(template)], project)
    cells = json.loads(template.read_text())["cells"]
    [parameters] = [c for c in cells if "parameters" in c["metadata"].get("tags", [])]
    for name in ("model_path", "data_path", "output_dir", "slice_column"):
        assert f"{name} = " in "".join(parameters["source"])
    result = run([tool("scaffold"), "lint", "--json"], project)
    assert json.loads(result.stdout)["passed"] is True


def test_make_report_renders_the_metrics_it_computed_and_a_failing_cell_fails(
    full_trained: Path, tmp_path: Path
) -> None:
    project = copy_project(full_trained, tmp_path / "p")
    run(["make", "report"], project)
    [html] = (project / "reports").glob("*-evaluation.html")
    [notebook] = (project / "reports").glob("*-evaluation.ipynb")
    assert html.stem == notebook.stem
    metrics = json.loads((project / "metrics" / "metrics.json").read_text())
    rows = {row[0]: row[1:] for row in table_rows(html.read_text()) if row}
    for name, value in metrics.items():
        assert float(rows[name][0]) == pytest.approx(value, abs=1e-4), name
    baseline = json.loads((project / "metrics" / "baseline.json").read_text())
    assert float(rows["roc_auc"][1]) == pytest.approx(baseline["roc_auc"])
    fairness = json.loads((project / "metrics" / "fairness.json").read_text())
    for group, values in fairness["groups"].items():
        assert float(rows[group][2]) == pytest.approx(values["recall"], abs=1e-4)
    page = html.read_text()
    assert "Confusion matrix" in page and "Metrics per slice" in page
    assert "read_holdout(" not in page, "code is hidden by default"

    missing = write_csv(
        project,
        tmp_path / "missing.csv",
        "holdout = replace(holdout, features=holdout.features[:, 1:], "
        "feature_names=holdout.feature_names[1:])",
    )
    failed = subprocess.run(
        cli(project, "report", "-p", "data_path", str(missing)),
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert failed.returncode == 1, failed.stderr
    assert "raised ValueError" in failed.stderr
    assert "missing columns ['mean_radius']" in failed.stderr
    kept = sorted((project / "reports").glob("*-evaluation.ipynb"))
    assert len(kept) == 2 and str(kept[-1].relative_to(project)) in failed.stderr
    errors = [
        output
        for cell in json.loads(kept[-1].read_text())["cells"]
        for output in cell.get("outputs", [])
        if output["output_type"] == "error"
    ]
    assert [e["ename"] for e in errors] == ["ValueError"]
    assert len(list((project / "reports").glob("*-evaluation.html"))) == 1


def test_fairness_gate_fails_naming_the_group_with_the_low_recall(
    full_trained: Path, tmp_path: Path
) -> None:
    project = copy_project(full_trained, tmp_path / "p")
    # Half the rows form group "b", whose labels are flipped: its recall collapses.
    biased = write_csv(
        project,
        tmp_path / "biased.csv",
        "groups = np.where(np.arange(len(holdout.target)) % 2 == 0, 'a', 'b')\n"
        "target = np.where(groups == 'b', 1 - holdout.target, holdout.target)\n"
        "holdout = replace(holdout, target=target, extra={'group': groups})",
    )
    metrics = str(project / "metrics" / "metrics.json")
    env = project_env(project, fairness_column="group", baseline_path=metrics)
    run(cli(project, "evaluate", "--data", str(biased)), project, env)
    fairness = json.loads((project / "metrics" / "fairness.json").read_text())
    assert fairness["groups"]["b"]["recall"] < 0.2 < 0.9 < fairness["groups"]["a"]["recall"]
    run(cli(project, "gate"), project, env)  # no limit by default
    limited = {**env, **project_env(project, fairness_max_difference="0.2")}
    gate = subprocess.run(
        cli(project, "gate"), cwd=project, env=limited, capture_output=True, text=True, check=False
    )
    assert gate.returncode == 1
    [problem] = json.loads(gate.stdout)["regressions"]
    assert problem.startswith("recall differs by") and "lowest: b" in problem


def registry_round_trip(project: Path, env: dict[str, str]) -> None:
    """register 1, register 2 (another model), promote 1, promote 2, rollback: the served
    model file follows the champion."""
    run(cli(project, "evaluate"), project, env)
    run(cli(project, "register"), project, env)
    first = (project / "models" / "model.joblib").read_bytes()
    retrain = {**env, **project_env(project, regularization="0.5")}
    run(cli(project, "train"), project, retrain)
    run(cli(project, "evaluate"), project, retrain)
    second = run(cli(project, "register"), project, retrain)
    assert json.loads(second.stdout)["version"] == 2
    run(cli(project, "promote", "1"), project, env)
    run(cli(project, "promote", "2"), project, env)
    assert (project / "models" / "model.joblib").read_bytes() != first
    rolled = run(cli(project, "rollback"), project, env)
    assert json.loads(rolled.stdout)["version"] == 1
    assert (project / "models" / "model.joblib").read_bytes() == first


def test_file_registry_round_trip_concurrent_promotions_and_append_only_history(
    built: ProjectFactory, tmp_path: Path
) -> None:
    project = copy_project(built("standard"), tmp_path / "p")
    env = dict(os.environ)
    run(cli(project, "train"), project, env)
    registry_round_trip(project, env)
    path = project / "models" / "registry.json"
    history = json.loads(path.read_text())["history"]
    assert [(e["action"], e["version"]) for e in history] == [
        ("register", 1), ("register", 2), ("promote", 1), ("promote", 2), ("rollback", 1),
    ]  # fmt: skip
    assert all(e["who"] and e["time"] for e in history)
    versions = json.loads(path.read_text())["versions"]
    assert [v["digest"].startswith("sha256:") for v in versions] == [True, True]

    promotions = [
        subprocess.Popen(
            cli(project, "promote", str(1 + n % 2), "--alias", "staging"),
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    errors = [p.communicate(timeout=300)[1] for p in promotions]
    assert [p.returncode for p in promotions] == [0] * 8, errors
    state = json.loads(path.read_text())
    assert state["history"][: len(history)] == history, "history is append-only"
    staged = [e for e in state["history"][len(history) :] if e["alias"] == "staging"]
    assert len(staged) == 8, "no promotion lost"
    assert state["aliases"] == {"champion": 1, "staging": staged[-1]["version"]}
    assert "!models/registry.json" in (project / ".gitignore").read_text(), "committed"


def test_mlflow_registry_round_trip_on_a_sqlite_store(full_trained: Path, tmp_path: Path) -> None:
    project = copy_project(full_trained, tmp_path / "p")
    store = f"sqlite:///{tmp_path / 'mlflow.db'}"
    env = project_env(project, tracking_uri=store)
    registry_round_trip(project, env)
    check = (
        "from mlflow import MlflowClient\n"
        f"client = MlflowClient({store!r}, {store!r})\n"
        "name = client.search_registered_models()[0].name\n"
        "champion = client.get_model_version_by_alias(name, 'champion')\n"
        "tags = client.get_model_version(name, '2').tags\n"
        "print(champion.version, sorted(tags))\n"
    )
    shown = run([str(project / ".venv" / "bin" / "python"), "-c", check], project, env)
    version, tags = shown.stdout.split(" ", 1)
    assert version == "1"
    for tag in ("digest", "git_commit", "data_hash", "registered_by", "metric.roc_auc"):
        assert f"'{tag}'" in tags
