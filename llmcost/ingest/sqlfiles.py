"""The ingest SQL files, shipped in the package and read with importlib.resources."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@cache
def sql(name: str) -> str:
    return resources.files("llmcost.ingest").joinpath("sql", name).read_text("utf-8")


def render(name: str, **names: str) -> str:
    """Fill the {{placeholders}} of an SQL file with our own identifiers and generated SQL
    (never input values: those are always bound parameters)."""
    return _PLACEHOLDER.sub(lambda m: names[m.group(1)], sql(name))


def sql_str(s: str) -> str:
    """An SQL string literal (for generated SQL text such as JSON structures)."""
    return "'" + s.replace("'", "''") + "'"
