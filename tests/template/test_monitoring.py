"""The ``monitoring`` option: alert rules (promtool), the Grafana dashboard, the scheduled drift
workflows, and ``<pkg> monitor`` on real prediction logs of the generated project."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.projects import copy_project, run, tool
from tests.template.conftest import ProjectFactory, package_of

# What the service exports at /metrics (agreed with the metrics work; docs/monitoring.md),
# plus the drift gauges `monitor` writes to reports/drift.prom.
SERVICE_METRICS = {
    "{pkg}_http_requests_total",
    "{pkg}_http_request_duration_seconds",
    "{pkg}_predictions_total",
    "{pkg}_prediction_probability",
    "{pkg}_records_per_request",
    "{pkg}_model_info",
    "{pkg}_drift_detected",
    "{pkg}_drift_share",
}
HISTOGRAM_SERIES = ("_bucket", "_sum", "_count")
PROMQL_WORDS = {"sum", "rate", "increase", "by", "le", "histogram_quantile", "max", "count"}
PROMQL_WORDS |= {"vector", "and", "on", "or"}
SHIFTED = ["mean_radius", "worst_texture", "area_error", "mean_smoothness"]


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        raise RuntimeError("promtool is not installed (Debian package prometheus)")
    return found


def known_series(pkg: str) -> set[str]:
    names = {name.format(pkg=pkg) for name in SERVICE_METRICS}
    return names | {name + suffix for name in names for suffix in HISTOGRAM_SERIES}


def metric_names(expr: str) -> set[str]:
    """Identifiers of a PromQL expression that are neither functions, keywords nor labels."""
    without_labels = re.sub(r"\{[^}]*\}", "", expr)
    without_ranges = re.sub(r"\[[^\]]*\]", "", without_labels)
    words = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_ranges))
    labels = {"route", "status", "method", "label", "model_role", "model_version"}
    return words - PROMQL_WORDS - labels


def dashboard_exprs(project: Path) -> list[str]:
    dashboard = json.loads((project / "deploy/monitoring/dashboard.json").read_text())
    return [t["expr"] for p in dashboard["panels"] for t in p["targets"]]


def test_alert_rules_pass_promtool_check_and_their_unit_tests(rendered: ProjectFactory) -> None:
    folder = rendered("full") / "deploy" / "monitoring"
    checked = run([promtool(), "check", "rules", "alerts.yml"], folder)
    assert "SUCCESS: 4 rules found" in checked.stdout
    run([promtool(), "test", "rules", "alerts_test.yml"], folder)


def test_a_broken_threshold_fails_the_rules_unit_tests(
    rendered: ProjectFactory, tmp_path: Path
) -> None:
    folder = shutil.copytree(rendered("full") / "deploy" / "monitoring", tmp_path / "m")
    rules = folder / "alerts.yml"
    rules.write_text(rules.read_text().replace("> 0.05", "> 0.5"))
    result = subprocess.run(
        [promtool(), "test", "rules", "alerts_test.yml"], cwd=folder, capture_output=True
    )
    assert result.returncode != 0
    assert b"HighErrorRate" in result.stdout + result.stderr


def test_rules_and_dashboard_use_only_exported_metrics(rendered: ProjectFactory) -> None:
    project = rendered("full")
    pkg = package_of(project)
    rules = yaml.safe_load((project / "deploy/monitoring/alerts.yml").read_text())
    exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    exprs += dashboard_exprs(project)
    used = set().union(*(metric_names(e.replace("$__rate_interval", "5m")) for e in exprs))
    assert used <= known_series(pkg), used - known_series(pkg)
    assert {f"{pkg}_predictions_total", f"{pkg}_http_request_duration_seconds_bucket"} <= used
    # ... and the service exports each of them (metrics.py names them f"{PREFIX}_...").
    exported = (project / "src" / pkg / "metrics.py").read_text()
    for name in SERVICE_METRICS - {"{pkg}_drift_detected", "{pkg}_drift_share"}:
        base = name.removesuffix("_total").replace("{pkg}", "{PREFIX}")
        assert f'f"{base}"' in exported, name
    runbook = (project / "docs" / "monitoring.md").read_text()
    for rule in (r for g in rules["groups"] for r in g["rules"]):
        anchor = rule["annotations"]["runbook"].split("#")[1]
        assert f"### {anchor.replace('-', ' ').capitalize()}" in runbook, anchor


def test_dashboard_is_a_grafana_dashboard_with_valid_queries(
    rendered: ProjectFactory, tmp_path: Path
) -> None:
    project = rendered("full")
    dashboard: dict[str, Any] = json.loads(
        (project / "deploy/monitoring/dashboard.json").read_text()
    )
    assert isinstance(dashboard["schemaVersion"], int) and dashboard["uid"]
    assert len(dashboard["uid"]) <= 40
    assert [v["type"] for v in dashboard["templating"]["list"]] == ["datasource"]
    panels = dashboard["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    titles = " | ".join(p["title"].lower() for p in panels)
    for topic in ("request rate", "error", "latency", "by label", "probability"):
        assert topic in titles
    for panel in panels:
        assert panel["type"] in {"timeseries", "heatmap", "table", "stat"}
        assert {"x", "y", "w", "h"} <= set(panel["gridPos"])
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        assert panel["targets"] and all(t["refId"] and t["expr"] for t in panel["targets"])
    # Every query parses as PromQL: promtool checks them as recording rules.
    recorded = [
        {"record": f"dashboard:query_{n}", "expr": e.replace("$__rate_interval", "5m")}
        for n, e in enumerate(dashboard_exprs(project))
    ]
    rules = tmp_path / "dashboard_rules.yml"
    rules.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": recorded}]}))
    run([promtool(), "check", "rules", str(rules)], tmp_path)


def test_drift_workflows_are_valid_scheduled_and_least_privilege(
    rendered: ProjectFactory,
) -> None:
    project = rendered("full")
    workflow = project / ".github" / "workflows" / "monitor.yml"
    check = tool("check-jsonschema")
    run([check, "--builtin-schema", "vendor.github-workflows", str(workflow)], project)
    result = run(
        [tool("zizmor"), "--offline", "--persona=pedantic", "--no-progress", str(workflow)],
        project,
    )
    assert "No findings" in result.stdout + result.stderr
    loaded = yaml.safe_load(workflow.read_text())
    assert loaded["permissions"] == {}
    assert loaded[True]["schedule"] and "workflow_dispatch" in loaded[True]
    job = loaded["jobs"]["drift"]
    assert job["permissions"] == {"contents": "read"}
    uses = [s["uses"] for s in job["steps"] if "uses" in s]
    assert all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses)
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    assert any("cli monitor --current" in s.get("run", "") for s in job["steps"])

    gitlab = rendered("full", ci="gitlab") / ".gitlab-ci.yml"
    run([check, "--builtin-schema", "vendor.gitlab-ci", str(gitlab)], gitlab.parent)
    drift = yaml.safe_load(gitlab.read_text())["drift-report"]
    assert "schedule" in drift["rules"][0]["if"]
    assert drift["artifacts"]["when"] == "always"
    assert "reports/drift.html" in drift["artifacts"]["paths"]


def test_presets_without_monitoring_have_none_of_it(rendered: ProjectFactory) -> None:
    for project in (rendered("standard"), rendered("minimal")):
        assert not (project / "deploy").exists()
        assert not (project / ".github" / "workflows" / "monitor.yml").exists()
        assert "monitor" not in (project / "Makefile").read_text()
        assert "evidently" not in (project / "pyproject.toml").read_text()


# The service's side of the contract: one JSON line per /predict call through the project's
# JSON formatter on logger <pkg>.predictions, scored by the trained model.
WRITE_LOG = textwrap.dedent(
    """
    import logging, sys
    from pathlib import Path
    from {pkg}.data import load_dataset, split_dataset
    from {pkg}.logging import JsonFormatter
    from {pkg}.predict import predict
    from {pkg}.train import load_model

    path, shifted = sys.argv[1], sys.argv[2:]
    model = load_model(Path("models/model.joblib"))
    dataset = load_dataset()
    split = split_dataset(dataset)
    rows = split.x_test.copy()
    for name in shifted:
        column = dataset.feature_names.index(name)
        rows[:, column] += 5 * split.x_train[:, column].std()
    handler = logging.FileHandler(path)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("{pkg}.predictions")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logging.getLogger("uvicorn.access").addHandler(handler)
    for start in range(0, len(rows), 3):
        records = [dict(zip(dataset.feature_names, map(float, r))) for r in rows[start:start + 3]]
        predictions = [vars(p) for p in predict(model, records)]
        extra = dict(request_id=f"r{{start}}", model_version=model.version,
                     model_role="champion", records=records, predictions=predictions)
        logger.info("prediction", extra=extra)
        logging.getLogger("uvicorn.access").warning("POST /predict 200")
    """
)


@pytest.fixture(scope="module")
def monitored(built: ProjectFactory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full preset with a trained model and two prediction logs (held out, shifted)."""
    project = copy_project(built("full"), tmp_path_factory.mktemp("monitor") / "p")
    python = str(project / ".venv" / "bin" / "python")
    pkg = package_of(project)
    run([python, "-m", f"{pkg}.cli", "train"], project)
    script = WRITE_LOG.format(pkg=pkg)
    (project / "logs").mkdir()
    run([python, "-c", script, "logs/predictions.jsonl"], project)
    run([python, "-c", script, "logs/shifted.jsonl", *SHIFTED], project)
    return project


