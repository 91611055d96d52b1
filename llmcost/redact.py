"""Secrets that end up in logged fields (an API key pasted into a user id, a bearer token in a
feature name) are never echoed: rejects, conflicts and every report output show them redacted."""

from __future__ import annotations

import re

# RE2- and Python-compatible: the same pattern redacts in DuckDB SQL and in Python.
SECRET_PATTERN = r"(sk-[A-Za-z0-9_\-]{8,}|AKIA[0-9A-Z]{16}|(?i:bearer)\s+[A-Za-z0-9._\-]{16,})"
REDACTED = "[REDACTED]"
_SECRET = re.compile(SECRET_PATTERN)


def redact(text: str) -> str:
    return _SECRET.sub(REDACTED, text)
