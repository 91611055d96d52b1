"""The one way llmcost reads, fills and runs the SQL files shipped beside its code.

Every statement lives in a `.sql` file in the `sql/` folder of the package that owns it, read with
`SqlFiles("llmcost.<package>")`. A file has two kinds of holes, and only these two:

- `{{name}}` is a *fragment* llmcost builds itself: a quoted table name, a dimension expression
  from the allow-list, the cost-mode column, a fixed predicate, a shared piece of SQL. Never a
  value a user typed.
- `$name` is a bound *parameter*: every value (dates, tenant ids, paths, amounts) goes in this way.

`render` insists that the fragments given and the `{{holes}}` in the file are the same set, so a
typo on either side fails at once instead of running a statement that reads something else.
`bind` keeps the parameters a statement uses (DuckDB rejects unused named parameters, and
fragments decide which ones appear) and names the ones missing.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

_FRAGMENT = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
# A string literal or a comment, whichever starts first: `--` inside a quoted path is not a comment,
# and a `$` inside a literal (a regex, a path) is not a parameter.
_STRING_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|--[^\n]*")


def _code(sql: str) -> str:
    """`sql` with string literals and comments blanked: what the engine reads as code."""
    return _STRING_OR_COMMENT.sub(" ", sql)


class SqlFiles:
    """The `.sql` files of one package: `SqlFiles("llmcost.queries").render("spend", by=...)`."""

    def __init__(self, package: str) -> None:
        self.package = package

    def text(self, name: str) -> str:
        """The file `<package>/sql/<name>.sql`, comments kept (they say why)."""
        return _read(self.package, name)

    def holes(self, name: str) -> frozenset[str]:
        """The `{{fragment}}` names file `name` asks for (comments ignored)."""
        return frozenset(_FRAGMENT.findall(_STRING_OR_COMMENT.sub(_comments_only, self.text(name))))

    def render(self, name: str, **fragments: str) -> str:
        """Statement `name` with each `{{hole}}` replaced by its fragment; both sets must match."""
        wanted = self.holes(name)
        if wanted != set(fragments):
            raise ValueError(
                f"{self.package}/sql/{name}.sql: holes {sorted(wanted)} but fragments {sorted(fragments)}"
            )
        return _FRAGMENT.sub(lambda m: fragments[m.group(1)], self.text(name))

    def fragment(self, name: str, **fragments: str) -> str:
        """File `name` without its comment lines, to be spliced into another statement; a
        fragment with `{{holes}}` of its own is filled as `render` fills a statement."""
        text = self.render(name, **fragments) if fragments or self.holes(name) else self.text(name)
        lines = text.splitlines()
        return "\n".join(line for line in lines if not line.lstrip().startswith("--")).strip()

    def run(
        self,
        con: duckdb.DuckDBPyConnection,
        name: str,
        params: dict[str, Any] | None = None,
        **fragments: str,
    ) -> list[tuple[Any, ...]]:
        """Render `name`, bind `params`, run it and fetch every row."""
        return run(con, self.render(name, **fragments), params or {})


def _comments_only(m: re.Match[str]) -> str:
    """Blank comments but keep string literals: a fragment may sit inside quotes (a JSON path)."""
    return " " if m.group(0).startswith("--") else m.group(0)


@cache
def _read(package: str, name: str) -> str:
    return resources.files(package).joinpath("sql", f"{name}.sql").read_text("utf-8")


def bind(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters `sql` refers to, from `params`; every `$name` it uses must have a value."""
    names = set(_PARAM.findall(_code(sql)))
    missing = names - params.keys()
    if missing:
        raise ValueError(f"no value for parameter(s) {sorted(missing)}")
    return {k: v for k, v in params.items() if k in names}


def run(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    """Run rendered `sql` with the parameters it uses and fetch every row."""
    return con.execute(sql, bind(sql, params or {})).fetchall()


def literal(text: str) -> str:
    """An SQL string literal, for text llmcost generates (a JSON path, a struct key), never input."""
    return "'" + text.replace("'", "''") + "'"