def monitor(project: Path, log: str) -> subprocess.CompletedProcess[str]:
    python = str(project / ".venv" / "bin" / "python")
    args = [python, "-m", f"{package_of(project)}.cli", "monitor", "--current", log]
    return subprocess.run(args, cwd=project, capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_make_monitor_on_held_out_traffic_finds_no_drift(monitored: Path) -> None:
    result = subprocess.run(
        ["make", "monitor"], cwd=monitored, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((monitored / "reports" / "drift.json").read_text())
    assert report["drift_detected"] is False
    assert report["current_rows"] == 114 and report["reference_rows"] == 455
    assert report["drifted_share"] <= report["drift_threshold"] == 0.1


@pytest.mark.slow
def test_monitor_names_the_shifted_features_and_exits_1(monitored: Path) -> None:
    result = monitor(monitored, "logs/shifted.jsonl")
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert sorted(summary["drifted_features"]) == sorted(SHIFTED)
    assert all(name in result.stderr for name in SHIFTED)
    report = json.loads((monitored / "reports" / "drift.json").read_text())
    assert report["drifted_share"] == pytest.approx(4 / 30)
    assert {report["features"][n]["drifted"] for n in SHIFTED} == {True}
    html = (monitored / "reports" / "drift.html").read_text(encoding="utf-8")
    assert len(html) > 100_000
    assert all(name in html for name in SHIFTED)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("", "no prediction entries"),
        ('{"logger": "x.predictions", "records": [\n', "is not a JSON line"),
        ('{"records": [{"a": 1}], "predictions": [{"label": 1}]}\n' * 3, "only 3 logged"),
    ],
    ids=["missing", "empty", "malformed", "no-records"],
)
def test_monitor_exits_2_with_one_line_without_a_verdict(
    monitored: Path, tmp_path: Path, content: str | None, message: str
) -> None:
    log = tmp_path / "log.jsonl"
    if content is not None:
        log.write_text(content)
    result = monitor(monitored, str(log))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_prediction_logs_and_reports_stay_out_of_the_image(rendered: ProjectFactory) -> None:
    from tests.template.dockerfile import DockerIgnore

    ignore = DockerIgnore.load(rendered("full"))
    kept_out = ["logs/predictions.jsonl", "reports/drift.html", "deploy/monitoring/alerts.yml"]
    assert [p for p in kept_out if not ignore.excluded(Path(p))] == []


