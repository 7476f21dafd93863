"""The image, built and started without Docker (see tests/template/dockerfile.py): the
context respects .dockerignore, the install and train steps run, the server answers its
HEALTHCHECK and /predict."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.template.conftest import ProjectFactory, package_of
from tests.template.dockerfile import Build, build, parse

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def on_port(args: list[str], port: int) -> list[str]:
    """The container's command, listening on localhost:port instead of 0.0.0.0:8000."""
    return [re.sub(r"\b8000\b", str(port), arg.replace("0.0.0.0", "127.0.0.1")) for arg in args]


@contextmanager
def serving(image: Build, command: list[str], port: int) -> Iterator[subprocess.Popen[str]]:
    server = subprocess.Popen(
        on_port(command, port),
        cwd=image.workdir,
        env=image.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_up(server, port)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_until_up(server: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = server.stdout.read() if server.stdout else ""
            raise AssertionError(f"the server exited {server.returncode}:\n{output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start within 30 s")


def healthcheck(project: Path) -> list[str]:
    runtime = parse(project / "Dockerfile")[-1]
    [check] = [i.args for i in runtime if i.keyword == "HEALTHCHECK"]
    return json.loads(check[check.index("CMD") + 3 :])


def test_image_context_installs_trains_and_serves(built: ProjectFactory, tmp_path: Path) -> None:
    project = built("standard")
    image, command = build(project, tmp_path)
    assert (image.workdir / "models" / "model.joblib").is_file(), "trained at build time"
    assert not (tmp_path / "context" / "models" / "model.joblib").exists()
    assert command[:4] == ["python", "-m", f"{package_of(project)}.cli", "serve"]
    port = free_port()
    with serving(image, command, port):
        subprocess.run(on_port(healthcheck(project), port), env=image.env, check=True)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health") as response:
            assert response.status == 200
        records = [dict.fromkeys(metadata_features(port), 1.0)]
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/predict",
            data=json.dumps({"records": records}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:
            body = json.load(response)
        assert len(body["predictions"]) == 1
        assert body["predictions"][0]["label"] in (0, 1)


def metadata_features(port: int) -> list[str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metadata") as response:
        metadata = json.load(response)
    assert metadata["metrics"]["roc_auc"] > 0.95, "the image ships its evaluated metrics"
    return list(metadata["feature_names"])


def test_batch_image_predicts_from_stdin(built: ProjectFactory, tmp_path: Path) -> None:
    project = built("standard", serving="none")
    image, command = build(project, tmp_path)
    assert command[-1] == "predict"
    model = image.workdir / "models" / "model.joblib"
    names = json.loads(
        subprocess.run(
            [str(image.venv / "bin" / "python"), "-c", NAMES.format(pkg=package_of(project))],
            cwd=image.workdir,
            env=image.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert model.is_file()
    result = subprocess.run(
        command,
        input=json.dumps([dict.fromkeys(names, 1.0)] * 2),
        cwd=image.workdir,
        env=image.env,
        capture_output=True,
        text=True,
        check=True,
    )
    predictions = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(predictions) == 2
    assert all(p["label"] in (0, 1) for p in predictions)


NAMES = "import json; from {pkg}.data import feature_names; print(json.dumps(feature_names()))"
