"""The template's questions: validators, preset defaults, and what each choice renders.

Rendering only (no environments), so these are fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.template.conftest import ProjectFactory, package_of

TEMPLATE = Path(__file__).resolve().parents[2] / "template"


def copy(dest: Path, **data: str) -> Path:
    from copier import run_copy

    answers = {"project_name": "demo-project", "python_version": "3.11", **data}
    run_copy(str(TEMPLATE), dest, data=answers, defaults=True, quiet=True, unsafe=False)
    return dest


def test_template_needs_no_trust() -> None:
    config = yaml.safe_load((TEMPLATE / "copier.yml").read_text(encoding="utf-8"))
    assert not {"_tasks", "_migrations", "_jinja_extensions"} & set(config)
    assert config["_subdirectory"] == "project"
    assert (TEMPLATE / "project" / "{{ _copier_conf.answers_file }}.jinja").is_file()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"package_name": "class"}, "keyword"),
        ({"package_name": "match"}, "keyword"),
        ({"package_name": "1model"}, "must not start with a digit"),
        ({"package_name": "Model"}, "lowercase"),
        ({"package_name": "my/model"}, "lowercase"),
        ({"package_name": "json"}, "shadow"),
        ({"package_name": "sklearn"}, "shadow"),
        ({"project_name": " "}, "empty"),
        ({"project_name": "a/b"}, "path separator"),
        ({"project_name": "--"}, "letter or digit"),
        ({"python_version": "3.9"}, "3.11 or newer"),
    ],
)
def test_invalid_names_are_refused(tmp_path: Path, data: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        copy(tmp_path / "out", **data)
    assert not (tmp_path / "out" / "pyproject.toml").exists()


def test_names_derive_from_the_project_name(tmp_path: Path) -> None:
    project = copy(tmp_path / "out", project_name="My Churn Model")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["project_slug"] == "my-churn-model"
    assert answers["package_name"] == "my_churn_model"
    assert (project / "src" / "my_churn_model" / "cli.py").is_file()
    assert 'name = "my-churn-model"' in (project / "pyproject.toml").read_text()


PRESET_FILES = {
    "minimal": {
        "present": ["src/{pkg}/train.py", "tests/test_cli.py", "Makefile"],
        "absent": [
            ".github",
            ".gitlab-ci.yml",
            "Dockerfile",
            ".dockerignore",
            "src/{pkg}/serve.py",
            "src/{pkg}/middleware.py",
            "src/{pkg}/batching.py",
            "src/{pkg}/server.py",
            "docs/openapi.json",
            "src/{pkg}/tracking.py",
            "dvc.yaml",
            ".dvc",
            ".dvcignore",
            "mkdocs.yml",
        ],
    },
    "standard": {
        "present": [
            ".github/workflows/ci.yml",
            ".github/dependabot.yml",
            "Dockerfile",
            ".dockerignore",
            "src/{pkg}/serve.py",
            "src/{pkg}/middleware.py",
            "src/{pkg}/batching.py",
            "src/{pkg}/server.py",
            "tests/test_serve.py",
            "tests/test_middleware.py",
            "tests/test_batching.py",
            "tests/test_server.py",
            "docs/openapi.json",
        ],
        "absent": [
            ".gitlab-ci.yml",
            "src/{pkg}/tracking.py",
            "dvc.yaml",
            ".dvc",
            ".dvcignore",
            "mkdocs.yml",
        ],
    },
    "full": {
        "present": [
            ".github/workflows/ci.yml",
            "Dockerfile",
            "src/{pkg}/serve.py",
            "src/{pkg}/tracking.py",
            "tests/test_tracking.py",
            "dvc.yaml",
            ".dvc/config",
            ".dvc/.gitignore",
            ".dvcignore",
            "mkdocs.yml",
            "docs/index.md",
        ],
        "absent": [".gitlab-ci.yml"],
    },
}


@pytest.mark.parametrize("preset", sorted(PRESET_FILES))
def test_presets_render_their_parts(preset: str, rendered: ProjectFactory) -> None:
    project = rendered(preset)
    pkg = package_of(project)
    expected = PRESET_FILES[preset]
    missing = [p for p in expected["present"] if not (project / p.format(pkg=pkg)).exists()]
    extra = [p for p in expected["absent"] if (project / p.format(pkg=pkg)).exists()]
    assert (missing, extra) == ([], [])
    assert (project / "data" / ".gitkeep").is_file()
    assert (project / "models" / ".gitkeep").is_file()


def test_presets_are_only_defaults(rendered: ProjectFactory) -> None:
    project = rendered("minimal", serving="fastapi", ci="gitlab")
    assert (project / "src" / package_of(project) / "serve.py").is_file()
    assert (project / ".gitlab-ci.yml").is_file()
    assert not (project / ".github").exists()
    assert not (project / "Dockerfile").exists()


def test_dependencies_follow_the_choices(rendered: ProjectFactory) -> None:
    minimal = (rendered("minimal") / "pyproject.toml").read_text()
    full = (rendered("full") / "pyproject.toml").read_text()
    for name in ("fastapi", "mlflow", "dvc", "mkdocs", "black", "pandas"):
        assert name not in minimal
    for name in ("fastapi", "uvicorn", "mlflow", "dvc", "mkdocs"):
        assert name in full
    black = (rendered("standard", formatter="black") / "pyproject.toml").read_text()
    assert '"black' in black


def test_notebook_has_no_outputs_and_imports_the_package(rendered: ProjectFactory) -> None:
    import json

    project = rendered("minimal")
    [notebook] = (project / "notebooks").glob("*.ipynb")
    cells = json.loads(notebook.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert f"from {package_of(project)}." in "".join(code[0]["source"])
