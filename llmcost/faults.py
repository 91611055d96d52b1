"""Fault injection for the crash tests: `crashpoint(name)` kills its own process with SIGKILL when
the environment asks for it, so a test can stop llmcost at an exact point (mid-batch, inside the
commit, between a rename's fsync and the rename) instead of hoping a timer lands there.

    LLMCOST_CRASH_AT=commit.before            # the first time that point is reached
    LLMCOST_CRASH_AT=commit.before:3          # the third time

SIGKILL, not an exception: nothing runs afterwards (no `finally`, no atexit, no DuckDB close), which is
exactly what a power cut or the OOM killer does. The variable is read once, at import; when it is
unset (always, outside tests) a crash point costs one comparison.

Points (grep `crashpoint(` for the list in the code):
    ingest.staging        a batch handed to the staging thread, the previous batch not yet committed
    segment.before_rename a segment's Parquet file written and fsynced under its temp name
    commit.before         inside the batch's transaction: segment registered, offsets advanced, no COMMIT
    commit.after          right after COMMIT, before the next batch
    export.before_rename  `export parquet`: every file written under the hidden staging directory
    export.mid_rename     `export parquet` into an existing directory: after the first day's file moved
"""

from __future__ import annotations

import os
import signal

ENV = "LLMCOST_CRASH_AT"


def _parse(value: str | None) -> tuple[str, int] | None:
    if not value:
        return None
    name, _, nth = value.partition(":")
    return name, int(nth) if nth.isdigit() and int(nth) >= 1 else 1


_TARGET = _parse(os.environ.get(ENV))
_hits = 0


def crashpoint(name: str) -> None:
    """SIGKILL this process if LLMCOST_CRASH_AT names this point (at its Nth hit)."""
    if _TARGET is None or _TARGET[0] != name:
        return
    global _hits
    _hits += 1
    if _hits >= _TARGET[1]:
        os.kill(os.getpid(), signal.SIGKILL)
