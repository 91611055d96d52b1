"""Application log lines as apps write them: through python-json-logger, the real logging library."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import duckdb


def log_json(path: Path, records: list[tuple[str, dict[str, Any]]]) -> Path:
    """Write `logger.info(message, extra=...)` lines through python-json-logger's JsonFormatter."""
    from pythonjsonlogger.json import JsonFormatter

    handler = logging.FileHandler(path, mode="w")
    handler.setFormatter(JsonFormatter("%(message)s %(asctime)s", timestamp=True))
    logger = logging.getLogger(f"llmcost-test-{path}")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        for message, extra in records:
            logger.info(message, extra=extra)
    finally:
        handler.close()
        logger.handlers = []
    return path


def request_rows(db: Path, columns: str) -> list[tuple[Any, ...]]:
    """The warehouse's requests in the order of their lines."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT {columns} FROM requests ORDER BY source_line").fetchall()
    finally:
        con.close()
