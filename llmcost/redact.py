"""Secrets that end up in logged fields (an API key pasted into a user id, a bearer token in a
feature name) are never echoed: rejects, conflicts, every report, alert, budget and reconciliation
output, the webhook body, the Prometheus textfile and error messages show them redacted.

Two layers: renderers redact each value before layout (a terminal table may fold a long value
over two lines, and half a key is still a leak), and every sink (the stdout and stderr consoles,
`write_stdout`, report files, the webhook body) redacts the finished text, so a value that reaches
an output some other way (a title, a note, an error message echoing an option) is caught too.
`llmcost export parquet` is the exception: it copies the data as stored, unless --redact.
"""

from __future__ import annotations

import re
from typing import IO, Any, cast

# RE2- and Python-compatible: the same pattern redacts in DuckDB SQL and in Python.
SECRET_PATTERN = r"(sk-[A-Za-z0-9_\-]{8,}|AKIA[0-9A-Z]{16}|(?i:bearer)\s+[A-Za-z0-9._\-]{16,})"
REDACTED = "[REDACTED]"
_SECRET = re.compile(SECRET_PATTERN)


def redact(text: str) -> str:
    # Every match starts with `sk-`, `AKIA` or a case-insensitive `bearer`: a text holding none of
    # them (nearly every one) is returned as it is, without scanning it with the whole pattern at
    # every position (a 230 kB JSON report: ~5 ms; issue 16). tests/security holds the two equal.
    if "sk-" not in text and "AKIA" not in text and "bearer" not in text.lower():
        return text
    return _SECRET.sub(REDACTED, text)


class RedactingStream:
    """A text stream that redacts what is written to it and passes everything else (isatty,
    fileno, encoding, flush, ...) to the stream it wraps: the file of the CLI's rich consoles."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(redact(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def redacting(stream: IO[str]) -> IO[str]:
    return cast("IO[str]", RedactingStream(stream))
