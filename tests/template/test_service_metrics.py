"""/metrics and the prediction log of the generated service, on real uvicorn processes.

For each preset with serving: real requests, then /metrics read with prometheus_client's
parser; counters and histograms moved by exactly the requests sent, with one worker and
with two (prometheus-client's multiprocess mode, which `serve` switches on).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.projects import copy_project
from tests.template.conftest import ProjectFactory, package_of
from tests.template.service import Service, feature_records, trained

pytestmark = pytest.mark.slow


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


def settled_metrics(service: Service) -> str:
    """/metrics once it stops moving: a request is counted just after its response is sent,
    so a scrape right after the last answer (the readiness probe's too) can miss it."""
    import time

    previous = service.get("/metrics")[2].decode()
    for _ in range(25):
        time.sleep(0.2)
        current = service.get("/metrics")[2].decode()
        if samples(current) == samples(previous):
            return current
        previous = current
    return previous


@pytest.fixture(scope="module", params=["standard", "full"])
def project(
    request: pytest.FixtureRequest, built: ProjectFactory, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    preset = str(request.param)
    copy = copy_project(built(preset), tmp_path_factory.mktemp(f"metrics-{preset}") / "p")
    return trained(copy)


@pytest.mark.parametrize("workers", [1, 2])
def test_metrics_move_by_exactly_the_requests_sent(project: Path, workers: int) -> None:
    pkg = package_of(project)
    log = project / "logs" / f"predictions-{workers}.jsonl"
    settings = {"environment": "prod", "prediction_log_path": str(log)}
    with Service(project, settings, workers=workers) as service:
        before = settled_metrics(service)
        records = feature_records(service, 3)
        answers = [service.post("/predict", {"records": records[: 1 + i % 3]}) for i in range(12)]
        rejected = [service.post("/predict", {"records": []}) for _ in range(2)]
        health = [service.get("/health") for _ in range(5)]
        after = settled_metrics(service)
    assert all(status == 200 for status, _, _ in answers + health)
    assert all(status == 422 for status, _, _ in rejected)
    version = json.loads(health[0][2])["model_version"]
    labels = Counter(p["label"] for _, _, body in answers for p in json.loads(body)["predictions"])

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests = f"{pkg}_http_requests_total"
    assert moved(requests, route="/predict", method="POST", status="200") == 12
    assert moved(requests, route="/predict", method="POST", status="422") == 2
    assert moved(requests, route="/health", method="GET", status="200") == 5
    assert moved(requests, route="/metadata", method="GET", status="200") == 1
    assert moved(requests, route="/metrics", method="GET", status="200") == 0
    latency = f"{pkg}_http_request_duration_seconds"
    assert moved(f"{latency}_count", route="/predict", method="POST") == 14
    assert moved(f"{latency}_bucket", route="/predict", method="POST", le="+Inf") == 14
    assert value(after, f"{latency}_count", route="/metrics", method="GET") == 0
    role = {"model_role": "champion", "model_version": version}
    for label in ("0", "1"):
        assert moved(f"{pkg}_predictions_total", label=label, **role) == labels[int(label)]
    assert moved(f"{pkg}_prediction_probability_count", **role) == 24  # 4 x (1 + 2 + 3)
    assert moved(f"{pkg}_records_per_request_count") == 12
    assert moved(f"{pkg}_records_per_request_sum") == 24
    assert value(after, f"{pkg}_model_info", **role) == 1

    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(lines) == 12
    assert all(line["logger"] == f"{pkg}.predictions" for line in lines)
    assert sum(len(line["records"]) for line in lines) == 24
    assert {line["model_role"] for line in lines} == {"champion"}
