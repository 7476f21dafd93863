"""Independent work split over forked copies of this process, results pickled back.

For CPU-bound work over many items (planning a folder of notebooks): the children start
after every import, share nothing but the pipe they answer on, write no file, and die with
the parent (Ctrl-C, SIGTERM, or the parent killed outright). An item whose work raised, or
whose child died, comes back as None: the caller redoes it in order, so any error surfaces
exactly as it would have without the split.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

T = TypeVar("T")


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def run_split(work: Callable[[int], T], count: int, processes: int) -> list[T | None]:
    """``work(i)`` for every ``i`` below ``count``, across ``processes`` processes: this one
    and forked children, each taking every ``processes``-th item. None where it raised (or
    where no child could be forked for it)."""
    done: list[T | None] = [None] * count
    if count == 0:
        return done
    processes = processes if hasattr(os, "fork") else 1
    # The first item runs before the fork: the children inherit whatever it imported.
    done[0] = _attempt(work, 0)
    children: dict[int, int] = {}  # pid: its pipe's read end, until reaped
    try:
        for share in range(1, processes):
            try:
                pid, reader = _fork(work, range(share, count, processes))
            except OSError:  # no process to spare: the caller does this share in order
                continue
            children[pid] = reader
        for index in range(processes, count, processes):
            done[index] = _attempt(work, index)
        for pid in list(children):
            data = _read_all(children[pid])  # to the end: the child has finished
            os.close(children.pop(pid))
            for index, outcome in _answers(data, os.waitpid(pid, 0)[1]):
                done[index] = outcome  # type: ignore[assignment]  # work's own result
    finally:
        for pid, reader in children.items():
            _kill(pid, reader)
    return done


def _attempt(work: Callable[[int], T], index: int) -> T | None:
    try:
        return work(index)
    except Exception:  # redone by the caller, in order, where it raises as it would
        return None


def _fork(work: Callable[[int], object], share: range) -> tuple[int, int]:
    reader, writer = os.pipe()
    # Signals wait until both sides are set up: a Ctrl-C arriving in the child before its
    # handlers are reset would run the parent's handler and cleanup in the child.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(reader)
            _child(work, share, writer, held)
    except OSError:
        os.close(reader)
        os.close(writer)
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    os.close(writer)
    return pid, reader


def _child(
    work: Callable[[int], object], share: range, writer: int, held: set[int | signal.Signals]
) -> NoReturn:
    code = 1
    try:
        parent = os.getppid()
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # ended by the signal, no cleanup
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _die_with(parent)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        data = pickle.dumps([(index, _attempt(work, index)) for index in share])
        view = memoryview(data)
        while view:
            view = view[os.write(writer, view) :]
        code = 0
    finally:  # whatever happened: the parent's stack, its files and buffers are not ours
        os._exit(code)


def _die_with(parent: int) -> None:
    """Linux: the kernel kills this child when the parent ends, however it ends (elsewhere
    the child finishes its share, writing nothing, and ends at its first write to the pipe)."""
    if sys.platform != "linux":
        return
    import ctypes

    set_parent_death_signal = 1  # PR_SET_PDEATHSIG
    try:
        ctypes.CDLL(None).prctl(set_parent_death_signal, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent ended before the request took effect
        os._exit(1)


def _read_all(reader: int) -> bytes:
    chunks = []
    while chunk := os.read(reader, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _answers(data: bytes, status: int) -> list[tuple[int, object]]:
    """A child's answers; none when it died before answering in full."""
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return []
    try:
        answers: list[tuple[int, object]] = pickle.loads(data)  # our own child's pipe
    except Exception:
        return []
    return answers


def _kill(pid: int, reader: int) -> None:
    os.close(reader)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
