"""One error tree with the exit code each error leads to (DESIGN.md, "Exit codes")."""

from __future__ import annotations

import signal
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    CHECK_TRIPPED = 1  # an alert fired, a reconciliation gap over threshold, --strict found a problem
    USAGE = 2  # bad option, bad config
    DATA = 65  # malformed input where the command cannot go on (EX_DATAERR)
    SOFTWARE = 70  # a bug: an exception llmcost did not expect (EX_SOFTWARE)
    CANT_CREATE = 73  # cannot write an output (EX_CANTCREAT)
    IO = 74  # I/O error (EX_IOERR)
    BUSY = 75  # another writer holds the warehouse (EX_TEMPFAIL)
    SIGINT = 130  # interrupted: 128 + the signal's number, as a shell reports it
    SIGTERM = 143


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


class Interrupted(LlmcostError):
    """SIGINT or SIGTERM stopped the command; the message says what was kept."""

    exit_code = ExitCode.SIGINT

    def __init__(self, message: str, signum: int = signal.SIGINT) -> None:
        super().__init__(message)
        self.exit_code = ExitCode.SIGTERM if signum == signal.SIGTERM else ExitCode.SIGINT
