"""`--pager`: a command's stdout goes through a pager (LLMCOST_PAGER, else PAGER, else `less -R`),
the way git pages its log. Only on a terminal: piped output is never paged.

`start()` swaps `sys.stdout` for the pager's stdin before anything is written (consoles are built
on first use), and keeps the terminal's width in COLUMNS so tables are drawn for the screen the
pager shows, not for a pipe; `stop()` closes the pipe and waits for the reader to quit.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from typing import IO

_pager: subprocess.Popen[bytes] | None = None
_saved: tuple[IO[str], str | None] | None = None


def command() -> str:
    """The pager's command line: LLMCOST_PAGER, else PAGER, else `less -R`."""
    for name in ("LLMCOST_PAGER", "PAGER"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return "less -R"


def active() -> bool:
    return _pager is not None


def start() -> bool:
    """Page stdout from here on; False (and nothing changed) when stdout is not a terminal."""
    global _pager, _saved
    if _pager is not None:
        return True
    if not sys.stdout.isatty():
        return False
    width = shutil.get_terminal_size().columns
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # like git: quit when it fits one screen, keep colours
    _pager = subprocess.Popen(command(), shell=True, stdin=subprocess.PIPE, env=env)
    assert _pager.stdin is not None
    sys.stdout.flush()
    _saved = (sys.stdout, os.environ.get("COLUMNS"))
    os.environ["COLUMNS"] = str(width)
    raw = open(_pager.stdin.fileno(), "wb", closefd=False)  # noqa: SIM115  (closed in stop)
    sys.stdout = _PagerInput(raw, encoding="utf-8", errors="replace")
    _clear_consoles()
    return True


def stop() -> None:
    """Close the pager's input and wait until the reader quits it."""
    global _pager, _saved
    if _pager is None or _saved is None:
        return
    pager, (stdout, columns) = _pager, _saved
    _pager = _saved = None
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader quit before the end
        pass
    finally:
        with contextlib.suppress(BrokenPipeError):
            sys.stdout.close()
        sys.stdout = stdout
        if columns is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = columns
        _clear_consoles()
    if pager.stdin is not None:
        with contextlib.suppress(BrokenPipeError):
            pager.stdin.close()
    pager.wait()


class _PagerInput(io.TextIOWrapper):
    """The pager's stdin: once the reader quits (q in less), the rest of the output is dropped
    quietly instead of failing the command with a broken pipe."""

    def write(self, s: str) -> int:
        try:
            return super().write(s)
        except BrokenPipeError:
            return len(s)

    def flush(self) -> None:
        with contextlib.suppress(BrokenPipeError):
            super().flush()


def _clear_consoles() -> None:
    if "llmcost.cli.common" in sys.modules:
        from llmcost.cli.common import out_console

        out_console.cache_clear()
