"""``scaffold doctor`` on a generated 1,000-file repository, this tree against a baseline.

    python benchmarks/doctor_large.py                      # this tree vs the commit before #17
    python benchmarks/doctor_large.py --baseline REF --runs 3
    python benchmarks/doctor_large.py --venv               # also with a .venv (pytest collection)

The repository looks like a large library: a package of 600 modules (functions, classes,
loggers, a few prints, ``# noqa`` lines), 200 test files, 100 Markdown pages, 30 notebooks,
40 YAML configs, CI workflows, a Dockerfile, pre-commit config and data files, committed to
git. The baseline is the scaffold package of ``REF`` exported with ``git archive`` into a
temporary folder and run with the same interpreter (``PYTHONPATH``), so both see the same
libraries. Each figure is the median wall-clock time of separate ``scaffold doctor --json``
processes. With ``--venv`` the repository also gets a ``.venv`` whose pytest collects the
200 test files, as a checkout a developer works in has: ``tests.present`` then runs pytest.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "2e22a88"  # the last commit before issue 17's doctor work
MODULE = '''\
"""Module {i} of subpackage {p}: transforms for the {p} pipeline."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

logger = logging.getLogger(__name__)
DEFAULT_PATH = os.environ.get("SUB{p}_PATH", "data/{p}.csv")


@dataclass
class Record{i}:
    name: str
    value: float
    weight: float = 1.0

    def scaled(self, factor: float) -> float:
        return self.value * self.weight * factor
'''
FUNCTION = '''

def transform_{i}_{j}(values: list[float], offset: float = {j}.0) -> list[float]:
    """Shift and clip the values; log how many were clipped."""
    shifted = [value + offset for value in values]
    clipped = [min(max(value, -1e6), 1e6) for value in shifted]
    if clipped != shifted:
        logger.info("clipped %d values", sum(a != b for a, b in zip(clipped, shifted)))
    total = sum(clipped)
    mean = total / len(clipped) if clipped else 0.0
    return [value - mean for value in clipped]
