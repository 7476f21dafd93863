"""Starting a generated project's service for real: uvicorn on a free 127.0.0.1 port.

``Service`` runs ``python -m <pkg>.cli serve`` (what ``make serve`` and the Dockerfile run)
in the project's own ``.venv``, waits for ``/health``, and on exit stops it and keeps its
stderr. Startup is slow on a loaded machine (scikit-learn's imports), so the wait is long;
every request the tests send has its own timeout.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.projects import run
from tests.template.conftest import package_of

STARTUP_SECONDS = 180


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def trained(project: Path) -> Path:
    """The project with its model trained (once; the model file is git-ignored)."""
    if not (project / "models" / "model.joblib").is_file():
        python = str(project / ".venv" / "bin" / "python")
        run([python, "-m", f"{package_of(project)}.cli", "train"], project)
    return project


@dataclass
class Service:
    project: Path
    settings: dict[str, str] = field(default_factory=dict)
    workers: int = 1
    port: int = field(default_factory=free_port)
    stderr: str = ""
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Service:
        package = package_of(self.project)
        prefix = package.upper() + "_"
        env = {k: v for k, v in os.environ.items() if not k.startswith(prefix)}
        env.update({prefix + key.upper(): value for key, value in self.settings.items()})
        self._log = (self.project / f".serve-{self.port}.log").open("w+b")
        python = str(self.project / ".venv" / "bin" / "python")
        args = [python, "-m", f"{package}.cli", "serve", "--port", str(self.port)]
        args += ["--workers", str(self.workers)]
        self.process = subprocess.Popen(
            args, cwd=self.project, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        self._wait()
        return self

    def _wait(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the service exited {self.process.returncode}:\n{self.log()}")
            try:
                if self.get("/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise AssertionError(f"the service did not answer within {STARTUP_SECONDS} s")

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.stderr = self.log()
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path)

    def post(self, path: str, body: Any, **headers: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("POST", path, body, headers)


def feature_records(service: Service, count: int, shift: float = 0.0) -> list[dict[str, float]]:
    """Records with every feature the service's /metadata names (values near 1)."""
    names = json.loads(service.get("/metadata")[2])["feature_names"]
    return [{name: 1.0 + shift + i / 100 for name in names} for i in range(count)]
