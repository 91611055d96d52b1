"""Vectorised cost derivation: resolve each distinct key once in Python, price every row in SQL.

`apply_prices` is what ingest runs on each staged batch and what `reprice` runs on the warehouse.
It never calls a price function per row: the distinct (provider, model, service tier) keys of the
batch are resolved into price cells (cached in the Catalog across batches), the cells are loaded
into a TEMP table, and one UPDATE ... FROM join sets `cost_usd` and `price_ref`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from llmcost.pricing.config import CostMode

if TYPE_CHECKING:
    import duckdb

    from llmcost.pricing.catalog import Catalog
    from llmcost.pricing.resolve import Cell, PriceKey

CACHE_HIT_REF = "app-cache-hit: served from an application cache, no provider call"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


@dataclass(frozen=True)
class UnpricedModel:
    provider: str | None
    model: str
    requests: int
    input_tokens: int
    output_tokens: int
    inconsistent: int  # rows left unpriced because their token counts contradict each other
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "requests": self.requests,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "inconsistent": self.inconsistent,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class PricingSummary:
    """What one derivation did: how many rows it priced, and what it could not price."""

    requests: int
    priced: int
    cache_hits: int
    cost_usd: Decimal
    unpriced_models: tuple[UnpricedModel, ...]

    @property
    def unpriced(self) -> int:
        return self.requests - self.priced

    @property
    def unpriced_tokens(self) -> int:
        return sum(m.input_tokens + m.output_tokens for m in self.unpriced_models)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "priced": self.priced,
            "unpriced": self.unpriced,
            "unpriced_tokens": self.unpriced_tokens,
            "cache_hits": self.cache_hits,
            "cost_usd": self.cost_usd,
            "unpriced_models": [m.as_dict() for m in self.unpriced_models],
        }


@cache
def sql(name: str) -> str:
    """A statement shipped in llmcost/pricing/sql/."""
    return resources.files("llmcost.pricing").joinpath("sql", name).read_text("utf-8")


def _quote_table(table: str) -> str:
    if not _IDENT.match(table):
        raise ValueError(f"not a table name: {table!r}")
    return ".".join(f'"{part}"' for part in table.split("."))


def _fragment(name: str) -> str:
    """A shared SQL fragment without its comment lines, for splicing into a statement."""
    return "\n".join(line for line in sql(name).splitlines() if not line.lstrip().startswith("--")).strip()


def statement(name: str, table: str, where_sql: str | None, *, source: str | None = None) -> str:
    """A shipped statement with its fragments spliced in: {cell_match} and {cost} (one
    definition of the price join and the cost arithmetic for every statement that prices),
    the table (validated, quoted), the relation to read keys from, and the caller's WHERE."""
    quoted = _quote_table(table)
    return (
        sql(name)
        .replace("{cell_match}", _fragment("cell_match.sql"))
        .replace("{usage_valid}", _fragment("usage_valid.sql"))
        .replace("{cost}", _fragment("cost.sql"))
        .replace("{source}", source or quoted)
        .replace("{table}", quoted)
        .replace("{where}", where_sql or "TRUE")
    )


def apply_prices(
    con: duckdb.DuckDBPyConnection,
    table: str,
    catalog: Catalog,
    *,
    where_sql: str | None = None,
    params: list[Any] | None = None,
    record: bool = True,
) -> PricingSummary:
    """Set `cost_usd` and `price_ref` on the rows of `table` selected by `where_sql`.

    `table` is `requests` or any base table (TEMP staging tables included) with its pricing
    columns: ts, provider, model, service_tier, the token columns, cache_hit, cost_usd,
    price_ref. `where_sql` refers to those columns unqualified (or as `r.`); its values come in
    `params`. Runs inside the caller's transaction. With `record`, every price used is added
    to the warehouse's `prices` table (skipped when the connection has none).
    """
    params = list(params or [])
    cells = load_cells(con, catalog, statement("keys.sql", table, where_sql), params)
    con.execute(statement("clear.sql", table, where_sql), params)
    if cells:
        con.execute(statement("price.sql", table, where_sql), params)
    con.execute(statement("cache_hit.sql", table, where_sql), [CACHE_HIT_REF, *params])
    if record and cells:
        record_prices(con, cells)
    return _summarise(con, table, where_sql, params, catalog)


def load_cells(
    con: duckdb.DuckDBPyConnection, catalog: Catalog, keys_sql: str, params: list[Any]
) -> list[Cell]:
    """Resolve the distinct keys `keys_sql` returns and load their cells into the TEMP table
    `_llmcost_price_cells` that the pricing statements join."""
    keys: list[PriceKey] = [(p, m, t) for p, m, t in con.execute(keys_sql, params).fetchall()]
    cells = [cell for key in keys for cell in catalog.cells(key)]
    con.execute(sql("cells.sql"))
    if cells:
        _insert_cells(con, cells)
    return cells


