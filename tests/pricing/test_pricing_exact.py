"""Exactness: each case the issue names, priced through the set-based SQL path."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from llmcost.config.pricing import Discount, Rate
from llmcost.pricing import CACHE_HIT_REF, Catalog, PricingConfig, apply_prices, load_catalog
from llmcost.pricing.rates import ANTHROPIC_1H_NOTE
from tests.pricing.rows import request, stage

NANO = Decimal("0.000000001")


def genai_cost(row: dict[str, Any], ctx: dict[str, str] | None = None) -> Decimal:
    """genai-prices' own answer for one row, rounded as llmcost rounds (half up, to 1e-9)."""
    from genai_prices import Usage, calc_price

    usage = Usage(
        input_tokens=row["input_tokens"],
        cache_read_tokens=row["cached_input_tokens"],
        cache_write_tokens=row["cache_write_tokens"],
        cache_write_1h_tokens=row["cache_write_1h_tokens"],
        output_tokens=row["output_tokens"],
    )
    got = calc_price(
        usage, row["model"], provider_id=row["provider"], genai_request_timestamp=row["ts"], price_context=ctx
    )
    return got.total_price.quantize(NANO, rounding=ROUND_HALF_UP)


def test_claude_sonnet_4_article_example(priced, catalog):
    rows = [
        request(provider="anthropic", model="claude-sonnet-4", input_tokens=4200, output_tokens=380),
        request(provider=None, model="claude-sonnet-4", input_tokens=4200, output_tokens=380),
    ]
    for _, cost, ref in priced(rows, catalog):
        # 4,200 x $3.00/1M + 380 x $15.00/1M
        assert cost == Decimal("0.0183")
        assert ref.startswith("anthropic/claude-sonnet-4-0 ")
        assert f"[genai-prices {catalog.info.version} @" in ref


def test_gpt_41_mini_rates(priced, catalog):
    rows = [
        request(provider="openai", model="gpt-4.1-mini", input_tokens=1_000_000, output_tokens=1_000_000),
        request(provider="openai", model="gpt-4.1-mini", input_tokens=4200, output_tokens=380),
        request(provider="openai", model="gpt-4.1-mini-2025-04-14", input_tokens=4200, output_tokens=380),
    ]
    got = [cost for _, cost, _ in priced(rows, catalog)]
    assert got == [Decimal("2.00"), Decimal("0.002288"), Decimal("0.002288")]  # $0.40 + $1.60 per 1M


def test_dated_snapshot_name_resolves_like_genai_prices(priced, catalog):
    row = request(provider="openai", model="gpt-4o-mini-2024-07-18", input_tokens=10_000, output_tokens=1_000)
    [(_, cost, ref)] = priced([row], catalog)
    assert ref.startswith("openai/gpt-4o-mini ")
    assert cost == Decimal("0.0021") == genai_cost(row)  # 0.15 and 0.60 per 1M


def test_anthropic_cache_reads_and_writes_each_at_their_rate(priced, catalog):
    # Anthropic usage: 1,000 uncached, 20,000 cache reads, 3,000 5-minute writes, 2,000 1-hour
    # writes; canonical input_tokens holds them all (FORMATS.md section 2).
    row = request(
        provider="anthropic",
        model="claude-sonnet-4-20250514",
        input_tokens=26_000,
        cached_input_tokens=20_000,
        cache_write_tokens=5_000,
        cache_write_1h_tokens=2_000,
        output_tokens=500,
    )
    [(_, cost, _)] = priced([row], catalog)
    # 1,000 x 3 + 20,000 x 0.30 + 3,000 x 3.75 + 2,000 x 6.00 + 500 x 15, per 1M
    assert cost == Decimal("0.03975")
    assert cost == genai_cost(row)
    # the naive sum that counts cached tokens twice would be 26,000 x 3 + ... : far higher
    assert cost < Decimal(26_000 * 3 + 500 * 15) / 1_000_000


def test_one_hour_cache_write_on_a_reseller_keeps_the_catalogs_write_price(priced, catalog):
    # Bedrock's Claude Sonnet 4 has only cache_write_mtok (3.75) in genai-prices: a reseller's
    # 1-hour writes are not assumed to follow Anthropic's 2x, they get the catalog's write price.
    row = request(
        provider="aws",
        model="global.anthropic.claude-sonnet-4-20250514-v1:0",
        input_tokens=10_000,
        cache_write_tokens=10_000,
        cache_write_1h_tokens=4_000,
    )
    [(_, cost, ref)] = priced([row], catalog)
    assert cost == Decimal("0.0375")  # 6,000 x 3.75 + 4,000 x 3.75, per 1M
    assert cost == genai_cost(row)
    assert ANTHROPIC_1H_NOTE not in ref


