"""scaffold's benchmarks, side by side with the tools it is built on, in one run.

    python benchmarks/run.py            # 5 runs of each, medians
    python benchmarks/run.py --quick    # 3 runs (1 for the environment build), for a quick look

Every figure is the median wall-clock time of separate processes, as a user would see them.
See benchmarks/README.md for what each row measures and how the comparisons are kept fair.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
NAME = "benchproj"  # project name of every generated project; cookiecutter's variable
PYTHON_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


@dataclass
class Row:
    group: str
    command: str
    times: list[float] = field(default_factory=list)
    compare: bool = True  # False for the phases of one pipeline: no ratio to the first row

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def tool(name: str) -> str:
    """A tool installed beside the interpreter running the benchmark, else from PATH."""
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed: pip install -e '.[test]'")
    return found


def run(args: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """Run a command to completion; its wall-clock seconds. Any failure stops the benchmark."""
    start = time.perf_counter()
    result = subprocess.run(
        list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(args)} exited {result.returncode} in {cwd}\n{result.stdout}\n{result.stderr}"
        )
    return elapsed


def repeat(group: str, command: str, runs: int, once: Callable[[int], float]) -> Row:
    row = Row(group, command)
    for index in range(runs):
        row.times.append(once(index))
    print(f"  {command}: {row.median:.2f}s", file=sys.stderr)
    return row


def clean_env(home: Path) -> dict[str, str]:
    """No user config, team template, bundled template repository or cookiecutter replay
    leaks in or out: they all live under the benchmark's own home folder."""
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    for name in ("SCAFFOLD_TEMPLATE", "SCAFFOLD_CONFIG", "SCAFFOLD_DATA_DIR", "XDG_DATA_HOME",
                 "VIRTUAL_ENV", "PYTHONPATH"):  # fmt: skip
        env.pop(name, None)
    return env


def bench_help(runs: int, work: Path) -> list[Row]:
    env = clean_env(work)
    return [
        repeat("startup: --help", "scaffold --help", runs,
               lambda _: run([tool("scaffold"), "--help"], work, env)),
        repeat("startup: --help", "copier --help", runs,
               lambda _: run([tool("copier"), "--help"], work, env)),
    ]  # fmt: skip


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (outside .git) and its bytes, for comparing outputs."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def to_cookiecutter(rendered: Path, dest: Path) -> Path:
    """A cookiecutter template that renders exactly ``rendered``: the same files, with the
    project name turned back into ``{{ cookiecutter.project_slug }}`` in paths and text, and
    the rest of each text file kept verbatim inside ``{% raw %}`` (CI files use ``${{ }}``)."""
    variable = "{{ cookiecutter.project_slug }}"
    (dest / "{{cookiecutter.project_slug}}").mkdir(parents=True)
    (dest / "cookiecutter.json").write_text(json.dumps({"project_slug": NAME}), encoding="utf-8")
    verbatim: list[str] = []
    for relative, data in tree(rendered).items():
        target = dest / "{{cookiecutter.project_slug}}" / relative.replace(NAME, variable)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            target.write_bytes(data)
            verbatim.append(relative.replace(NAME, variable))
            continue
        parts = text.split(NAME)
        body = f"{{% endraw %}}{variable}{{% raw %}}".join(parts)
        target.write_text(f"{{% raw %}}{body}{{% endraw %}}", encoding="utf-8")
    if verbatim:
        config = {"project_slug": NAME, "_copy_without_render": verbatim}
        (dest / "cookiecutter.json").write_text(json.dumps(config), encoding="utf-8")
    return dest


def recorded_source(project: Path) -> tuple[str, str]:
    """The template repository and tag a scaffold project was rendered from (its answers)."""
    import yaml

    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    return str(answers["_src_path"]), str(answers["_commit"])


def bench_new(runs: int, work: Path) -> list[Row]:
    env = clean_env(work)
    scaffold, copier, cookiecutter = tool("scaffold"), tool("copier"), tool("cookiecutter")

    def fresh(label: str, index: int) -> Path:
        folder = work / "new" / f"{label}-{index}"
        folder.mkdir(parents=True)
        return folder

    def scaffold_new(index: int, *extra: str) -> float:
        folder = fresh("scaffold" + "".join(extra), index)
        return run([scaffold, "new", NAME, "--defaults", *extra], folder, env)

    rows = [
        repeat("new --defaults (standard)", "scaffold new --defaults", runs, scaffold_new),
        repeat("new --defaults (standard)", "scaffold new --defaults --no-git", runs,
               lambda index: scaffold_new(index, "--no-git")),
    ]  # fmt: skip
    reference = work / "new" / "scaffold--no-git-0" / NAME
    # copier renders the same versioned bundled template repository at the same tag, so both
    # clone it and the two outputs, answers file included, must be identical.
    source, tag = recorded_source(reference)

    def copier_copy(index: int) -> float:
        folder = fresh("copier", index)
        args = [copier, "copy", "--defaults", "--quiet", "--vcs-ref", tag,
                "--data", f"project_name={NAME}", "--data", f"python_version={PYTHON_VERSION}",
                source, NAME]  # fmt: skip
        return run(args, folder, env)

    rows.append(repeat("new --defaults (standard)", "copier copy --defaults", runs, copier_copy))
    if tree(reference) != tree(work / "new" / "copier-0" / NAME):
        raise SystemExit("copier copy and scaffold new rendered different files")
    cookie_template = to_cookiecutter(reference, work / "cookiecutter-template")

    def cookiecutter_new(index: int) -> float:
        folder = fresh("cookiecutter", index)
        return run([cookiecutter, "--no-input", str(cookie_template)], folder, env)

    rows.append(
        repeat("new --defaults (standard)", "cookiecutter --no-input (same files)", runs,
               cookiecutter_new)
    )  # fmt: skip
    if tree(reference) != tree(work / "new" / "cookiecutter-0" / NAME):
        raise SystemExit("the cookiecutter equivalent rendered different files")
    return rows