'''
TEST = """\
from bigpkg.sub{p}.mod{i} import transform_{i}_0


def test_transform_{p}_{i}() -> None:
    assert transform_{i}_0([1.0, 2.0]) == [-0.5, 0.5]
"""
NOTEBOOK = (
    '{{"cells": [{{"cell_type": "code", "execution_count": null, "metadata": {{}}, "outputs": [],'
    ' "source": ["import bigpkg\\n", "x = {i}"]}}], "metadata": {{}}, "nbformat": 4,'
    ' "nbformat_minor": 5}}\n'
)
WORKFLOW = """\
name: ci
on: [push]
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
      - run: make check
"""
PYPROJECT = """\
[project]
name = "bigpkg"
version = "1.0.0"
dependencies = ["numpy>=1.24", "pandas>=2.0"]

[project.optional-dependencies]
dev = ["pytest>=8", "ruff>=0.6"]

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[tool.pytest.ini_options]
pythonpath = ["src"]
"""
PRE_COMMIT = """\
repos:
- repo: https://github.com/astral-sh/ruff-pre-commit
  rev: v0.6.9
  hooks:
  - id: ruff
  - id: ruff-format
- repo: https://github.com/kynan/nbstripout
  rev: 0.7.1
  hooks:
  - id: nbstripout
"""
DOCKERFILE = """\
FROM python:3.12-slim
RUN useradd --create-home app
USER app
HEALTHCHECK CMD python -c "import bigpkg"
"""


def files() -> dict[str, str]:
    """The 1,000 files of the repository, by path."""
    out = {
        "pyproject.toml": PYPROJECT,
        ".pre-commit-config.yaml": PRE_COMMIT,
        "Dockerfile": DOCKERFILE,
        "README.md": "# bigpkg\n",
        "CONTRIBUTING.md": "# Contributing\n",
        ".gitignore": ".venv/\n.env\n",
        "src/bigpkg/__init__.py": "",
        "src/bigpkg/cli.py": "import logging\n\n\ndef main() -> None:\n    logging.basicConfig()\n",
    }
    for p in range(40):
        out[f"src/bigpkg/sub{p}/__init__.py"] = ""
        for i in range(15):
            body = MODULE.format(p=p, i=i) + "".join(FUNCTION.format(i=i, j=j) for j in range(12))
            if i == 0:
                body += '\n\ndef report() -> None:\n    print("done")  # noqa: T201\n'
            out[f"src/bigpkg/sub{p}/mod{i}.py"] = body
    for p in range(40):
        for i in range(5):
            out[f"tests/sub{p}/test_mod{i}.py"] = TEST.format(p=p, i=i)
    out |= {f"docs/page{i}.md": f"# Page {i}\n\n" + "Some text. " * 200 for i in range(77)}
    # What the team agreed before starting (doctor's docs.charter and docs.glossary rules).
    out["docs/project-charter.md"] = "# Charter\n\n" + "Users, KPIs, budgets and owners. " * 20
    out["docs/glossary.md"] = "# Glossary\n\n" + "Drift: inputs moving away from training. " * 10
    out |= {f"notebooks/{i:02d}-explore.ipynb": NOTEBOOK.format(i=i) for i in range(30)}
    out |= {f"configs/env{i}.yaml": f"name: env{i}\nthreads: {i}\n" for i in range(40)}
    out |= {f".github/workflows/ci{i}.yml": WORKFLOW for i in range(3)}
    out |= {f"data/sample{i}.csv": "a,b\n" + "1,2\n" * 500 for i in range(size_gap(out))}
    return out


def size_gap(out: dict[str, str]) -> int:
    return max(0, 1000 - len(out))


def make_repo(root: Path) -> Path:
    for name, text in files().items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git = ["git", "-c", "user.name=b", "-c", "user.email=b@b"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "bench"], cwd=root, check=True)
    return root


def export(ref: str, dest: Path) -> Path:
    """The ``scaffold`` package of ``ref`` (git archive), for PYTHONPATH."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref, "scaffold"], cwd=ROOT, capture_output=True,
        check=True,
    ).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def time_doctor(source: Path, repo: Path, runs: int) -> tuple[float, int]:
    """The median seconds of ``scaffold doctor --json`` with ``source`` first on the path.

    Bytecode is cached (under a prefix in the temporary folder, also when the environment sets
    PYTHONDONTWRITEBYTECODE), and one untimed run on a small repository warms it: a user's
    installed scaffold does not compile its imports on every run."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(repo.parent / f"pycache-{source.name}")
    warm = repo.parent / "warm-up"
    if not warm.exists():
        warm.mkdir()
        for name in (
            "pyproject.toml",
            ".pre-commit-config.yaml",
            "Dockerfile",
            ".github/workflows/ci0.yml",
            "src/bigpkg/__init__.py",
            "src/bigpkg/cli.py",
        ):
            if (repo / name).is_file():
                (warm / name).parent.mkdir(parents=True, exist_ok=True)
                (warm / name).write_text((repo / name).read_text())
    subprocess.run(
        [sys.executable, "-m", "scaffold", "doctor", "--json", str(warm)],
        cwd=repo.parent,
        env=env,
        capture_output=True,
        check=False,
    )
    times, score = [], -1
    for _ in range(runs):  # the first run with a .venv also fills scaffold's bytecode cache
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "scaffold", "doctor", "--json", str(repo)],
            cwd=repo.parent,  # not this checkout: `-m` puts the cwd first on sys.path
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"doctor failed:\n{result.stdout}\n{result.stderr}")
        import json

        score = json.loads(result.stdout)["repos"][0]["score"]
    return statistics.median(times), score


def add_venv(repo: Path) -> None:
    """A .venv/bin/pytest (this interpreter's pytest): what doctor runs to collect the tests."""
    script = repo / ".venv" / "bin" / "pytest"
    script.parent.mkdir(parents=True)
    script.write_text(f"#!{sys.executable}\nimport sys, pytest\nsys.exit(pytest.main())\n")
    script.chmod(0o755)


def generated_rows(work: Path, runs: int) -> list[tuple[str, float, int]]:
    """``scaffold doctor`` on a generated standard project, without then with its .venv."""
    from scaffold.projectenv import build_env

    subprocess.run([sys.executable, "-m", "scaffold", "new", str(work / "proj"), "--defaults"],
                   cwd=work, capture_output=True, check=True)  # fmt: skip
    project = work / "proj"
    rows = [("generated standard project, no .venv", *time_doctor(ROOT, project, runs))]
    build_env(project)
    cold = time_doctor(ROOT, project, 1)  # compiles the project's imports into the cache
    rows.append(("generated standard project, with its .venv, first audit", *cold))
    rows.append(
        (
            "generated standard project, with its .venv, next audits",
            *time_doctor(ROOT, project, runs),
        )
    )
    return rows


def isolate(home: Path) -> None:
    """No user config or bundled template repository leaks in (as in run.py); uv keeps the
    machine's cache so that building a project's environment takes packages from it."""
    cache = os.environ.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv")
    home.mkdir()
    os.environ.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), UV_CACHE_DIR=cache)
    for name in ("SCAFFOLD_TEMPLATE", "SCAFFOLD_CONFIG", "SCAFFOLD_DATA_DIR", "XDG_DATA_HOME",
                 "VIRTUAL_ENV", "PYTHONPATH"):  # fmt: skip
        os.environ.pop(name, None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="git ref to compare with")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--venv", action="store_true", help="also time it with a .venv")
    parser.add_argument(
        "--generated", action="store_true",
        help="also time a generated standard project without and with its .venv (builds it)",
    )  # fmt: skip
    parser.add_argument("--generated-only", action="store_true", help="only the generated project")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        isolate(Path(work) / "home")
        if args.generated_only:
            for case, seconds, score in generated_rows(Path(work), args.runs):
                print(f"{case}: {seconds:.2f} s (score {score})")
            return 0
        repo = make_repo(Path(work) / "bigrepo")
        count = int(subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True,
                                   text=True, check=True).stdout.count("\n"))  # fmt: skip
        before = export(args.baseline, Path(work) / "before")
        rows = [("without .venv", *time_doctor(before, repo, args.runs),
                 *time_doctor(ROOT, repo, args.runs))]  # fmt: skip
        if args.venv:
            add_venv(repo)
            rows.append(("with .venv (pytest --collect-only)", *time_doctor(before, repo, args.runs),
                         *time_doctor(ROOT, repo, args.runs)))  # fmt: skip
        generated = generated_rows(Path(work), args.runs) if args.generated else []
    print(f"scaffold doctor on a generated repository of {count} files, median of {args.runs}\n")
    print(f"| case | {args.baseline} | this tree | ratio |")
    print("|---|---|---|---|")
    for case, old, old_score, new, new_score in rows:
        print(f"| {case} | {old:.2f} s (score {old_score}) | {new:.2f} s (score {new_score}) "
              f"| {old / new:.1f}x faster |")  # fmt: skip
    for case, seconds, score in generated:
        print(f"\n{case}: {seconds:.2f} s (score {score})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