def test_one_hour_cache_write_from_anthropic_is_twice_input_when_the_catalog_lists_none():
    # Every first-party Claude entry with cache prices in this snapshot lists a 1-hour price, so
    # the default is shown on a genai-prices ModelPrice built as such an entry would look.
    from genai_prices.types import ModelPrice

    from llmcost.pricing.rates import catalog_bands

    mp = ModelPrice(
        input_mtok=Decimal(3),
        cache_read_mtok=Decimal("0.3"),
        cache_write_mtok=Decimal("3.75"),
        output_mtok=Decimal(15),
    )
    args: dict[str, Any] = {"origin": "x/claude", "qualifiers": (), "stamp": "test"}
    [first_party] = catalog_bands(mp, provider="anthropic", **args)
    [reseller] = catalog_bands(mp, provider="google", **args)
    assert first_party.price.cache_write_1h == Decimal(6)  # 2 x 3.00
    assert ANTHROPIC_1H_NOTE in first_party.price.ref
    assert "Anthropic's documented" in first_party.price.write_1h_basis
    assert reseller.price.cache_write_1h == Decimal("3.75")
    assert ANTHROPIC_1H_NOTE not in reseller.price.ref
    assert "google lists no 1-hour price" in reseller.price.write_1h_basis
    # a catalog 1-hour price always wins
    [listed] = catalog_bands(
        ModelPrice(input_mtok=Decimal(3), cache_write_1h_mtok=Decimal(7)), provider="anthropic", **args
    )
    assert listed.price.cache_write_1h == Decimal(7)


def test_context_tier_goes_by_total_input_including_cache(priced, catalog):
    base = {"provider": "google", "model": "gemini-2.5-pro", "output_tokens": 1_000}
    rows = [
        request(**base, input_tokens=200_000),
        request(**base, input_tokens=200_001),
        # only 150,000 uncached, but 250,000 in total: the higher tier
        request(**base, input_tokens=250_000, cached_input_tokens=100_000),
    ]
    got = priced(rows, catalog)
    assert got[0][1] == Decimal("0.26")  # 200,000 x 1.25 + 1,000 x 10
    assert got[1][1] == Decimal("0.5150025")  # every token at the tier: 200,001 x 2.50 + 1,000 x 15
    assert "input<=200000" in got[0][2] and "input>200000" in got[1][2]
    # 150,000 x 2.50 + 100,000 cache reads x 0.25 + 1,000 x 15
    assert got[2][1] == genai_cost(rows[2]) == Decimal("0.415")


def test_price_change_on_a_date(priced, catalog):
    # genai-prices: gemini-3.7-flash 0.75/3.75 until 2027-01-01 (UTC), 1.50/7.50 from then.
    before = request(
        provider="google",
        model="gemini-3.7-flash",
        ts=datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        input_tokens=1_000_000,
        output_tokens=100_000,
    )
    after = {**before, "request_id": "after", "ts": datetime(2027, 1, 1, tzinfo=UTC)}
    got = priced([before, after], catalog)
    assert got[0][1] == Decimal("1.125") == genai_cost(before)
    assert got[1][1] == Decimal("2.25") == genai_cost(after)
    assert "from 2027-01-01" in got[1][2]


def test_time_of_day_prices(priced, catalog):
    base = {
        "provider": "deepseek",
        "model": "deepseek-chat",
        "input_tokens": 1_000_000,
        "output_tokens": 1_000_000,
    }
    peak = request(**base, ts=datetime(2026, 5, 4, 1, 0, tzinfo=UTC))
    off_peak = request(**base, ts=datetime(2026, 5, 4, 20, 0, tzinfo=UTC))
    edge = request(**base, ts=datetime(2026, 5, 4, 16, 30, tzinfo=UTC))  # the window ends at 16:30
    got = priced([peak, off_peak, edge], catalog)
    assert got[0][1] == Decimal("1.37") == genai_cost(peak)
    assert got[1][1] == Decimal("0.685") == genai_cost(off_peak)
    assert got[2][1] == genai_cost(edge) == Decimal("0.685")


def test_batch_service_tier_where_the_catalog_knows_it(priced, catalog):
    row = request(
        provider="openai",
        model="gpt-4.1-mini",
        service_tier="batch",
        ts=datetime(2026, 11, 2, tzinfo=UTC),
        input_tokens=1_000_000,
        output_tokens=1_000_000,
    )
    [(_, cost, ref)] = priced([row], catalog)
    assert cost == Decimal("1.00") == genai_cost(row, {"processing": "batch"})
    assert "processing=batch" in ref


