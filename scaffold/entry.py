"""The ``scaffold`` executable: signals and the last line of defence before the shell.

Imported before anything heavy, so Ctrl-C at any instant ends in one line. Ctrl-C and
SIGTERM raise ``Interrupted`` (not a ``KeyboardInterrupt``, which click would turn into
"Aborted!"), so every ``finally`` runs: staging folders and temporary files are removed and
no file is left half-written (all writes are atomic, scaffold.fileio).
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

INTERRUPTED = "error: interrupted; nothing was left half-written\n"


class Interrupted(BaseException):
    """Ctrl-C (exit 130) or SIGTERM (exit 143)."""

    def __init__(self, exit_code: int) -> None:
        super().__init__(exit_code)
        self.exit_code = exit_code


def _raise(signum: int, frame: FrameType | None) -> None:
    if frame is not None and frame.f_code.co_filename.startswith("<frozen"):
        # Inside the import machinery (its weakref callbacks swallow exceptions, printing a
        # traceback and carrying on): deliver the signal again a moment later, outside it.
        _deliver_later(signum)
        return
    # Once is enough: a second signal during the cleanup must not cut the cleanup short.
    signal.signal(signum, signal.SIG_IGN)
    raise Interrupted(128 + signum)


def _deliver_later(signum: int) -> None:
    import threading

    threading.Timer(0.05, os.kill, (os.getpid(), signum)).start()


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An Interrupted raised where Python cannot let it through (a ``__del__``, a weakref
    or GC callback, ...) would be printed with a traceback and dropped: handle the signal
    again a moment later instead, where it ends the command in one line."""
    if isinstance(unraisable.exc_value, Interrupted):
        signum = unraisable.exc_value.exit_code - 128
        signal.signal(signum, _raise)  # _raise set it to be ignored
        _deliver_later(signum)
        return
    sys.__unraisablehook__(unraisable)


def _install() -> None:
    sys.unraisablehook = _unraisable
    signal.signal(signal.SIGINT, _raise)
    signal.signal(signal.SIGTERM, _raise)


def main() -> None:
    try:
        _main()
    except Interrupted as exc:
        # From the command, or from _main's last instants (after run() returned or raised
        # SystemExit, before its ``finally`` ignored further signals): after that
        # ``finally`` either way, so no second signal cuts this line short.
        sys.stderr.write(INTERRUPTED)
        raise SystemExit(exc.exit_code) from None


def _main() -> None:
    try:
        _install()
        from scaffold.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED)
        raise SystemExit(130) from None
    except Exception as exc:
        if os.environ.get("SCAFFOLD_DEBUG"):
            raise
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        sys.stderr.write(
            f"error: unexpected {type(exc).__name__}: {reason} "
            "(set SCAFFOLD_DEBUG=1 for the traceback, and please report it)\n"
        )
        raise SystemExit(1) from None
    finally:
        # Done (or reported): a signal from here on would only turn success into an error.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
