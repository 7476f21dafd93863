"""Batch scoring on Dask beside the same scoring in one process, on the same file.

    python benchmarks/batch_speed.py [--rows 1000000] [--project PATH] [--json PATH]

Generates a project from the bundled template (minimal preset with ``batch=true``, so the
workers import no more than scoring needs), builds its environment, trains its model and
writes a Parquet file of ``--rows`` rows (id, date, 30 features; row groups of 20,000).
Then, one run each, every step in its own process of the project's interpreter:

- **one process, the workers' code**: the batch job's own functions (``read_part``,
  ``score_frame``, ``encode``, ``write_parts``) called in turn over the same parts, with
  no Dask: the baseline for the scaling ratio, since it differs from a worker only by
  running alone. Its CPU time is split by phase (read, score, encode, write);
- **pandas, whole file**: ``pd.read_parquet`` of the file, ``score_frame`` over chunks of
  20,000 rows, ``to_parquet``: what a team writes before it has a cluster (pyarrow reads
  and writes with its own threads here);
- **batch-predict, 1 and 2 workers**: ``batch_predict`` on the ``LocalCluster`` it starts
  itself (single-threaded worker processes), started beforehand so its start-up is
  reported apart;
- **memory**: the workers' peak resident memory with 20,000-row partitions on the file
  and on a file a quarter of its size, and with 80,000-row partitions on the smaller file:
  it follows the partition size, not the file size.

Each step reports wall-clock rows/s, CPU time per row (every process of the step: this
one, and the workers and their nannies; unlike rows/s it hardly moves with the machine's
load) and the load average before and after. Every output is checked against the one-
process output (same rows, order, labels and probabilities, same Parquet schema); the
figures are printed as a Markdown table. ``--project`` reuses a generated project that
has ``batch`` on and a ``.venv``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PARTITION = 50_000  # rows: batch-predict's default partition size


# --- inside the generated project's interpreter -------------------------------------


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from
    the parent across the exec that starts a spawned worker)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds() -> tuple[float, float]:
    """CPU time so far of this process (all its threads: the client, and a LocalCluster's
    scheduler) and of all its descendants (the workers and their nannies)."""
    import psutil

    me = psutil.Process()
    own = sum(me.cpu_times()[:2])
    others = 0.0
    for process in me.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            others += sum(process.cpu_times()[:2])
    return own, others


def make(package: str, rows: int, folder: Path) -> dict[str, Any]:
    import importlib

    import numpy as np
    import pandas as pd

    dataset = importlib.import_module(f"{package}.data").load_dataset()
    for name, count in (("big", rows), ("small", rows // 4)):
        rng = np.random.default_rng(3)
        picked = dataset.features[rng.integers(0, len(dataset.features), count)]
        frame = pd.DataFrame(picked * rng.normal(1, 0.05, picked.shape))
        frame.columns = list(dataset.feature_names)
        frame.insert(0, "customer_id", [f"C{i:09d}" for i in range(count)])
        frame.insert(1, "snapshot", pd.Timestamp("2026-11-30"))
        frame.to_parquet(folder / f"{name}.parquet", row_group_size=PARTITION)
    return {}


def serial(package: str, folder: Path) -> dict[str, Any]:
    """The batch job's own per-part functions, in turn, in this process."""
    import importlib

    batch = importlib.import_module(f"{package}.batch")
    model = batch.load_model(folder / "model.joblib")
    phases = dict.fromkeys(("read", "score", "encode"), 0.0)

    def scored(source: Any, parts: list[Any], schema: Any) -> Any:
        """What a worker does for each part (``score_part``), timed by phase."""
        for part in parts:
            began = time.process_time()
            frame = batch.read_part(part, source)
            read = time.process_time()
            rows = batch.score_frame(frame, source, model)
            score = time.process_time()
            encoded = batch.encode(rows, "parquet", schema)
            phases["read"] += read - began
            phases["score"] += score - read
            phases["encode"] += time.process_time() - score
            yield encoded

    started, cpu = time.perf_counter(), time.process_time()
    source = batch.inspect_source(folder / "big.parquet", model.feature_names)
    meta = batch.output_meta(source)
    parts = batch.input_parts(source, PARTITION)
    output = folder / "serial.parquet"
    batch.write_parts(scored(source, parts, batch.output_schema(meta)), output, "parquet", meta)
    cpu = time.process_time() - cpu
    phases["write"] = cpu - sum(phases.values())
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": cpu, "phases": phases, "peak_mb": [peak_mb()]}


