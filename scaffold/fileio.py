"""The one way scaffold writes a user's file: a temporary sibling, fsync, then a rename.

A reader (or a crash, Ctrl-C or kill at any instant) sees either the old file or the new one,
never a truncated mix; the file keeps its permissions. ``write_files`` stages every file
before it moves the first one in, so a failure while staging changes nothing. ``locked``
serialises read-modify-write cycles on one file across processes.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, newlines as given) atomically."""
    write_files([(path, text)])


def write_files(files: Sequence[tuple[Path, str | bytes]]) -> None:
    """Stage every file as a temporary sibling (written and fsynced), then rename each in."""
    staged: list[tuple[Path, Path]] = []
    try:
        # Held while staging too: a Ctrl-C landing while the staging threads create their
        # files would otherwise leave before the main thread knows every file staged.
        with signals_held():
            _stage_all(files, staged)
        with signals_held():  # Ctrl-C or SIGTERM lands after the last rename, not between
            for temporary, path in staged:
                os.replace(temporary, path)
        for folder in {path.parent for _, path in staged}:
            _fsync_dir(folder)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


# Files staged at once. Their fsyncs then share the filesystem's journal commits: 400 small
# files took 0.1 s this way against 1.4 s one after the other (ext4, measured).
STAGING_THREADS = 16


def _stage_all(files: Sequence[tuple[Path, str | bytes]], staged: list[tuple[Path, Path]]) -> None:
    """Stage every file; ``staged`` gets each one staged, in order, even when one fails or
    the run is interrupted, so the caller moves them all in or removes them all."""
    folders: dict[Path, set[str]] = {}
    for path, _ in files:
        folders.setdefault(path.parent, set()).add(path.name)
    for folder, names in folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(folder, names)
    if len(files) < 2:
        staged += [(_stage(path, text), path) for path, text in files]
        return
    from concurrent.futures import ThreadPoolExecutor

    outcomes: list[Path | BaseException | None] = [None] * len(files)

    def stage(index: int) -> None:
        path, text = files[index]
        try:
            outcomes[index] = _stage(path, text)
        except BaseException as exc:  # re-raised below, on the calling thread
            outcomes[index] = exc

    try:
        with ThreadPoolExecutor(min(STAGING_THREADS, len(files))) as pool:
            for _ in pool.map(stage, range(len(files))):
                pass
    finally:  # the pool has waited for every thread: each outcome is final
        staged += [(o, files[i][0]) for i, o in enumerate(outcomes) if isinstance(o, Path)]
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome


def append_text(path: Path, text: str) -> None:
    """Add ``text`` at the end of ``path`` (created when missing), atomically."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    write_text(path, old + text)


def move(source: Path, target: Path) -> None:
    """Rename ``source`` onto ``target`` (same filesystem): one atomic step."""
    os.replace(source, target)


def write_scratch(path: Path, content: str | bytes) -> None:
    """Write a file of scaffold's own temporary folders (never a user's file): plain and fast,
    since the folder is thrown away whatever happens."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with path.open("wb") as handle:
        handle.write(data)


# A temporary sibling this old was left by a killed run (a live write takes milliseconds).
STALE_AFTER_SECONDS = 600


def _remove_stale_temporaries(folder: Path, names: set[str]) -> None:
    """Remove the temporary siblings of ``names`` in ``folder`` that a killed run left (one
    listing of the folder for all of them)."""
    import time

    cutoff = time.time() - STALE_AFTER_SECONDS
    suffix = ".scaffold-tmp"
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not name.startswith(".") or not name.endswith(suffix):
            continue
        # ``.{name}.{random}.scaffold-tmp``, as _stage names it
        owner = name[1 : -len(suffix)].rpartition(".")[0]
        if owner not in names:
            continue
        try:
            if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                os.unlink(entry.path)
        except OSError:
            pass


def write_bytes(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically; ``mode``: its permissions (default: kept)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path.parent, {path.name})
    temporary = _stage(path, data, mode)
    try:
        with signals_held():  # the rename happens, or the temporary is removed: no leftover
            os.replace(temporary, path)
        _fsync_dir(path.parent)
    finally:
        temporary.unlink(missing_ok=True)


def _stage(path: Path, text: str | bytes, mode: int | None = None) -> Path:
    """``text`` in a new temporary sibling of ``path`` (its folder exists), fsynced."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".scaffold-tmp", dir=path.parent)
    temporary = Path(name)
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            mode = path.stat().st_mode & 0o7777 if path.exists() else new_file_mode()
        os.chmod(temporary, mode)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back, delivered on exit (main thread; elsewhere a no-op).

    The handlers are swapped for one that only notes the signal; on exit the first noted
    goes to the restored handler (called there, or the default action). A signal mask
    would not do: with another thread alive (a pool's worker, a timer), the kernel hands
    the signal to that thread and Python still runs the handler on the main thread,
    inside the held block.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[signal.Signals] = []

    def note(signum: int, frame: object) -> None:
        noted.append(signal.Signals(signum))

    previous = {signum: signal.signal(signum, note) for signum in HELD_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if noted:  # delivered here, where the block ends, not at a random later instant
            handler = previous[noted[0]]
            if callable(handler):
                handler(noted[0], None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), noted[0])


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not every platform opens folders
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def new_file_mode() -> int:
    """The mode a new file gets under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``folder`` itself (no lock file left behind).

    Every scaffold process that reads, changes and writes files in one project takes the
    lock on the same folder (the project root), so two runs never interleave."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
