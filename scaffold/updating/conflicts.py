"""Finding merge conflict markers left in a project's files."""

from __future__ import annotations

from pathlib import Path

_MAX_BYTES = 2_000_000  # conflict markers are only ever written into text files this small


def has_markers(path: Path) -> bool:
    """True when ``path`` holds both an opening and a closing conflict marker line."""
    try:
        if path.stat().st_size > _MAX_BYTES:
            return False
        lines = path.read_bytes().splitlines()
    except OSError:
        return False
    opening = any(line.startswith(b"<<<<<<< ") or line == b"<<<<<<<" for line in lines)
    return opening and any(line.startswith(b">>>>>>> ") or line == b">>>>>>>" for line in lines)
