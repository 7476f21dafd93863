"""The benchmarks still run to completion (no figures are checked: timings belong to the
benchmark's own output, not to tests). Each comparison checks that the tools wrote the same
files, so a change to ``scaffold new`` that makes the comparison unfair fails here."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_new_and_doctor_benchmarks_complete_with_equal_outputs(tmp_path: Path) -> None:
    bench = load("run")
    rows = bench.bench_help(1, tmp_path) + bench.bench_new(1, tmp_path)
    rows += bench.bench_doctor(1, tmp_path, 2)
    commands = [row.command for row in rows]
    assert commands == [
        "scaffold --help",
        "copier --help",
        "scaffold new --defaults",
        "scaffold new --defaults --no-git",
        "copier copy --defaults",
        "cookiecutter --no-input (same files)",
        "scaffold doctor (1 repo)",
        "scaffold doctor (2 repos)",
    ]
    assert all(len(row.times) == 1 and row.times[0] > 0 for row in rows)
    assert "| new --defaults (standard) | `copier copy --defaults` |" in bench.table(rows)


@pytest.mark.slow
def test_extract_benchmark_completes(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "extract_speed.py"), "--notebooks", "3"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "3 notebooks" in result.stdout
    assert result.stdout.count("notebooks/s") == 4


@pytest.mark.slow
def test_batch_benchmark_completes_with_checked_outputs(tmp_path: Path) -> None:
    """The script checks each Dask output against pandas + predict before printing."""
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "batch_speed.py"), "--rows", "8000"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        timeout=1200,
    )
    assert result.returncode == 0, result.stderr
    assert "| pandas + `predict`, one process |" in result.stdout
    assert "| `batch_predict`, 2 workers |" in result.stdout
    assert result.stdout.count(" MB") >= 6
