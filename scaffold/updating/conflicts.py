"""Finding merge conflict markers left in a project's files."""

from __future__ import annotations

from pathlib import Path

_MAX_BYTES = 2_000_000  # conflict markers are only ever written into text files this small


MARKDOWN = frozenset({".md", ".markdown", ".mdx"})


def has_markers(path: Path, quotes: bool = False) -> bool:
    """True when ``path`` holds both an opening and a closing conflict marker line.

    ``quotes``: markers inside a Markdown fenced code block are a how-to quoting them, not a
    conflict (for an audit of any repository; an update knows which files it left marked)."""
    try:
        if path.stat().st_size > _MAX_BYTES:
            return False
        lines = path.read_bytes().splitlines()
    except OSError:
        return False
    if quotes and path.suffix.lower() in MARKDOWN:
        lines = _outside_fences(lines)
    opening = any(line.startswith(b"<<<<<<< ") or line == b"<<<<<<<" for line in lines)
    return opening and any(line.startswith(b">>>>>>> ") or line == b">>>>>>>" for line in lines)


def _outside_fences(lines: list[bytes]) -> list[bytes]:
    """The lines of a Markdown text outside its fenced code blocks (``` or ~~~, CommonMark:
    closed by a fence of the same character at least as long)."""
    kept: list[bytes] = []
    fence: bytes | None = None
    for line in lines:
        stripped = line.lstrip(b" ")
        opener = stripped[:3]
        if fence is None and opener in (b"```", b"~~~") and len(line) - len(stripped) < 4:
            fence = stripped[: len(stripped) - len(stripped.lstrip(opener[:1]))]
            continue
        if fence is not None:
            if stripped.startswith(fence) and not stripped.lstrip(fence[:1]).strip():
                fence = None
            continue
        kept.append(line)
    return kept
