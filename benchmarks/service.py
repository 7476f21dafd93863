"""The generated service's /predict side by side with a bare FastAPI app, in one run.

    python benchmarks/service.py                 # 6 s per app and cell
    python benchmarks/service.py --seconds 1     # a quick look

Generates the standard project in a temporary folder, builds its environment, trains the
model, then starts each app with uvicorn (one worker) on a free 127.0.0.1 port and sends it
load from a bounded asyncio client: concurrency 1, 8, 20 and 32, one record and 256-record
batches. The client writes each request in one piece on keep-alive connections and reads the
response by its Content-Length (``--client httpx`` uses httpx instead, which spends several
times the CPU per request on the same two cores as the server). Within each cell the apps
take turns three times, in alternating order, and each app's turns are pooled, so a change
in the machine's speed hits all of them; on a shared machine only the ratios within one run
mean anything. Each cell also reports the server's CPU time
per request (its process and children, from /proc), which depends little on the load.
See benchmarks/README.md for what each app is.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
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
ROUNDS = 3  # turns per app and cell

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
    server_cpu: float = math.nan  # CPU seconds of the server's process in the cell
    child_cpu: float = math.nan  # and of its child processes (the shadow scorer)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def per_request(self, seconds: float) -> float:
        """CPU seconds spent in the cell, per request, in milliseconds."""
        return seconds / self.requests * 1000 if self.requests else math.nan


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


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) of a process and of its live children; NaN without /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    own, children = math.nan, 0.0
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = path.read_text().rsplit(")", 1)[-1].split()
        except OSError:  # a process that has just ended
            continue
        seconds = (int(fields[11]) + int(fields[12])) / ticks
        if int(path.parent.name) == pid:
            own = seconds
        elif int(fields[1]) == pid:  # fields[1]: the parent's pid
            children += seconds
    return own, children


Load = tuple[int, float, list[float], int]  # requests, seconds, latencies, errors


async def response_status(reader: asyncio.StreamReader) -> int:
    """Read one response (its body by Content-Length) and return its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.lower().split(":", 1) for line in lines[1:] if ":" in line)
    if "content-length" not in fields:
        raise SystemExit(f"a response without Content-Length: {head!r}")
    await reader.readexactly(int(fields["content-length"]))
    return int(lines[0].split()[1])