def test_embedding_model(priced, catalog):
    row = request(
        provider="openai", model="text-embedding-3-small", operation="embedding", input_tokens=2_000_000
    )
    [(_, cost, _)] = priced([row], catalog)
    assert cost == Decimal("0.04")


def test_user_discount_with_an_effective_date(priced):
    cfg = PricingConfig(
        discounts=[Discount(provider="anthropic", percent=Decimal(12), effective_from=date(2026, 7, 1))]
    )
    cat = load_catalog(cfg)
    base = {"provider": "anthropic", "model": "claude-sonnet-4", "input_tokens": 4200, "output_tokens": 380}
    rows = [
        request(**base, ts=datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC)),
        request(**base, ts=datetime(2026, 7, 1, tzinfo=UTC)),
        request(**{**base, "provider": "aws", "model": "global.anthropic.claude-sonnet-4-20250514-v1:0"}),
    ]
    got = priced(rows, cat)
    assert got[0][1] == Decimal("0.0183")
    assert got[1][1] == Decimal("0.016104")  # 12% off
    assert "less 12%" in got[1][2]
    assert "less" not in got[2][2]  # an Anthropic discount is not a Bedrock discount


def test_user_rate_wins_while_in_force(priced):
    rate = Rate(
        name="negotiated",
        provider="anthropic",
        model="claude-sonnet-4",
        effective_from=date(2026, 3, 1),
        effective_until=date(2026, 4, 1),
        input=Decimal("2.70"),
        output=Decimal("13.50"),
    )
    cat = load_catalog(PricingConfig(rates=[rate]))
    base = {"provider": "anthropic", "model": "claude-sonnet-4", "input_tokens": 4200, "output_tokens": 380}
    rows = [
        request(**base, ts=datetime(2026, 2, 28, 23, tzinfo=UTC)),
        request(**base, ts=datetime(2026, 3, 15, tzinfo=UTC)),
        request(**base, ts=datetime(2026, 4, 1, tzinfo=UTC)),
    ]
    got = priced(rows, cat)
    assert [c for _, c, _ in got] == [Decimal("0.0183"), Decimal("0.01647"), Decimal("0.0183")]
    assert got[1][2].startswith('rate "negotiated" (llmcost.toml)')


def test_self_hosted_model_rate_with_a_request_fee(priced):
    rate = Rate(
        provider="vllm",
        model="llama-3.1-70b-",
        match="prefix",
        input=Decimal("0.1"),
        output=Decimal("0.2"),
        per_request=Decimal("0.0001"),
    )
    cat = load_catalog(PricingConfig(rates=[rate]))
    rows = [
        request(
            provider="vllm", model="llama-3.1-70b-instruct", input_tokens=1_000_000, output_tokens=500_000
        ),
        request(provider="vllm", model="llama-3.1-8b-instruct", input_tokens=1_000_000),
    ]
    got = priced(rows, cat)
    assert got[0][1] == Decimal("0.2001")
    assert got[1][1] is None and got[1][2] is None


def test_unknown_model_is_unpriced_and_reported(wh, catalog):
    rows = [
        request(provider="openai", model="gpt-4.1-mini", input_tokens=1000, output_tokens=10),
        request(provider="acme", model="acme-llm-9", input_tokens=700, output_tokens=70),
        request(provider="acme", model="acme-llm-9", input_tokens=300, output_tokens=30),
    ]
    name = stage(wh, rows)
    summary = apply_prices(wh.con, name, catalog)
    got = wh.con.execute(f"SELECT model, cost_usd, price_ref FROM {name} ORDER BY request_id").fetchall()
    assert got[1][1:] == (None, None) and got[2][1:] == (None, None)  # NULL, never $0
    assert (summary.requests, summary.priced, summary.unpriced) == (3, 1, 2)
    [m] = summary.unpriced_models
    assert (m.provider, m.model, m.requests, m.input_tokens, m.output_tokens) == (
        "acme",
        "acme-llm-9",
        2,
        1000,
        100,
    )
    assert m.reason == "no price for this model"
    assert summary.unpriced_tokens == 1100


def test_app_cache_hit_costs_nothing_and_says_why(priced, catalog):
    rows = [
        request(model="claude-sonnet-4", input_tokens=4200, output_tokens=380, cache_hit=True),
        request(model="acme-llm-9", input_tokens=4200, output_tokens=380, cache_hit=True),
    ]
    for _, cost, ref in priced(rows, catalog):
        assert cost == 0 and ref == CACHE_HIT_REF


