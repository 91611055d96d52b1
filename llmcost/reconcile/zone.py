"""Requests near the UTC day and month boundary, for a report read in another zone: invoices
bucket by UTC day, so a month report in America/New_York counts a different set of requests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from llmcost.numbers import usd
from llmcost.reconcile.keys import KeyMaker
from llmcost.reconcile.model import ZERO, ZONE_BOUNDARY, Explanation, money, ratio
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.reconcile")


def zone_boundary(
    con: duckdb.DuckDBPyConnection,
    keys: KeyMaker,
    providers: set[str],
    first_day: date,
    next_month: date,
    tz: str,
    gap: Decimal,
) -> Explanation | None:
    if tz == "UTC":
        return None
    zi = ZoneInfo(tz)
    params = {
        "since": datetime(first_day.year, first_day.month, 1, tzinfo=UTC),
        "until": datetime(next_month.year, next_month.month, 1, tzinfo=UTC),
        "local_since": datetime(first_day.year, first_day.month, 1, tzinfo=zi).astimezone(UTC),
        "local_until": datetime(next_month.year, next_month.month, 1, tzinfo=zi).astimezone(UTC),
        "tz": tz,
    }
    shifted_n, shifted, leaves, joins = 0, ZERO, ZERO, ZERO
    for provider, model, n, s_usd, l_usd, j_usd in con.execute(SQL.text("zone_shift"), params).fetchall():
        if keys.key(provider, model).provider not in providers:
            continue
        shifted_n += int(n)
        shifted += Decimal(s_usd)
        leaves += Decimal(l_usd)
        joins += Decimal(j_usd)
    moved = leaves - joins  # what the UTC month holds that the local month does not
    detail = (
        f"invoice days are UTC; in {tz}, {shifted_n} requests ({usd(shifted)}) fall on another day, "
        f"and a month report there counts {usd(moved)} less than the UTC month "
        f"({usd(leaves)} leaves the month, {usd(joins)} joins it)"
    )
    facts = {
        "tz": tz,
        "shifted_requests": shifted_n,
        "shifted_usd": money(shifted),
        "leaves_month_usd": money(leaves),
        "joins_month_usd": money(joins),
    }
    return Explanation(
        ZONE_BOUNDARY,
        "requests near the UTC day/month boundary (report zone is not UTC)",
        detail,
        moved,
        ratio(moved, gap),
        shifted_n,
        in_gap=False,
        facts=facts,
    )
