"""scaffold holds itself to what it asks of generated projects: lint, format, strict types,
a valid and hardened CI workflow, a valid pre-commit config."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.projects import run, tool

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],
        [
            "check-jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            ".github/workflows/ci.yml",
        ],
        ["zizmor", "--offline", "--persona=pedantic", ".github/workflows/ci.yml"],
        ["pre-commit", "validate-config", ".pre-commit-config.yaml"],
    ],
    ids=lambda command: command[0],
)
def test_the_repository_passes(command: list[str]) -> None:
    run([tool(command[0]), *command[1:]], REPO)


def test_readme_has_two_set_up_commands_and_ci_runs_the_test_one() -> None:
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    set_up = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", set_up, re.S)
    assert len(commands) == 2, commands
    assert all("\n" not in command for command in commands)
    assert "scaffold new" in commands[0]
    ci_lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands[1] in ci_lines
