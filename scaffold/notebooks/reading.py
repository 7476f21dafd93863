"""Reading a notebook into code cells, with one clear error for anything we cannot use."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold.errors import ScaffoldError

_EXPORT_COMMENT = re.compile(r"^\s*#\s*\|?\s*export\b", re.IGNORECASE)


@dataclass
class CodeCell:
    """A code cell: its 1-based position among all cells, its source, how it is marked."""

    number: int
    source: str
    exported: bool
    outputs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def first_line(self) -> str:
        for line in self.source.splitlines():
            if line.strip():
                return line.strip()[:60]
        return ""


@dataclass
class Notebook:
    path: Path
    node: Any  # nbformat.NotebookNode, kept to write the notebook back
    cells: list[CodeCell]


def read_notebook(path: Path) -> Notebook:
    """Load ``path``; ScaffoldError for bad JSON, nbformat < 4 or a non-Python kernel."""
    import nbformat

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScaffoldError(f"cannot read notebook {path}: {exc}") from exc
    try:
        node = nbformat.reads(text, as_version=nbformat.NO_CONVERT)  # type: ignore[no-untyped-call]
    except Exception as exc:  # nbformat raises NotJSONError, ValueError, KeyError...
        raise ScaffoldError(f"{path} is not a valid notebook (invalid JSON?): {exc}") from exc
    version = node.get("nbformat")
    if not isinstance(version, int) or version < 4:
        raise ScaffoldError(
            f"{path} is nbformat v{version}; scaffold reads v4 notebooks: open and save it "
            "in Jupyter, or run: jupyter nbconvert --to notebook --inplace " + str(path)
        )
    check_python_kernel(path, node.get("metadata", {}))
    return Notebook(path, node, list(code_cells(node)))


def check_python_kernel(path: Path, metadata: dict[str, Any]) -> None:
    language = metadata.get("kernelspec", {}).get("language") or metadata.get(
        "language_info", {}
    ).get("name")
    if language and str(language).lower() not in {"python", "python3", "ipython"}:
        raise ScaffoldError(f"{path} uses a {language} kernel; scaffold extracts Python only")


def code_cells(node: Any) -> list[CodeCell]:
    cells = []
    for number, cell in enumerate(node.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        tags = cell.get("metadata", {}).get("tags", [])
        exported = "export" in tags or bool(_EXPORT_COMMENT.match(_first_code_line(source)))
        cells.append(CodeCell(number, source, exported, list(cell.get("outputs", []))))
    return cells


def _first_code_line(source: str) -> str:
    return next((line for line in source.splitlines() if line.strip()), "")


def is_export_marker(line: str) -> bool:
    return bool(_EXPORT_COMMENT.match(line))