def whole_file(package: str, folder: Path) -> dict[str, Any]:
    """pandas reads the whole file, ``score_frame`` scores it in chunks, pandas writes."""
    import importlib

    import pandas as pd

    batch = importlib.import_module(f"{package}.batch")
    model = batch.load_model(folder / "model.joblib")
    started, cpu = time.perf_counter(), time.process_time()
    source = batch.inspect_source(folder / "big.parquet", model.feature_names)
    frame = pd.read_parquet(folder / "big.parquet")
    chunks = [
        batch.score_frame(frame.iloc[start : start + PARTITION], source, model)
        for start in range(0, len(frame), PARTITION)
    ]
    pd.concat(chunks, ignore_index=True).to_parquet(folder / "whole.parquet", index=False)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "peak_mb": [peak_mb()]}


def on_cluster(package: str, folder: Path, spec: str) -> dict[str, Any]:
    """batch_predict on the LocalCluster it would start itself (``batch.connect``), started
    and warmed (package imported on each worker) first so its start-up is timed apart."""
    import importlib

    name, workers, partition = spec.split(":")
    batch = importlib.import_module(f"{package}.batch")
    out = folder / f"{spec.replace(':', '-')}.parquet"
    started = time.perf_counter()
    with batch.connect(None, int(workers)) as client:
        client.wait_for_workers(int(workers))
        client.run(importlib.import_module, f"{package}.batch")
        startup = time.perf_counter() - started
        started, before = time.perf_counter(), cpu_seconds()
        batch.batch_predict(
            folder / f"{name}.parquet",
            out,
            folder / "model.joblib",
            scheduler=client.scheduler.address,
            partition_size=int(partition),
        )
        seconds, after = time.perf_counter() - started, cpu_seconds()
        peaks = sorted(client.run(peak_mb).values())
    client_cpu, workers_cpu = (end - start for start, end in zip(before, after, strict=True))
    return {
        "startup": startup,
        "seconds": seconds,
        "cpu": client_cpu + workers_cpu,
        "client_cpu": client_cpu,
        "peak_mb": peaks,
    }


def check(folder: Path) -> dict[str, Any]:
    """Every output of the big file equals the one-process output (schema included)."""
    import pandas as pd
    import pyarrow.parquet as pq

    expected = pq.read_table(folder / "serial.parquet")
    for path in sorted(folder.glob("big-*.parquet")):
        assert pq.read_table(path).equals(expected, check_metadata=True), path
    whole = pd.read_parquet(folder / "whole.parquet")
    pd.testing.assert_frame_equal(whole, expected.to_pandas())
    return {}


def inside(package: str, rows: int, folder: Path, step: str) -> dict[str, Any]:
    load = os.getloadavg()[0]
    if step == "make":
        measured = make(package, rows, folder)
    elif step == "serial":
        measured = serial(package, folder)
    elif step == "whole":
        measured = whole_file(package, folder)
    elif step == "check":
        measured = check(folder)
    else:
        measured = on_cluster(package, folder, step)
    return {**measured, "load": [load, os.getloadavg()[0]]}


# --- in scaffold's environment ------------------------------------------------------


def prepare(work: Path, project: Path | None) -> tuple[Path, str]:
    """A generated project with batch on, its environment and a trained model."""
    from scaffold import projectenv
    from scaffold.commands.new import NewOptions, create_project

    if project is None:
        options = NewOptions(
            dest=work / "bench-batch",
            preset="minimal",
            data={"batch": "true"},
            defaults=True,
            git=False,
        )
        project = create_project(options).render.dest
        projectenv.build_env(project)
    import yaml

    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    return project, str(answers["package_name"])


