"""tests.present: tests exist, and the project's own pytest collects them when it is installed."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from scaffold.doctor.model import Finding, failed, passed
from scaffold.doctor.repo import Repo

_COLLECTED = re.compile(r"(\d+) tests? collected")
_ERRORS = re.compile(r"(\d+) errors?")
COLLECT_TIMEOUT = 300


def find_test_files(repo: Repo) -> list[Path]:
    return [
        p
        for p in repo.matching("*.py")
        if p.name.startswith("test_") or p.name.endswith("_test.py")
    ]


def project_pytest(repo: Repo) -> Path | None:
    """The pytest of the project's own environment: the one that can import its code."""
    for folder in ("bin", "Scripts"):
        candidate = repo.root / ".venv" / folder / "pytest"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def bytecode_cache() -> Path:
    """Where the project's compiled imports are kept between audits: scaffold's user cache,
    never the audited repository (nor its .venv, which uv installs without bytecode)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "scaffold" / "pycache"


def collect(pytest: Path, root: Path) -> tuple[int, str]:
    """Run ``pytest --collect-only`` without writing caches into the audited repository.

    Bytecode goes to ``bytecode_cache()``: without it every audit compiled the project's
    whole dependency tree (numpy, scikit-learn...) again, most of the time collection takes."""
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(bytecode_cache())}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTEST_ADDOPTS", None)
    command = [str(pytest), "--collect-only", "-q", "-p", "no:cacheprovider"]
    try:
        result = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, errors="replace",
            timeout=COLLECT_TIMEOUT, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 127, str(exc)
    return result.returncode, result.stdout + result.stderr


def collection_finding(returncode: int, output: str) -> Finding:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else f"pytest exited {returncode}"
    collected = _COLLECTED.search(last)
    if returncode == 0 and collected:
        return passed(f"the project's pytest collects {collected.group(1)} tests")
    if returncode == 5:
        return failed("the project's pytest collects no tests")
    errors = _ERRORS.search(last)
    reason = f"{errors.group(1)} collection error(s)" if errors else last.strip("= ")
    return failed(f"the project's pytest cannot collect the tests: {reason}")


def count_test_functions(source: str) -> int:
    """Tests in a file by pytest's default rules: ``test*`` functions at module level and in
    ``Test*`` classes. -1 when the file does not parse."""
    import ast

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return -1
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    count = sum(isinstance(n, functions) and n.name.startswith("test") for n in tree.body)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            count += sum(isinstance(n, functions) and n.name.startswith("test") for n in node.body)
    return count


def discovered_statically(repo: Repo, files: list[Path]) -> Finding:
    """Without the project's environment pytest cannot import the tests: read them instead."""
    counts = {path: count_test_functions(repo.text(path)) for path in files}
    broken = [str(path) for path, count in counts.items() if count < 0]
    if broken:
        return failed(f"{', '.join(broken[:3])} does not parse")
    tests = sum(counts.values())
    if not tests:
        return failed(f"{len(files)} test file(s) but no test functions (test_* names)")
    return passed(
        f"{tests} test{'s' * (tests != 1)} in {len(files)} file{'s' * (len(files) != 1)} "
        "by pytest's naming rules "
        "(not collected: no .venv with pytest to import them)"
    )


def collected_tests(repo: Repo) -> Finding:
    files = find_test_files(repo)
    if not files:
        return failed("no test files (test_*.py or *_test.py)")
    pytest = project_pytest(repo)
    if pytest is None:
        return discovered_statically(repo, files)
    return collection_finding(*collect(pytest, repo.root))
