"""Shadow and canary challenger models in the generated service, through uvicorn."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from tests.projects import copy_project
from tests.template.conftest import ProjectFactory
from tests.template.service import Service, feature_records, trained

pytestmark = pytest.mark.slow

KEY = "x-routing-key"  # challenger.ROUTING_KEY_HEADER


@pytest.fixture(scope="module")
def project(built: ProjectFactory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = trained(copy_project(built("full"), tmp_path_factory.mktemp("challenger") / "p"))
    shutil.copy(copy / "models" / "model.joblib", copy / "models" / "challenger.joblib")
    return copy


def log_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_canary_share_over_1000_requests_is_within_a_binomial_interval(project: Path) -> None:
    settings = {
        "challenger_model_path": "models/challenger.joblib",
        "model_strategy": "canary",
        "canary_fraction": "0.5",
        "prediction_log_path": str(project / "logs" / "canary.jsonl"),
    }
    keys = [f"customer-{number}" for number in range(1000)]
    with Service(project, settings) as service:
        body = {"records": feature_records(service, 1)}
        # Without a routing key the draw is random: a 5-sigma bound fails once in ~2 million.
        drawn = [service.post("/predict", body)[1]["x-model-role"] for _ in range(1000)]
        # With one the draw is the key's hash: the same share every run, and sticky.
        keyed = [service.post("/predict", body, **{KEY: key})[1]["x-model-role"] for key in keys]
        again = [
            service.post("/predict", body, **{KEY: key})[1]["x-model-role"] for key in keys[:50]
        ]
        metrics = service.get("/metrics")[2].decode()
    sigma = math.sqrt(0.25 / 1000)
    share = drawn.count("challenger") / 1000
    assert abs(share - 0.5) <= 5 * sigma, share
    share = keyed.count("challenger") / 1000
    assert abs(share - 0.5) <= 2.576 * sigma, share
    assert again == keyed[:50]
    assert set(drawn) == set(keyed) == {"champion", "challenger"}
    logged = [line["model_role"] for line in log_lines(project / "logs" / "canary.jsonl")]
    assert logged == drawn + keyed + again
    assert 'model_role="challenger"' in metrics and 'model_role="champion"' in metrics


def test_shadow_scores_every_request_with_both_and_the_champion_answers(
    project: Path,
) -> None:
    log = project / "logs" / "shadow.jsonl"
    settings = {
        "challenger_model_path": "models/challenger.joblib",
        "model_strategy": "shadow",
        "prediction_log_path": str(log),
    }
    with Service(project, settings) as service:
        body = {"records": feature_records(service, 2)}
        answers = [service.post("/predict", body) for _ in range(20)]
    assert {headers["x-model-role"] for _, headers, _ in answers} == {"champion"}
    lines = log_lines(log)
    roles = sorted(str(line["model_role"]) for line in lines)
    assert roles == ["challenger"] * 20 + ["champion"] * 20
    by_request: dict[object, set[object]] = {}
    for line in lines:
        by_request.setdefault(line["request_id"], set()).add(line["model_role"])
    assert all(found == {"champion", "challenger"} for found in by_request.values())


def test_a_broken_challenger_file_leaves_every_answer_to_the_champion(
    project: Path,
) -> None:
    (project / "models" / "broken.joblib").write_bytes(b"not a model")
    settings = {
        "challenger_model_path": "models/broken.joblib",
        "model_strategy": "canary",
        "canary_fraction": "1.0",
        "prediction_log_path": str(project / "logs" / "broken.jsonl"),
    }
    with Service(project, settings) as service:
        body = {"records": feature_records(service, 1)}
        answers = [service.post("/predict", body) for _ in range(30)]
    assert [status for status, _, _ in answers] == [200] * 30
    assert {headers["x-model-role"] for _, headers, _ in answers} == {"champion"}
    assert "challenger not loaded" in service.stderr
