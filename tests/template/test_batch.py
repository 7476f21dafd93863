"""Batch scoring and ONNX export in the full preset, on real processes.

``batch-predict`` scores a Parquet file of 1,000,000 rows on a LocalCluster of two worker
processes, then again through ``--scheduler`` on a separately started ``dask scheduler`` +
``dask worker`` pair on 127.0.0.1; both outputs must equal ``predict`` on the same rows.
Bad input gives one line and no output; ``export-onnx`` writes a model onnxruntime agrees
with; the project scores 100 with ``scaffold doctor``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.projects import copy_project, run, tool
from tests.template.conftest import ProjectFactory, package_of

pytestmark = pytest.mark.slow

HELPER = Path(__file__).with_name("batch_data.py")
ROWS = 1_000_000


@dataclass(frozen=True)
class Scoring:
    """A copy of the full preset with a trained model and a file to score."""

    project: Path
    package: str
    input: Path

    @property
    def python(self) -> str:
        return str(self.project / ".venv" / "bin" / "python")

    def helper(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run([self.python, str(HELPER), *args], self.project)

    def batch(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [self.python, "-m", f"{self.package}.cli", "batch-predict", *args]
        return subprocess.run(command, cwd=self.project, capture_output=True, text=True)


@pytest.fixture(scope="module")
def scoring(built: ProjectFactory, tmp_path_factory: pytest.TempPathFactory) -> Scoring:
    project = copy_project(built("full"), tmp_path_factory.mktemp("batch") / "p")
    package = package_of(project)
    run([str(project / ".venv/bin/python"), "-m", f"{package}.cli", "train"], project)
    made = Scoring(project, package, project / "data" / "customers.parquet")
    made.helper("make", package, str(ROWS), str(made.input))
    return made


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group it leads (a worker's nanny and worker processes),
    SIGKILL if it is still there after 30 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=30)
            break
        except subprocess.TimeoutExpired:
            continue
    process.wait(timeout=30)


@contextmanager
def dask_cluster(scoring: Scoring, workers: int, logs: Path) -> Iterator[str]:
    """``dask scheduler`` and ``dask worker`` as separate processes on 127.0.0.1."""
    address = f"tcp://127.0.0.1:{free_port()}"
    dask = str(scoring.project / ".venv" / "bin" / "dask")
    commands = [
        [dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1]],
        [dask, "worker", address, "--host", "127.0.0.1", "--nworkers", str(workers)],
    ]
    commands[0].append("--no-dashboard")
    commands[1] += ["--nthreads", "1", "--no-dashboard"]
    started: list[subprocess.Popen[bytes]] = []
    try:
        for index, command in enumerate(commands):
            with (logs / f"dask-{index}.log").open("wb") as log:
                started.append(
                    subprocess.Popen(
                        command,
                        cwd=scoring.project,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        scoring.helper("wait", address, str(workers))
        yield address
    finally:
        for process in reversed(started):
            stop(process)


def summary(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert isinstance(loaded, dict)
    return loaded


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in: permission bits stop everyone but
    root; sysfs refuses new files even to root."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    return Path("/sys")


def bad_case(case: str, scoring: Scoring, folder: Path) -> tuple[list[str], str]:
    """Arguments for batch-predict and what its one error line must say."""
    out = str(folder / "out" / "scored.parquet")
    if case == "unwritable output folder":
        target = unwritable_folder(folder)
        return [str(scoring.input), str(target / "scored.parquet")], f"cannot write to {target}"
    if case == "unreadable file":
        path = folder / "truncated.parquet"
        path.write_bytes(scoring.input.read_bytes()[:4096])
        return [str(path), out], f"{path}: cannot read it as parquet"
    path = folder / "extract.csv"
    scoring.helper("make", scoring.package, "3000", str(path))
    header, *rows = [line.split(",") for line in path.read_text().splitlines()]
    if case == "missing column":
        drop = header.index("mean_radius")
        header, rows = header[:drop] + header[drop + 1 :], [r[:drop] + r[drop + 1 :] for r in rows]
        message = f"{path}: missing column(s) 'mean_radius'"
    else:  # wrong type, past the rows read up front: found by a worker process
        rows[2_500][-1] = "unknown"
        message = f"{path}: column '{header[-1]}' must be numeric"
    path.write_text("\n".join(",".join(fields) for fields in [header, *rows]) + "\n")
    return [str(path), out, "--workers", "1", "--partition-size", "1000"], message


@pytest.mark.parametrize(
    "case", ["missing column", "wrong type", "unreadable file", "unwritable output folder"]
)
def test_bad_input_is_one_line_and_no_output(case: str, scoring: Scoring, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    args, message = bad_case(case, scoring, tmp_path)
    result = scoring.batch(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert list((tmp_path / "out").iterdir()) == []
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_export_onnx_matches_scikit_learn(scoring: Scoring) -> None:
    result = run(["make", "export-onnx"], scoring.project)
    written = json.loads(result.stdout.strip().splitlines()[-1])
    assert written["onnx_path"] == "models/model.onnx"
    assert written["rows_checked"] > 100
    assert written["max_probability_difference"] <= 1e-4
    assert (scoring.project / "models" / "model.onnx").stat().st_size > 1_000


def test_full_preset_checks_stay_green(built: ProjectFactory, tmp_path: Path) -> None:
    project = built("full")
    venv = project / ".venv" / "bin"
    run([str(venv / "ruff"), "check", "."], project)
    run([str(venv / "ruff"), "format", "--check", "."], project)
    # A home of its own: the bundled template's releases are this checkout's, not those
    # another scaffold installation on the machine recorded in the shared data folder.
    home = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    home["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    command = [tool("scaffold"), "doctor", "--json", "--min-score", "100", "."]
    doctor = run(command, project, {**os.environ, **home})
    assert [repo["score"] for repo in json.loads(doctor.stdout)["repos"]] == [100]


def test_a_million_rows_on_two_workers_match_predict(scoring: Scoring, tmp_path: Path) -> None:
    local = scoring.project / "data" / "local.parquet"
    remote = scoring.project / "data" / "remote.parquet"
    on_local = summary(scoring.batch(str(scoring.input), str(local), "--workers", "2"))
    assert on_local["rows"] == ROWS
    assert (on_local["workers"], on_local["model_loads"]) == (2, 2)
    with dask_cluster(scoring, 2, tmp_path) as address:
        result = scoring.batch(str(scoring.input), str(remote), "--scheduler", address)
    on_remote = summary(result)
    assert (on_remote["rows"], on_remote["workers"], on_remote["model_loads"]) == (ROWS, 2, 2)
    compared = scoring.helper(
        "compare",
        scoring.package,
        "models/model.joblib",
        str(scoring.input),
        str(local),
        str(remote),
    )
    assert json.loads(compared.stdout) == {"rows": ROWS, "problems": []}
    temporary = [p.name for p in (scoring.project / "data").glob(".*.tmp")]
    assert temporary == [], "no temporary file left"
