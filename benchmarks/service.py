"""The generated service's /predict side by side with a bare FastAPI app, in one run.

    python benchmarks/service.py                 # 3 s per cell
    python benchmarks/service.py --seconds 1     # a quick look

Generates the standard project in a temporary folder, builds its environment, trains the
model, then starts each app with uvicorn (one worker) on a free 127.0.0.1 port and sends it
load from a bounded asyncio + httpx client: concurrency 1, 8, 20 and 32, one record and
256-record batches. The apps take turns cell by cell (interleaved), so a change in the
machine's load hits both; on a shared machine only the ratios within one run mean anything.
See benchmarks/README.md for what each app is.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

NAME = "benchsvc"
CONCURRENCY = (1, 8, 20, 32)
BATCHES = (1, 256)

# The peer: the smallest FastAPI app serving the same model file, as people write it.
BARE_APP = """
import joblib
import numpy as np
from fastapi import FastAPI
from pydantic import BaseModel

model = joblib.load("models/model.joblib")
app = FastAPI()


class Body(BaseModel):
    records: list[dict[str, float]]


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/predict")
def predict(body: Body) -> dict[str, list[dict[str, float]]]:
    x = np.array([[r[n] for n in model.feature_names] for r in body.records])
    proba = model.pipeline.predict_proba(x)
    labels = model.pipeline.classes_[proba.argmax(axis=1)]
    return {"predictions": [{"label": int(c), "probability": float(p[1])}
                            for c, p in zip(labels, proba)]}
