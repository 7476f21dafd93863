"""Small projects and notebooks to extract from, built for each test."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"
PYTHON_KERNEL = {
    "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
    "language_info": {"name": "python"},
}


def make_project(root: Path, package: str = "demo") -> Path:
    """A src-layout project: pyproject.toml, src/<package>/__init__.py, notebooks/."""
    (root / "src" / package).mkdir(parents=True)
    (root / "src" / package / "__init__.py").write_text("", encoding="utf-8")
    (root / "notebooks").mkdir()
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{package}"\nversion = "0.1.0"\n\n'
        '[tool.ruff]\nsrc = ["src"]\n\n[tool.ruff.lint]\nselect = ["E", "F", "I", "B"]\n',
        encoding="utf-8",
    )
    return root


def fixture_notebook(project: Path, name: str) -> Path:
    return Path(shutil.copy(FIXTURES / name, project / "notebooks" / name))


def write_notebook(path: Path, cells: list[Any], metadata: dict[str, Any] | None = None) -> Path:
    """Cells: a string is a code cell; ``("md", text)`` markdown; ``(source, tags)`` tagged;
    ``{"source": ..., "tags": ...}`` a code cell whose tags are written as given (any JSON)."""
    built = []
    odd_tags = {}
    for cell in cells:
        if isinstance(cell, dict):
            odd_tags[len(built)] = cell["tags"]
            built.append(new_code_cell(cell["source"]))
        elif isinstance(cell, str):
            built.append(new_code_cell(cell))
        elif cell[0] == "md":
            built.append(new_markdown_cell(cell[1]))
        else:
            built.append(new_code_cell(cell[0], metadata={"tags": list(cell[1])}))
    for number, cell in enumerate(built):
        cell["id"] = f"cell-{number}"  # stable ids: byte-identical notebooks for equal input
    notebook = new_notebook(cells=built, metadata=metadata or PYTHON_KERNEL)
    if not odd_tags:
        nbformat.write(notebook, path)
        return path
    data = json.loads(nbformat.writes(notebook))
    for index, tags in odd_tags.items():
        data["cells"][index]["metadata"]["tags"] = tags
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (no caches), to compare before and after."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and ".ruff_cache" not in path.parts
    }
