"""Resolution into price cells: every request falls in exactly one cell, or none when unpriced."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from llmcost.config.pricing import Discount, Rate
from llmcost.pricing import Catalog, PricingConfig, apply_prices, load_catalog
from llmcost.pricing.model import DAY_US, Cell
from llmcost.pricing.resolve import price_context
from tests.pricing.rows import request, stage


def _matches(cell: Cell, at: datetime, input_tokens: int) -> bool:
    us = int((at - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(microseconds=1)) % DAY_US
    return (
        (cell.valid_from is None or at >= cell.valid_from)
        and (cell.valid_until is None or at < cell.valid_until)
        and cell.tod_from <= us < cell.tod_until
        and cell.above < input_tokens <= cell.upto
    )


def test_cells_partition_time_of_day_and_tiers(catalog: Catalog):
    rnd = random.Random(3)
    models = [(p.id, m.id) for p in catalog.providers() for m in p.models]
    picked = [
        *rnd.sample(models, 150),
        ("deepseek", "deepseek-chat"),
        ("deepseek", "deepseek-v4-pro"),
        ("google", "gemini-2.5-pro"),
        ("google", "claude-opus-4-6"),
    ]
    for provider, model in picked:
        for tier in (None, "batch", "flex"):
            cells = catalog.cells((provider, model, tier))
            for _ in range(40):
                at = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=rnd.randint(0, 3 * 365 * 86400))
                tokens = rnd.choice([0, 1, 128_000, 128_001, 200_000, 200_001, 272_001, 10**6])
                hits = [c for c in cells if _matches(c, at, tokens)]
                assert len(hits) == (1 if cells else 0), (provider, model, tier, at, tokens, hits)


def test_rate_from_midday_with_time_of_day_catalog_prices(priced):
    # A user rate starting at noon on a day that also has the catalog's peak/off-peak switch.
    rate = Rate(
        provider="deepseek",
        model="deepseek-chat",
        effective_from=datetime(2026, 5, 4, 12, 0, tzinfo=UTC),
        input=Decimal("0.2"),
        output=Decimal("0.2"),
    )
    cat = load_catalog(PricingConfig(rates=[rate]))
    base = {"provider": "deepseek", "model": "deepseek-chat", "input_tokens": 1_000_000}
    rows = [
        request(**base, ts=datetime(2026, 5, 3, 20, 0, tzinfo=UTC)),  # catalog, off-peak
        request(**base, ts=datetime(2026, 5, 4, 11, 59, tzinfo=UTC)),  # catalog, peak
        request(**base, ts=datetime(2026, 5, 4, 12, 0, tzinfo=UTC)),  # the rate
        request(**base, ts=datetime(2026, 5, 4, 17, 0, tzinfo=UTC)),  # the rate, off-peak hours
    ]
    assert [c for _, c, _ in priced(rows, cat)] == [
        Decimal("0.135"),
        Decimal("0.27"),
        Decimal("0.2"),
        Decimal("0.2"),
    ]


def test_last_listed_rate_and_discount_win_where_they_overlap(priced):
    cat = load_catalog(
        PricingConfig(
            rates=[
                Rate(model="claude-", match="prefix", input=Decimal(1), output=Decimal(1)),
                Rate(model="claude-sonnet-4", input=Decimal(2), output=Decimal(2)),
            ],
            discounts=[
                Discount(provider="openai", percent=Decimal(10)),
                Discount(provider="openai", model="gpt-4.1-mini", percent=Decimal("12.5")),
            ],
        )
    )
    rows = [
        request(model="claude-sonnet-4", input_tokens=1_000_000),
        request(model="claude-opus-4-1", input_tokens=1_000_000),
        request(provider="openai", model="gpt-4.1-mini", input_tokens=1_000_000),
        request(provider="openai", model="gpt-4.1-nano", input_tokens=1_000_000),
    ]
    got = [c for _, c, _ in priced(rows, cat)]
    assert got == [Decimal(2), Decimal(1), Decimal("0.35"), Decimal("0.09")]


def test_where_clause_limits_the_rows_priced_and_extra_columns_are_kept(wh, catalog):
    rows = [
        request(
            model="claude-sonnet-4", input_tokens=4200, output_tokens=380, ts=datetime(2026, 1, 1, tzinfo=UTC)
        ),
        request(
            model="claude-sonnet-4", input_tokens=4200, output_tokens=380, ts=datetime(2026, 2, 1, tzinfo=UTC)
        ),
    ]
    name = stage(wh, rows)
    wh.con.execute(f"ALTER TABLE {name} ADD COLUMN _key UHUGEINT")  # ingest's staging carries extras
    summary = apply_prices(
        wh.con, name, catalog, where_sql="r.ts >= $since", params={"since": datetime(2026, 2, 1, tzinfo=UTC)}
    )
    assert summary.requests == 1 and summary.cost_usd == Decimal("0.0183")
    got = wh.con.execute(f"SELECT cost_usd FROM {name} ORDER BY ts").fetchall()
    assert got == [(None,), (Decimal("0.0183"),)]


def test_price_context_for_logged_service_tiers():
    assert price_context(None) is None and price_context(" ") is None
    assert price_context("Batch") == {"service_tier": "batch", "processing": "batch"}
    assert price_context("flex") == {"service_tier": "flex"}
    assert price_context("fast") == {"service_tier": "fast", "speed": "fast"}


def test_resolution_is_cached_across_batches(catalog: Catalog):
    key = ("anthropic", "claude-sonnet-4", None)
    assert catalog.cells(key) is catalog.cells(key)


def test_prices_table_explains_every_ref(wh, catalog):
    rows = [
        request(provider="google", model="gemini-2.5-pro", input_tokens=n, output_tokens=10)
        for n in (10, 300_000)
    ]
    name = stage(wh, rows)
    apply_prices(wh.con, name, catalog)
    got = wh.con.execute(
        f"""SELECT p.input_mtok, p.output_mtok, p.source, p.catalog FROM {name} r
            JOIN prices p USING (price_ref) ORDER BY r.input_tokens"""
    ).fetchall()
    assert [(g[0], g[1]) for g in got] == [(Decimal("1.25"), Decimal("10")), (Decimal("2.5"), Decimal("15"))]
    assert got[0][2] == "genai-prices" and got[0][3] == catalog.info.stamp


def test_cells_loaded_for_one_catalog_are_not_used_by_another(wh, catalog):
    rate = Rate(model="claude-sonnet-4", input=Decimal(1), output=Decimal(1))
    rows = [request(model="claude-sonnet-4", input_tokens=1_000_000)]
    name = stage(wh, rows)
    for cat, want in [(load_catalog(PricingConfig(rates=[rate])), "1"), (catalog, "3"), (catalog, "3")]:
        assert apply_prices(wh.con, name, cat).cost_usd == Decimal(want)


def test_cells_survive_a_rolled_back_transaction(wh, catalog):
    name = stage(wh, [request(model="gpt-4.1-mini", input_tokens=1_000_000)])
    wh.con.execute("BEGIN")
    apply_prices(wh.con, name, catalog)  # creates the TEMP cells table inside the transaction
    wh.con.execute("ROLLBACK")
    assert apply_prices(wh.con, name, catalog).cost_usd == Decimal("0.4")


def test_summary_explains_rows_left_out_of_a_priced_model(wh):
    rate = Rate(
        model="llama-local",
        effective_from=datetime(2026, 6, 1, tzinfo=UTC),
        input=Decimal(1),
        output=Decimal(1),
    )
    cat = load_catalog(PricingConfig(rates=[rate]))
    rows = [
        request(model="llama-local", input_tokens=10, ts=datetime(2026, 5, 1, tzinfo=UTC)),  # before the rate
        request(model="llama-local", input_tokens=10, ts=datetime(2026, 6, 2, tzinfo=UTC)),
    ]
    summary = apply_prices(wh.con, stage(wh, rows), cat)
    [m] = summary.unpriced_models
    assert (m.requests, m.reason) == (1, "no price in force at the request time")


def test_price_join_prices_as_apply_prices_does(wh, catalog):
    """The read-only pricing join (the cache view's, which Spark runs) gives every row the cost
    apply_prices' UPDATE gives it: context-length tiers, dates, unknown models, contradictory
    tokens, a provider named or not, a service tier."""
    from llmcost.pricing.derive import price_join

    day = datetime(2026, 2, 1, tzinfo=UTC)
    rows = [
        request(provider="google", model="gemini-2.5-pro", input_tokens=n, output_tokens=10, ts=day)
        for n in (10, 300_000)
    ] + [
        request(
            model="claude-sonnet-4", input_tokens=4200, cached_input_tokens=1000, output_tokens=380, ts=day
        ),
        request(
            model="gpt-4.1-mini", input_tokens=5, cached_input_tokens=9, output_tokens=1
        ),  # contradictory
        request(model="no-such-model", input_tokens=100, output_tokens=1),
        request(
            provider="openai", model="gpt-4.1", input_tokens=2000, output_tokens=300, service_tier="flex"
        ),
        request(model="gpt-4.1", input_tokens=2000, output_tokens=300, ts=datetime(2024, 1, 1, tzinfo=UTC)),
    ]
    name = stage(wh, rows)
    keys = [
        tuple(k)
        for k in wh.con.execute(f"SELECT DISTINCT provider, model, service_tier FROM {name}").fetchall()
    ]
    fragments, params = price_join(catalog, keys)
    joined = wh.con.execute(
        f"""WITH cells AS ({fragments["cells"]})
            SELECT r.request_id, {fragments["cost"]}, c.c_ref
            FROM {name} AS r LEFT JOIN cells AS c ON {fragments["cell_match"]} ORDER BY 1""",
        params,
    ).fetchall()
    apply_prices(wh.con, name, catalog, record=False)
    updated = wh.con.execute(f"SELECT request_id, cost_usd, price_ref FROM {name} ORDER BY 1").fetchall()
    assert joined == updated
    assert sum(1 for r in updated if r[1] is None) == 2  # the unknown model and the contradictory row
    # no cell at all (no key has a price): one row that matches nothing, every cost NULL
    fragments, params = price_join(catalog, [(None, "no-such-model", None)])
    got = wh.con.execute(
        f"SELECT count(*) FROM ({fragments['cells']}) AS c WHERE c.c_model IS NOT NULL", params
    ).fetchone()
    assert got == (0,)