def _insert_cells(con: duckdb.DuckDBPyConnection, cells: list[Cell]) -> None:
    rows = []
    for c in cells:
        num, den = c.price.multiplier()
        rows.append(
            [
                c.key[0],
                c.key[1],
                c.key[2],
                c.valid_from,
                c.valid_until,
                c.tod_from,
                c.tod_until,
                c.above,
                c.upto,
                *c.price.atto(),
                num,
                den,
                c.price.ref,
            ]
        )
    # One multi-row INSERT: DuckDB's executemany runs a statement per row (~1 ms each).
    one = sql("cells_insert.sql").strip().rstrip(";")
    head, _, values = one.partition("VALUES")
    con.execute(head + "VALUES " + ",\n".join([values.strip()] * len(rows)), [v for row in rows for v in row])


def record_prices(con: duckdb.DuckDBPyConnection, cells: list[Cell]) -> None:
    has_table = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'prices' AND NOT temporary"
    ).fetchone()
    if not has_table or not has_table[0]:
        return
    prices = {c.price.ref: c.price for c in cells}
    known = {
        r[0]
        for r in con.execute(
            "SELECT price_ref FROM prices WHERE list_contains(?, price_ref)", [list(prices)]
        ).fetchall()
    }
    rows = [
        [
            p.ref,
            p.source,
            p.origin,
            " ".join(p.qualifiers) or None,
            p.stamp,
            p.input,
            p.cached_input,
            p.cache_write_5m,
            p.cache_write_1h,
            p.output,
            p.reasoning,
            p.per_request,
            p.discount_percent,
            p.discount_name,
        ]
        for ref, p in sorted(prices.items())
        if ref not in known
    ]
    if rows:
        con.executemany(sql("record_prices.sql"), rows)


def _summarise(
    con: duckdb.DuckDBPyConnection, table: str, where_sql: str | None, params: list[Any], catalog: Catalog
) -> PricingSummary:
    total = con.execute(statement("totals.sql", table, where_sql), params).fetchone()
    assert total is not None
    requests, priced, cache_hits, cost = total
    grouped: dict[tuple[str | None, str], list[int]] = {}
    known: dict[tuple[str | None, str], bool] = {}
    for provider, model, tier, n, tin, tout, bad in con.execute(
        statement("unpriced.sql", table, where_sql), params
    ).fetchall():
        acc = grouped.setdefault((provider, model), [0, 0, 0, 0])
        for i, v in enumerate((n, tin, tout, bad)):
            acc[i] += int(v or 0)
        known[(provider, model)] = known.get((provider, model), False) or bool(
            catalog.cells((provider, model, tier))
        )
    models = []
    for (provider, model), (n, tin, tout, bad) in grouped.items():
        if bad == n:
            reason = "inconsistent token counts"
        elif known[(provider, model)]:
            reason = "no price in force at the request time"
        else:
            reason = "no price for this model"
        models.append(UnpricedModel(provider, model, n, tin, tout, bad, reason))
    models.sort(key=lambda m: (-m.requests, m.model, m.provider or ""))
    return PricingSummary(int(requests), int(priced), int(cache_hits), Decimal(cost), tuple(models))


# Which columns each cost mode reads, in order of preference.
_COST_COLUMNS: dict[str, tuple[str, ...]] = {
    "derived": ("cost_usd",),
    "logged": ("logged_cost_usd",),
    "auto": ("logged_cost_usd", "cost_usd"),
}


def cost_sql(mode: CostMode | str, alias: str | None = None) -> str:
    """The SQL expression for a request's cost under a cost mode (ccusage's display modes):
    derived = re-derived from prices (default), logged = what the middleware logged,
    auto = logged when present, else derived."""
    try:
        columns = _COST_COLUMNS[mode]
    except KeyError:
        raise ValueError(f"unknown cost mode {mode!r} (use derived, logged or auto)") from None
    if alias is not None and (not _IDENT.match(alias) or "." in alias):
        raise ValueError(f"not a table alias: {alias!r}")
    refs = [f"{alias}.{c}" if alias else c for c in columns]
    return refs[0] if len(refs) == 1 else f"coalesce({', '.join(refs)})"


def unpriced_sql(mode: CostMode | str, alias: str | None = None) -> str:
    """The predicate for a request with no cost under a cost mode (counted, never shown as $0)."""
    return f"({cost_sql(mode, alias)}) IS NULL"
