"""Vectorised cost derivation: resolve each distinct key once in Python, price every row in SQL.

`apply_prices` is what ingest runs on each staged batch and what `reprice` runs on the warehouse.
It never calls a price function per row: one aggregate pass finds the batch's distinct
(provider, model, service tier) keys, each new key is resolved into price cells (cached in the
Catalog for the run), the cells are loaded into a TEMP table (once per key and connection), and
one UPDATE ... FROM join sets `cost_usd` and `price_ref`. A batch of already-seen models costs
two small queries besides the UPDATE itself.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost.pricing.model import Cell, PriceKey
from llmcost.warehouse import sql as sqlrun
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

    from llmcost.pricing.catalog import Catalog

SQL = SqlFiles("llmcost.pricing")

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


def _quote_table(table: str) -> str:
    if not _IDENT.match(table):
        raise ValueError(f"not a table name: {table!r}")
    return ".".join(f'"{part}"' for part in table.split("."))


def statement(name: str, table: str, where_sql: str | None, *, source: str | None = None) -> str:
    """A shipped statement with its `{{holes}}` filled: cell_match and cost (one definition of
    the price join and the cost arithmetic for every statement that prices), usage_valid, the
    table (validated, quoted), the relation to read keys from, and the caller's WHERE."""
    quoted = _quote_table(table)
    pieces = {
        "cell_match": SQL.fragment("cell_match", usage_valid=SQL.fragment("usage_valid")),
        "usage_valid": SQL.fragment("usage_valid"),
        "cost": SQL.fragment("cost"),
        "source": source or quoted,
        "table": quoted,
        "where": where_sql or "TRUE",
    }
    holes = SQL.holes(name)
    return SQL.render(name, **{k: v for k, v in pieces.items() if k in holes})


