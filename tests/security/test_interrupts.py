"""Interrupt sweeps: Ctrl-C (SIGINT) and kill (SIGKILL) at random instants of a real run.

Never a truncated or partial file, never a half-made DEST: after each interrupt every file is
its old or its new version (and, for Ctrl-C, a multi-file change is all or nothing).
The delays are spread over one uninterrupted run's duration, with a fixed seed.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.notebooks.builders import make_project, write_notebook
from tests.security.hostile import copier_template, git

ROUNDS = 20  # per signal
SIGNALS = (signal.SIGINT, signal.SIGKILL)


def _start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "COLUMNS": "200", "SCAFFOLD_DEBUG": ""}
    return subprocess.Popen(
        [sys.executable, "-m", "scaffold", *args], cwd=cwd, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def _timed_run(args: list[str], cwd: Path) -> float:
    started = time.monotonic()
    process = _start(args, cwd)
    out, err = process.communicate(timeout=300)
    assert process.returncode in (0, 1), out + err
    return time.monotonic() - started


def _interrupted(args: list[str], cwd: Path, signum: int, delay: float) -> tuple[int, str]:
    process = _start(args, cwd)
    time.sleep(delay)
    if process.poll() is None:
        process.send_signal(signum)
    out, err = process.communicate(timeout=300)
    return process.returncode, out + err


def _before_scaffold_started(code: int, output: str) -> bool:
    """Ctrl-C inside Python's own startup, before any scaffold code ran: the interpreter dies
    of the signal silently (before it handles SIGINT) or prints its traceback from runpy,
    at most through the package's one-line ``__init__.py`` (which runpy imports before
    ``__main__.py``, so no scaffold code can catch it). Nothing was touched."""
    if code == -signal.SIGINT and not output:
        return True
    if "Traceback" not in output or "KeyboardInterrupt" not in output:
        return False
    return "<frozen" in output and _scaffold_frames(output) <= {("__init__.py", "<module>")}


def _sweep(
    prepare: Callable[[Path], tuple[list[str], Path]],
    check: Callable[[Path, int, str], None],
    root: Path,
    seed: int,
    learn: Callable[[Path], None] = lambda _: None,
) -> None:
    """``prepare(folder)`` -> (args, cwd); ``check(folder, signal, output)`` after each run;
    ``learn(folder)`` reads the result of the uninterrupted reference run first."""
    args, cwd = prepare(root / "reference")
    duration = _timed_run(args, cwd)
    learn(root / "reference")
    rng = random.Random(seed)
    for signum in SIGNALS:
        for number in range(ROUNDS):
            folder = root / f"{signum.name}-{number}"
            args, cwd = prepare(folder)
            code, output = _interrupted(args, cwd, signum, rng.uniform(0.0, duration * 1.1))
            if signum == signal.SIGINT and not _before_scaffold_started(code, output):
                assert code in (0, 1, 130), output
                assert "Traceback" not in output, output
            check(folder, signum, output)


# --- scaffold new -------------------------------------------------------------------------

TEMPLATE_FILES = {f"module_{n}.py.jinja": f"# {n} of {{{{ project_name }}}}\n" for n in range(30)}


@pytest.mark.slow
def test_new_leaves_a_whole_project_or_nothing(tmp_path: Path) -> None:
    template = copier_template(tmp_path / "template", files=TEMPLATE_FILES)
    git(template, "tag", "v1.0.0")
    parent = tmp_path / "projects"
    parent.mkdir()

    def prepare(folder: Path) -> tuple[list[str], Path]:
        return ["new", str(parent / folder.name), "-t", str(template), "--defaults"], tmp_path

    def check(folder: Path, signum: int, output: str) -> None:
        dest = parent / folder.name
        if dest.exists():
            names = sorted(p.name for p in dest.iterdir())
            assert names == sorted(
                [".git", "README.md"] + [name.removesuffix(".jinja") for name in TEMPLATE_FILES]
            ), output
            assert (dest / "module_29.py").read_text(encoding="utf-8") == f"# 29 of {dest.name}\n"
            status = subprocess.run(
                ["git", "status", "--porcelain"], cwd=dest, capture_output=True, text=True
            )
            assert status.returncode == 0 and status.stdout == "", output
        if signum == signal.SIGINT:
            assert not [p for p in parent.iterdir() if p.name.startswith(".scaffold-")], output

    _sweep(prepare, check, tmp_path / "runs", seed=10)
    # Folders left by killed runs are removed by the next run.
    _timed_run(prepare(tmp_path / "last")[0], tmp_path)
    assert not [p for p in parent.iterdir() if p.name.startswith(".scaffold-")]


# --- scaffold lint --fix ------------------------------------------------------------------


def _notebook_with_outputs(path: Path, number: int) -> None:
    write_notebook(path, [f"value_{number} = {number}\nvalue_{number}", "print('hi')"] * 20)
    data = json.loads(path.read_text(encoding="utf-8"))
    for count, cell in enumerate(data["cells"], 1):
        cell["execution_count"] = count
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * 2000}]
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


MODULE = "import os\nimport sys\n\n\ndef area(r):\n    return  3.14*r*r\n"


@pytest.mark.slow
def test_lint_fix_never_truncates(tmp_path: Path) -> None:
    originals: dict[str, bytes] = {}
    fixed: dict[str, bytes] = {}

    def prepare(folder: Path) -> tuple[list[str], Path]:
        project = make_project(folder)
        (project / "src" / "demo" / "geometry.py").write_text(MODULE, encoding="utf-8")
        for number in range(4):
            _notebook_with_outputs(project / "notebooks" / f"{number}-explore.ipynb", number)
        for path in (project / "notebooks").iterdir():
            originals[path.name] = path.read_bytes()
        return ["lint", "--fix"], project

    def check(folder: Path, signum: int, output: str) -> None:
        # lint --fix runs several steps (ruff --fix, the formatter, stripping), each one
        # rewriting whole files: every cell is its original or its fixed version. A kill
        # may leave a hidden temporary sibling (the next write removes it); Ctrl-C may not.
        leftovers = [p.name for p in folder.rglob("*.scaffold-tmp")]
        if signum == signal.SIGINT:
            assert leftovers == [], output
        for path in sorted((folder / "notebooks").glob("*.ipynb")):
            now = json.loads(path.read_text(encoding="utf-8"))["cells"]
            old = json.loads(originals[path.name])["cells"]
            new = json.loads(fixed[path.name])["cells"]
            assert len(now) == len(old) == len(new), output
            for cell, before, after in zip(now, old, new, strict=True):
                assert cell["source"] in (before["source"], after["source"]), output
                assert cell["outputs"] in (before["outputs"], after["outputs"]), output
        module = (folder / "src" / "demo" / "geometry.py").read_text(encoding="utf-8")
        compile(module, "geometry.py", "exec")
        assert "def area(r):" in module, output

    def learn(reference: Path) -> None:
        fixed.update({p.name: p.read_bytes() for p in (reference / "notebooks").iterdir()})
        assert all(fixed[name] != originals[name] for name in fixed)

    _sweep(prepare, check, tmp_path / "runs", seed=20, learn=learn)


# --- scaffold extract --rewrite-notebook ----------------------------------------------------

CELLS = [
    "import math",
    *[f"def shape_{n}(r):\n    return math.pi * r * {n}" for n in range(15)],
    "shape_1(2)",
]


@pytest.mark.slow
def test_extract_rewrite_is_all_or_nothing(tmp_path: Path) -> None:
    files = ("notebooks/shapes.ipynb", "src/demo/shapes.py", "tests/test_shapes.py")
    before: dict[str, bytes | None] = {}
    after: dict[str, bytes | None] = {}

    def state(folder: Path) -> dict[str, bytes | None]:
        return {f: (folder / f).read_bytes() if (folder / f).exists() else None for f in files}

    def prepare(folder: Path) -> tuple[list[str], Path]:
        project = make_project(folder)
        write_notebook(project / "notebooks" / "shapes.ipynb", CELLS)
        before.update(state(project))
        return ["extract", "notebooks/shapes.ipynb", "--rewrite-notebook"], project

    def check(folder: Path, signum: int, output: str) -> None:
        now = state(folder)
        for name in files:
            assert now[name] in (before[name], after[name]), f"{name} is partial\n{output}"
        if signum == signal.SIGINT:
            assert now in (before, after), output
        leftovers = [p.name for p in folder.rglob("*.scaffold-tmp")]
        if signum == signal.SIGINT:
            assert leftovers == [], output

    def learn(reference: Path) -> None:
        after.update(state(reference))
        assert all(after[name] != before[name] for name in files)

    _sweep(prepare, check, tmp_path / "runs", seed=30, learn=learn)


# Before scaffold's first line runs, Python alone handles Ctrl-C: the import of the package
# and of its tiny entry module (which installs the handler first thing) are that window.
STARTUP_FRAMES = {("__init__.py", "<module>"), ("entry.py", "<module>")}


def _scaffold_frames(err: str) -> set[tuple[str, str]]:
    frames = re.findall(r'File "[^"]*/scaffold/([^"]+)", line \d+, in (\S+)', err)
    return set(frames)


def test_ctrl_c_at_start_is_one_line(tmp_path: Path) -> None:
    """Ctrl-C in the first instants of a command (imports, startup): one line, never a trace
    from scaffold (a signal inside Python's own startup, before any scaffold code, is not
    scaffold's to catch)."""
    script = Path(sys.executable).parent / "scaffold"
    rng = random.Random(40)
    codes = []
    for _ in range(10):
        process = subprocess.Popen(
            [str(script), "doctor", str(tmp_path)], cwd=tmp_path, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        time.sleep(rng.uniform(0.0, 0.4))
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        assert _scaffold_frames(err) <= STARTUP_FRAMES, err
        codes.append(process.returncode)
        if process.returncode == 130:
            assert err == "error: interrupted; nothing was left half-written\n", err
    assert 130 in codes


def test_ctrl_c_while_scaffold_loads_under_python_m_is_one_line(tmp_path: Path) -> None:
    """``python -m scaffold``: a Ctrl-C while ``scaffold.entry`` is still being imported (its
    handlers not yet installed) ends in the same one line and exit 130, not a traceback."""
    _one_line_130(
        "import runpy, sys\n"
        "class Interrupting:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'scaffold.entry':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupting())\n"
        "runpy.run_module('scaffold', run_name='__main__', alter_sys=True)\n",
        tmp_path,
    )


def _one_line_130(code: str, cwd: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr == "error: interrupted; nothing was left half-written\n"


def test_ctrl_c_between_loading_and_main_under_python_m_is_one_line(tmp_path: Path) -> None:
    """``python -m scaffold``: a Ctrl-C after ``scaffold.entry`` is imported but before
    ``main()`` has installed its handlers (here: main itself raises it first thing)."""
    _one_line_130(
        "import runpy\n"
        "import scaffold.entry\n"
        "def interrupted():\n"
        "    raise KeyboardInterrupt\n"
        "scaffold.entry.main = interrupted\n"
        "runpy.run_module('scaffold', run_name='__main__', alter_sys=True)\n",
        tmp_path,
    )


def test_a_signal_while_main_ends_is_one_line(tmp_path: Path) -> None:
    """A Ctrl-C in main's ``finally``, after the command has finished and before signals are
    ignored: here the first of those ``signal.signal`` calls meets it."""
    _one_line_130(
        "import signal, sys\n"
        "import scaffold.cli, scaffold.entry\n"
        "def finished():\n"
        "    raise SystemExit(0)\n"
        "scaffold.cli.main = finished\n"
        "real = signal.signal\n"
        "def arriving(signum, handler):\n"
        "    if handler is signal.SIG_IGN:\n"
        "        signal.signal = real\n"
        "        raise scaffold.entry.Interrupted(130)\n"
        "    return real(signum, handler)\n"
        "signal.signal = arriving\n"
        "scaffold.entry.main()\n",
        tmp_path,
    )


def test_a_signal_inside_a_finaliser_still_ends_the_command_in_one_line(tmp_path: Path) -> None:
    """Python cannot raise out of a ``__del__`` (nor a weakref or GC callback): it prints the
    exception as "Exception ignored in ..." with a traceback and carries on. CI met one after
    ``extract`` had written its files. The signal is handled again a moment later instead."""
    _one_line_130(
        "import os, signal, time\n"
        "import scaffold.cli, scaffold.entry\n"
        "class Finalised:\n"
        "    def __del__(self):\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        for _ in range(1000):  # the handler runs here, inside __del__\n"
        "            pass\n"
        "def command():\n"
        "    Finalised()  # dropped at once: __del__ runs now\n"
        "    time.sleep(5)  # the signal, handled again, ends the command here\n"
        "scaffold.cli.main = command\n"
        "scaffold.entry.main()\n",
        tmp_path,
    )
