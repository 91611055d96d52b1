"""Fault injection for the crash tests: `crashpoint(name)` kills its own process with SIGKILL when
the environment asks for it, so a test can stop llmcost at an exact point (mid-batch, inside the
commit, between a rename's fsync and the rename) instead of hoping a timer lands there.

    LLMCOST_CRASH_AT=commit.before            # the first time that point is reached
    LLMCOST_CRASH_AT=commit.before:3          # the third time

SIGKILL, not an exception: nothing runs afterwards (no `finally`, no atexit, no DuckDB close), which is
exactly what a power cut or the OOM killer does. The variable is read once, at import; when it is
unset (always, outside tests) a crash point costs one comparison.

Points (grep `crashpoint(` for the list in the code):
    ingest.staging        a batch staged (its rows in the TEMP table), not yet committed
    segment.before_rename a segment's Parquet file written and fsynced under its temp name
    commit.before         inside the batch's transaction: segment registered, offsets advanced, no COMMIT
    commit.after          right after COMMIT, before the next batch
    spark.written         `ingest --engine spark`: Spark's folder written and renamed, nothing committed
    export.before_rename  `export parquet`: every file written under the hidden staging directory
    export.mid_rename     `export parquet` into an existing directory: after the first day's file moved
    config.load           the config file about to be read (every command that reads a config)
    snapshot.before_manifest  a writer closing: snapshot tables written, manifest not yet renamed
    lake.segment          `lake publish`: after one segment's copy
    lake.before_manifest  `lake publish`: everything copied, the lake's manifest not yet written
    watch.before_record   `watch`: alerts found, their rows and the checked mark not yet committed
    watch.recorded        `watch`: alerts recorded as unsent, not yet posted
    watch.posted          `watch`: the webhook answered, the alerts not yet marked sent

The same points take two more faults, for the interrupt and internal-error tests:

    LLMCOST_SIGNAL_AT=commit.after:2          # send this process SIGINT at the 2nd hit
    LLMCOST_SIGNAL_AT=commit.after:2:SIGTERM  # ... or SIGTERM
    LLMCOST_FAIL_AT=config.load               # raise RuntimeError there (a bug, as llmcost sees it)
"""

from __future__ import annotations

import os
import signal

ENV = "LLMCOST_CRASH_AT"
SIGNAL_ENV = "LLMCOST_SIGNAL_AT"
FAIL_ENV = "LLMCOST_FAIL_AT"


def _parse(value: str | None) -> tuple[str, int] | None:
    if not value:
        return None
    name, _, nth = value.partition(":")
    nth = nth.partition(":")[0]
    return name, int(nth) if nth.isdigit() and int(nth) >= 1 else 1


def _signal(value: str | None) -> signal.Signals:
    name = (value or "").split(":")[2:3]
    return signal.Signals[name[0].upper()] if name and name[0] else signal.SIGINT


_TARGET = _parse(os.environ.get(ENV))
_SIGNAL_TARGET = _parse(os.environ.get(SIGNAL_ENV))
_SIGNAL = _signal(os.environ.get(SIGNAL_ENV))
_FAIL_TARGET = _parse(os.environ.get(FAIL_ENV))
_hits: dict[str, int] = {}


def _due(target: tuple[str, int] | None, name: str, env: str) -> bool:
    if target is None or target[0] != name:
        return False
    _hits[env] = _hits.get(env, 0) + 1
    return _hits[env] == target[1] or (env == ENV and _hits[env] > target[1])


def crashpoint(name: str) -> None:
    """SIGKILL this process if LLMCOST_CRASH_AT names this point (at its Nth hit); send it SIGINT
    (or the named signal) if LLMCOST_SIGNAL_AT does; raise RuntimeError if LLMCOST_FAIL_AT does."""
    if _TARGET is None and _SIGNAL_TARGET is None and _FAIL_TARGET is None:
        return
    if _due(_TARGET, name, ENV):
        os.kill(os.getpid(), signal.SIGKILL)
    if _due(_SIGNAL_TARGET, name, SIGNAL_ENV):
        os.kill(os.getpid(), _SIGNAL)
    if _due(_FAIL_TARGET, name, FAIL_ENV):
        raise RuntimeError(f"injected failure at {name} ({FAIL_ENV})")