def test_contradictory_token_counts_are_left_unpriced(wh, catalog):
    rows = [request(model="gpt-4.1-mini", input_tokens=100, cached_input_tokens=500, output_tokens=10)]
    name = stage(wh, rows)
    summary = apply_prices(wh.con, name, catalog)
    assert wh.con.execute(f"SELECT cost_usd FROM {name}").fetchall() == [(None,)]
    assert summary.unpriced_models[0].reason == "inconsistent token counts"


def test_reasoning_tokens_are_part_of_output_not_extra(priced, catalog):
    row = request(
        provider="openai", model="gpt-4.1-mini", input_tokens=1000, output_tokens=1000, reasoning_tokens=800
    )
    [(_, cost, _)] = priced([row], catalog)
    assert cost == Decimal("0.002")  # 1,000 x 0.40 + 1,000 x 1.60 per 1M


def test_money_is_decimal_and_totals_are_byte_identical_across_runs(tmp_path):
    from llmcost.warehouse import open_warehouse

    rows = [
        request(
            request_id=f"r{i}",
            provider=["openai", "anthropic", "google", "deepseek"][i % 4],
            model=["gpt-4.1-mini", "claude-sonnet-4", "gemini-2.5-pro", "deepseek-chat"][i % 4],
            ts=datetime(2026, 5, 1 + i % 28, i % 24, tzinfo=UTC),
            input_tokens=1000 + i * 7919 % 300_000,
            cached_input_tokens=i % 3 * 100,
            output_tokens=10 + i * 31 % 2000,
        )
        for i in range(500)
    ]
    outputs = []
    for run in range(2):
        with open_warehouse(tmp_path / f"run{run}.duckdb", write=True) as w:
            name = stage(w, rows)
            cat = load_catalog()  # a fresh catalog each run
            apply_prices(w.con, name, cat)
            apply_prices(w.con, name, cat)  # and re-deriving changes nothing
            assert w.con.execute(f"SELECT typeof(cost_usd) FROM {name} LIMIT 1").fetchone() == (
                "DECIMAL(18,9)",
            )
            total = w.con.execute(f"SELECT CAST(sum(cost_usd) AS VARCHAR) FROM {name}").fetchone()
            per_row = w.con.execute(
                f"SELECT request_id, cost_usd, price_ref FROM {name} ORDER BY request_id"
            ).fetchall()
            outputs.append((total, per_row))
    assert outputs[0] == outputs[1]
    assert isinstance(outputs[0][1][0][1], Decimal)


def test_cross_check_a_sample_against_genai_prices_calc_price(priced, catalog: Catalog):
    import random

    rnd = random.Random(20260504)
    models = [
        ("anthropic", "claude-sonnet-4", None),
        ("anthropic", "claude-opus-4-1-20250805", None),
        (None, "gpt-4.1-mini", None),
        ("openai", "gpt-4.1-mini", "batch"),
        ("openai", "gpt-4o-mini-2024-07-18", None),
        ("openai", "o3", None),
        ("google", "gemini-2.5-pro", None),
        ("google", "gemini-2.5-flash", None),
        ("google", "claude-opus-4-6", None),
        ("deepseek", "deepseek-chat", None),
        ("deepseek", "deepseek-v4-pro", None),
        ("mistral", "mistral-large-latest", None),
    ]
    rows = []
    for i in range(240):
        provider, model, tier = models[i % len(models)]
        total = rnd.choice([0, 1, 999, 4200, 199_999, 200_000, 200_001, 350_000, 1_200_000])
        cached = rnd.randint(0, total // 2)
        write = rnd.randint(0, (total - cached) // 2)
        # 1h writes only where the catalog prices them, so both sides agree on the rule
        rows.append(
            request(
                provider=provider,
                model=model,
                service_tier=tier,
                ts=datetime(
                    2026,
                    rnd.randint(1, 12),
                    rnd.randint(1, 28),
                    rnd.randint(0, 23),
                    rnd.randint(0, 59),
                    tzinfo=UTC,
                ),
                input_tokens=total,
                cached_input_tokens=cached,
                cache_write_tokens=write,
                cache_write_1h_tokens=rnd.randint(0, write) if provider == "anthropic" else 0,
                output_tokens=rnd.choice([0, 1, 380, 65_000]),
            )
        )
    got = priced(rows, catalog)
    for row, (_, cost, ref) in zip(rows, got, strict=True):
        ctx = {"service_tier": "batch", "processing": "batch"} if row["service_tier"] == "batch" else None
        assert ref is not None, row
        assert cost == genai_cost(row, ctx), (row, ref)
