"""Rendering a template in a child process with a memory and a time bound.

A template's Jinja can loop for hours or allocate gigabytes; in a forked child under
``RLIMIT_AS`` it fails with a one-line error instead, and Ctrl-C (or the time limit) kills
the child at once, whatever it is doing. The result comes back through a pipe.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import Any, TypeVar

from scaffold.errors import ScaffoldError

T = TypeVar("T")
MEMORY_MB = int(os.environ.get("SCAFFOLD_RENDER_MEMORY_MB", "2048"))


def render_timeout() -> float | None:
    value = os.environ.get("SCAFFOLD_RENDER_TIMEOUT", "900")
    return float(value) if float(value) > 0 else None


def run_bounded(work: Callable[[], T], timeout: float | None, memory_mb: int = MEMORY_MB) -> T:
    """``work()`` in a forked child; its result, or its ScaffoldError, raised here."""
    if not hasattr(os, "fork"):
        return work()
    # Signals wait until both sides are set up (a Ctrl-C inside fork's own bookkeeping
    # would otherwise be lost).
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        reader, writer = os.pipe()
        pid = os.fork()
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise
    if pid == 0:  # the child: never returns
        os.close(reader)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        _child(work, writer, memory_mb)
    os.close(writer)
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        payload = _collect(reader, pid, timeout)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(reader)
    result: T = _outcome(payload, pid, memory_mb)
    return result


def _child(work: Callable[[], Any], writer: int, memory_mb: int) -> None:
    code = 0
    try:
        _limit_memory(memory_mb)
        try:
            payload = ("ok", work())
        except ScaffoldError as exc:
            payload = ("error", (str(exc), exc.exit_code))
        except MemoryError:
            payload = ("memory", None)
        except BaseException as exc:  # reported to the parent, never raised
            payload = ("raised", exc)
        try:
            data = pickle.dumps(payload)
        except Exception:  # an exception that does not pickle
            data = pickle.dumps(("error", (f"the template failed to render: {payload[1]}", 2)))
        view = memoryview(data)
        while view:
            view = view[os.write(writer, view) :]
        os.close(writer)
    except BaseException:  # the child ends here, whatever happened
        code = 1
    finally:
        os._exit(code)


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:
        return
    current = _virtual_size()
    limit = current + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _virtual_size() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _collect(reader: int, pid: int, timeout: float | None) -> bytes:
    deadline = None if timeout is None else time.monotonic() + timeout
    chunks: list[bytes] = []
    while True:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise ScaffoldError(
                f"the template took longer than {timeout:g} s to render and was stopped "
                "(SCAFFOLD_RENDER_TIMEOUT sets the limit)"
            )
        ready, _, _ = select.select([reader], [], [], left)
        if not ready:
            continue
        chunk = os.read(reader, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _kill(pid: int) -> None:
    """Kill the child and the processes it started (copier's git clones write into the
    staging folder: left running, they would fill it again after its removal)."""
    try:
        os.kill(pid, signal.SIGSTOP)  # it starts nothing more while its tree is read
    except ProcessLookupError:
        return
    for descendant in _descendants(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(descendant, signal.SIGKILL)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _descendants(pid: int) -> list[int]:
    """Every process under ``pid``, from the parent ids in /proc (none found elsewhere)."""
    children: dict[int, list[int]] = {}
    try:
        entries = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []
    for name in entries:
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])  # after "(comm) state"
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(name))
    found: list[int] = []
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def _outcome(payload: bytes, pid: int, memory_mb: int) -> Any:
    _, status = os.waitpid(pid, 0)
    if not payload:
        if os.WIFSIGNALED(status):
            raise ScaffoldError(
                f"rendering the template was killed by signal {os.WTERMSIG(status)} "
                f"(out of memory? the limit is {memory_mb} MB, SCAFFOLD_RENDER_MEMORY_MB)"
            )
        raise ScaffoldError("rendering the template failed without a reason")
    kind, value = pickle.loads(payload)  # our own child's pipe
    if kind == "ok":
        return value
    if kind == "memory":
        raise ScaffoldError(
            f"the template used more than {memory_mb} MB while rendering and was stopped "
            "(SCAFFOLD_RENDER_MEMORY_MB sets the limit)"
        )
    if kind == "error":
        message, code = value
        raise ScaffoldError(message, code)
    raise value
