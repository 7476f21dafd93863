"""The test step: pytest with the project's own configuration and coverage threshold."""

from __future__ import annotations

import configparser
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scaffold.checks.context import CheckContext
from scaffold.checks.declared import declared_names, install_command, is_declared
from scaffold.checks.lint import last_line, missing_tool
from scaffold.checks.model import Outcome, Status, Step
from scaffold.checks.project import Project
from scaffold.checks.tools import ToolRun, run_tool

NO_TESTS_COLLECTED = 5
COVERAGE_LINE = re.compile(
    r"Required test coverage of ([\d.]+)% (not )?reached\. Total coverage: ([\d.]+)%"
)
MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")
RERUN_HINT = "fix the failing tests (see the output above); rerun one: scaffold test -- -k NAME"


def test_steps(context: CheckContext) -> list[Step]:
    return [PytestStep(context)]


def coverage_threshold(project: Project) -> float | None:
    """``fail_under`` from [tool.coverage.report] in pyproject.toml, or from .coveragerc."""
    report: Any = project.pyproject.get("tool", {}).get("coverage", {}).get("report", {})
    if isinstance(report, dict) and "fail_under" in report:
        return float(report["fail_under"])
    rc = project.root / ".coveragerc"
    if rc.is_file():
        parser = configparser.ConfigParser()
        try:
            parser.read(rc, encoding="utf-8")
            return parser.getfloat("report", "fail_under", fallback=None)
        except (configparser.Error, ValueError):
            return None
    return None


def measures_coverage(project: Project, args: tuple[str, ...]) -> bool:
    """Whether pytest already runs with --cov (from the project's addopts or the user's args)."""
    if any(arg.startswith("--cov") for arg in args):
        return True
    ini: Any = project.pyproject.get("tool", {}).get("pytest", {}).get("ini_options", {})
    addopts = ini.get("addopts", "") if isinstance(ini, dict) else ""
    if "--cov" in (" ".join(addopts) if isinstance(addopts, list) else str(addopts)):
        return True
    files = ("pytest.ini", "setup.cfg", "tox.ini")
    texts = (
        path.read_text(errors="replace") for f in files if (path := project.root / f).is_file()
    )
    return any(re.search(r"^\s*addopts\s*=.*--cov", text, re.M) for text in texts)


# pytest options that run only part of the suite: coverage of a part says nothing about the
# project's threshold.
_SELECTING = ("-k", "-m", "--lf", "--last-failed", "--deselect", "-x", "--exitfirst", "--maxfail")


def selects_subset(args: tuple[str, ...]) -> bool:
    """Whether the user's pytest arguments pick some tests (options, node ids or paths)."""
    return any(not arg.startswith("-") or arg.startswith(_SELECTING) for arg in args)


def interpreter_of(script: Path) -> Path | None:
    """The Python a console script runs with: its sibling ``python``, else its shebang."""
    for name in ("python", "python3", "python.exe"):
        if (sibling := script.parent / name).exists():
            return sibling
    try:
        first = script.read_bytes()[:256].split(b"\n", 1)[0].decode("utf-8", "replace")
    except OSError:
        return None
    match = re.match(r"#!\s*(\S+)", first)
    return Path(match.group(1)) if match and Path(match.group(1)).exists() else None


def available_modules(python: Path, names: tuple[str, ...]) -> set[str]:
    code = "import importlib.util as u, sys; print(*[m for m in sys.argv[1:] if u.find_spec(m)])"
    try:
        result = subprocess.run(
            [str(python), "-c", code, *names], capture_output=True, text=True, check=False
        )
    except OSError:
        return set()
    return set(result.stdout.split())


def pytest_summary(output: str) -> str:
    """pytest's closing line without its ``=`` rulers, e.g. ``3 passed, 1 failed in 0.20s``."""
    for line in reversed(output.splitlines()):
        text = line.strip().strip("=").strip()
        if re.search(r"\b(passed|failed|error|errors|skipped|deselected|no tests ran)\b", text):
            return text
    return last_line(output)


