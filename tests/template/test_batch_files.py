"""What the ``batch`` and ``onnx`` questions render (rendering only, so fast)."""

from __future__ import annotations

import pytest

from tests.template.conftest import ProjectFactory, package_of

BATCH = ["src/{pkg}/batch.py", "tests/test_batch.py", "docs/batch-scoring.md"]
ONNX = ["src/{pkg}/onnx_export.py", "tests/test_onnx_export.py", "docs/batch-scoring.md"]


def present(
    project_files: list[str], rendered: ProjectFactory, preset: str, **data: str
) -> list[bool]:
    project = rendered(preset, **data)
    pkg = package_of(project)
    return [(project / name.format(pkg=pkg)).exists() for name in project_files]


def test_full_preset_has_batch_and_onnx(rendered: ProjectFactory) -> None:
    assert all(present(BATCH + ONNX, rendered, "full"))
    project = rendered("full")
    pyproject = (project / "pyproject.toml").read_text()
    for requirement in ('"dask[distributed]', '"pyarrow', '"skl2onnx', '"onnxruntime'):
        assert requirement in pyproject
    makefile = (project / "Makefile").read_text()
    assert "\nbatch:" in makefile and "\nexport-onnx:" in makefile
    readme = (project / "README.md").read_text()
    assert "make batch" in readme and "make export-onnx" in readme
    assert "batch-scoring.md" in (project / "mkdocs.yml").read_text()


@pytest.mark.parametrize("preset", ["minimal", "standard"])
def test_other_presets_have_neither(preset: str, rendered: ProjectFactory) -> None:
    assert not any(present(BATCH + ONNX, rendered, preset))
    project = rendered(preset)
    for text in ("dask", "onnx", "batch"):
        assert text not in (project / "pyproject.toml").read_text()
        assert text not in (project / "Makefile").read_text()
    assert "batch-predict" not in (project / "src" / package_of(project) / "cli.py").read_text()


def test_each_question_works_alone(rendered: ProjectFactory) -> None:
    assert present(BATCH + ONNX[:2], rendered, "minimal", batch="true") == [True] * 3 + [False] * 2
    assert present(ONNX + BATCH[:2], rendered, "minimal", onnx="true") == [True] * 3 + [False] * 2
