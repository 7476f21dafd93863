"""A folder planned in two processes gives what one process planning each notebook in turn
gives, and what one extract per notebook writes: shared modules and test files, a clash
between two notebooks of one module, broken notebooks in either process's share."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from scaffold import forkpool
from scaffold.errors import ScaffoldError
from scaffold.notebooks import ExtractResult, plan_extraction, write_changes
from scaffold.notebooks import extract as extract_module
from scaffold.notebooks.extract import plan_folder, plan_processes
from tests.commands.test_extract import cli_environment
from tests.notebooks.builders import make_project, snapshot, write_notebook

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="planned in one process")

SHARED = {  # four notebooks, one module (clean) and one test file; then two that clash
    "10-ab-clean.ipynb": "def strip_all(rows):\n    return [r.strip() for r in rows]",
    "17-cd-clean.ipynb": "def lower_all(rows):\n    return [r.lower() for r in rows]",
    "23-clean.ipynb": "import re\ndef words(text):\n    return re.findall(r'\\w+', text)",
    "sub/05-xy-clean.ipynb": "def first(rows):\n    return rows[0]",
    "20-ab-mnist.ipynb": "def train():\n    return 'cnn'",
    "21-cd-mnist.ipynb": "def train():\n    return 'rnn'",
}


def corpus(project: Path, count: int = 40) -> list[Path]:
    """``count`` notebooks (sorted as the CLI finds them), six of them sharing modules, two
    of them broken: one in each process's share when two plan them."""
    folder = project / "notebooks"
    (folder / "sub").mkdir(exist_ok=True)
    for number in range(count - len(SHARED) - 2):
        write_notebook(
            folder / f"{number:02d}-ab-topic{number}.ipynb",
            [
                "import json\nLIMIT = 3",
                f"def step{number}(rows):\n    return json.dumps(rows[:LIMIT]) + '{number}'",
                f"step{number}([1, 2, 3, 4])",
                "print(LIMIT)",
            ],
        )
    for name, code in SHARED.items():
        write_notebook(folder / name, [code, "rows = [' A ', 'b']"])
    (folder / "90-broken-a.ipynb").write_text("{not json")  # next to each other: one in
    (folder / "90-broken-b.ipynb").write_text('{"cells": 3}')  # each share of two
    found = sorted(folder.rglob("*.ipynb"))
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


@pytest.fixture
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "usable_cpus", lambda: 2)


def planners(monkeypatch: pytest.MonkeyPatch) -> set[int]:
    """The processes that plan notebooks from here on (run_split spied on)."""
    pids: set[int] = set()

    def spied(work: Callable[[int], object], count: int, processes: int) -> list[object]:
        done = forkpool.run_split(lambda i: (os.getpid(), work(i)), count, processes)
        pids.update(pid for pid, _ in filter(None, done))
        return [None if answer is None else answer[1] for answer in done]

    monkeypatch.setattr(extract_module, "run_split", spied)
    return pids


def comparable(planned: list[tuple[Path, ExtractResult | str]]) -> list[object]:
    return [(path, vars(o) if isinstance(o, ExtractResult) else o) for path, o in planned]


@pytest.mark.parametrize("shared", [True, False], ids=["writing", "check"])
def test_two_processes_plan_what_one_plans_in_turn(
    project: Path, monkeypatch: pytest.MonkeyPatch, two_cpus: None, shared: bool
) -> None:
    notebooks = corpus(project)
    pids = planners(monkeypatch)
    both = plan_folder(notebooks, project, None, True, shared)
    assert len(pids) == 2 and os.getpid() in pids  # the parallel path was taken
    pids.clear()
    monkeypatch.setattr(extract_module, "PARALLEL_FROM", len(notebooks) + 1)
    one = plan_folder(notebooks, project, None, True, shared)
    assert pids == {os.getpid()}
    assert comparable(both) == comparable(one)
    errors = {path.name: outcome for path, outcome in both if isinstance(outcome, str)}
    clash = ["21-cd-mnist.ipynb"] if shared else []  # seen only once 20-ab-mnist is planned
    assert sorted(errors) == [*clash, "90-broken-a.ipynb", "90-broken-b.ipynb"]
    broken = project / "notebooks" / "90-broken"
    assert errors["90-broken-a.ipynb"].startswith(f"{broken}-a.ipynb is not a valid notebook (")
    assert errors["90-broken-b.ipynb"].startswith(f"{broken}-b.ipynb is nbformat vNone;")
    assert all("\n" not in message for message in errors.values())
    last = both[-1][1]  # sub/05-xy-clean.ipynb: its module's last plan
    assert isinstance(last, ExtractResult) and last.module is not None
    names = ("strip_all", "lower_all", "words", "first")
    held = [name in last.module.new for name in names]
    assert held == ([True] * 4 if shared else [False, False, False, True])


def test_a_folder_writes_what_one_extract_per_notebook_writes(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without --rewrite-notebook: rewritten one at a time, 20-ab-mnist would no longer define
    # `train` when 21-cd-mnist is extracted, while a folder plans against the notebooks as
    # they are (as before the plans were split over processes).
    notebooks = corpus(project)
    one_by_one = tmp_path / "one"
    shutil.copytree(project, one_by_one)
    monkeypatch.chdir(one_by_one)
    errors = {}
    for notebook in notebooks:
        path = notebook.relative_to(project)  # as the command line names it
        try:
            write_changes(plan_extraction(path, None, root=one_by_one).changes)
        except ScaffoldError as exc:
            errors[str(path)] = str(exc)
    folder = subprocess.run(
        [sys.executable, "-m", "scaffold", "extract", "notebooks", "--json"],
        cwd=project, capture_output=True, text=True, check=False,
        env=cli_environment(),
    )  # fmt: skip
    assert folder.returncode == 2, folder.stderr
    rows = json.loads(folder.stdout)["notebooks"]
    assert {row["notebook"]: row["error"] for row in rows if "error" in row} == errors
    assert snapshot(project) == snapshot(one_by_one)


def test_a_large_folder_is_planned_in_two_processes_a_small_one_in_one(two_cpus: None) -> None:
    assert plan_processes(extract_module.PARALLEL_FROM) == 2
    assert plan_processes(extract_module.PARALLEL_FROM - 1) == 1


def working_in(folder: Path) -> set[int]:
    """The processes whose working directory is ``folder`` (a forked planner inherits it)."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cwd").resolve() == folder.resolve():
                found.add(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="needs /proc")
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm", "sigkill"])
def test_a_folder_stopped_while_planning_writes_nothing_and_leaves_no_planner(
    project: Path, how: str
) -> None:
    import signal
    import time

    corpus(project, 400)
    before = snapshot(project)
    process = subprocess.Popen(
        [sys.executable, "-m", "scaffold", "extract", "notebooks"],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env=cli_environment(), start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(working_in(project)) < 2 and process.poll() is None:  # the planner forked
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert process.poll() is None, "finished before the planner was seen"
    if how == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)  # the whole group, as a terminal's Ctrl-C does
    else:
        process.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGKILL)
    _, err = process.communicate(timeout=60)

    expected = {"ctrl-c": 130, "sigterm": 143, "sigkill": -signal.SIGKILL}[how]
    assert process.returncode == expected, err
    ended = time.monotonic() + 5  # at once: killed with its parent, by the parent or kernel
    while working_in(project) and time.monotonic() < ended:
        time.sleep(0.01)
    assert not working_in(project)
    assert snapshot(project) == before
