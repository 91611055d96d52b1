"""One error tree with the exit code each error leads to (DESIGN.md, "Exit codes")."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    CHECK_TRIPPED = 1  # an alert fired, a reconciliation gap over threshold, --strict found a problem
    USAGE = 2  # bad option, bad config
    DATA = 65  # malformed input where the command cannot go on (EX_DATAERR)
    CANT_CREATE = 73  # cannot write an output (EX_CANTCREAT)
    IO = 74  # I/O error (EX_IOERR)
    BUSY = 75  # another writer holds the warehouse (EX_TEMPFAIL)


class LlmcostError(Exception):
    """Base of every error llmcost reports to a user; the message is shown as it is."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(LlmcostError):
    exit_code = ExitCode.USAGE


class ConfigError(LlmcostError):
    exit_code = ExitCode.USAGE


class InputError(LlmcostError):
    """Input that cannot be read at all (not one bad line: those are quarantined)."""

    exit_code = ExitCode.DATA


class OutputError(LlmcostError):
    exit_code = ExitCode.CANT_CREATE


class StorageError(LlmcostError):
    exit_code = ExitCode.IO


class WarehouseBusy(LlmcostError):
    exit_code = ExitCode.BUSY


class CheckFailed(LlmcostError):
    exit_code = ExitCode.CHECK_TRIPPED
