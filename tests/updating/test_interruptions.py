"""An update is all of the new version or none of it: errors, Ctrl-C, SIGTERM and kills.

Each check compares file hashes with the two trees an update may leave: the project exactly
as it was before, or exactly as a completed update makes it.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scaffold.updating.journal import JOURNAL, state_dir
from tests.updating.releases import stale_scratch, tree_hashes
from tests.updating.templates import commit_all, generate, git, make_template_v1, release_v2
from tests.updating.templates import run_cli as cli


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A v1.0.0 project with edits (one the v2.0.0 template deletes) and the tree hashes of
    its completed update to v2.0.0."""
    root = tmp_path_factory.mktemp("interrupt")
    template = make_template_v1(root)
    project = generate(template, root / "proj")
    (project / "obsolete.txt").write_text("my notes, kept\n", encoding="utf-8")
    readme = (project / "README.md").read_text(encoding="utf-8")
    (project / "README.md").write_text(readme + "My line.\n", encoding="utf-8")
    (project / "notes.md").write_text("mine alone\n", encoding="utf-8")
    commit_all(project, "my edits")
    release_v2(template)
    done = fresh_copy(project, root / "done")
    code, output = cli("update", str(done))
    assert code == 0, output
    return project, tree_hashes(done)


def fresh_copy(project: Path, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(project, dest, symlinks=True)
    return dest


def journal_left(project: Path) -> bool:
    return (state_dir(project) / JOURNAL).exists()


def test_an_error_while_applying_rolls_everything_back(
    pristine: tuple[Path, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffold.updating import apply

    project = fresh_copy(pristine[0], tmp_path / "proj")
    before = tree_hashes(project)
    real_put, calls = apply._put, []

    def failing_put(source: Path, target: Path) -> None:
        calls.append(target)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_put(source, target)

    monkeypatch.setattr(apply, "_put", failing_put)

    code, output = cli("update", str(project))

    assert code == 2
    assert "No space left on device" in output and "rolled back" in output
    assert tree_hashes(project) == before
    assert git(project, "status", "--porcelain") == ""
    assert not journal_left(project)


_KILL_WHILE_APPLYING = """
import os, signal, sys
from scaffold.updating import apply
real, calls = apply._put, []
def put(source, target):
    calls.append(target)
    if len(calls) == {after}:
        os.kill(os.getpid(), signal.{signal})
    real(source, target)
apply._put = put
sys.argv = ["scaffold", "update", sys.argv[1]]
from scaffold.cli import main
main()
"""


def run_patched(project: Path, after: int, sig: str) -> subprocess.CompletedProcess[str]:
    code = _KILL_WHILE_APPLYING.format(after=after, signal=sig)
    return subprocess.run(
        [sys.executable, "-c", code, str(project)], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("command", ["update", "drift", "doctor"])
def test_a_kill_while_applying_is_rolled_back_by_the_next_command(
    pristine: tuple[Path, dict[str, str]], tmp_path: Path, command: str
) -> None:
    project = fresh_copy(pristine[0], tmp_path / "proj")
    before = tree_hashes(project)

    killed = run_patched(project, after=2, sig="SIGKILL")

    assert killed.returncode == -signal.SIGKILL
    assert journal_left(project)
    assert tree_hashes(project) not in (before, pristine[1])  # half applied, for now
    code, output = cli(command, str(project))
    assert "rolled back" in output
    if command != "update":
        assert tree_hashes(project) == before
        assert code == (1 if command == "drift" else 0)  # doctor: a finding, not a failure
        assert git(project, "status", "--porcelain") == ""
        code, output = cli("update", str(project))
    assert code == 0, output
    assert tree_hashes(project) == pristine[1]
    assert not journal_left(project)


def test_ctrl_c_while_applying_waits_for_the_apply_to_finish(
    pristine: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    project = fresh_copy(pristine[0], tmp_path / "proj")

    stopped = run_patched(project, after=1, sig="SIGINT")

    assert stopped.returncode == 130, stopped.stderr
    assert "interrupted; the update was complete before it stopped" in stopped.stderr
    assert tree_hashes(project) == pristine[1]
    assert not journal_left(project)


def _runs() -> int:
    return int(os.environ.get("SCAFFOLD_INTERRUPT_RUNS", "50"))


@pytest.mark.slow
def test_interrupted_at_random_moments_the_tree_is_before_or_after_never_a_mix(
    pristine: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """50 SIGINT and 50 SIGKILL at random delays over the whole run (0 to 1.5 times an
    uninterrupted run, which varies with the machine's load); after each, the next
    ``scaffold drift`` (which rolls back a killed apply) must leave exactly the tree before
    the update or exactly the completed one, and ``scaffold update`` must then complete it.

    The update after a run that changed nothing starts from the same files as every other
    such run, so it is repeated for the first few of them and after every rollback; the
    suite stays at a few minutes."""
    source, after = pristine
    before = tree_hashes(source)
    started = time.monotonic()
    duration = _timed_run(source, tmp_path / "timed")
    rng = random.Random(20261201)
    outcomes: dict[str, int] = {}
    for index in range(2 * _runs()):
        sig = signal.SIGINT if index % 2 == 0 else signal.SIGKILL
        project = fresh_copy(source, tmp_path / "proj")
        process = _start(project)
        time.sleep(rng.uniform(0, duration * 1.5))  # past the end too: load varies
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=120)
        # 130: scaffold's "interrupted"; -SIGINT: stopped before Python handled signals.
        if sig == signal.SIGINT and process.returncode not in (0, 130, -signal.SIGINT):
            pytest.fail(f"exit {process.returncode} after SIGINT: {stderr}")
        _, recovery = cli("drift", str(project))
        state = tree_hashes(project)
        assert state in (before, after), f"run {index} ({sig.name}): neither before nor after"
        outcome = f"{sig.name} {'after' if state == after else 'before'}"
        rolled_back = "rolled back" in recovery
        outcome += " (rolled back)" if rolled_back else ""
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if state == after:  # complete: as a user would, commit it before the next update
            commit_all(project, "the update")
        elif outcomes[outcome] > 3 and not rolled_back:
            continue
        code, output = cli("update", str(project))
        assert code == 0, output
        assert tree_hashes(project) == after, f"run {index}: the update after it is incomplete"
    print(f"outcomes: {outcomes}; {time.monotonic() - started:.0f} s")
    assert not stale_scratch()


def _start(project: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scaffold", "update", str(project)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _timed_run(source: Path, dest: Path) -> float:
    project = fresh_copy(source, dest)
    started = time.monotonic()
    process = _start(project)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    return time.monotonic() - started
