"""Free-text answers with quotes, triple quotes, backslashes, newlines and YAML syntax still
give a project that parses, lints, imports and passes its tests."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.projects import build_env, generate, run
from tests.template.conftest import package_of

HOSTILE = {
    "project_name": "Churn \"Model\": v2 #1 'x'",
    "description": 'He said "hi" """ \\ back\\slash\nnew: line [a, b] # not a comment \'q\'',
    "author_name": 'O\'Brien "the" \\ dev: {x}',
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Its own plain folder: the answers must not reach the path (a newline in a path breaks
    # the editable install's .pth file, which is not what is tested here).
    root = tmp_path_factory.mktemp("hostile")
    return generate(root / "demo-project", "standard", git=False, docs_site="true", **HOSTILE)


def test_every_file_parses_and_keeps_the_text(hostile: Path) -> None:
    pyproject = tomllib.loads((hostile / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["description"] == HOSTILE["description"]
    assert pyproject["project"]["authors"][0]["name"] == HOSTILE["author_name"]
    mkdocs = yaml.safe_load((hostile / "mkdocs.yml").read_text(encoding="utf-8"))
    assert mkdocs["site_name"] == HOSTILE["project_name"]
    assert mkdocs["site_description"] == HOSTILE["description"]
    package = hostile / "src" / package_of(hostile)
    for module in package.glob("*.py"):
        ast.parse(module.read_text(encoding="utf-8"), str(module))
    serve = ast.parse((package / "serve.py").read_text(encoding="utf-8"))
    strings = {n.value for n in ast.walk(serve) if isinstance(n, ast.Constant)}
    assert {HOSTILE["project_name"], HOSTILE["description"]} <= strings


def test_lints_and_formats_clean(hostile: Path) -> None:
    from scaffold.checks.tools import ToolLocator

    ruff = ToolLocator.for_project(hostile).find("ruff")
    assert ruff is not None
    run([str(ruff), "check", "."], hostile)
    run([str(ruff), "format", "--check", "."], hostile)


@pytest.mark.slow
def test_imports_and_tests_green(hostile: Path) -> None:
    build_env(hostile)
    project = hostile
    python = project / ".venv" / "bin" / "python"
    package = package_of(project)
    run([str(python), "-c", f"import {package}, {package}.serve"], project)
    run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
