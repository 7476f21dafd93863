"""Run by a generated project's own interpreter (pandas, pyarrow and its package are there,
not in scaffold's test environment): make scoring files, check batch output against
``predict``, wait for a Dask cluster's workers.

    python batch_data.py make PACKAGE ROWS PATH [ROW_GROUP_SIZE]
    python batch_data.py compare PACKAGE MODEL INPUT OUTPUT...
    python batch_data.py wait SCHEDULER WORKERS
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any


def make(package: str, rows: int, path: Path, row_group_size: int = 50_000) -> None:
    """Rows shaped like a scoring extract: customer id, snapshot date, then the features
    (the dataset's rows resampled with noise, so no two rows are the same)."""
    import numpy as np
    import pandas as pd

    dataset = importlib.import_module(f"{package}.data").load_dataset()
    rng = np.random.default_rng(7)
    picked = dataset.features[rng.integers(0, len(dataset.features), rows)]
    noisy = picked * rng.normal(1.0, 0.05, picked.shape)
    frame = pd.DataFrame(noisy, columns=list(dataset.feature_names))
    frame.insert(0, "customer_id", [f"C{i:09d}" for i in range(rows)])
    frame.insert(1, "snapshot", pd.Timestamp("2026-11-30"))
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, row_group_size=row_group_size)


def compare(package: str, model_path: Path, input_path: Path, outputs: list[Path]) -> None:
    """Exit 1 unless each OUTPUT is INPUT's keys plus exactly what ``predict`` says, in
    input order.

    ``predict`` runs here in one process, over chunks whose boundaries differ from the
    batch job's partitions."""
    import pandas as pd
    import pyarrow.parquet as pq

    model = importlib.import_module(f"{package}.train").load_model(model_path)
    predict = importlib.import_module(f"{package}.predict").predict
    scored = {path: pd.read_parquet(path) for path in outputs}
    problems: list[str] = []
    for path, frame in scored.items():
        if list(frame.columns) != ["customer_id", "snapshot", "label", "probability"]:
            problems.append(f"{path.name}: columns {list(frame.columns)}")
    start = 0
    for batch in pq.ParquetFile(input_path).iter_batches(batch_size=33_333):
        frame = batch.to_pandas()
        records = frame[list(model.feature_names)].to_dict("records")
        predictions = predict(model, records)
        expected = {
            "customer_id": frame["customer_id"].tolist(),
            "snapshot": frame["snapshot"].tolist(),
            "label": [p.label for p in predictions],
            "probability": [p.probability for p in predictions],
        }
        for path, output in scored.items():
            part = output.iloc[start : start + len(frame)]
            for column, values in expected.items():
                if part[column].tolist() != values:
                    problems.append(f"{path.name}: rows {start}..: {column} differs")
        start += len(frame)
    for path, frame in scored.items():
        if start != len(frame):
            problems.append(f"{path.name}: {len(frame)} rows for {start} input rows")
    json.dump({"rows": start, "problems": problems[:5]}, sys.stdout)
    sys.exit(1 if problems else 0)


def wait(scheduler: str, workers: int) -> None:
    from distributed import Client

    with Client(scheduler, timeout="60s") as client:
        client.wait_for_workers(workers, timeout=120)


def main(argv: list[str]) -> None:
    command, *args = argv
    commands: dict[str, Any] = {
        "make": lambda p, r, path, g="50000": make(p, int(r), Path(path), int(g)),
        "compare": lambda p, m, i, *o: compare(p, Path(m), Path(i), [*map(Path, o)]),
        "wait": lambda s, w: wait(s, int(w)),
    }
    commands[command](*args)


if __name__ == "__main__":
    main(sys.argv[1:])
