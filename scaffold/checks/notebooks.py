"""Notebook outputs: find them and strip them, the way nbstripout does, without needing it.

Outputs and execution counts are cleared in code cells; a cell (or notebook) whose metadata
sets ``keep_output: true`` keeps its outputs, as nbstripout allows. Notebooks are read and
written as plain JSON in Jupyter's own layout, so stripping changes nothing else.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffold.errors import ScaffoldError


class NotebookError(ScaffoldError):
    """A notebook that is not valid notebook JSON."""


@dataclass(frozen=True)
class OutputReport:
    path: Path
    cells_with_outputs: int


def load(path: Path) -> dict[str, Any]:
    from scaffold import readers

    try:
        return readers.load_notebook(path)
    except ScaffoldError as exc:
        raise NotebookError(str(exc)) from exc


def _keeps_output(notebook: dict[str, Any], cell: dict[str, Any]) -> bool:
    return bool(notebook.get("metadata", {}).get("keep_output")) or bool(
        cell.get("metadata", {}).get("keep_output")
    )


def _code_cells(notebook: dict[str, Any]) -> list[dict[str, Any]]:
    cells = notebook.get("cells", [])
    return [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]


def _has_output(cell: dict[str, Any]) -> bool:
    return bool(cell.get("outputs")) or cell.get("execution_count") is not None


def cells_with_outputs(notebook: dict[str, Any]) -> int:
    """Code cells that carry outputs or an execution count (and are not marked keep_output)."""
    return sum(
        1
        for cell in _code_cells(notebook)
        if _has_output(cell) and not _keeps_output(notebook, cell)
    )


def strip(notebook: dict[str, Any]) -> int:
    """Clear outputs and execution counts in place; return how many cells changed."""
    changed = 0
    for cell in _code_cells(notebook):
        if _has_output(cell) and not _keeps_output(notebook, cell):
            cell["outputs"] = []
            cell["execution_count"] = None
            changed += 1
    return changed


def dumps(notebook: dict[str, Any]) -> str:
    """Jupyter's own on-disk layout (nbformat.writes uses the same settings)."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def strip_file(path: Path) -> int:
    notebook = load(path)
    changed = strip(notebook)
    if changed:
        from scaffold import fileio

        fileio.write_text(path, dumps(notebook))  # atomic: never a half-written notebook
    return changed


def stripped_by_git_filter(root: Path, paths: list[Path]) -> set[Path]:
    """Notebooks whose outputs an installed nbstripout git filter removes on every commit."""
    if not paths or not (root / ".git").exists():
        return set()
    configured = subprocess.run(
        ["git", "config", "--get", "filter.nbstripout.clean"],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if configured.returncode != 0 or not configured.stdout.strip():
        return set()
    attrs = subprocess.run(
        ["git", "check-attr", "-z", "filter", "--", *map(str, paths)],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    fields = attrs.stdout.split("\0")
    triples = zip(fields[0::3], fields[1::3], fields[2::3], strict=False)
    return {Path(path) for path, _attr, value in triples if value == "nbstripout"}
