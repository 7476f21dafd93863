"""Lint steps: ruff on code, the configured formatter, notebook outputs, ruff on notebooks."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scaffold.checks import notebooks
from scaffold.checks.context import CheckContext
from scaffold.checks.formatter import CHOOSE_HINT, FormatterDecision, describe
from scaffold.checks.model import Outcome, Status, Step, plural
from scaffold.checks.ruff import (
    Ruff,
    RuffUnavailable,
    glob_escape,
    other_linters,
    ruff_settings,
    run_ruff,
)
from scaffold.checks.tools import ToolRun, install_hint, run_tool
from scaffold.errors import ScaffoldError

NOTEBOOK_GLOB = "*.ipynb"


def lint_steps(context: CheckContext) -> list[Step]:
    notebook_paths = tuple(context.project.files(NOTEBOOK_GLOB, context.paths))
    # The formatter runs last so that, with --fix, it formats what ruff's fixes left behind.
    steps: list[Step] = [
        RuffStep(context),
        NotebookOutputsStep(context, notebook_paths),
        RuffStep(context, notebook_paths),
        FormatStep(context),
    ]
    if context.mirror is not None:  # --fix: the tools rewrote copies (checks.fixing)
        from scaffold.checks.fixing import WriteFixesStep

        steps.append(WriteFixesStep(context))
    return steps


def missing_tool(tool: str, package: str | None = None, hint: str = "") -> Outcome:
    return Outcome(
        Status.FAILED,
        f"{tool} is not installed in the project's environment, scaffold's, or on PATH",
        fix_hint=hint or install_hint(package or tool),
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


def code_files(context: CheckContext, *patterns: str) -> list[Path]:
    """The lint targets' files matching ``patterns``, outside template folders."""
    templates = context.project.template_dirs
    return [
        path
        for pattern in patterns
        for path in context.project.files(pattern, context.paths)
        if not any(folder == path or folder in path.parents for folder in templates)
    ]


def exclude_args(context: CheckContext) -> list[str]:
    """``--extend-exclude`` for each template folder: ruff cannot read its Jinja TOML."""
    return [
        arg for d in context.project.template_dirs for arg in ("--extend-exclude", glob_escape(d))
    ]


def find_ruff(context: CheckContext) -> Ruff:
    """The ruff matching the project's pin; RuffUnavailable says what to do otherwise."""
    if isinstance(context.ruff, RuffUnavailable):
        raise context.ruff
    return context.ruff


def defaults_note(context: CheckContext) -> str:
    """Said when ruff runs with its defaults in a repository configured for other linters."""
    root = context.project.root
    if ruff_settings(root, context.project.pyproject) is not None:
        return ""
    others = other_linters(root)
    if not others:
        return ""
    return f"ruff's default rules (no ruff settings; the repo configures {', '.join(others)})"


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
        if self.notebook_paths is None and not code_files(self.context, "*.py"):
            return Outcome(Status.SKIPPED, "no Python files")
        try:
            ruff = find_ruff(self.context)
        except RuffUnavailable as exc:
            return Outcome(Status.FAILED, str(exc), exc.hint)
        result = run_ruff(ruff, self._args(), self.context.workspace, self.context.writes_in_place)
        return self._outcome(result, ruff)

    def _args(self) -> list[str]:
        args = ["check", "--force-exclude", *(["--fix"] if self.context.fix else [])]
        args += exclude_args(self.context) + skip_special_files(self.context)
        if self.notebook_paths is None:
            return [*args, "--extend-exclude", NOTEBOOK_GLOB, *map(str, self.context.paths)]
        return [*args, *map(str, self.notebook_paths)]

    def _outcome(self, result: ToolRun, ruff: Ruff) -> Outcome:
        what = "notebooks" if self.notebook_paths else "code"
        notes = [note for note in (ruff.note, defaults_note(self.context)) if note]
        suffix = f" ({'; '.join(notes)})" if notes else ""
        if result.returncode == 0:
            summary = ruff_summary(result.output, f"no errors in {what}") + suffix
            return Outcome(Status.PASSED, summary, output=result.output, command=result.command)
        summary = ruff_summary(result.output, last_line(result.output) or "ruff failed") + suffix
        return Outcome(Status.FAILED, summary, self._hint(result), result.output, result.command)

    def _hint(self, result: ToolRun) -> str:
        if result.returncode != 1:
            return "ruff could not run: fix the error it reports (see above)"
        if defaults_note(self.context):
            return (
                "these are ruff's defaults, not the repo's rules: run the repo's own linter, "
                "or put matching settings under [tool.ruff] in pyproject.toml"
            )
        if self.context.fix:
            return "fix the remaining errors by hand (output above)"
        return "scaffold lint --fix; fix the rest by hand (output above)"


def skip_special_files(context: CheckContext) -> list[str]:
    """ruff options that leave out FIFOs and devices named like sources (reading one hangs)."""
    special = context.project.special_files("*.py", "*.pyi", "*.ipynb")
    return [arg for path in special for arg in ("--extend-exclude", path.as_posix())]


@dataclass(frozen=True)
class FormatStep:
    """The project's formatter (see checks.formatter): ``--check``, or format with --fix.

    When the evidence names both ruff and black, nothing is formatted: the step fails and
    says which formatters were found and how to choose one.
    """

    context: CheckContext
    name: str = "format"

    def run(self) -> Outcome:
        if not code_files(self.context, "*.py", "*.ipynb"):
            return Outcome(Status.SKIPPED, "no Python files or notebooks")
        try:
            decision = self.context.formatter_decision
        except ScaffoldError as exc:
            return Outcome(Status.FAILED, str(exc), 'set formatter = "ruff" or "black"')
        if decision.tool is None:
            found = describe(decision.evidence)
            done = "nothing reformatted" if self.context.fix else "format not checked"
            return Outcome(Status.FAILED, f"ambiguous formatter, {done}: {found}", CHOOSE_HINT)
        if decision.tool == "ruff":
            try:
                ruff = find_ruff(self.context)
            except RuffUnavailable as exc:
                return Outcome(Status.FAILED, str(exc), exc.hint)
            args = ["format", "--force-exclude", *exclude_args(self.context)]
            args += skip_special_files(self.context)
            return self._outcome(
                decision,
                lambda extra: run_ruff(
                    ruff, [*args, *extra], self._root, self.context.writes_in_place
                ),
            )
        black = self.context.locator.find("black")
        if black is None:
            return missing_tool("black", hint=self.context.tool_hint("black"))
        return self._outcome(
            decision,
            lambda extra: run_tool(
                black, [*self._black_excludes(), *extra], self._root, self.context.writes_in_place
            ),
        )

    @property
    def _root(self) -> Path:
        return self.context.workspace

    def _black_excludes(self) -> list[str]:
        dirs = self.context.project.template_dirs
        if not dirs:
            return []
        return ["--force-exclude", "|".join(f"/{re.escape(d.as_posix())}/" for d in dirs)]

    def _outcome(self, decision: FormatterDecision, run: Callable[[list[str]], ToolRun]) -> Outcome:
        check = [] if self.context.fix else ["--check"]
        result = run([*check, *map(str, self.context.paths)])
        summary = f"{decision.tool} ({decision.reason}): {last_line(result.output) or 'done'}"
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
                count = self._process(self.context.workspace / path)
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
