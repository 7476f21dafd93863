"""Files a line merge cannot merge: binaries, and notebooks whose merge is not valid JSON.

copier's merge leaves the template's version of a binary both sides changed (the user's is
lost) and writes conflict markers into a notebook's JSON (which then no longer opens). Here,
after the merge, each such file the user edited gets the user's version back; when the
template changed it too, the template's version goes beside it as ``NAME.template`` and the
file is a conflict.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from scaffold import fileio
from scaffold.updating.journal import BESIDE

_SNIFF = 8000


def is_binary(data: bytes) -> bool:
    """Like git: a NUL byte near the start, or bytes that are not UTF-8 text."""
    if b"\0" in data[:_SNIFF]:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def is_valid_notebook(data: bytes) -> bool:
    try:
        document = json.loads(data)
    except ValueError:
        return False
    return isinstance(document, dict) and isinstance(document.get("cells"), list)


def _needs_care(path: str, mine: bytes, base: bytes) -> bool:
    return path.endswith(".ipynb") or is_binary(mine) or is_binary(base)


def _merged_well(path: str, merged: bytes) -> bool:
    if path.endswith(".ipynb"):
        return is_valid_notebook(merged) and not has_markers_bytes(merged)
    return False  # a binary the merge changed is never a merge of both sides


def has_markers_bytes(data: bytes) -> bool:
    lines = data.splitlines()
    return any(line.startswith(b"<<<<<<< ") for line in lines) and any(
        line.startswith(b">>>>>>> ") for line in lines
    )


def settle(
    work: Path,
    edited: dict[str, bytes],
    originals: Callable[[str], bytes | None],
    new_version: Callable[[str], bytes | None],
) -> list[str]:
    """Fix up the merge in ``work`` for files the user edited that a line merge cannot merge.

    ``edited``: path -> the old template version; ``originals(path)``: the user's version;
    ``new_version(path)``: the new template version (None when it has no such file).
    Returns the files left as conflicts with ``NAME.template`` beside them."""
    beside = []
    for path, base in sorted(edited.items()):
        mine = originals(path)
        target = work / path
        if mine is None or not _needs_care(path, mine, base) or not target.is_file():
            continue
        merged = target.read_bytes()
        if merged == mine or _merged_well(path, merged):
            continue
        theirs = new_version(path)
        fileio.write_scratch(target, mine)
        if theirs is not None and theirs != base and theirs != mine:
            fileio.write_scratch(work / (path + BESIDE), theirs)
            beside.append(path)
    return beside