"""


@dataclass(frozen=True)
class App:
    name: str
    args: list[str]
    env: dict[str, str] = field(default_factory=dict)
    project: str = NAME  # the folder of the generated project it runs in


@dataclass
class Cell:
    app: str
    batch: int
    concurrency: int
    requests: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_project(folder: Path, dest: str = NAME, **data: str) -> Path:
    from scaffold import projectenv
    from scaffold.commands.new import NewOptions, create_project

    data = {"project_name": NAME, **data}  # the same package in every folder
    options = NewOptions(dest=folder / dest, preset="standard", data=data, defaults=True, git=False)
    project = create_project(options).render.dest
    print("building the project's environment...", file=sys.stderr)
    projectenv.build_env(project)
    python = project / ".venv" / "bin" / "python"
    subprocess.run([python, "-m", "compileall", "-q", "-j", "2", ".venv/lib"], cwd=project,
                   capture_output=True, check=False)  # fmt: skip
    subprocess.run([python, "-m", f"{NAME}.cli", "train"], cwd=project, check=True,
                   capture_output=True)  # fmt: skip
    (project / "bare.py").write_text(BARE_APP)
    return project


def start(folder: Path, app: App, port: int, log: Path) -> subprocess.Popen[bytes]:
    project = folder / app.project
    env = {**os.environ, **app.env}
    args = [a.replace("{port}", str(port)) for a in app.args]
    with log.open("ab") as sink:
        server = subprocess.Popen(args, cwd=project, env=env, stdout=sink, stderr=sink)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"{app.name} exited {server.returncode}: see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"{app.name} did not start within 120 s")


async def load(
    url: str, body: bytes, concurrency: int, seconds: float
) -> tuple[int, float, list[float], int]:
    import httpx2 as httpx

    latencies: list[float] = []
    errors = 0
    headers = {"content-type": "application/json"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        for _ in range(concurrency):  # warm the connections
            await client.post(url, content=body, headers=headers)
        start = time.perf_counter()
        deadline = start + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                response = await client.post(url, content=body, headers=headers)
                latencies.append(time.perf_counter() - sent)
                errors += response.status_code != 200

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return len(latencies), elapsed, latencies, errors


def body_of(project: Path, batch: int) -> bytes:
    python = project / ".venv" / "bin" / "python"
    code = (f"import json; from {NAME}.data import load_dataset as d; s = d(); "
            "print(json.dumps([dict(zip(s.feature_names, map(float, r))) for r in s.features[:256]]))")  # fmt: skip
    rows = json.loads(subprocess.run([python, "-c", code], cwd=project, capture_output=True,
                                     text=True, check=True).stdout)  # fmt: skip
    return json.dumps({"records": rows[:batch]}).encode()


def measure(folder: Path, apps: Sequence[App], seconds: float, log: Path,
            concurrency: Sequence[int] = CONCURRENCY, batches: Sequence[int] = BATCHES) -> list[Cell]:  # fmt: skip
    ports = {app.name: free_port() for app in apps}
    servers = [start(folder, app, ports[app.name], log) for app in apps]
    cells = []
    try:
        for batch in batches:
            body = body_of(folder / NAME, batch)
            for index, level in enumerate(concurrency):
                order = apps if index % 2 == 0 else list(reversed(apps))
                for app in order:
                    url = f"http://127.0.0.1:{ports[app.name]}/predict"
                    count, elapsed, latencies, errors = asyncio.run(load(url, body, level, seconds))
                    cell = Cell(app.name, batch, level, count, elapsed, latencies, errors)
                    print(f"  {app.name} batch={batch} c={level}: {cell.rate:.0f} req/s, "
                          f"p50 {cell.percentile(0.5):.1f} ms, p99 {cell.percentile(0.99):.1f} ms",
                          file=sys.stderr)  # fmt: skip
                    cells.append(cell)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    return cells


def table(cells: list[Cell], peer: str) -> str:
    lines = ["| records | concurrency | app | req/s | p50 ms | p99 ms | req/s vs " + peer + " |",
             "|--:|--:|---|--:|--:|--:|--:|"]  # fmt: skip
    base = {(c.batch, c.concurrency): c for c in cells if c.app == peer}
    for c in cells:
        ratio = (
            c.rate / base[(c.batch, c.concurrency)].rate
            if (c.batch, c.concurrency) in base
            else float("nan")
        )
        errors = f" ({c.errors} errors)" if c.errors else ""
        lines.append(f"| {c.batch} | {c.concurrency} | {c.app}{errors} | {c.rate:.0f} | "
                     f"{c.percentile(0.5):.1f} | {c.percentile(0.99):.1f} | {ratio:.2f} |")  # fmt: skip
    return "\n".join(lines)


def generated(name: str, project: str = NAME, **env: str) -> App:
    settings = {f"{NAME.upper()}_{key.upper()}": value for key, value in env.items()}
    return App(name, [".venv/bin/python", "-m", f"{NAME}.cli", "serve", "--port", "{port}"],
               {f"{NAME.upper()}_ENVIRONMENT": "prod", **settings}, project)  # fmt: skip


BARE = App("bare FastAPI", [".venv/bin/uvicorn", "bare:app", "--port", "{port}", "--no-access-log"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="load per cell")
    parser.add_argument(
        "--challenger", action="store_true", help="champion, shadow and canary instead"
    )
    args = parser.parse_args(argv)
    if args.challenger:
        return challenger_modes(args.seconds)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_project(folder)
        make_project(folder, "no-metrics", metrics="false")
        apps = [
            generated("service: metrics + prediction log"),
            generated("service: metrics, no prediction log", prediction_log="false"),
            generated("service without metrics", "no-metrics"),
            BARE,
        ]
        cells = measure(folder, apps, args.seconds, folder / "servers.log")
    sys.stdout.write(table(cells, BARE.name) + "\n")
    return 0


def challenger_modes(seconds: float) -> int:
    """The service with a challenger (a copy of the champion's model) in each strategy."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = make_project(folder, challenger="true")
        shutil.copy(project / "models" / "model.joblib", project / "models" / "challenger.joblib")
        challenger = {"challenger_model_path": "models/challenger.joblib"}
        apps = [
            generated("champion"),
            generated("shadow", model_strategy="shadow", **challenger),
            generated("canary 0.5", model_strategy="canary", canary_fraction="0.5", **challenger),
        ]
        cells = measure(folder, apps, seconds, folder / "servers.log", concurrency=(1, 8))
    sys.stdout.write(table(cells, "champion") + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
