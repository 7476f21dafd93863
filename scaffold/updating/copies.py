"""Keep the two renders copier's update makes anyway (the old and the new version).

copier renders the recorded version and the new one into temporary folders and deletes them.
scaffold needs both (which files you edited; the template's new version of a file it cannot
merge), so while copier runs in the scratch area its temporary folders for them are moved
aside instead of deleted: no third and fourth render. If a copier version names them
differently, nothing is kept and the caller renders them itself.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scaffold import fileio

_KINDS = ("old_copy", "new_copy")


@contextmanager
def kept_renders(keep: Path) -> Iterator[dict[str, Path]]:
    """While active, copier's ``old_copy``/``new_copy`` folders end up in ``keep``."""
    try:
        import copier._main as engine
    except ImportError:  # pragma: no cover - copier's layout changed
        yield {}
        return
    kept: dict[str, Path] = {}
    original = getattr(engine, "TemporaryDirectory")  # noqa: B009 - not re-exported

    class Keeping(tempfile.TemporaryDirectory[str]):
        def __init__(
            self, suffix: str | None = None, prefix: str | None = None, dir: str | None = None
        ) -> None:
            super().__init__(suffix, prefix, dir)
            self.kind = next((kind for kind in _KINDS if kind in (prefix or "")), "")

        def cleanup(self) -> None:
            if self.kind and os.path.isdir(self.name):
                self._finalizer.detach()  # type: ignore[attr-defined]
                target = keep / self.kind
                fileio.move(Path(self.name), target)
                kept[self.kind] = target
            else:
                super().cleanup()

    setattr(engine, "TemporaryDirectory", Keeping)  # noqa: B010
    try:
        yield kept
    finally:
        setattr(engine, "TemporaryDirectory", original)  # noqa: B010
