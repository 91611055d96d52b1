"""Billed against estimated, line by line: the invoice's lines and the logs' priced requests
keyed alike (provider, model across snapshots and aliases, UTC day), by token type for a
provider whose invoice has token types."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost.reconcile.keys import Key, KeyMaker
from llmcost.reconcile.lines import TOKEN_TYPES
from llmcost.reconcile.model import ZERO, Line
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

MTOK = Decimal(1_000_000)
_CLASSES = ("input", "cache_read", "cache_write_5m", "cache_write_1h", "output", "reasoning")
_RATE_OF = {
    "input": "input_mtok",
    "cache_read": "cached_input_mtok",
    "cache_write_5m": "cache_write_5m_mtok",
    "cache_write_1h": "cache_write_1h_mtok",
    "output": "output_mtok",
    "reasoning": "reasoning_mtok",
}

SQL = SqlFiles("llmcost.reconcile")


@dataclass(frozen=True)
class Scope:
    since: Any  # aware UTC datetime, first instant of the month
    until: Any
    first_day: date
    next_month: date
    file_ids: tuple[int, ...] | None  # None: every imported file
    provider: str | None  # canonical, or None for every invoiced provider


@dataclass(frozen=True)
class Comparison:
    lines: list[Line]
    typed: dict[str, bool]  # provider -> its invoice has token types
    logged_days: set[tuple[str, date]]  # (provider, day) with any request
    billed_days: set[tuple[str, date]]
    aliases: list[tuple[str, str, tuple[str, ...]]]


def billed_rows(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[tuple[Any, ...]]:
    return con.execute(
        SQL.text("billed_lines"),
        {
            "first_day": scope.first_day,
            "next_month": scope.next_month,
            "all_files": scope.file_ids is None,
            "file_ids": list(scope.file_ids or ()),
        },
    ).fetchall()


def overlaps(con: duckdb.DuckDBPyConnection, scope: Scope) -> list[str]:
    """A note for each provider whose lines come from more than one file for the same model and day."""
    rows = con.execute(
        SQL.text("overlaps"),
        {
            "first_day": scope.first_day,
            "next_month": scope.next_month,
            "all_files": scope.file_ids is None,
            "file_ids": list(scope.file_ids or ()),
        },
    ).fetchall()
    by: dict[str, set[date]] = defaultdict(set)
    for provider, _model, day, _files in rows:
        by[provider].add(day)
    return [
        f"{p}: {len(days)} day(s) billed for the same model by more than one imported file "
        f"(first {min(days).isoformat()}); name the files to reconcile, or they are counted twice"
        for p, days in sorted(by.items())
    ]


def _prices(con: duckdb.DuckDBPyConnection, refs: list[str]) -> dict[str, dict[str, Decimal]]:
    if not refs:
        return {}
    cur = con.execute(SQL.text("prices_used"), {"refs": refs})
    names = [d[0] for d in cur.description]
    return {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in cur.fetchall()}


def _class_costs(
    price: dict[str, Decimal] | None, tokens: dict[str, int], requests: int
) -> dict[str, Decimal]:
    """Each token class's cost at a recorded price (discount applied), exact Decimals."""
    if price is None:
        return {}
    keep = 1 - Decimal(price["discount_percent"]) / 100
    out = {c: Decimal(tokens[c]) * Decimal(price[_RATE_OF[c]]) / MTOK * keep for c in _CLASSES}
    out["output"] += out.pop("reasoning")
    out["other"] = Decimal(price["per_request_usd"]) * requests * keep
    return out


def compare(con: duckdb.DuckDBPyConnection, keys: KeyMaker, scope: Scope) -> Comparison:
    billed = billed_rows(con, scope)
    groups = con.execute(SQL.text("estimate_groups"), {"since": scope.since, "until": scope.until}).fetchall()
    keys.learn_providers([(g[0], g[1]) for g in groups])
    invoiced = {keys.provider(b[0]) for b in billed}
    if scope.provider is not None:
        invoiced &= {scope.provider}
    typed = {p: all(b[2] is not None for b in billed if keys.provider(b[0]) == p) for p in invoiced}

    lines: dict[tuple[str, str, date, str | None], Line] = {}

    def line(k: Key, day: date, token: str | None) -> Line:
        slot = (k.provider, k.model, day, token)
        if slot not in lines:
            lines[slot] = Line(k.provider, k.model, day, token)
        return lines[slot]

    billed_days: set[tuple[str, date]] = set()
    billed_names: dict[Key, set[str]] = defaultdict(set)
    for provider, model, token, day, amount, _n in billed:
        k = keys.key(provider, model)
        if k.provider not in invoiced:
            continue
        ln = line(k, day, token if typed[k.provider] else None)
        ln.billed += Decimal(amount)
        if model:
            ln.billed_as.add(model)
            billed_names[k].add(model)
        billed_days.add((k.provider, day))

    prices = _prices(con, sorted({g[3] for g in groups if g[3]}))
    logged_days: set[tuple[str, date]] = set()
    logged_names: dict[Key, set[str]] = defaultdict(set)
    for g in groups:
        provider, model, day, ref, failed, n, unpriced, _hits, cost = g[:9]
        k = keys.key(provider, model)
        if k.provider not in invoiced:
            continue
        logged_days.add((k.provider, day))
        logged_names[k].add(model)
        tokens = dict(zip(_CLASSES, (int(t or 0) for t in g[9:]), strict=True))
        cost_usd = Decimal(cost) if cost is not None else ZERO
        price = prices.get(ref) if ref else None
        by_class = _class_costs(price, tokens, n - _hits) if cost is not None else {}
        if not by_class and cost_usd:  # a price the warehouse did not record: the total only
            by_class = {"other": cost_usd}
        if typed[k.provider]:
            targets = [
                (line(k, day, t), by_class.get(t, ZERO)) for t in TOKEN_TYPES if t in by_class or t == "input"
            ]
        else:
            targets = [(line(k, day, None), cost_usd)]
        for i, (ln, amount) in enumerate(targets):
            ln.estimated += amount
            ln.logged_as.add(model)
            if failed:
                ln.failed_usd += amount
            if i == 0:  # request counts go to one line of the group
                ln.requests += n
                ln.unpriced += unpriced
                ln.failed += n if failed else 0
        if not typed[k.provider] and price is not None:
            delta = Decimal(price["cache_write_1h_mtok"]) - Decimal(price["cache_write_5m_mtok"])
            keep = 1 - Decimal(price["discount_percent"]) / 100
            targets[0][0].cache_1h_delta += Decimal(tokens["cache_write_5m"]) * delta / MTOK * keep

    for ln in lines.values():  # typed estimates are exact Decimals: bring them to the money scale
        ln.estimated = ln.estimated.quantize(Decimal("0.000000001"))
        ln.failed_usd = ln.failed_usd.quantize(Decimal("0.000000001"))
    aliases = sorted(
        (k.provider, ", ".join(sorted(logged_names[k])), tuple(sorted(names - logged_names[k])))
        for k, names in billed_names.items()
        if logged_names.get(k) and names - logged_names[k]
    )
    ordered = sorted(lines.values(), key=lambda ln: (ln.provider, ln.model, ln.day, ln.token_type or ""))
    return Comparison(ordered, typed, logged_days, billed_days, aliases)
