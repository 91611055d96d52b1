"""The named SQL files shipped in llmcost/queries/sql/, and how fragments go into them.

A statement is a file with `{placeholders}` for fragments llmcost builds itself (dimension
expressions from the allowlist, the cost-mode column, fixed predicates); every value a user
gives goes in as a bound `$parameter`, never into the text.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@cache
def load(name: str) -> str:
    """The text of `llmcost/queries/sql/<name>.sql`, comments kept (they say why)."""
    return resources.files("llmcost.queries").joinpath("sql").joinpath(f"{name}.sql").read_text("utf-8")


def render(name: str, **fragments: str) -> str:
    """The statement `name` with each `{placeholder}` replaced by its fragment.

    Every placeholder in the file must be given, and every fragment must be used, so a typo in
    either is an error at once rather than a statement that silently reads something else.
    """
    text = load(name)
    wanted = set(_PLACEHOLDER.findall(text))
    given = set(fragments)
    if wanted != given:
        raise ValueError(f"{name}.sql: placeholders {sorted(wanted)} but fragments {sorted(given)}")
    return _PLACEHOLDER.sub(lambda m: fragments[m.group(1)], text)


_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
# A string literal or a comment, whichever starts first: `--` inside a quoted path is not a comment.
_STRING_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|--[^\n]*")


def used_params(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters `sql` refers to: DuckDB rejects a named parameter the statement does not use,
    and fragments (an open window side, no filters) decide which ones appear."""
    # A `$` in a comment or a string literal (a path, a regex) is not a parameter.
    names = set(_PARAM.findall(_STRING_OR_COMMENT.sub(" ", sql)))
    missing = names - params.keys()
    if missing:
        raise ValueError(f"no value for parameter(s) {sorted(missing)}")
    return {k: v for k, v in params.items() if k in names}


def run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    return con.execute(sql, used_params(sql, params)).fetchall()
