"""Lint steps: ruff on code, the configured formatter, notebook outputs, ruff on notebooks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scaffold.checks import notebooks
from scaffold.checks.context import CheckContext
from scaffold.checks.model import Outcome, Status, Step, plural
from scaffold.checks.tools import ToolRun, install_hint, run_tool

NOTEBOOK_GLOB = "*.ipynb"


def lint_steps(context: CheckContext) -> list[Step]:
    notebook_paths = tuple(context.project.files(NOTEBOOK_GLOB, context.paths))
    # The formatter runs last so that, with --fix, it formats what ruff's fixes left behind.
    return [
        RuffStep(context),
        NotebookOutputsStep(context, notebook_paths),
        RuffStep(context, notebook_paths),
        FormatStep(context),
    ]


def has_files(context: CheckContext, *patterns: str) -> bool:
    """Whether the lint targets hold any file matching one of ``patterns``."""
    return any(context.project.files(pattern, context.paths) for pattern in patterns)


def missing_tool(tool: str, package: str | None = None) -> Outcome:
    return Outcome(
        Status.FAILED,
        f"{tool} is not installed in the project's environment, scaffold's, or on PATH",
        fix_hint=install_hint(package or tool),
    )


def ruff_summary(output: str, fallback: str) -> str:
    """``Found 3 errors.`` plus ruff's fixable count, or the fallback."""
    found = re.search(r"^Found (\d+) errors?(?: \((\d+) fixed, (\d+) remaining\))?", output, re.M)
    if found is None:
        return fallback
    count, fixed, remaining = found.groups()
    if fixed is not None:
        return f"{fixed} fixed, {remaining} remaining"
    fixable = re.search(r"\[\*\] (\d+) fixable", output)
    return plural(int(count), "error") + (f" ({fixable.group(1)} fixable)" if fixable else "")


def last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else ""


@dataclass(frozen=True)
class RuffStep:
    """``ruff check`` on the code (notebooks left out) or, given notebooks, on those only."""

    context: CheckContext
    notebook_paths: tuple[Path, ...] | None = None

    @property
    def name(self) -> str:
        return "ruff" if self.notebook_paths is None else "notebook ruff"

    def run(self) -> Outcome:
        if self.notebook_paths is not None and not self.notebook_paths:
            return Outcome(Status.SKIPPED, "no notebooks")
        if self.notebook_paths is None and not has_files(self.context, "*.py"):
            return Outcome(Status.SKIPPED, "no Python files")
        ruff = self.context.locator.find("ruff")
        if ruff is None:
            return missing_tool("ruff")
        result = run_tool(ruff, self._args(), self.context.project.root, self.context.fix)
        return self._outcome(result)

    def _args(self) -> list[str]:
        args = ["check", "--force-exclude", *(["--fix"] if self.context.fix else [])]
        args += skip_special_files(self.context)
        if self.notebook_paths is None:
            return [*args, "--extend-exclude", NOTEBOOK_GLOB, *map(str, self.context.paths)]
        return [*args, *map(str, self.notebook_paths)]

    def _outcome(self, result: ToolRun) -> Outcome:
        what = "notebooks" if self.notebook_paths else "code"
        if result.returncode == 0:
            summary = ruff_summary(result.output, f"no errors in {what}")
            return Outcome(Status.PASSED, summary, output=result.output, command=result.command)
        if self.context.fix:
            hint = "fix the remaining errors by hand (output above)"
        else:
            hint = "scaffold lint --fix; fix the rest by hand (output above)"
        summary = ruff_summary(result.output, last_line(result.output) or "ruff failed")
        return Outcome(Status.FAILED, summary, hint, result.output, result.command)


def skip_special_files(context: CheckContext) -> list[str]:
    """ruff options that leave out FIFOs and devices named like sources (reading one hangs)."""
    special = context.project.special_files("*.py", "*.pyi", "*.ipynb")
    return [arg for path in special for arg in ("--extend-exclude", path.as_posix())]


@dataclass(frozen=True)
class FormatStep:
    """The project's formatter: ``ruff format --check`` or ``black --check`` (without: format)."""

    context: CheckContext
    name: str = "format"

    def run(self) -> Outcome:
        if not has_files(self.context, "*.py", "*.ipynb"):
            return Outcome(Status.SKIPPED, "no Python files or notebooks")
        choice = self.context.project.formatter
        tool = self.context.locator.find(choice.tool)
        if tool is None:
            return missing_tool(choice.tool)
        check = [] if self.context.fix else ["--check"]
        args = [*(["format", "--force-exclude"] if choice.tool == "ruff" else []), *check]
        if choice.tool == "ruff":
            args += skip_special_files(self.context)
        paths = [*args, *map(str, self.context.paths)]
        result = run_tool(tool, paths, self.context.project.root, self.context.fix)
        reason = "" if choice.reason == "the default" else f" ({choice.reason})"
        summary = f"{choice.tool}{reason}: {last_line(result.output) or 'done'}"
        if result.returncode == 0:
            return Outcome(Status.PASSED, summary, output=result.output, command=result.command)
        would_reformat = result.returncode == 1 and not self.context.fix
        hint = "scaffold lint --fix" if would_reformat else "fix what it reports (see above)"
        return Outcome(Status.FAILED, summary, hint, result.output, result.command)


@dataclass(frozen=True)
class NotebookOutputsStep:
    """Notebooks carry no outputs or execution counts (``--fix`` strips them)."""

    context: CheckContext
    notebook_paths: tuple[Path, ...]
    name: str = "notebook outputs"

    def run(self) -> Outcome:
        if not self.notebook_paths:
            return Outcome(Status.SKIPPED, "no notebooks")
        root = self.context.project.root
        filtered = notebooks.stripped_by_git_filter(root, list(self.notebook_paths))
        dirty: list[str] = []
        broken: list[str] = []
        for path in self.notebook_paths:
            if path in filtered:
                continue
            try:
                count = self._process(root / path)
            except notebooks.NotebookError as exc:
                broken.append(str(exc))
                continue
            if count:
                dirty.append(f"{path.as_posix()} ({plural(count, 'cell')})")
        return self._outcome(dirty, broken, len(filtered))

    def _process(self, path: Path) -> int:
        if self.context.fix:
            return notebooks.strip_file(path)
        return notebooks.cells_with_outputs(notebooks.load(path))

    def _outcome(self, dirty: list[str], broken: list[str], filtered: int) -> Outcome:
        total = len(self.notebook_paths)
        note = f"; {filtered} stripped on commit by the nbstripout git filter" if filtered else ""
        if broken:
            summary = f"{len(broken)} of {plural(total, 'notebook')} cannot be read"
            return Outcome(Status.FAILED, summary, "repair or remove them", "\n".join(broken))
        if self.context.fix:
            return Outcome(Status.PASSED, f"stripped outputs from {len(dirty)} of {plural(total, 'notebook')}{note}",
                           output="\n".join(dirty))  # fmt: skip
        if not dirty:
            return Outcome(Status.PASSED, f"{plural(total, 'notebook')} without outputs{note}")
        return Outcome(
            Status.FAILED,
            f"{len(dirty)} of {plural(total, 'notebook')} with outputs",
            "scaffold lint --fix (nbstripout --install strips them on every commit)",
            "\n".join(dirty),
        )