def table(result: dict[str, Any]) -> str:
    rows = result["rows"]
    base = result["serial"]

    def mb(step: str) -> str:
        return ", ".join(f"{p:,.0f}" for p in result[step]["peak_mb"]) + " MB"

    def line(label: str, step: str) -> str:
        run = result[step]
        cpu = f"{run['cpu'] / rows * 1e6:.1f}"
        client = f"{run['client_cpu'] / rows * 1e6:.1f}" if "client_cpu" in run else "-"
        startup = f"{run['startup']:.1f} s" if "startup" in run else "-"
        memory = mb(step) + (" (per worker)" if "startup" in run else " (the process)")
        load = "-".join(f"{value:.1f}" for value in run["load"])
        return (
            f"| {label} | {rows / run['seconds']:,.0f} | {base['seconds'] / run['seconds']:.2f}x "
            f"| {cpu} | {client} | {startup} | {memory} "
            f"| {load} |"
        )

    phases = ", ".join(f"{name} {cpu / rows * 1e6:.1f}" for name, cpu in base["phases"].items())
    lines = [
        f"{rows:,} rows, partitions of {PARTITION:,}, one run each. CPU: µs per row, of every"
        " process of the step, and of the client's process alone (batch_predict, the writer,"
        " the LocalCluster's scheduler). Load: the 1-minute load average before and after.",
        "",
        "| run | rows/s | vs one process | CPU | client CPU | cluster start-up | peak memory "
        "| load |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
        line("one process, the workers' code", "serial"),
        line("pandas, whole file", "whole"),
        line("`batch_predict`, 1 worker", f"big:1:{PARTITION}"),
        line("`batch_predict`, 2 workers", f"big:2:{PARTITION}"),
        "",
        f"One process's CPU by phase, µs per row: {phases}.",
        "",
        "| worker peak memory, 2 workers | rows | partition | per worker |",
        "|---|--:|--:|--:|",
        f"| the file | {rows:,} | {PARTITION:,} | {mb(f'big:2:{PARTITION}')} |",
        f"| a quarter of it | {rows // 4:,} | {PARTITION:,} | {mb(f'small:2:{PARTITION}')} |",
        f"| a quarter of it | {rows // 4:,} | {4 * PARTITION:,} | "
        f"{mb(f'small:2:{4 * PARTITION}')} |",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--project", type=Path, help="a generated project with batch on")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--inside", nargs=3, help=argparse.SUPPRESS)  # package folder step
    args = parser.parse_args(argv)
    if args.inside:
        package, folder, step = args.inside
        json.dump(inside(package, args.rows, Path(folder), step), sys.stdout)
        return 0
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as temporary:
        work = Path(temporary)
        print("preparing the project...", file=sys.stderr)
        project, package = prepare(work, args.project)
        python = str(project / ".venv" / "bin" / "python")
        model = {f"{package.upper()}_MODEL_PATH": str(work / "model.joblib")}
        subprocess.run(
            [python, "-m", f"{package}.cli", "train"],
            cwd=project,
            check=True,
            capture_output=True,
            env={**os.environ, **model},
        )
        result: dict[str, Any] = {"rows": args.rows}
        steps = ["make", "serial", "whole", f"big:1:{PARTITION}", f"big:2:{PARTITION}"]
        steps += [f"small:2:{PARTITION}", f"small:2:{4 * PARTITION}", "check"]
        for step in steps:
            print(f"{step} ({args.rows:,} rows)...", file=sys.stderr)
            measured = subprocess.run(
                [python, __file__, "--rows", str(args.rows), "--inside", package, str(work), step],
                cwd=project,
                check=True,
                capture_output=True,
                text=True,
            )
            result[step] = json.loads(measured.stdout)
        if args.json:
            args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
        print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
