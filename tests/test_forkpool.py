"""Work split over forked processes: every result in order, from more than one process; what
raised or died comes back as None for the caller to redo."""

from __future__ import annotations

import os
import signal

import pytest

from scaffold.forkpool import run_split

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")


def test_every_result_in_order_from_two_processes() -> None:
    done = run_split(lambda i: (i * i, os.getpid()), 40, 2)
    assert [value for value, _ in filter(None, done)] == [i * i for i in range(40)]
    pids = {pid for _, pid in filter(None, done)}
    assert len(pids) == 2 and os.getpid() in pids
    assert {done[1][1], done[3][1]} == pids - {os.getpid()}  # type: ignore[index]


def test_one_process_forks_nothing() -> None:
    done = run_split(lambda i: os.getpid(), 10, 1)
    assert done == [os.getpid()] * 10


def test_what_raised_comes_back_as_none_in_either_process() -> None:
    def work(index: int) -> int:
        if index in (4, 7):  # 4: this process's share, 7: the child's
            raise ValueError(index)
        return index

    assert run_split(work, 10, 2) == [0, 1, 2, 3, None, 5, 6, None, 8, 9]


def test_a_child_that_dies_leaves_its_whole_share_to_the_caller() -> None:
    parent = os.getpid()

    def work(index: int) -> int:
        if index == 5 and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return index

    done = run_split(work, 10, 2)
    assert done == [0, None, 2, None, 4, None, 6, None, 8, None]
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # reaped: no child left behind


def test_an_interruption_in_this_process_kills_the_child() -> None:
    parent = os.getpid()
    reader, writer = os.pipe()
    children = []

    def work(index: int) -> int:
        if os.getpid() != parent:
            os.write(writer, f"{os.getpid()}\n".encode())
            signal.pause()  # would never answer
        if index == 2:  # the child is at work by now
            children.append(int(os.read(reader, 64).split()[0]))
            raise KeyboardInterrupt
        return index

    try:
        with pytest.raises(KeyboardInterrupt):
            run_split(work, 10, 2)
    finally:
        os.close(reader)
        os.close(writer)
    with pytest.raises(ProcessLookupError):
        os.kill(children[0], 0)  # killed and reaped
