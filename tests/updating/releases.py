"""A copier template with three tagged releases, made in a test, for update scenarios.

v1.0.0: README, config, a file renamed and one deleted later, a guide, a PNG, a notebook.
v2.0.0: README title and a config line change, ``obsolete.txt`` deleted, ``old_name.txt``
        renamed, the guide, the PNG and the notebook's last cell changed, a new question
        (``license``, rendered into LICENSE), a CHANGELOG entry.
v3.0.0: another config line, a new file; no CHANGELOG entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from pathlib import Path

from tests.updating.templates import (
    CONFIG_V1,
    COPIER_YML,
    README_V1,
    commit_all,
    git,
    v1_files,
    write,
)

LICENSE_QUESTION = "license:\n  type: str\n  default: MIT\n"
CHANGELOG_V2 = "# Changelog\n\n## [2.0.0] - 2024-06-01\n\n- setting is now 2\n"


def png(colour: tuple[int, int, int], size: int = 4) -> bytes:
    """A real (tiny) PNG image of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\0" + bytes(colour) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


def notebook(*sources: str) -> str:
    """A notebook as Jupyter writes it (one-space indent, sorted keys, final newline)."""
    cells: list[dict[str, object]] = [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": f"cell-{index}",
            "metadata": {},
            "outputs": [],
            "source": source.splitlines(keepends=True),
        }
        for index, source in enumerate(sources)
    ]
    document = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


NOTEBOOK_V1 = ("import pandas as pd\n", "df = pd.read_csv('data.csv')\n", "df.describe()\n")
NOTEBOOK_V2 = (*NOTEBOOK_V1[:2], "df.describe(include='all')\n")
GUIDE_V1 = "# Guide\n\nStep one.\n"
BANNER_V1, BANNER_V2 = png((255, 0, 0)), png((0, 0, 255))


def make_releases(root: Path) -> Path:
    """The template repository with v1.0.0, v2.0.0 and v3.0.0 tagged."""
    template = root / "tpl3"
    template.mkdir(parents=True)
    write(
        template,
        {
            **v1_files(),
            "docs/guide.md": GUIDE_V1,
            "notebooks/explore.ipynb": notebook(*NOTEBOOK_V1),
        },
    )
    (template / "assets").mkdir()
    (template / "assets/banner.png").write_bytes(BANNER_V1)
    git(template, "init", "--quiet", "--initial-branch=main")
    commit_all(template, "v1", "v1.0.0")
    _release_v2(template)
    write(template, {"config.txt": CONFIG_V2.replace("other = a", "other = z"), "extra.txt": "3\n"})
    commit_all(template, "v3", "v3.0.0")
    return template


CONFIG_V2 = CONFIG_V1.replace("setting = 1", "setting = 2")


def _release_v2(template: Path) -> None:
    write(
        template,
        {
            "copier.yml": COPIER_YML + LICENSE_QUESTION,
            "LICENSE.jinja": "License: {{ license }}\n",
            "README.md.jinja": README_V1.replace(
                "# {{ project_name }}", "# The {{ project_name }}"
            ),
            "config.txt": CONFIG_V2,
            "CHANGELOG.md": CHANGELOG_V2,
            "docs/guide.md": GUIDE_V1 + "Step two.\n",
            "notebooks/explore.ipynb": notebook(*NOTEBOOK_V2),
        },
    )
    (template / "assets/banner.png").write_bytes(BANNER_V2)
    (template / "obsolete.txt").unlink()
    (template / "old_name.txt").rename(template / "new_name.txt")
    commit_all(template, "v2", "v2.0.0")


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` but ``.git``: path -> sha256 (symlinks by their target)."""
    hashes = {}
    for parent, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name != ".git"]
        for name in files:
            path = Path(parent, name)
            data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            hashes[path.relative_to(folder).as_posix()] = hashlib.sha256(data).hexdigest()
    return hashes


def stale_scratch() -> list[Path]:
    """Scratch folders of update runs that are gone (other runs may be going on)."""
    import tempfile

    from scaffold.updating.scratch import PREFIX, alive

    found = Path(tempfile.gettempdir()).glob(f"{PREFIX}*")
    return [p for p in found if not alive(int(p.name.removeprefix(PREFIX).split("-")[0]))]
