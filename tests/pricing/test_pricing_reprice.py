"""reprice (dry run, closed books, segment rewrite), whatif and check over a real warehouse."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from llmcost.config.pricing import Rate
from llmcost.errors import UsageError
from llmcost.pricing import PricingConfig, load_catalog
from llmcost.pricing.check import check
from llmcost.pricing.reprice import open_window, reprice
from llmcost.pricing.whatif import whatif
from llmcost.warehouse import open_warehouse
from llmcost.window import Window
from tests.pricing.rows import is_segmented, request, store

SONNET = {"provider": "anthropic", "model": "claude-sonnet-4", "input_tokens": 4200, "output_tokens": 380}
CONTRACT = Rate(
    name="contract",
    provider="anthropic",
    model="claude-sonnet-4",
    effective_from=date(2026, 2, 1),
    input=Decimal("1.5"),
    output=Decimal("7.5"),
)


def _rows() -> list[dict]:
    return [
        request(**SONNET, ts=datetime(2026, 1, 20, tzinfo=UTC)),
        request(**SONNET, ts=datetime(2026, 2, 10, tzinfo=UTC)),
        request(**SONNET, ts=datetime(2026, 3, 10, tzinfo=UTC)),
        request(
            provider="openai", model="gpt-4.1-mini", ts=datetime(2026, 3, 11, tzinfo=UTC), input_tokens=1000
        ),
    ]


def _costs(wh) -> list[tuple]:
    return wh.con.execute("SELECT ts, model, cost_usd FROM requests ORDER BY ts").fetchall()


def test_dry_run_shows_the_change_by_model_and_month_and_writes_nothing(wh, catalog):
    store(wh, _rows(), catalog=catalog)
    before = _costs(wh)
    result = reprice(wh, load_catalog(PricingConfig(rates=[CONTRACT])), dry_run=True)
    assert _costs(wh) == before
    by = {(c.month, c.model): c for c in result.changes}
    assert by[("2026-01", "claude-sonnet-4")].changed == 0
    feb = by[("2026-02", "claude-sonnet-4")]
    assert (feb.changed, feb.old_cost, feb.new_cost, feb.delta) == (
        1,
        Decimal("0.0183"),
        Decimal("0.00915"),
        Decimal("-0.00915"),
    )
    assert by[("2026-03", "gpt-4.1-mini")].changed == 0
    assert (result.requests, result.changed) == (4, 2)


def test_reprice_writes_the_new_costs(wh, catalog):
    store(wh, _rows()[:2], catalog=catalog)
    store(wh, _rows()[2:], catalog=catalog)  # two segments
    files_before = set(wh.segment_dir.rglob("*.parquet")) if is_segmented(wh) else set()
    result = reprice(wh, load_catalog(PricingConfig(rates=[CONTRACT])))
    costs = [c for _, _, c in _costs(wh)]
    assert costs == [Decimal("0.0183"), Decimal("0.00915"), Decimal("0.00915"), Decimal("0.0004")]
    refs = [r[0] for r in wh.con.execute("SELECT price_ref FROM requests ORDER BY ts").fetchall()]
    assert refs[1].startswith('rate "contract"')
    if is_segmented(wh):
        assert result.segments_rewritten == 2
        registered = {wh.segment_dir / r[0] for r in wh.con.execute("SELECT file FROM segments").fetchall()}
        assert len(registered) == 2 and not registered & files_before
        # the old files are retired, not deleted: a reader of an older snapshot may still read them
        # (the next writer after segments.GRACE_S deletes them: tests/warehouse/test_snapshot.py)
        retired = json.loads((wh.segment_dir / "retired.json").read_text())
        assert {wh.segment_dir / f for f in retired} == files_before
        assert set(wh.segment_dir.rglob("*.parquet")) == registered | files_before
    # the price used is on record
    assert wh.con.execute("SELECT input_mtok FROM prices WHERE price_ref = ?", [refs[1]]).fetchone() == (
        Decimal("1.5"),
    )
    # a second run finds nothing to change and rewrites nothing
    again = reprice(wh, load_catalog(PricingConfig(rates=[CONTRACT])))
    assert again.changed == 0 and again.segments_rewritten == 0


def test_reprice_survives_reopening(db_path, catalog):
    with open_warehouse(db_path, write=True) as w:
        store(w, _rows(), catalog=catalog)
        reprice(w, load_catalog(PricingConfig(rates=[CONTRACT])))
    with open_warehouse(db_path, write=False) as r:
        assert r.con.execute("SELECT sum(cost_usd) FROM requests").fetchone() == (Decimal("0.0370"),)


def test_removed_rate_makes_requests_unpriced_again(wh):
    custom = Rate(provider="vllm", model="llama-local", input=Decimal("0.1"), output=Decimal("0.1"))
    store(
        wh,
        [request(provider="vllm", model="llama-local", input_tokens=10)],
        catalog=load_catalog(PricingConfig(rates=[custom])),
    )
    reprice(wh, load_catalog())
    assert wh.con.execute("SELECT cost_usd, price_ref FROM requests").fetchall() == [(None, None)]


def test_closed_months_stay_closed_unless_restated(wh, catalog):
    store(wh, _rows(), catalog=catalog)
    new = load_catalog(PricingConfig(rates=[CONTRACT]))
    result = reprice(wh, new, closed_before=date(2026, 3, 1))
    assert result.skipped_closed == 2
    assert result.window.since == datetime(2026, 3, 1, tzinfo=UTC)
    costs = [c for _, _, c in _costs(wh)]
    assert costs[1] == Decimal("0.0183")  # February is closed: left as booked
    assert costs[2] == Decimal("0.00915")
    restated = reprice(wh, new, closed_before=date(2026, 3, 1), restate=True)
    assert restated.skipped_closed == 0 and restated.changed == 1
    assert [c for _, _, c in _costs(wh)][1] == Decimal("0.00915")


def test_open_window_arithmetic():
    closed = date(2026, 3, 1)
    cut = datetime(2026, 3, 1, tzinfo=UTC)
    assert open_window(Window(), closed, False) == (Window(cut, None), Window(None, cut))
    asked = Window(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
    todo, skipped = open_window(asked, closed, False)
    assert todo.empty and skipped == asked
    later = Window(datetime(2026, 4, 1, tzinfo=UTC), None)
    assert open_window(later, closed, False) == (later, None)
    assert open_window(Window(), closed, True) == (Window(), None)


def test_reprice_window_limits_the_rows_touched(wh, catalog):
    store(wh, _rows(), catalog=catalog)
    w = Window.of_dates(date(2026, 3, 1), date(2026, 4, 1))
    result = reprice(wh, load_catalog(PricingConfig(rates=[CONTRACT])), window=w)
    assert result.requests == 2
    assert [c for _, _, c in _costs(wh)][1] == Decimal("0.0183")  # February untouched


def test_reprice_needs_a_writer_unless_dry_run(db_path, catalog):
    with open_warehouse(db_path, write=True) as w:
        store(w, _rows(), catalog=catalog)
    with open_warehouse(db_path, write=False) as r:
        assert reprice(r, catalog, dry_run=True).requests == 4
        with pytest.raises(UsageError):
            reprice(r, catalog)


def test_whatif_prices_the_same_tokens_on_another_model(wh, catalog):
    store(wh, _rows(), catalog=catalog)
    result = whatif(wh.con, catalog, to_model="gpt-4.1-mini", from_model="claude-sonnet-4-20250514")
    [row] = result.rows  # claude-sonnet-4 is the same catalog entry as its dated name
    assert (row.model, row.requests) == ("claude-sonnet-4", 3)
    assert row.actual_cost == Decimal("0.0549")
    assert row.whatif_cost == Decimal("0.006864")  # 3 x (4,200 x 0.40 + 380 x 1.60) per 1M
    assert result.price_refs and result.price_refs[0].startswith("openai/gpt-4.1-mini")
    everything = whatif(wh.con, catalog, to_model="gpt-4.1-mini")
    assert sum(r.requests for r in everything.rows) == 4
    # nothing was written
    assert wh.con.execute("SELECT count(*) FROM requests WHERE model = 'gpt-4.1-mini'").fetchone() == (1,)


def test_whatif_refuses_an_unpriced_target(wh, catalog):
    store(wh, _rows(), catalog=catalog)
    with pytest.raises(UsageError, match="no price for 'acme-llm-9'"):
        whatif(wh.con, catalog, to_model="acme-llm-9")


def test_check_lists_unpriced_models_and_drift(wh, catalog):
    rows = [
        *_rows(),
        request(provider="acme", model="acme-llm-9", input_tokens=10, output_tokens=1),
        request(
            provider="acme",
            model="acme-llm-9",
            input_tokens=20,
            output_tokens=2,
            logged_cost_usd=Decimal("0.5"),
        ),
        request(**SONNET, logged_cost_usd=Decimal("0.0200")),
        request(**SONNET, logged_cost_usd=Decimal("0.0190")),
    ]
    store(wh, rows, catalog=catalog)
    result = check(wh.con, catalog)
    assert result.requests == 8 and result.stale == 0
    [u] = result.unpriced
    assert (u.provider, u.model, u.requests, u.input_tokens, u.logged_cost) == (
        "acme",
        "acme-llm-9",
        2,
        30,
        Decimal("0.5"),
    )
    [d] = result.drift
    assert (d.model, d.requests, d.logged_cost, d.derived_cost) == (
        "claude-sonnet-4",
        2,
        Decimal("0.039"),
        Decimal("0.0366"),
    )
    assert d.percent == Decimal("6.56")


def test_check_flags_costs_priced_with_another_catalog(wh, catalog):
    store(wh, _rows(), catalog=catalog)
    other = load_catalog()
    other.info = dataclasses.replace(other.info, version="0.0.1")  # as after a genai-prices upgrade
    assert check(wh.con, other).stale == 4
