"""A tiny copier template with a package, a test and a ``preset`` question, made in a test."""

from __future__ import annotations

from pathlib import Path

from tests.updating.templates import commit_all, git, write

PYPROJECT = """[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "{{ project_name }}"
version = "0.1.0"

[project.optional-dependencies]
dev = ["pytest", "ruff"]

[tool.hatch.build.targets.wheel]
packages = ["src/tinypkg"]
"""
MODULE = """def answer() -> int:
    return {{ 41 if preset == "broken" else 42 }}
"""
TEST = """from tinypkg import answer


def test_answer() -> None:
    assert answer() == 42
"""


def make_tiny_template(root: Path, presets: tuple[str, ...] = ("small", "large")) -> Path:
    template = root / "tiny-template"
    choices = "".join(f"    - {preset}\n" for preset in presets)
    write(
        template,
        {
            "copier.yml": (
                "_subdirectory: project\nproject_name:\n  type: str\n  default: tiny\n"
                f"preset:\n  type: str\n  choices:\n{choices}  default: {presets[0]}\n"
            ),
            "project/{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml }}",
            "project/pyproject.toml.jinja": PYPROJECT,
            "project/src/tinypkg/__init__.py.jinja": MODULE,
            "project/tests/test_answer.py": TEST,
        },
    )
    git(template, "init", "--quiet", "--initial-branch=main")
    commit_all(template, "tiny template", "v1.0.0")
    return template
