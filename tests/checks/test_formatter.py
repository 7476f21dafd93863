"""Formatter detection: what the project runs beats what it merely configures."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.checks.formatter import Strength, detect_formatter
from scaffold.errors import ScaffoldError
from tests.checks.shapes import BLACK_PRE_COMMIT as BLACK_HOOK
from tests.checks.shapes import RUFF_PRE_COMMIT as RUFF_HOOK


def repo(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "tool", "reason"),
    [
        ({}, "ruff", "the default: nothing names a formatter"),
        ({"pyproject.toml": "[tool.black]\nline-length = 100\n"}, "black", "[tool.black] in pyproject.toml"),
        ({"pyproject.toml": "[tool.black]\n[tool.ruff.format]\n"}, None, "conflicting evidence"),
        ({"pyproject.toml": '[project.optional-dependencies]\ndev = ["black>=24"]\n[tool.ruff.format]\n'}, "black", "black is a dev dependency"),
        ({"pyproject.toml": '[tool.poetry.group.dev.dependencies]\nblack = "^24"\n'}, "black", "black is a dev dependency"),
        ({"pyproject.toml": "[tool.black]\n", ".pre-commit-config.yaml": RUFF_HOOK}, "ruff", "pre-commit hook ruff-format; not black ([tool.black] in pyproject.toml)"),
        ({"pyproject.toml": "[tool.black]\n", "Makefile": "format:\n\truff format src tests\n"}, "ruff", "Makefile runs `ruff format`"),
        ({"Makefile": "fmt:\n\tpoetry run black .\n"}, "black", "Makefile runs `black`"),
        ({"Makefile": "install:\n\tpip install black ruff\n"}, "ruff", "the default"),
        ({".github/workflows/ci.yml": "jobs:\n  l:\n    steps:\n    - run: python -m black --check .\n"}, "black", ".github/workflows/ci.yml runs `black`"),
        ({"lefthook.yml": "pre-commit:\n  commands:\n    fmt:\n      run: ruff format {staged_files}\n"}, "ruff", "lefthook.yml runs `ruff format`"),
        ({".pre-commit-config.yaml": BLACK_HOOK, "Makefile": "f:\n\truff format .\n"}, None, "conflicting evidence"),
        ({".pre-commit-config.yaml": BLACK_HOOK, "pyproject.toml": '[tool.scaffold]\nformatter = "ruff"\n'}, "ruff", "[tool.scaffold] formatter"),
    ],
)  # fmt: skip
def test_the_strongest_evidence_decides(
    tmp_path: Path, files: dict[str, str], tool: str | None, reason: str
) -> None:
    decision = detect_formatter(repo(tmp_path, files))
    assert decision.tool == tool
    assert decision.reason.startswith(reason)
    assert decision.ambiguous is (tool is None)


def test_a_conflict_names_every_formatter_found(tmp_path: Path) -> None:
    files = {".pre-commit-config.yaml": BLACK_HOOK, "Makefile": "f:\n\truff format .\n"}
    decision = detect_formatter(repo(tmp_path, files))
    found = {(item.tool, item.source, item.strength) for item in decision.evidence}
    assert found == {
        ("black", "pre-commit hook black", Strength.RUN),
        ("ruff", "Makefile runs `ruff format`", Strength.RUN),
    }


def test_the_override_beats_everything_and_must_be_a_formatter(tmp_path: Path) -> None:
    root = repo(tmp_path, {".pre-commit-config.yaml": BLACK_HOOK})
    assert detect_formatter(root, override="ruff").tool == "ruff"
    with pytest.raises(ScaffoldError, match="--formatter must be ruff or black, not 'yapf'"):
        detect_formatter(root, override="yapf")
    repo(tmp_path, {"pyproject.toml": '[tool.scaffold]\nformatter = "autopep8"\n'})
    with pytest.raises(ScaffoldError, match=r"\[tool.scaffold\] formatter must be"):
        detect_formatter(root)


def test_commented_commands_are_not_evidence(tmp_path: Path) -> None:
    root = repo(tmp_path, {"Makefile": "# black .\nlint:\n\truff check .\n"})
    assert detect_formatter(root).reason.startswith("the default")
