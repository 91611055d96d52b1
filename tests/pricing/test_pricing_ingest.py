"""Pricing wired into ingest the way llmcost.pricing.hook should wire it: every staged batch is
priced before it is written, so the warehouse never holds a derivable cost left NULL."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from llmcost.config import Config
from llmcost.pricing import PricingSummary, apply_prices, load_catalog
from llmcost.warehouse import open_warehouse


def _line(i: int, **over: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "ts": f"2026-10-01T10:00:{i:02d}Z",
        "msg": "llm.request",
        "requestId": f"req-{i}",
        "tenantId": "tenant_acme",
        "feature": "copilot",
        "provider": "anthropic",
        "model": "claude-sonnet-4",
        "inputTokens": 4200,
        "outputTokens": 380,
        "outcome": "success",
        "costUsd": 0.0183,
    }
    rec.update(over)
    return rec


def test_ingest_prices_every_batch(tmp_path: Path):
    from llmcost.ingest.discover import discover
    from llmcost.ingest.load import Loader

    log = tmp_path / "app.log"
    lines = [
        _line(0),
        _line(1, provider="openai", model="gpt-4.1-mini", costUsd=None),
        _line(2, provider="acme", model="acme-llm-9", costUsd=None),
        _line(3, cacheHit=True),
    ]
    log.write_text("".join(json.dumps({k: v for k, v in r.items() if v is not None}) + "\n" for r in lines))
    catalog = load_catalog()
    summaries: list[PricingSummary] = []

    def pricer(con: Any, table: str) -> None:
        summaries.append(apply_prices(con, table, catalog))

    with open_warehouse(tmp_path / "w.duckdb", write=True) as wh:
        inputs, skipped = discover([str(log)])
        Loader(wh, Config(), pricer=pricer).run(inputs, skipped)
        got = wh.con.execute(
            "SELECT request_id, cost_usd, price_ref FROM requests ORDER BY request_id"
        ).fetchall()
    costs = {rid: cost for rid, cost, _ in got}
    assert costs == {
        "req-0": Decimal("0.0183"),
        "req-1": Decimal("0.002288"),
        "req-2": None,
        "req-3": Decimal(0),
    }
    assert sum(s.unpriced for s in summaries) == 1
    assert summaries[0].unpriced_models[0].model == "acme-llm-9"


def test_ingest_and_explain_price_names_as_producers_write_them(cli, tmp_path: Path):
    # No provider logged: the model name's form chooses it, and --explain shows how in price_ref.
    log = tmp_path / "bedrock.log"
    lines = [
        _line(0, provider=None, model="us.anthropic.claude-sonnet-4-20250514-v1:0", costUsd=None),
        _line(1, provider=None, model="openai/gpt-4o-mini", costUsd=None),
        _line(2, provider="azure.ai.openai", model="gpt-4o", costUsd=None),
    ]
    log.write_text("".join(json.dumps({k: v for k, v in r.items() if v is not None}) + "\n" for r in lines))
    code, out, err = cli("ingest", str(log), "--explain", db=False)
    assert code == 0, err
    text = " ".join(out.split())
    assert (
        "price_ref aws/regional.anthropic.claude-sonnet-4-20250514-v1:0 provider from Bedrock profile id ["
        in text
    )
    assert "price_ref openrouter/openai/gpt-4o-mini provider from router name [" in text
    assert "price_ref azure/gpt-4o [" in text
    cli.ingest(log)
    with open_warehouse(cli.db, write=False) as r:
        got = dict(r.con.execute("SELECT request_id, cost_usd FROM requests").fetchall())
    # 4,200 x 3 + 380 x 15 (Bedrock); 4,200 x 0.15 + 380 x 0.60 (OpenRouter); 4,200 x 2.5 + 380 x 10
    assert got == {"req-0": Decimal("0.0183"), "req-1": Decimal("0.000858"), "req-2": Decimal("0.0143")}
