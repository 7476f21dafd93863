"""Fix hints say what is true of the repository: a declared tool is built, not added."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from scaffold.checks.context import CheckContext
from scaffold.checks.declared import install_command, make_targets
from scaffold.checks.lint import FormatStep, RuffStep
from scaffold.checks.model import Status
from scaffold.checks.testing import PytestStep
from scaffold.checks.tools import ToolLocator
from tests.checks.shapes import write

DEV_EXTRA = """\
[project]
name = "tidy"
version = "1"

[project.optional-dependencies]
dev = ["black>=24", "ruff>=0.6", "pytest>=8"]

[tool.black]
line-length = 100
"""


def without_tools(root: Path) -> CheckContext:
    """The project's context with no tool to be found anywhere (an environment not built)."""
    context = CheckContext.create(root)
    return replace(context, locator=ToolLocator(dirs=(), search_path=""))


def test_declared_tools_are_fixed_by_building_the_environment(tmp_path: Path) -> None:
    root = write(tmp_path, {"pyproject.toml": DEV_EXTRA, "src/tidy/__init__.py": "x = 1\n"})
    write(root, {"tests/test_x.py": "def test_x():\n    pass\n"})
    context = without_tools(root)
    outcomes = [
        step.run() for step in (FormatStep(context), RuffStep(context), PytestStep(context))
    ]
    assert [outcome.status for outcome in outcomes] == [Status.FAILED] * 3
    assert [outcome.fix_hint for outcome in outcomes] == [
        f"{tool} is declared (pyproject.toml [project]) but not installed: "
        "build the environment (pip install -e '.[dev]')"
        for tool in ("black", "ruff", "pytest")
    ]
    write(root, {"Makefile": "install:\n\tuv sync\n"})
    assert FormatStep(without_tools(root)).run().fix_hint.endswith("(make install)")


def test_an_undeclared_tool_is_installed(tmp_path: Path) -> None:
    root = write(
        tmp_path, {"pyproject.toml": '[project]\nname = "t"\n[tool.black]\n', "t.py": "x = 1\n"}
    )
    assert "pip install black" in FormatStep(without_tools(root)).run().fix_hint


def test_install_command_is_one_the_repository_has(tmp_path: Path) -> None:
    assert install_command(tmp_path, {}) == "pip install -e ."
    write(tmp_path, {"requirements.txt": "numpy\n"})
    assert install_command(tmp_path, {}) == "pip install -r requirements.txt"
    write(tmp_path, {"Makefile": "setup: venv\n\tpip install -r requirements.txt\nVAR := 1\n"})
    assert make_targets(tmp_path / "Makefile") == {"setup"}
    assert install_command(tmp_path, {}) == "pip install -r requirements.txt"
    write(tmp_path, {"uv.lock": "version = 1\n", "pyproject.toml": "[project]\nname='x'\n"})
    assert install_command(tmp_path, {"project": {"name": "x"}}) == "uv sync"
