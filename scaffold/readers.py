"""Reading the files users hand scaffold: bad bytes, bad syntax and bad structure all become
one ``ScaffoldError`` naming the file, never another exception.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from scaffold.errors import ScaffoldError


def expand_user(path: str, what: str = "path") -> Path:
    """``~/x`` and ``~user/x`` expanded; an unknown user is a ScaffoldError."""
    try:
        return Path(path).expanduser()
    except RuntimeError as exc:
        raise ScaffoldError(f"{what} {path}: no such user's home folder") from exc


def read_text(path: Path, what: str = "file") -> str:
    """UTF-8 text of a regular file (a FIFO or device is refused, not waited on)."""
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise ScaffoldError(f"cannot read {what} {path}: not a regular file")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScaffoldError(f"cannot read {what} {path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise ScaffoldError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc


def load_json(path: Path, what: str = "file") -> Any:
    text = read_text(path, what)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise ScaffoldError(f"{path} is not a valid {what}: not valid JSON ({reason})") from exc


def load_yaml(path: Path, what: str = "file") -> Any:
    import yaml

    text = read_text(path, what)
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScaffoldError(f"cannot read {what} {path}: not valid YAML ({reason})") from exc


def load_toml(path: Path, what: str = "file") -> dict[str, Any]:
    import tomllib

    text = read_text(path, what)
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ScaffoldError(f"cannot read {what} {path}: not valid TOML ({exc})") from exc


def mapping(data: Any, path: Path, what: str = "file") -> dict[str, Any]:
    """``data`` when it is a mapping with string keys (an empty file reads as {})."""
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(key, str) for key in data):
        raise ScaffoldError(f"cannot read {what} {path}: expected key: value pairs at the top")
    return data


def check_notebook(data: Any, path: Path) -> dict[str, Any]:
    """``data`` when it has the structure of a v4 notebook (the parts scaffold reads)."""

    def bad(reason: str) -> ScaffoldError:
        return ScaffoldError(f"{path} is not a valid notebook: {reason}")

    if not isinstance(data, dict):
        raise bad("the top level is not a JSON object")
    metadata = data.get("metadata", {})
    if not isinstance(metadata, dict):
        raise bad("metadata is not an object")
    for key in ("kernelspec", "language_info"):
        if not isinstance(metadata.get(key, {}), dict):
            raise bad(f"metadata.{key} is not an object")
    cells = data.get("cells", [])
    if not isinstance(cells, list):
        raise bad("cells is not a list")
    for number, cell in enumerate(cells, 1):
        _check_cell(cell, number, bad)
    return data


def _check_cell(cell: Any, number: int, bad: Any) -> None:
    if not isinstance(cell, dict):
        raise bad(f"cell {number} is not an object")
    if not isinstance(cell.get("cell_type"), str):
        raise bad(f"cell {number} has no cell_type")
    source = cell.get("source", "")
    if not isinstance(source, str) and not (
        isinstance(source, list) and all(isinstance(line, str) for line in source)
    ):
        raise bad(f"cell {number}: source is neither text nor a list of lines")
    if not isinstance(cell.get("metadata", {}), dict):
        raise bad(f"cell {number}: metadata is not an object")
    outputs = cell.get("outputs", [])
    if not isinstance(outputs, list) or not all(isinstance(item, dict) for item in outputs):
        raise bad(f"cell {number}: outputs is not a list of objects")
    count = cell.get("execution_count")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
        raise bad(f"cell {number}: execution_count is not a number")
    tags = cell.get("metadata", {}).get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise bad(f"cell {number}: metadata.tags is not a list of strings")


def load_notebook(path: Path) -> dict[str, Any]:
    return check_notebook(load_json(path, "notebook"), path)
