"""SIGINT and SIGTERM, turned into one clean way out.

`handling()` (the CLI wraps every command in it) installs a handler for both signals that records
which one came and raises `Signalled`, a BaseException: no `except Exception` on the way swallows it,
and click does not turn it into its own Abort (it would for a KeyboardInterrupt). A signal can also
surface as something else: DuckDB, interrupted in a query, raises its own error. So callers ask
`received()`, not the exception's type, whether the run was interrupted.

`deferred()` holds a signal back for a few statements that must not be cut in two (a batch's COMMIT
and the counting of it): the signal is raised when the block ends, so it lands before or after the
commit, never inside it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Signalled(BaseException):
    """Raised in the main thread when SIGINT or SIGTERM arrives."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_received: int | None = None  # the first signal of this run
_raised = False  # Signalled raised once already: later signals are noted, not raised again
_deferring = 0
_batch_level = 0  # the `_deferring` depth a between_batches() block holds; deferred() raises at it


def received() -> int | None:
    """The signal that interrupted this run, if one did."""
    return _received


def exit_code(signum: int) -> int:
    """The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM)."""
    return 128 + signum


def _handler(signum: int, frame: FrameType | None) -> None:
    global _received, _raised
    if _received is None:
        _received = signum
    if _deferring or _raised:
        return
    _raised = True
    raise Signalled(_received)


@contextmanager
def handling() -> Iterator[None]:
    """Install the handler for the block (main thread only), then put the previous ones back."""
    global _received, _raised, _deferring, _batch_level
    _received, _raised, _deferring, _batch_level = None, False, 0, 0
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    for s in SIGNALS:
        signal.signal(s, _handler)
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


@contextmanager
def deferred() -> Iterator[None]:
    """A signal that arrives inside the block is raised when it ends (if the block raised nothing)."""
    global _deferring, _raised
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
    if _deferring == _batch_level and _received is not None and not _raised:
        _raised = True
        raise Signalled(_received)


@contextmanager
def between_batches() -> Iterator[None]:
    """A signal inside the block is raised after the next `deferred()` block (a batch's COMMIT) ends,
    or when this block ends: the batch in flight is finished, never cut in two or rolled back."""
    global _deferring, _raised, _batch_level
    _deferring += 1
    outer = _batch_level
    _batch_level = _deferring
    try:
        yield
    finally:
        _deferring -= 1
        _batch_level = outer
    if _deferring == _batch_level and _received is not None and not _raised:
        _raised = True
        raise Signalled(_received)


def stop_requested() -> bool:
    """A signal came (raised or still held back): a loop should not start another round."""
    return _received is not None


def acknowledge() -> None:
    """The command stopped as the signal asked (between passes, its work committed): exit 0."""
    global _received, _raised
    _received, _raised = None, False