def execute(
    con: duckdb.DuckDBPyConnection, statement_sql: str, params: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Run `statement_sql` with the `$parameters` it uses out of `params`."""
    return con.execute(statement_sql, sqlrun.bind(statement_sql, params or {}))


def table_exists(con: duckdb.DuckDBPyConnection, name: str, *, temporary: bool) -> bool:
    row = execute(con, SQL.text("table_exists"), {"name": name, "temporary": temporary}).fetchone()
    return bool(row and row[0])


def apply_prices(
    con: duckdb.DuckDBPyConnection,
    table: str,
    catalog: Catalog,
    *,
    where_sql: str | None = None,
    params: dict[str, Any] | None = None,
    record: bool = True,
) -> PricingSummary:
    """Set `cost_usd` and `price_ref` on the rows of `table` selected by `where_sql`.

    `table` is `requests` or any base table (TEMP staging tables included) with its pricing
    columns: ts, provider, model, service_tier, the token columns, cache_hit, cost_usd,
    price_ref. `where_sql` refers to those columns unqualified (or as `r.`); its values come in
    `params` as `$name` parameters. Runs inside the caller's transaction. With `record`, every price used is added
    to the warehouse's `prices` table (skipped when the connection has none).
    """
    params = dict(params or {})
    groups = [_Group(*row) for row in execute(con, statement("batch", table, where_sql), params).fetchall()]
    keys = sorted({g.key for g in groups if not g.cache_hit}, key=repr)
    cells = load_cells(con, catalog, keys)
    if any(g.dirty for g in groups):
        execute(con, statement("clear", table, where_sql), params)
    priced = 0
    if cells:
        done = execute(con, statement("price", table, where_sql), params).fetchone()
        priced = int(done[0]) if done else 0
    cache_hits = sum(g.requests for g in groups if g.cache_hit)
    if cache_hits:
        execute(con, statement("cache_hit", table, where_sql), {**params, "cache_hit_ref": CACHE_HIT_REF})
    if record and cells:
        record_prices(con, cells)
    return _summarise(con, table, where_sql, params, catalog, groups, priced + cache_hits)


@dataclass(frozen=True)
class _Group:
    provider: str | None
    model: str
    service_tier: str | None
    cache_hit: bool
    requests: int
    input_tokens: int
    output_tokens: int
    dirty: bool

    @property
    def key(self) -> PriceKey:
        return (self.provider, self.model, self.service_tier)


# Which price keys the TEMP cells table of each connection holds, and for which catalog: an
# ingest run prices many batches of the same few models, so cells are loaded once per key.
_LOADED: weakref.WeakKeyDictionary[Any, tuple[int, set[PriceKey]]] = weakref.WeakKeyDictionary()


def load_cells(con: duckdb.DuckDBPyConnection, catalog: Catalog, keys: list[PriceKey]) -> list[Cell]:
    """Make sure the TEMP table `_llmcost_price_cells` that the pricing statements join holds
    the cells of `keys` (resolving them if new to the catalog); returns those cells."""
    loaded = _LOADED.get(con)
    if loaded is None or loaded[0] != catalog.serial or not _cells_table_exists(con):
        con.execute(SQL.text("cells"))
        loaded = (catalog.serial, set())
        _LOADED[con] = loaded
    fresh = [cell for key in keys if key not in loaded[1] for cell in catalog.cells(key)]
    if fresh:
        _insert_cells(con, fresh)
    loaded[1].update(keys)
    return [cell for key in keys for cell in catalog.cells(key)]


def price_join(catalog: Catalog, keys: list[PriceKey]) -> tuple[dict[str, str], dict[str, Any]]:
    """What a read-only statement needs to price rows as `apply_prices` would, without its TEMP
    cells table and UPDATE (so Spark can run it): the fragments `cells` (a relation of the keys'
    price cells, the columns of cells.sql), `cell_match` and `cost` (the same join and arithmetic
    `apply_prices` uses, on `r` and `c`), and the parameters `cells` reads. Rows join at most one
    cell; a row that matches none (no price, or contradictory tokens) gets a NULL cost."""
    cells = [cell for key in sorted(set(keys), key=repr) for cell in catalog.cells(key)]
    rows = [_cell_params(c) for c in cells] or [dict.fromkeys(_CELL_PARAMS)]  # NULL c_model: no match
    row = SQL.fragment("cells_row")
    select = SQL.render("cells_select", rows=", ".join(_numbered(row, i) for i in range(len(rows))))
    params = {f"cell_{k}_{i}": v for i, r in enumerate(rows) for k, v in r.items()}
    fragments = {
        "cells": "\n".join(ln for ln in select.splitlines() if not ln.lstrip().startswith("--")),
        "cell_match": SQL.fragment("cell_match", usage_valid=SQL.fragment("usage_valid")),
        "cost": SQL.fragment("cost"),
    }
    return fragments, params


# The ends of the TIMESTAMP range both engines share, for a cell's missing bounds.
_EVER = datetime(1, 1, 1, tzinfo=UTC)
_NEVER = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
# The columns of `Price.atto()`, in its order.
_CELL_RATES = (
    "input",
    "cache_read",
    "cache_write_5m",
    "cache_write_1h",
    "output",
    "reasoning",
    "per_request",
)
_CELL_PARAMS = (
    "provider",
    "model",
    "service_tier",
    "from",
    "until",
    "tod_from",
    "tod_until",
    "above",
    "upto",
    *_CELL_RATES,
    "num",
    "den",
    "ref",
)


def _cell_params(c: Cell) -> dict[str, Any]:
    num, den = c.price.multiplier()
    values = (
        *c.key,
        c.valid_from or _EVER,
        c.valid_until or _NEVER,
        c.tod_from,
        c.tod_until,
        c.above,
        c.upto,
        *c.price.atto(),
        num,
        den,
        c.price.ref,
    )
    return dict(zip(_CELL_PARAMS, values, strict=True))


def keys_in(con: duckdb.DuckDBPyConnection, keys_sql: str, params: dict[str, Any]) -> list[PriceKey]:
    return sorted({(p, m, t) for p, m, t in execute(con, keys_sql, params).fetchall()}, key=repr)


def _cells_table_exists(con: duckdb.DuckDBPyConnection) -> bool:
    # A rolled-back transaction can take the TEMP table with it.
    return table_exists(con, "_llmcost_price_cells", temporary=True)


def _insert_cells(con: duckdb.DuckDBPyConnection, cells: list[Cell]) -> None:
    rows = []
    for c in cells:
        num, den = c.price.multiplier()
        rates = c.price.atto()
        rows.append(
            {
                "provider": c.key[0],
                "model": c.key[1],
                "service_tier": c.key[2],
                "valid_from": c.valid_from,
                "valid_until": c.valid_until,
                "tod_from": c.tod_from,
                "tod_until": c.tod_until,
                "above": c.above,
                "upto": c.upto,
                **dict(zip(_CELL_RATES, rates, strict=True)),
                "num": num,
                "den": den,
                "ref": c.price.ref,
            }
        )
    con.execute(*_multi_row(SQL.fragment("cells_insert"), rows))


# The price_refs each connection has recorded in its `prices` table (None: it has no such
# table), so a batch of already-seen models costs no query. A caller's rolled-back transaction
# can drop rows this believes recorded; `prices` explains refs, the ref itself still names the
# price (origin, qualifiers, catalog, digest).
_RECORDED: weakref.WeakKeyDictionary[Any, set[str] | None] = weakref.WeakKeyDictionary()


def record_prices(con: duckdb.DuckDBPyConnection, cells: list[Cell]) -> None:
    """Add the prices of `cells` to the warehouse's `prices` table, once each."""
    if con not in _RECORDED:
        _RECORDED[con] = set() if table_exists(con, "prices", temporary=False) else None
    done = _RECORDED[con]
    if done is None:
        return
    prices = {c.price.ref: c.price for c in cells if c.price.ref not in done}
    if not prices:
        return
    rows = [
        {
            "price_ref": p.ref,
            "source": p.source,
            "origin": p.origin,
            "qualifiers": " ".join(p.qualifiers) or None,
            "catalog": p.stamp,
            "input": p.input,
            "cached_input": p.cached_input,
            "cache_write_5m": p.cache_write_5m,
            "cache_write_1h": p.cache_write_1h,
            "output": p.output,
            "reasoning": p.reasoning,
            "per_request": p.per_request,
            "discount_percent": p.discount_percent,
            "discount_name": p.discount_name,
        }
        for _, p in sorted(prices.items())
    ]
    con.execute(*_multi_row(SQL.fragment("record_prices"), rows))
    done.update(prices)


_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def _multi_row(statement_sql: str, rows: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """One INSERT of all rows: DuckDB's executemany runs a statement per row (~1 ms each). The
    VALUES row is repeated, each copy's `$name` parameters suffixed with its row number."""
    head, _, tail = statement_sql.strip().rstrip(";").partition("VALUES")
    tail = tail.lstrip()
    end = _closing_paren(tail)
    one, rest = tail[: end + 1], tail[end + 1 :]
    copies = [_numbered(one, i) for i in range(len(rows))]
    params = {f"{k}_{i}": v for i, row in enumerate(rows) for k, v in row.items()}
    return f"{head}VALUES {', '.join(copies)}{rest}", params


def _numbered(row: str, i: int) -> str:
    """A VALUES row whose `$name` parameters are renamed `$name_<i>`."""
    return _PARAM.sub(lambda m: f"${m.group(1)}_{i}", row)


def _closing_paren(text: str) -> int:
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if depth == 0:
            return i
    raise ValueError("unbalanced parentheses in a VALUES row")


def _summarise(
    con: duckdb.DuckDBPyConnection,
    table: str,
    where_sql: str | None,
    params: dict[str, Any],
    catalog: Catalog,
    groups: list[_Group],
    priced: int,
) -> PricingSummary:
    row = execute(con, statement("totals", table, where_sql), params).fetchone()
    cost = Decimal(row[0]) if row and row[0] is not None else Decimal(0)
    requests = sum(g.requests for g in groups)
    cache_hits = sum(g.requests for g in groups if g.cache_hit)
    unknown = [g for g in groups if not g.cache_hit and not catalog.cells(g.key)]
    models: dict[tuple[str | None, str], UnpricedModel] = {}
    if priced + sum(g.requests for g in unknown) == requests:
        # Every unpriced row belongs to a model with no price at all: the batch pass told us.
        for g in unknown:
            _add_unpriced(models, g.provider, g.model, g.requests, g.input_tokens, g.output_tokens, 0, False)
    else:  # some rows of priced models were left out: ask which, and why
        for prov, model, tier, n, tin, tout, bad in execute(
            con, statement("unpriced", table, where_sql), params
        ).fetchall():
            known = bool(catalog.cells((prov, model, tier)))
            _add_unpriced(models, prov, model, int(n), int(tin or 0), int(tout or 0), int(bad), known)
    ordered = sorted(models.values(), key=lambda m: (-m.requests, m.model, m.provider or ""))
    return PricingSummary(requests, priced, cache_hits, cost, tuple(ordered))


def _add_unpriced(
    models: dict[tuple[str | None, str], UnpricedModel],
    provider: str | None,
    model: str,
    n: int,
    tin: int,
    tout: int,
    bad: int,
    known: bool,
) -> None:
    prev = models.get((provider, model))
    if prev is not None:
        n, tin, tout, bad = (
            n + prev.requests,
            tin + prev.input_tokens,
            tout + prev.output_tokens,
            bad + prev.inconsistent,
        )
        known = known or prev.reason != "no price for this model"
    if bad == n:
        reason = "inconsistent token counts"
    elif known:
        reason = "no price in force at the request time"
    else:
        reason = "no price for this model"
    models[(provider, model)] = UnpricedModel(provider, model, n, tin, tout, bad, reason)
