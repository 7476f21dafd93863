"""Which formatter a project runs: ruff format or black, judged by evidence.

What the project actually runs (a pre-commit or lefthook hook, a Makefile, tox, nox or CI
command) beats a dev dependency, which beats a bare config section: a ``[tool.black]`` kept
for a documentation tool must not make scaffold reformat a repository that runs
``ruff format``. A choice the user states (``--formatter``, or ``formatter`` in
``[tool.scaffold]``) beats everything. When the strongest evidence names both tools the
decision is ambiguous: callers report it and never reformat. ``scaffold extract`` uses the
same decision, through ``detect_formatter``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, Literal

Formatter = Literal["ruff", "black"]
FORMATTERS: tuple[Formatter, ...] = ("ruff", "black")
CHOOSE_HINT = (
    'choose one: --formatter ruff|black, or set formatter = "ruff" (or "black") '
    "under [tool.scaffold] in pyproject.toml"
)
# Files whose commands show what a project runs (first match per file is enough).
COMMAND_FILES = ("Makefile", "makefile", "GNUmakefile", "justfile", "tox.ini", "noxfile.py",
                 "lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".gitlab-ci.yml")  # fmt: skip
COMMANDS: dict[Formatter, re.Pattern[str]] = {
    "ruff": re.compile(r"(?<![\w-])ruff\s+format\b"),
    # black as a command: at the start of a command or after a runner, not `pip install black`
    "black": re.compile(
        r"(?:^|&&|\|\||[;|(`@]|\brun:?|-m|\bexec|^\s*-)\s*(?:(?:uv|poetry|pipenv|pdm|hatch)\s+run\s+)?"
        r"black(?=\s+[-.\w/'\"$]|\s*$)",
        re.M,
    ),
}
HOOKS: dict[str, Formatter] = {"ruff-format": "ruff", "black": "black", "black-jupyter": "black"}


class Strength(IntEnum):
    CONFIGURED = 1  # a [tool.black] / [tool.ruff.format] section
    DEPENDENCY = 2  # black among the dev dependencies
    RUN = 3  # a hook or command runs it
    CHOSEN = 4  # --formatter or [tool.scaffold] formatter


@dataclass(frozen=True)
class Evidence:
    tool: Formatter
    source: str  # e.g. "pre-commit hook ruff-format", "Makefile runs `ruff format`"
    strength: Strength


@dataclass(frozen=True)
class FormatterDecision:
    """The formatter to run, or None when the strongest evidence names both."""

    tool: Formatter | None
    reason: str
    evidence: tuple[Evidence, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.tool is None


def _table(data: Any, *keys: str) -> dict[str, Any]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def configured(pyproject: dict[str, Any]) -> list[Evidence]:
    found = []
    if "format" in _table(pyproject, "tool", "ruff"):
        found.append(Evidence("ruff", "[tool.ruff.format] in pyproject.toml", Strength.CONFIGURED))
    if "black" in _table(pyproject, "tool"):
        found.append(Evidence("black", "[tool.black] in pyproject.toml", Strength.CONFIGURED))
    return found


def dependencies(pyproject: dict[str, Any]) -> list[Evidence]:
    from scaffold.checks.project import dev_requirements, requirement_name

    names = {requirement_name(req) for req in dev_requirements(pyproject)}
    poetry = _table(pyproject, "tool", "poetry")
    for table in (_table(poetry, "dev-dependencies"), *_poetry_groups(poetry)):
        names |= {str(name).lower() for name in table}
    return [Evidence("black", "black is a dev dependency", Strength.DEPENDENCY)] * (
        "black" in names
    )


def _poetry_groups(poetry: dict[str, Any]) -> list[dict[str, Any]]:
    groups = _table(poetry, "group")
    return [_table(group, "dependencies") for group in groups.values() if isinstance(group, dict)]


def hooks(root: Path) -> list[Evidence]:
    from scaffold.checks.project import pre_commit_hooks

    return [
        Evidence(HOOKS[hook], f"pre-commit hook {hook}", Strength.RUN)
        for hook in sorted(pre_commit_hooks(root))
        if hook in HOOKS
    ]


def _command_files(root: Path) -> list[Path]:
    workflows = root / ".github" / "workflows"
    ci = sorted(workflows.glob("*.y*ml")) if workflows.is_dir() else []
    return [*(root / name for name in COMMAND_FILES), *ci]


def commands(root: Path) -> list[Evidence]:
    found = []
    for path in _command_files(root):
        try:
            text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        except OSError:
            continue
        text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        name = path.relative_to(root).as_posix()
        for tool, pattern in COMMANDS.items():
            if pattern.search(text):
                shown = "ruff format" if tool == "ruff" else "black"
                found.append(Evidence(tool, f"{name} runs `{shown}`", Strength.RUN))
    return found


def chosen(pyproject: dict[str, Any], override: str | None) -> Evidence | None:
    from scaffold.errors import ScaffoldError

    if override is not None:
        source, value = "--formatter", override
    elif "formatter" in (settings := _table(pyproject, "tool", "scaffold")):
        source, value = "[tool.scaffold] formatter", str(settings["formatter"])
    else:
        return None
    for tool in FORMATTERS:
        if value == tool:
            return Evidence(tool, source, Strength.CHOSEN)
    raise ScaffoldError(f"{source} must be ruff or black, not {value!r}")


def describe(evidence: list[Evidence] | tuple[Evidence, ...]) -> str:
    return "; ".join(f"{item.tool} ({item.source})" for item in evidence)


def decide(evidence: list[Evidence]) -> FormatterDecision:
    """The strongest evidence wins; both tools at that strength is a conflict."""
    if not evidence:
        return FormatterDecision("ruff", "the default: nothing names a formatter")
    top = max(item.strength for item in evidence)
    strongest = [item for item in evidence if item.strength == top]
    tools = {item.tool for item in strongest}
    if len(tools) > 1:
        return FormatterDecision(
            None, f"conflicting evidence: {describe(strongest)}", tuple(evidence)
        )
    weaker = [item for item in evidence if item.strength < top and item.tool not in tools]
    reason = strongest[0].source + (f"; not {describe(weaker)}" if weaker else "")
    return FormatterDecision(strongest[0].tool, reason, tuple(evidence))


def detect_formatter(
    root: Path, pyproject: dict[str, Any] | None = None, override: str | None = None
) -> FormatterDecision:
    """The formatter the project at ``root`` runs (see the module docstring).

    ``pyproject`` is the parsed pyproject.toml (read from ``root`` when None); ``override`` is
    a user's explicit choice ("ruff" or "black"). Raises ScaffoldError for any other choice.
    """
    if pyproject is None:
        from scaffold.checks.project import read_pyproject

        pyproject = read_pyproject(root)
    if stated := chosen(pyproject, override):
        return FormatterDecision(stated.tool, stated.source, (stated,))
    return decide([*hooks(root), *commands(root), *dependencies(pyproject), *configured(pyproject)])
