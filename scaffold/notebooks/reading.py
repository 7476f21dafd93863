"""Reading a notebook into code cells, with one clear error for anything we cannot use."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffold.errors import ScaffoldError

# Only the documented markers, as the whole first line: ``# export``, ``#| export``.
_EXPORT_COMMENT = re.compile(r"^\s*#\s*\|?\s*export\s*$", re.IGNORECASE)


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
    node: dict[str, Any]  # the notebook's JSON, checked by ``check_shape``
    cells: list[CodeCell]


def read_notebook(path: Path) -> Notebook:
    """Load ``path``; ScaffoldError naming the problem (and the cell) for anything that is
    not a v4 notebook of a Python kernel. Plain JSON and our own structural check, not
    nbformat: extract reads a few keys, and importing nbformat (jsonschema and all) cost
    more than reading a whole folder of notebooks."""
    import json

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScaffoldError(f"cannot read notebook {path}: {exc}") from exc
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ScaffoldError(f"{path} is not a valid notebook (invalid JSON: {exc})") from None
    check_shape(path, data)
    check_python_kernel(path, data.get("metadata") or {})
    return Notebook(path, data, code_cells(data))


def check_shape(path: Path, data: Any) -> None:
    """The structure extract relies on, checked before anything reads it."""
    if not isinstance(data, dict):
        raise ScaffoldError(f"{path} is not a notebook: the JSON is not an object")
    version = data.get("nbformat")
    if isinstance(version, str):
        raise ScaffoldError(
            f'{path} has "nbformat": {version!r} as a string; notebooks write the number '
            f'("nbformat": {version}): fix that line, or open and save it in Jupyter'
        )
    if not isinstance(version, int) or version < 4:
        raise ScaffoldError(
            f"{path} is nbformat v{version}; scaffold reads v4 notebooks: open and save it "
            "in Jupyter, or run: jupyter nbconvert --to notebook --inplace " + str(path)
        )
    if not isinstance(data.get("metadata", {}), dict):
        raise ScaffoldError(f"{path}: the notebook's metadata is not an object")
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise ScaffoldError(f'{path}: "cells" is not a list of cells')
    for number, cell in enumerate(cells, start=1):
        _check_cell(path, number, cell)


def _check_cell(path: Path, number: int, cell: Any) -> None:
    if not isinstance(cell, dict):
        raise ScaffoldError(f"{path}: cell {number} is not an object")
    source = cell.get("source", "")
    if not (
        isinstance(source, str)
        or (isinstance(source, list) and all(isinstance(s, str) for s in source))
    ):
        shown = "null" if source is None else f"a {type(source).__name__} value"
        raise ScaffoldError(
            f"{path}: cell {number}'s source is {shown}; a cell's source is text "
            "(a string or a list of strings)"
        )
    if not isinstance(cell.get("metadata", {}), dict):
        raise ScaffoldError(f"{path}: cell {number}'s metadata is not an object")


def check_python_kernel(path: Path, metadata: dict[str, Any]) -> None:
    kernelspec = metadata.get("kernelspec") or {}
    language_info = metadata.get("language_info") or {}
    language = (kernelspec.get("language") if isinstance(kernelspec, dict) else None) or (
        language_info.get("name") if isinstance(language_info, dict) else None
    )
    if language and str(language).lower() not in {"python", "python3", "ipython"}:
        raise ScaffoldError(f"{path} uses a {language} kernel; scaffold extracts Python only")


def code_cells(node: dict[str, Any]) -> list[CodeCell]:
    cells = []
    for number, cell in enumerate(node.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        tags = (cell.get("metadata") or {}).get("tags", [])
        tagged = isinstance(tags, list) and "export" in tags
        exported = tagged or bool(_EXPORT_COMMENT.match(_first_code_line(source)))
        outputs = cell.get("outputs", [])
        cells.append(
            # Saved outputs are only read for hints: an entry that is not an object is left out.
            CodeCell(number, source, exported, _objects(outputs))
        )
    return cells


def _first_code_line(source: str) -> str:
    return next((line for line in source.splitlines() if line.strip()), "")


def is_export_marker(line: str) -> bool:
    return bool(_EXPORT_COMMENT.match(line))


def _objects(outputs: Any) -> list[dict[str, Any]]:
    return [o for o in outputs if isinstance(o, dict)] if isinstance(outputs, list) else []