# The whole path: the real service writes the prediction log, `monitor` reads it.
HELD_OUT_ROWS = textwrap.dedent(
    """
    import json, sys
    from {pkg}.data import load_dataset, split_dataset

    dataset = load_dataset()
    split = split_dataset(dataset)
    rows = split.x_test.copy()
    for name in sys.argv[1:]:
        column = dataset.feature_names.index(name)
        rows[:, column] += 5 * split.x_train[:, column].std()
    print(json.dumps([dict(zip(dataset.feature_names, map(float, r))) for r in rows]))
    """
)


@pytest.mark.slow
def test_the_services_own_prediction_log_feeds_the_drift_report(monitored: Path) -> None:
    from tests.template.service import Service

    python = str(monitored / ".venv" / "bin" / "python")
    script = HELD_OUT_ROWS.format(pkg=package_of(monitored))
    verdicts = {}
    for name, shifted in (("served-held-out", []), ("served-shifted", SHIFTED)):
        rows = json.loads(run([python, "-c", script, *shifted], monitored).stdout)
        log = monitored / "logs" / f"{name}.jsonl"
        settings = {"environment": "prod", "prediction_log_path": str(log)}
        with Service(monitored, settings, workers=1) as service:
            answers = [
                service.post("/predict", {"records": rows[start : start + 3]})
                for start in range(0, len(rows), 3)
            ]
        assert {status for status, _, _ in answers} == {200}
        assert len(log.read_text().splitlines()) == len(answers)
        verdicts[name] = monitor(monitored, f"logs/{name}.jsonl")
    assert verdicts["served-held-out"].returncode == 0, verdicts["served-held-out"].stderr
    shifted_run = verdicts["served-shifted"]
    assert shifted_run.returncode == 1, shifted_run.stderr
    assert sorted(json.loads(shifted_run.stdout)["drifted_features"]) == sorted(SHIFTED)
