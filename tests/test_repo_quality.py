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
