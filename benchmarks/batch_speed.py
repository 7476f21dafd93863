"""Batch scoring on Dask beside plain pandas + ``predict`` in one process, on the same file.

    python benchmarks/batch_speed.py [--rows 1000000] [--project PATH]

Generates a project from the bundled template (minimal preset with ``batch=true``, so the
workers import no more than scoring needs), builds its environment, trains its model and
writes a Parquet file of ``--rows`` rows (id, date, 30 features; row groups of 20,000).
Then, one run each, in the project's own interpreter:

- **pandas + predict**: ``pd.read_parquet`` of the whole file, ``predict`` over chunks of
  20,000 records (the batch job's partition size), ``to_parquet``: what a team writes
  before it has a cluster;
- **batch-predict, 1 and 2 workers**: ``batch_predict`` on a ``LocalCluster`` of single-
  threaded worker processes started beforehand (its start-up is reported apart);
- **memory**: the workers' peak resident memory (``ru_maxrss``) with 20,000-row
  partitions on the file and on a file a quarter of its size, and with 80,000-row
  partitions on the smaller file: it follows the partition size, not the file size.

Every run's output is checked against the pandas + predict output (same rows, same
order, same labels and probabilities); the figures are printed as a Markdown table.
``--project`` reuses a generated project that has ``batch`` on and a ``.venv``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PARTITION = 20_000


# --- inside the generated project's interpreter -------------------------------------


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from
    the parent across the exec that starts a spawned worker)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


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


def plain(package: str, folder: Path) -> dict[str, Any]:
    """pandas + predict in this process, over chunks of the partition size."""
    import importlib

    import pandas as pd

    predict = importlib.import_module(f"{package}.predict").predict
    model = importlib.import_module(f"{package}.train").load_model(folder / "model.joblib")
    started = time.perf_counter()
    frame = pd.read_parquet(folder / "big.parquet")
    labels: list[int] = []
    probabilities: list[float] = []
    features = list(model.feature_names)
    for start in range(0, len(frame), PARTITION):
        chunk = frame.iloc[start : start + PARTITION][features].to_dict("records")
        for prediction in predict(model, chunk):
            labels.append(prediction.label)
            probabilities.append(prediction.probability)
    scored = frame[["customer_id", "snapshot"]].copy()
    scored["label"], scored["probability"] = labels, probabilities
    scored.to_parquet(folder / "plain.parquet")
    return {"seconds": time.perf_counter() - started, "peak_mb": [peak_mb()]}


def on_cluster(package: str, folder: Path, spec: str) -> dict[str, Any]:
    """batch_predict on a LocalCluster started (and warmed: package imported) first."""
    import importlib
    import logging

    import pandas as pd
    from distributed import Client, LocalCluster

    name, workers, partition = spec.split(":")
    batch = importlib.import_module(f"{package}.batch")
    out = folder / f"{spec.replace(':', '-')}.parquet"
    started = time.perf_counter()
    with (
        LocalCluster(
            n_workers=int(workers),
            threads_per_worker=1,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(int(workers))
        client.run(importlib.import_module, f"{package}.batch")
        startup = time.perf_counter() - started
        started = time.perf_counter()
        batch.batch_predict(
            folder / f"{name}.parquet",
            out,
            folder / "model.joblib",
            scheduler=cluster.scheduler_address,
            partition_size=int(partition),
        )
        seconds = time.perf_counter() - started
        peaks = sorted(client.run(peak_mb).values())
    if name == "big":
        expected = pd.read_parquet(folder / "plain.parquet")
        pd.testing.assert_frame_equal(pd.read_parquet(out), expected, check_dtype=False)
    return {"startup": startup, "seconds": seconds, "peak_mb": peaks}


def inside(package: str, rows: int, folder: Path, step: str) -> dict[str, Any]:
    if step == "make":
        return make(package, rows, folder)
    if step == "plain":
        return plain(package, folder)
    return on_cluster(package, folder, step)


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
    plain = result["plain"]["seconds"]

    def mb(step: str) -> str:
        return ", ".join(f"{p:,.0f}" for p in result[step]["peak_mb"]) + " MB"

    lines = [
        f"{rows:,} rows, one run each, on a 2-core machine shared with other work.",
        "",
        "| run | rows/s | vs pandas + predict | cluster start-up | peak memory |",
        "|---|--:|--:|--:|--:|",
        f"| pandas + `predict`, one process | {rows / plain:,.0f} | 1.00x | - "
        f"| {mb('plain')} (the process) |",
    ]
    for workers in (1, 2):
        run = result[f"big:{workers}:{PARTITION}"]
        lines.append(
            f"| `batch_predict`, {workers} worker{'s' if workers > 1 else ''} "
            f"| {rows / run['seconds']:,.0f} | {plain / run['seconds']:.2f}x "
            f"| {run['startup']:.1f} s | {mb(f'big:{workers}:{PARTITION}')} (per worker) |"
        )
    lines += [
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
        steps = ["make", "plain", f"big:1:{PARTITION}", f"big:2:{PARTITION}"]
        steps += [f"small:2:{PARTITION}", f"small:2:{4 * PARTITION}"]
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
        print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
