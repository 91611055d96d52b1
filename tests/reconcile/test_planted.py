"""Each planted difference in fixtures/invoices/ is found and explained with the right amount."""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from typing import Any

from llmcost.config.pricing import PricingConfig
from tests.conftest import Cli
from tests.reconcile.conftest import explanations, invoice

MICRO = Decimal("0.000001")


def _close(a: str | Decimal, b: str | Decimal, tol: Decimal = MICRO) -> bool:
    return abs(Decimal(a) - Decimal(b)) <= tol


def test_clean_month_exits_0(rcli: Cli) -> None:
    code, out, err = rcli("reconcile", invoice("focus_2026-09.csv"), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["gap_usd"] == "0.000000000"
    assert doc["over_threshold"] is False
    assert doc["explanations"] == []
    assert [p["provider"] for p in doc["providers"]] == ["google"]
    assert doc["providers"][0]["by_token_type"] is True


def test_dated_snapshots_match_logged_models(rcli: Cli) -> None:
    code, out, err = rcli("reconcile", invoice("openai_costs_2026-09.csv"), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    aliases = {a["model"]: a["billed_as"] for a in doc["aliases"]}
    assert aliases["gpt-4o-mini"] == ["gpt-4o-mini-2024-07-18"]
    assert aliases["gpt-4.1-mini"] == ["gpt-4.1-mini-2025-04-14"]
    # every billed line found its logged model: nothing is "billed but never logged"
    kinds = {e["kind"] for e in doc["explanations"]}
    assert "unlogged_model" not in kinds and "residual" not in kinds
    # the only gap: embeddings logged without a provider, which the catalog cannot price
    assert set(kinds) <= {"unpriced"}
    assert Decimal(doc["gap_usd"]) < Decimal("0.001")


def test_discount_missing_day_and_unpriced_model(rcli: Cli, expected: dict[str, Any]) -> None:
    code, out, err = rcli(
        "reconcile", invoice("openai_costs_2026-09.json"), invoice("plain_2026-09.csv"), "--format", "json"
    )
    assert code == 1  # a 12% discount and a missing day are well over 2%
    assert "openai gpt-4.1-mini 2026-09-17" in err
    found = explanations(out)
    planted = expected["plain_2026-09.csv"]

    gap_day = found["ingest_gap"]
    assert gap_day["amount_usd"] == planted["missing_day_usd"]
    assert gap_day["facts"]["days"] == {"openai": ["2026-09-17"]}

    unpriced = found["unpriced"]
    assert "cohere/rerank-v3.5" in unpriced["facts"]["models"]
    doc = json.loads(out)
    cohere = next(p for p in doc["providers"] if p["provider"] == "cohere")
    assert cohere["billed_usd"] == planted["unpriced_usd"] and cohere["estimated_usd"] == "0.000000000"
    cohere_claimed = sum(
        Decimal(ln["explained"]["unpriced"]) for ln in doc["lines"] if ln["provider"] == "cohere"
    )
    assert cohere_claimed == Decimal(planted["unpriced_usd"])

    discount = found["discount"]
    (ratio,) = discount["facts"]["ratios"]
    assert ratio["provider"] == "openai" and ratio["model"] is None
    assert Decimal(ratio["percent"]) == Decimal("12.00")
    # the discount is 12% of the estimate of every openai line it covers
    covered = [ln for ln in doc["lines"] if "discount" in ln["explained"]]
    est = sum(Decimal(ln["estimated_usd"]) for ln in covered)
    assert _close(discount["amount_usd"], -est * Decimal("0.12"))

    # every dollar of the gap is accounted for
    total = sum(Decimal(e["amount_usd"]) for e in doc["explanations"] if e["in_gap"])
    assert total == Decimal(doc["gap_usd"])


def test_cache_writes_at_the_1h_rate_and_failed_calls(rcli: Cli, expected: dict[str, Any]) -> None:
    code, out, err = rcli("reconcile", invoice("anthropic_cost_report_2026-09.json"), "--format", "json")
    planted = expected["anthropic_cost_report_2026-09.json"]
    found = explanations(out)
    assert found["cache_tokens"]["amount_usd"] == planted["cache_1h_extra_usd"]
    assert "cache_write_1h" in found["cache_tokens"]["facts"]["by_token_type"]
    assert Decimal(found["failed_calls"]["amount_usd"]) == -Decimal(planted["failed_not_billed_usd"])
    assert "residual" not in found
    doc = json.loads(out)
    assert doc["providers"][0]["by_token_type"] is True
    assert {"claude-sonnet-4-20250514"} <= {n for a in doc["aliases"] for n in a["billed_as"]}
    # the month is within 2% even though single lines are not: exit 0, lines still named
    assert code == 0, err
    assert doc["lines_over_threshold"]


def test_threshold_trips_and_names_lines(rcli: Cli) -> None:
    code, _out, err = rcli(
        "reconcile", invoice("anthropic_cost_report_2026-09.json"), "--threshold", "0.1%", "--format", "json"
    )
    assert code == 1
    assert "anthropic claude-sonnet-4-0 2026-09-15 cache_write_1h" in err


def test_suggest_rates_is_valid_pricing_toml(rcli: Cli) -> None:
    code, out, err = rcli(
        "reconcile", invoice("openai_costs_2026-09.json"), "--suggest-rates", "--threshold", "20%"
    )
    assert code == 0, err
    toml_text = out[out.index("# llmcost reconcile --suggest-rates") :]
    cfg = PricingConfig.model_validate(tomllib.loads(toml_text)["pricing"])
    (d,) = cfg.discounts
    assert d.provider == "openai" and d.percent == Decimal(12)
    assert d.since is not None and d.since.date().isoformat() == "2026-09-01"


def test_discount_suggestion_closes_the_gap(rcli: Cli, tmp_path: Any) -> None:
    """Pasting the suggestion and repricing leaves no discount to explain."""
    code, out, _ = rcli(
        "reconcile", invoice("openai_costs_2026-09.json"), "--suggest-rates", "--format", "json"
    )
    assert code == 1
    code, out, err = rcli("reconcile", "--month", "2026-09", "--suggest-rates", "--threshold", "20%")
    toml_text = out[out.index("# llmcost reconcile --suggest-rates") :]
    cfg_path = tmp_path / "llmcost.toml"
    cfg_path.write_text("[pricing]\n" + toml_text.replace("[[pricing.discounts]]", "[[pricing.discounts]]"))
    code, _, err = rcli("reprice", "--config", str(cfg_path))
    assert code == 0, err
    code, out, err = rcli("reconcile", "--month", "2026-09", "--format", "json", "--config", str(cfg_path))
    assert code == 0, err
    assert "discount" not in explanations(out)


def test_zone_boundary_is_explained_under_a_local_zone(rcli: Cli) -> None:
    code, out, err = rcli(
        "reconcile", invoice("focus_2026-09.csv"), "--format", "json", "--tz", "America/New_York"
    )
    assert code == 0, err
    zone = explanations(out)["zone_boundary"]
    assert zone["in_gap"] is False
    assert zone["facts"]["shifted_requests"] > 0
    assert Decimal(zone["facts"]["shifted_usd"]) > 0


def test_1h_cache_writes_found_without_token_types(rcli: Cli, expected: dict[str, Any]) -> None:
    """A plain invoice (one amount per model and day) that bills the logged 5-minute cache writes
    at the 1-hour rate: the leftover matches the 1h-vs-5m difference of the logged writes."""
    code, out, err = rcli("reconcile", invoice("anthropic_cost_report_2026-09.json"), "--format", "json")
    assert code == 0, err
    per_day: dict[tuple[str, str], Decimal] = {}
    for ln in json.loads(out)["lines"]:
        slot = (ln["model"], ln["day"])
        extra = Decimal(ln["gap_usd"]) if ln["token_type"].startswith("cache_write") else Decimal(0)
        per_day[slot] = per_day.get(slot, Decimal(0)) + Decimal(ln["estimated_usd"]) + extra
    plain = rcli.db.parent / "anthropic_plain.csv"
    plain.write_text(
        "date,provider,model,amount_usd\n"
        + "".join(f"{day},anthropic,{model},{amount}\n" for (model, day), amount in sorted(per_day.items()))
    )
    code, out, err = rcli("reconcile", str(plain), "--format", "json")
    assert code == 0, err
    found = explanations(out)
    planted = Decimal(expected["anthropic_cost_report_2026-09.json"]["cache_1h_extra_usd"])
    assert _close(found["cache_tokens"]["amount_usd"], planted)
    assert json.loads(out)["providers"][0]["by_token_type"] is False
