"""Invoice and log names meet on one key: dated snapshots, aliases, provider spellings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from llmcost.pricing import load_catalog
from llmcost.reconcile import parse_threshold
from llmcost.reconcile.keys import KeyMaker, bare_model
from llmcost.reconcile.suggest import percent_off


@pytest.fixture(scope="module")
def keys() -> KeyMaker:
    return KeyMaker(load_catalog())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("openai", "gpt-4o-mini-2024-07-18"), ("openai", "gpt-4o-mini")),
        (("OpenAI", "gpt-4.1-mini-2025-04-14"), (None, "gpt-4.1-mini")),
        (("anthropic", "claude-sonnet-4-20250514"), (None, "claude-sonnet-4")),
        (("Anthropic", "claude-haiku-4-5"), ("anthropic", "claude-haiku-4-5")),
        (("Google", "gemini-2.5-flash"), ("google", "gemini-2.5-flash")),
        (("acme", "acme-llama-ft-20250101"), ("acme", "acme-llama-ft")),
    ],
)
def test_same_key(keys: KeyMaker, a: tuple[str | None, str], b: tuple[str | None, str]) -> None:
    assert keys.key(*a) == keys.key(*b)


def test_logs_without_provider_borrow_it(keys: KeyMaker) -> None:
    keys.learn_providers([("cohere", "rerank-v3.5"), (None, "rerank-v3.5")])
    assert keys.key(None, "rerank-v3.5") == keys.key("cohere", "rerank-v3.5")


def test_helpers() -> None:
    assert bare_model("Claude-X-20250514") == "claude-x"
    assert parse_threshold("2%") == Decimal("0.02") == parse_threshold("2") == parse_threshold("0.02")
    assert percent_off(Decimal("0.88")) == Decimal(12)
    assert percent_off(Decimal("0.8765")) == Decimal("12.35")


def test_suggested_toml_for_models_and_markups() -> None:
    import tomllib
    from datetime import date

    from llmcost.config.pricing import PricingConfig
    from llmcost.reconcile.explain import Ratio
    from llmcost.reconcile.suggest import suggest_toml

    ratios = [
        Ratio("anthropic", "claude-sonnet-4-0", Decimal("0.9"), 3, ("claude-sonnet-4",)),
        Ratio("openai", "gpt-4o-mini", Decimal("0.8765"), 3, ("gpt-4o-mini", "gpt-4o-mini-2024-07-18")),
        Ratio("google", None, Decimal("1.05"), 3, ()),
    ]
    text = suggest_toml(ratios, "2026-09", date(2026, 9, 1))
    cfg = PricingConfig.model_validate(tomllib.loads(text)["pricing"])
    sonnet, mini = cfg.discounts
    assert (
        sonnet.model == "claude-sonnet-4" and sonnet.percent == 10 and sonnet.model_matches("claude-sonnet-4")
    )
    assert mini.match == "regex" and mini.percent == Decimal("12.35")
    assert mini.model_matches("gpt-4o-mini-2024-07-18") and not mini.model_matches("gpt-4o-mini-x")
    assert "google: billed 1.0500x" in text
