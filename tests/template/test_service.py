"""The generated service on real processes: uvicorn started as `make serve` starts it.

JSON-only logs in production, input limits enforced before any work, and the OpenAPI
schema checked against the running service by schemathesis (a bounded run).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.projects import copy_project, run, tool
from tests.template.conftest import ProjectFactory, package_of
from tests.template.service import Service, feature_records, trained

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(built: ProjectFactory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = copy_project(built("standard"), tmp_path_factory.mktemp("service") / "p")
    return trained(copy)


def test_prod_logs_are_one_json_object_per_line(project: Path) -> None:
    settings = {"environment": "prod", "library_log_level": "INFO"}
    with Service(project, settings) as service:
        records = feature_records(service, 2)
        sent = [
            service.request("GET", "/health"),
            service.request("HEAD", "/health"),
            service.post("/predict", {"records": records}, **{"X-Request-ID": "given-1"}),
            service.post("/predict", {"records": [{"mean_radius": "x"}]}),
            service.request("GET", "/nowhere"),
        ]
    assert [status for status, _, _ in sent] == [200, 200, 200, 422, 404]
    lines = [json.loads(line) for line in service.stderr.splitlines()]  # every line
    access = [line for line in lines if line["logger"] == f"{package_of(project)}.access"]
    # /metadata (asked by feature_records) and the readiness probe are requests too.
    requests = [(a["method"], a["path"], a["status"]) for a in access]
    assert requests[-5:] == [
        ("GET", "/health", 200),
        ("HEAD", "/health", 200),
        ("POST", "/predict", 200),
        ("POST", "/predict", 422),
        ("GET", "/nowhere", 404),
    ]
    assert access[-3]["request_id"] == "given-1"
    assert all(a["request_id"] and a["duration_ms"] >= 0 for a in access)
    version = json.loads(sent[0][2])["model_version"]
    assert {a["model_version"] for a in access} == {version}
    assert len({a["request_id"] for a in access}) == len(access)
    assert not [line for line in lines if line["logger"] == "uvicorn.access"]
    messages = [line["message"] for line in lines if line["logger"] == "uvicorn.error"]
    assert any(m.startswith("Started server process") for m in messages)
    assert "Application shutdown complete." in messages
    assert {line["level"] for line in lines} <= {"INFO", "WARNING", "ERROR"}


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    [line] = [line for line in status.splitlines() if line.startswith("VmRSS:")]
    return int(line.split()[1])


def send_huge_body(port: int, size: int) -> tuple[str, float]:
    """POST a ``size``-byte body; the response's status line and when it came."""
    head = (
        f"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode()
    chunk = b"[" * 1_048_576
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        start = time.monotonic()
        sock.sendall(head)

        def stream() -> None:
            try:
                for _ in range(size // len(chunk)):
                    sock.sendall(chunk)
            except OSError:
                pass  # the server answered and closed: exactly what is expected

        sender = threading.Thread(target=stream, daemon=True)
        sender.start()
        status_line = sock.makefile("rb").readline().decode().strip()
        elapsed = time.monotonic() - start
    sender.join(timeout=30)
    return status_line, elapsed


def test_an_80_mb_body_is_refused_before_it_is_read(project: Path) -> None:
    with Service(project, {"environment": "prod"}) as service:
        assert service.process is not None
        before = rss_kib(service.process.pid)
        status_line, elapsed = send_huge_body(service.port, 80 * 1_048_576)
        after = rss_kib(service.process.pid)
        assert service.get("/health")[0] == 200  # and the service still answers
    assert status_line.startswith("HTTP/1.1 413"), status_line
    assert elapsed < 10
    assert after - before < 5 * 1024, f"RSS grew {after - before} KiB"


def test_schemathesis_finds_no_failure(project: Path) -> None:
    with Service(project, {"environment": "dev"}) as service:
        result = run(
            [
                tool("schemathesis"),
                "run",
                "docs/openapi.json",
                "--url",
                service.url,
                "--checks",
                "all",
                "--max-examples",
                "30",
                "--seed",
                "1",
                "--generation-database",
                "none",
                "--no-color",
            ],
            project,
        )
    assert "No issues found" in result.stdout