async def load(port: int, body: bytes, concurrency: int, seconds: float) -> Load:
    """Keep-alive connections, each sending the request in one write and waiting for its answer."""
    request = (f"POST /predict HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body  # fmt: skip
    latencies: list[float] = []
    errors = 0
    connections = [await asyncio.open_connection("127.0.0.1", port) for _ in range(concurrency)]
    for reader, writer in connections:  # warm the connections
        writer.write(request)
        await response_status(reader)
    start = time.perf_counter()
    deadline = start + seconds

    async def worker(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            writer.write(request)
            status = await response_status(reader)
            latencies.append(time.perf_counter() - sent)
            errors += status != 200

    await asyncio.gather(*(worker(reader, writer) for reader, writer in connections))
    elapsed = time.perf_counter() - start
    for _, writer in connections:
        writer.close()
    return len(latencies), elapsed, latencies, errors


async def load_httpx(port: int, body: bytes, concurrency: int, seconds: float) -> Load:
    import httpx2 as httpx

    url = f"http://127.0.0.1:{port}/predict"
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


def measure(folder: Path, apps: Sequence[App], seconds: float, log: Path, client: str = "raw",
            concurrency: Sequence[int] = CONCURRENCY, batches: Sequence[int] = BATCHES,
            rounds: int = ROUNDS) -> list[Cell]:  # fmt: skip
    """Each cell's load, ``seconds`` per app, in ``rounds`` turns: the apps take turns
    ``rounds`` times (in alternating order), and each app's turns are pooled. A change in
    the machine's speed during a cell then hits every app alike."""
    ports = {app.name: free_port() for app in apps}
    servers = {app.name: start(folder, app, ports[app.name], log) for app in apps}
    send = load if client == "raw" else load_httpx
    cells = []
    try:
        for batch in batches:
            body = body_of(folder / NAME, batch)
            for level in concurrency:
                pooled = {app.name: Cell(app.name, batch, level, 0, 0.0, [], 0, 0.0, 0.0)
                          for app in apps}  # fmt: skip
                for turn in range(rounds):
                    for app in apps if turn % 2 == 0 else list(reversed(apps)):
                        pid = servers[app.name].pid
                        own, children = cpu_seconds(pid)
                        count, elapsed, latencies, errors = asyncio.run(
                            send(ports[app.name], body, level, seconds / rounds)
                        )
                        own_after, children_after = cpu_seconds(pid)
                        cell = pooled[app.name]
                        cell.requests += count
                        cell.seconds += elapsed
                        cell.latencies += latencies
                        cell.errors += errors
                        cell.server_cpu += own_after - own
                        cell.child_cpu += children_after - children
                for cell in pooled.values():
                    print(f"  {cell.app} batch={batch} c={level}: {cell.rate:.0f} req/s, "
                          f"p50 {cell.percentile(0.5):.1f} ms, p99 {cell.percentile(0.99):.1f} ms, "
                          f"server CPU {cell.per_request(cell.server_cpu):.2f} ms/request",
                          file=sys.stderr)  # fmt: skip
                    cells.append(cell)
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=60)
    return cells


def table(cells: list[Cell], peer: str, children: bool = False) -> str:
    """Markdown; ``children`` adds the CPU time of the servers' child processes."""
    child = " child CPU ms/req |" if children else ""
    lines = ["| records | concurrency | app | req/s | p50 ms | p99 ms | server CPU ms/req |"
             f"{child} req/s vs {peer} |", "|--:|--:|---|--:|--:|--:|--:|" + "--:|" * (1 + children)]  # fmt: skip
    base = {(c.batch, c.concurrency): c for c in cells if c.app == peer}
    for c in cells:
        ratio = (
            c.rate / base[(c.batch, c.concurrency)].rate
            if (c.batch, c.concurrency) in base
            else float("nan")
        )
        errors = f" ({c.errors} errors)" if c.errors else ""
        child = f" {c.per_request(c.child_cpu):.2f} |" if children else ""
        lines.append(f"| {c.batch} | {c.concurrency} | {c.app}{errors} | {c.rate:.0f} | "
                     f"{c.percentile(0.5):.1f} | {c.percentile(0.99):.1f} | "
                     f"{c.per_request(c.server_cpu):.2f} |{child} {ratio:.2f} |")  # fmt: skip
    return "\n".join(lines)


MODEL_CALL = f"""
import time
import numpy as np
from {NAME}.config import Settings
from {NAME}.predict import predict_matrix, skip_absent_pandas
from {NAME}.train import load_model

skip_absent_pandas()
model = load_model(Settings().model_path)
row = np.zeros((1, len(model.feature_names)))
for _ in range(50):
    predict_matrix(model, row)
start = time.process_time()
for _ in range(500):
    predict_matrix(model, row)
print((time.process_time() - start) / 500 * 1000)
"""


def model_call_ms(project: Path) -> float:
    """CPU milliseconds of one single-record ``predict_matrix`` call, in process: how fast
    the machine is at the moment (the same code took 1.5 and 2.7 ms an hour apart here)."""
    python = project / ".venv" / "bin" / "python"
    done = subprocess.run([python, "-c", MODEL_CALL], cwd=project, capture_output=True,
                          text=True, check=True)  # fmt: skip
    return float(done.stdout.strip())


def machine(project: Path, started: str) -> str:
    return (f"\nload average at the start: {started}; at the end: {load_average()}\n"
            f"one single-record model call, in process: {model_call_ms(project):.2f} ms of CPU "
            "(the machine's speed at the end of the run)\n")  # fmt: skip


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def generated(name: str, project: str = NAME, **env: str) -> App:
    env = {"prediction_log_path": f"logs/{slug(name)}.jsonl", **env}  # one log per app
    settings = {f"{NAME.upper()}_{key.upper()}": value for key, value in env.items()}
    return App(name, [".venv/bin/python", "-m", f"{NAME}.cli", "serve", "--port", "{port}"],
               {f"{NAME.upper()}_ENVIRONMENT": "prod", **settings}, project)  # fmt: skip


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower())


BARE = App("bare FastAPI", [".venv/bin/uvicorn", "bare:app", "--port", "{port}", "--no-access-log"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0,
                        help="load per app and cell (in 3 turns)")  # fmt: skip
    parser.add_argument(
        "--challenger", action="store_true", help="champion, shadow and canary instead"
    )
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw",
                        help="load generator (default: raw asyncio sockets)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.challenger:
        return challenger_modes(args.seconds, args.client)
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
        started = load_average()
        cells = measure(folder, apps, args.seconds, folder / "servers.log", args.client)
        sys.stdout.write(table(cells, BARE.name) + "\n")
        sys.stdout.write(machine(folder / NAME, started))
    return 0


def challenger_modes(seconds: float, client: str) -> int:
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
        started = load_average()
        cells = measure(folder, apps, seconds, folder / "servers.log", client, concurrency=(1, 8))
        roles = roles_logged(project / "logs" / f"{slug('shadow')}.jsonl")
        sys.stdout.write(table(cells, "champion", children=True) + "\n")
        sys.stdout.write(machine(project, started))
    share = roles.get("challenger", 0) / max(1, roles.get("champion", 0))
    sys.stdout.write(f"shadow: {roles.get('challenger', 0)} of {roles.get('champion', 0)} requests "
                     f"({share:.0%}) also scored by the challenger\n")  # fmt: skip
    return 0


def roles_logged(path: Path) -> dict[str, int]:
    """Prediction-log lines by model role."""
    counts: dict[str, int] = {}
    for line in path.read_text().splitlines():
        role = json.loads(line).get("model_role", "?")
        counts[role] = counts.get(role, 0) + 1
    return counts


if __name__ == "__main__":
    sys.exit(main())
