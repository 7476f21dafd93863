"""Writing edited cell sources back into the notebook's own text.

Only the ``source`` values of edited cells (and removed cells) change: the file keeps its
indentation, key order, cell ids, escapes and everything else byte for byte, so a diff of a
rewritten notebook shows the edited cells and nothing more.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from json.decoder import JSONDecoder, scanstring  # type: ignore[attr-defined]

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = JSONDecoder()


def _skip(text: str, index: int) -> int:
    match = _SPACE.match(text, index)
    return match.end() if match else index


def _value_end(text: str, index: int) -> int:
    return int(_DECODER.raw_decode(text, index)[1])


def _members(text: str, index: int) -> Iterator[tuple[str, int, int]]:
    """``(key, value start, value end)`` of the object starting at ``text[index]``."""
    index = _skip(text, index + 1)
    while text[index] != "}":
        key, index = scanstring(text, index + 1)
        index = _skip(text, _skip(text, index) + 1)  # past the colon
        end = _value_end(text, index)
        yield key, index, end
        index = _skip(text, end)
        if text[index] == ",":
            index = _skip(text, index + 1)


def _elements(text: str, index: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each element of the array starting at ``text[index]``."""
    index = _skip(text, index + 1)
    while text[index] != "]":
        end = _value_end(text, index)
        yield index, end
        index = _skip(text, end)
        if text[index] == ",":
            index = _skip(text, index + 1)


def splice(text: str, sources: dict[int, str | None]) -> str:
    """``text`` with cell ``i``'s source replaced by ``sources[i]``, or the cell removed when
    it is None (``i`` counts every cell from 0)."""
    start = _skip(text, 0)
    cells = next((s, e) for key, s, e in _members(text, start) if key == "cells")
    spans = list(_elements(text, cells[0]))
    ascii_only = text.isascii() and "\\u" in text
    pieces: list[tuple[int, int, str]] = []
    for index, (cell_start, _) in enumerate(spans):
        if index in sources and sources[index] is not None:
            found = next((s, e) for key, s, e in _members(text, cell_start) if key == "source")
            new = _encode(text, found, sources[index] or "", ascii_only)
            pieces.append((found[0], found[1], new))
    kept = [i for i in range(len(spans)) if not (i in sources and sources[i] is None)]
    if len(kept) < len(spans):
        pieces += _removals(text, spans, kept, cells)
    for begin, end, new in sorted(pieces, reverse=True):
        text = text[:begin] + new + text[end:]
    return text


def _removals(
    text: str, spans: list[tuple[int, int]], kept: list[int], cells: tuple[int, int]
) -> list[tuple[int, int, str]]:
    """Removed cells with their separators: a leading run up to the first kept cell, any
    other from the end of the cell before it (comma and line break included)."""
    if not kept:
        return [(cells[0], cells[1], "[]")]
    first = kept[0]
    found = [(spans[0][0], spans[first][0], "")] if first > 0 else []
    for index in range(first + 1, len(spans)):
        if index not in kept:
            found.append((spans[index - 1][1], spans[index][1], ""))
    return found


def _encode(text: str, span: tuple[int, int], source: str, ascii_only: bool) -> str:
    """``source`` as JSON in the shape the original used: a string, or a list of lines laid
    out like the original list."""
    original = text[span[0] : span[1]]
    if not original.startswith("["):
        return json.dumps(source, ensure_ascii=ascii_only)
    lines = [json.dumps(line, ensure_ascii=ascii_only) for line in source.splitlines(True)]
    if not lines:
        return "[]"
    if "\n" not in original and original != "[]":
        return "[" + ", ".join(lines) + "]"
    inner, closing = _list_indents(text, span)
    return "[\n" + ",\n".join(inner + line for line in lines) + "\n" + closing + "]"


def _list_indents(text: str, span: tuple[int, int]) -> tuple[str, str]:
    """The indentation of a multi-line list's elements and of its closing bracket."""
    original = text[span[0] : span[1]]
    if "\n" in original:
        first = original.split("\n")[1]
        inner = first[: len(first) - len(first.lstrip())]
        last = original.rsplit("\n", 1)[1]
        return inner, last[: len(last) - len(last.lstrip())]
    line_start = text.rfind("\n", 0, span[0]) + 1
    key_line = text[line_start : span[0]]
    closing = key_line[: len(key_line) - len(key_line.lstrip())]
    unit = _indent_unit(text)
    return closing + unit, closing


def _indent_unit(text: str) -> str:
    second = text.lstrip().split("\n", 2)[1] if "\n" in text.strip() else ""
    return second[: len(second) - len(second.lstrip())] or " "
