"""Spend numbers, checked against two independent computations: the raw log lines (plain Python,
Decimal) and polars over the warehouse's Parquet segment files."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from llmcost.errors import UsageError
from llmcost.queries import Scope, SpendQuery, Window, parse_by, parse_where, spend
from llmcost.queries.session import prepare
from llmcost.warehouse import reader
from tests.report.helpers import APP_LOG, Reference


@pytest.fixture
def con(app_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with reader(app_db) as wh:
        yield prepare(wh)


def logged(by: str, *, top: int | None = None, sort: str | None = None) -> SpendQuery:
    return SpendQuery(parse_by([by]), Scope(Window(), cost_mode="logged"), top=top, sort=sort)


def test_by_tenant_matches_the_raw_lines(con: duckdb.DuckDBPyConnection) -> None:
    ref = Reference.from_lines(APP_LOG).spend_by("tenantId")
    rep = spend(con, logged("tenant"))
    got = {r["tenant"]: r for r in rep.rows}
    assert set(got) == set(ref)
    for tenant, want in ref.items():
        row = got[tenant]
        assert row["requests"] == want["requests"]
        assert row["input_tokens"] == want["input"] and row["output_tokens"] == want["output"]
        assert row["failures"] == want["failures"]
        assert row["unpriced_requests"] == want["unpriced"]
        assert row["cost_usd"] == want["cost"], tenant
    assert rep.totals is not None
    assert rep.totals["cost_usd"] == sum((w["cost"] for w in ref.values()), Decimal(0))
    assert rep.totals["requests"] == sum(w["requests"] for w in ref.values())


def test_by_model_matches_polars_over_the_parquet_segments(
    app_db: Path, con: duckdb.DuckDBPyConnection
) -> None:
    frame = pl.read_parquet(str(app_db.with_name(app_db.name + ".segments") / "requests" / "*.parquet"))
    want = (
        frame.group_by("model")
        .agg(
            pl.len().alias("requests"),
            pl.col("logged_cost_usd").sum().alias("cost"),
            pl.col("logged_cost_usd").is_null().sum().alias("unpriced"),
            pl.col("cached_input_tokens").sum().alias("cached"),
        )
        .sort("model")
    )
    got = {r["model"]: r for r in spend(con, logged("model")).rows}
    for model, n, cost, unpriced, cached in want.iter_rows():
        row = got[model]
        assert (row["requests"], row["unpriced_requests"], row["cached_input_tokens"]) == (
            n,
            unpriced,
            cached,
        )
        assert row["cost_usd"] == (Decimal(str(cost)) if unpriced < n else None)


def test_unpriced_is_never_zero_dollars(con: duckdb.DuckDBPyConnection) -> None:
    rows = {r["model"]: r for r in spend(con, logged("model")).rows}
    assert rows["mystery-model"]["cost_usd"] is None
    assert rows["mystery-model"]["cost_per_request"] is None and rows["mystery-model"]["share"] is None
    rep = spend(con, logged("model"))
    assert rep.quality.unpriced_requests == 1 and rep.quality.unpriced_tokens == 990
    assert [m.model for m in rep.quality.unpriced_models] == ["mystery-model"]


def test_decimal_sums_are_exact(con: duckdb.DuckDBPyConnection) -> None:
    # acme's first workflow logged 0.1 + 0.2 + 0.3: binary floats would not sum to 0.6.
    q = SpendQuery(
        parse_by(["tenant"]), Scope(Window.parse("2026-05-04", "2026-05-04T09:30:00Z"), cost_mode="logged")
    )
    (row,) = spend(con, q).rows
    assert row["cost_usd"] == Decimal("0.600000000") and str(row["cost_usd"]) == "0.600000000"


def test_window_is_half_open_and_filters_combine(con: duckdb.DuckDBPyConnection) -> None:
    day = Scope(Window.parse("2026-05-05", "2026-05-06"), cost_mode="logged")
    total = spend(con, SpendQuery((), day)).totals
    # r-016..r-019 and r-021; r-020 at 23:30-02:00 is 01:30 UTC the next day, outside.
    assert total is not None and total["requests"] == 5
    acme = Scope(day.window, parse_where(["tenant=acme", "feature=copilot"]), "logged")
    rows = spend(con, SpendQuery(parse_by(["tenant"]), acme)).rows
    assert [r["tenant"] for r in rows] == ["acme"] and rows[0]["requests"] == 2


def test_day_buckets_follow_the_zone(con: duckdb.DuckDBPyConnection) -> None:
    utc = {r["day"]: r["requests"] for r in spend(con, logged("day")).rows}
    assert utc == {"2026-05-04": 15, "2026-05-05": 5, "2026-05-06": 5}
    la = SpendQuery(parse_by(["day"]), Scope(Window(tz="America/Los_Angeles"), cost_mode="logged"))
    local = {r["day"]: r["requests"] for r in spend(con, la).rows}
    assert sum(local.values()) == 25 and local != utc


def test_top_folds_the_rest_into_other_and_keeps_totals(con: duckdb.DuckDBPyConnection) -> None:
    full = spend(con, logged("tenant"))
    top = spend(con, logged("tenant", top=2))
    assert [r["tenant"] for r in top.rows[:2]] == [r["tenant"] for r in full.rows[:2]]
    other = top.rows[2]
    assert other["other"] is True and other["tenant"] == "(other)"
    assert other["requests"] == sum(r["requests"] for r in full.rows[2:])
    assert other["cost_usd"] == sum((r["cost_usd"] for r in full.rows[2:]), Decimal(0))
    assert top.totals == full.totals
    assert top.parameters["folded_rows"] == len(full.rows) - 2


def test_order_is_total_ties_broken_by_name(con: duckdb.DuckDBPyConnection) -> None:
    rows = spend(con, logged("tenant")).rows
    tied = [r["tenant"] for r in rows if r["cost_usd"] == Decimal("0.00056")]
    assert tied == sorted(t for t in tied if t is not None) + ([None] if None in tied else [])
    by_requests = spend(con, logged("tenant", sort="requests")).rows
    assert [r["requests"] for r in by_requests] == sorted((r["requests"] for r in by_requests), reverse=True)


def test_bad_sort_and_top_are_usage_errors(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(UsageError):
        spend(con, logged("tenant", sort="cost; DROP TABLE requests"))
    with pytest.raises(UsageError):
        spend(con, logged("tenant", top=0))


def test_derived_costs_come_from_the_catalog_and_name_it(priced_db: Path) -> None:
    with reader(priced_db) as wh:
        con = prepare(wh)
        rep = spend(con, SpendQuery(parse_by(["model"]), Scope(Window())))
        want = {
            m: (Decimal(c) if c is not None else None)
            for m, c in con.execute("SELECT model, sum(cost_usd) FROM requests GROUP BY model").fetchall()
        }
    assert {r["model"]: r["cost_usd"] for r in rep.rows} == want
    assert rep.quality.catalogs and rep.quality.catalogs[0].startswith("genai-prices")
    assert rep.price_catalog["catalogs"] == list(rep.quality.catalogs)


def test_data_quality_facts(con: duckdb.DuckDBPyConnection) -> None:
    dq = spend(con, logged("tenant")).quality
    assert dq.naive_timestamps == 1  # r-021 has no zone
    assert dq.conflicting_duplicates == 1  # r-004 again, another cost
    assert (dq.rejected_in_window, dq.rejected_undated) == (1, 1)  # a cut line with a ts; "not json"
    outside = spend(con, SpendQuery((), Scope(Window.parse("2026-05-06", None), cost_mode="logged"))).quality
    assert (outside.rejected_in_window, outside.conflicting_duplicates, outside.naive_timestamps) == (0, 0, 0)


@pytest.mark.parametrize(
    "tz", ["UTC", "America/Los_Angeles", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Kiritimati"]
)
@pytest.mark.parametrize("bucket", ["day", "week", "month"])
def test_time_buckets_match_python_in_any_zone(con: duckdb.DuckDBPyConnection, tz: str, bucket: str) -> None:
    """Buckets are computed from integer slots; check them against zoneinfo, row by row."""
    from collections import Counter
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    def local_bucket(ts: object) -> str:
        d = ts.astimezone(ZoneInfo(tz)).date()  # type: ignore[attr-defined]
        if bucket == "week":
            return (d - timedelta(days=d.weekday())).isoformat()
        return d.strftime("%Y-%m") if bucket == "month" else d.isoformat()

    want = Counter(local_bucket(ts) for (ts,) in con.execute("SELECT ts FROM requests").fetchall())
    q = SpendQuery(parse_by([bucket]), Scope(Window(tz=tz), cost_mode="logged"))
    assert {r[bucket]: r["requests"] for r in spend(con, q).rows} == dict(want)