def bench_green(runs: int, work: Path) -> list[Row]:
    """From ``scaffold new`` to lint and tests passing, as ``make install check`` would do."""
    from scaffold.projectenv import build_env, env_vars

    env = clean_env(work)
    phases: dict[str, list[float]] = {"new": [], "env": [], "lint": [], "test": [], "total": []}
    for index in range(runs):
        folder = work / "green" / str(index)
        folder.mkdir(parents=True)
        start = time.perf_counter()
        phases["new"].append(run([tool("scaffold"), "new", NAME, "--defaults"], folder, env))
        project = folder / NAME
        began = time.perf_counter()
        venv_bin = build_env(project)
        phases["env"].append(time.perf_counter() - began)
        project_env = {**env_vars(project), "HOME": str(work)}
        python = str(venv_bin / "python")
        phases["lint"].append(
            run([python, "-m", "ruff", "check", "."], project, project_env)
            + run([python, "-m", "ruff", "format", "--check", "."], project, project_env)
        )
        phases["test"].append(
            run([python, "-m", "pytest", "-q", "--cov", "-p", "no:cacheprovider"], project,
                project_env)
        )  # fmt: skip
        phases["total"].append(time.perf_counter() - start)
    labels = {
        "new": "scaffold new --defaults",
        "env": "uv venv + uv pip install -e .[dev]",
        "lint": "ruff check + ruff format --check",
        "test": "pytest --cov",
        "total": "total: new to green",
    }
    group = "new to green (standard)"
    rows = [Row(group, labels[name], times, compare=False) for name, times in phases.items()]
    print(f"  new to green: {rows[-1].median:.2f}s", file=sys.stderr)
    return rows


def bench_doctor(runs: int, work: Path, copies: int) -> list[Row]:
    env = clean_env(work)
    origin = work / "doctor" / "origin"
    origin.mkdir(parents=True)
    run([tool("scaffold"), "new", NAME, "--defaults"], origin, env)
    repos = [
        shutil.copytree(origin / NAME, work / "doctor" / f"repo-{i:02d}", symlinks=True)
        for i in range(copies)
    ]

    def doctor(paths: list[Path]) -> float:
        args = [tool("scaffold"), "doctor", "--json", "--min-score", "100", *map(str, paths)]
        return run(args, work, env)

    return [
        repeat("doctor", "scaffold doctor (1 repo)", runs, lambda _: doctor(repos[:1])),
        repeat("doctor", f"scaffold doctor ({copies} repos)", runs, lambda _: doctor(repos)),
    ]


def table(rows: list[Row]) -> str:
    lines = [
        "| benchmark | command | median | min | max | runs | vs first |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    first: dict[str, float] = {}
    for row in rows:
        base = first.setdefault(row.group, row.median)
        ratio = f"{row.median / base:.2f}x" if base and row.compare else ""
        lines.append(
            f"| {row.group} | `{row.command}` | {row.median:.2f}s | {min(row.times):.2f}s "
            f"| {max(row.times):.2f}s | {len(row.times)} | {ratio} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--quick", action="store_true", help="3 runs, 1 environment build")
    parser.add_argument("--copies", type=int, default=50, help="repositories for doctor")
    args = parser.parse_args(argv)
    runs = 3 if args.quick else args.runs
    green_runs = 1 if args.quick else max(1, min(args.runs, 3))
    with tempfile.TemporaryDirectory(prefix="scaffold-bench-") as temporary:
        work = Path(temporary)
        print(f"benchmarking in {work} ({runs} runs)...", file=sys.stderr)
        rows = bench_help(runs, work)
        rows += bench_new(runs, work)
        rows += bench_green(green_runs, work)
        rows += bench_doctor(runs, work, args.copies)
    print(f"Python {PYTHON_VERSION}, {os.cpu_count()} CPUs; medians of wall-clock seconds.\n")
    print(table(rows))
    many = rows[-1]
    print(f"\ndoctor: {1000 * many.median / args.copies:.0f} ms per repository over {args.copies}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