@dataclass(frozen=True)
class PytestStep:
    context: CheckContext
    name: str = "pytest"

    def run(self) -> Outcome:
        project = self.context.project
        pytest = self.context.locator.find("pytest")
        if pytest is None:
            if project.files("test_*.py") or project.files("*_test.py"):
                return missing_tool("pytest", hint=self.context.tool_hint("pytest"))
            return Outcome(Status.SKIPPED, "no tests, and pytest is not installed")
        threshold = coverage_threshold(project)
        if threshold is not None and selects_subset(self.context.pytest_args):
            return self._selection(pytest, threshold)
        if threshold is None or measures_coverage(project, self.context.pytest_args):
            return self._outcome(run_tool(pytest, self.context.pytest_args, project.root))
        return self._with_coverage(pytest, threshold)

    def _selection(self, pytest: Path, threshold: float) -> Outcome:
        """Some tests only: run them without holding their coverage to the threshold."""
        project, args = self.context.project, self.context.pytest_args
        off = ["--cov-fail-under=0"] if measures_coverage(project, args) else []
        outcome = self._outcome(run_tool(pytest, [*off, *args], project.root))
        if outcome.status is Status.SKIPPED:  # exit 5: nothing matched what was asked for
            return Outcome(
                Status.FAILED,
                f"no tests matched: {' '.join(args)}",
                "check the -k / -m expression or the test path (pytest --collect-only lists them)",
                outcome.output,
                outcome.command,
            )
        note = f"; coverage threshold {threshold:g}% not enforced on a selection"
        return replace(outcome, summary=outcome.summary + note)

    def _with_coverage(self, pytest: Path, threshold: float) -> Outcome:
        """Measure coverage the way the environment allows: pytest-cov, else coverage run."""
        root = self.context.project.root
        python = interpreter_of(pytest)
        found = available_modules(python, ("pytest_cov", "coverage")) if python else set()
        if "pytest_cov" in found:
            return self._outcome(run_tool(pytest, ["--cov", *self.context.pytest_args], root))
        if python is None or "coverage" not in found:
            tests = self._outcome(run_tool(pytest, self.context.pytest_args, root))
            summary = f"{tests.summary}; coverage threshold {threshold:g}% not checked"
            hint = f"{self.context.tool_hint('pytest-cov')} to check coverage"
            return Outcome(
                Status.FAILED, summary, tests.fix_hint or hint, tests.output, tests.command
            )
        tests = self._outcome(
            run_tool(
                python, ["-m", "coverage", "run", "-m", "pytest", *self.context.pytest_args], root
            )
        )
        if tests.status is not Status.PASSED:
            return tests
        report = run_tool(python, ["-m", "coverage", "report"], root)
        total = last_line(report.output).split()[-1:] or ["?"]
        summary = f"{tests.summary}; coverage {total[0]} (required {threshold:g}%)"
        output = f"{tests.output}\n{report.output}"
        if report.returncode == 0:
            return Outcome(Status.PASSED, summary, output=output, command=tests.command)
        hint = "add tests: coverage is below the required threshold"
        return Outcome(Status.FAILED, summary, hint, output, tests.command)

    def _outcome(self, result: ToolRun) -> Outcome:
        summary = pytest_summary(result.output)
        if coverage := COVERAGE_LINE.search(result.output):
            required, _missed, total = coverage.groups()
            summary += f"; coverage {float(total):g}% (required {float(required):g}%)"
        if result.returncode == 0:
            return Outcome(Status.PASSED, summary, output=result.output, command=result.command)
        if result.returncode == NO_TESTS_COLLECTED:
            return Outcome(Status.SKIPPED, "no tests collected", output=result.output)
        if result.returncode == 1 and coverage and coverage.group(2) and "failed" not in summary:
            hint = "add tests: coverage is below the required threshold"
        elif missing := self._missing_module(result.output):
            hint = missing
        elif result.returncode == 1:
            hint = RERUN_HINT
        else:
            hint = f"pytest exited {result.returncode}: fix the error it reports (see above)"
        return Outcome(Status.FAILED, summary, hint, result.output, result.command)

    def _missing_module(self, output: str) -> str:
        """How to fix a test run that could not import a module; "" when none was missing."""
        match = MISSING_MODULE.search(output)
        if match is None:
            return ""
        name = match.group(1).split(".")[0]
        project = self.context.project
        root, build = project.root, install_command(project.root, project.pyproject)
        if (root / "src" / name).is_dir() or (root / name / "__init__.py").is_file():
            return f"the project itself is not installed in its environment: run {build}"
        where = is_declared(name, declared_names(root, project.pyproject))
        if where:
            return (
                f"{name!r} is declared ({where}) but not installed: build the environment ({build})"
            )
        return (
            f"the tests need {name!r}, which the project does not declare: add it to the "
            f"dependencies (uv add {name}, or [project].dependencies), then run {build}"
        )
