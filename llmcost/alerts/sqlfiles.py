"""The SQL files shipped in llmcost/alerts/sql/, with the fragments llmcost itself builds.

Fragments are fixed text chosen by llmcost (the cost-mode expression, a predicate); every value
a user gives (dates, tenant ids, event names) is a bound `$parameter`.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


@cache
def load(name: str) -> str:
    return resources.files("llmcost.alerts").joinpath("sql").joinpath(f"{name}.sql").read_text("utf-8")


def render(name: str, **fragments: str) -> str:
    """The statement `name` with its `{placeholders}` filled; each must be given and used."""
    text = load(name)
    wanted = set(_PLACEHOLDER.findall(_COMMENT.sub("", text)))
    if wanted != set(fragments):
        raise ValueError(f"{name}.sql: placeholders {sorted(wanted)} but fragments {sorted(fragments)}")
    return _PLACEHOLDER.sub(lambda m: fragments[m.group(1)], text)


def run(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any], **fragments: str
) -> list[tuple[Any, ...]]:
    sql = render(name, **fragments)
    used = set(_PARAM.findall(_COMMENT.sub("", sql)))
    missing = used - params.keys()
    if missing:
        raise ValueError(f"{name}.sql: no value for {sorted(missing)}")
    return con.execute(sql, {k: v for k, v in params.items() if k in used}).fetchall()
