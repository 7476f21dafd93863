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
    assert result.stdout.count("notebooks/s") == 6  # folder, --check, two in-process, jupytext x2


@pytest.mark.slow
def test_the_large_doctor_repository_has_1000_files_and_scores_100(tmp_path: Path) -> None:
    """The 1,000-file repository of doctor_large.py is what it says, and every rule is right
    on it (its prints carry # noqa: T201, its logging is configured once in cli.py)."""
    from scaffold.doctor.audit import audit

    bench = load("doctor_large")
    repo = bench.make_repo(tmp_path / "big")
    tracked = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True)
    assert len(tracked.stdout.splitlines()) == 1000
    report = audit(repo)
    assert report.score == 100, [r for r in report.results if r.status.value != "pass"]
    why = {result.id: result.why for result in report.results}
    assert (
        why["print.none"] == "no print() in 641 library modules (40 suppressed with # noqa: T201)"
    )


@pytest.mark.slow
def test_batch_benchmark_completes_with_checked_outputs(tmp_path: Path) -> None:
    """The script checks each output against the one-process output before printing."""
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "batch_speed.py"), "--rows", "8000"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        timeout=1200,
    )
    assert result.returncode == 0, result.stderr
    assert "| one process, the workers' code |" in result.stdout
    assert "| `batch_predict`, 2 workers |" in result.stdout
    assert result.stdout.count(" MB") >= 7
