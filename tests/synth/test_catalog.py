"""The middleware's rate table mirrors genai-prices, so logged and re-derived costs agree."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from genai_prices import Usage, calc_price

from llmcost.synth import catalog as cat

AT = datetime(2026, 10, 1, tzinfo=UTC)


@pytest.mark.parametrize("model", [m for m in cat.MODELS if m.catalog], ids=lambda m: m.name)
def test_rates_match_genai_prices(model: cat.Model) -> None:
    def price(**usage: int) -> Decimal:
        return Decimal(
            str(
                calc_price(
                    Usage(**usage), model.name, provider_id=model.provider, genai_request_timestamp=AT
                ).total_price
            )
        )

    k = 1_000_000
    assert price(input_tokens=k) == Decimal(model.input) / 1000
    assert price(input_tokens=k, cache_read_tokens=k) == Decimal(model.cached_input) / 1000
    assert price(output_tokens=k) == Decimal(model.output) / 1000
    if model.cache_style == "anthropic":
        assert price(input_tokens=k, cache_write_tokens=k) == Decimal(model.cache_write) / 1000


@pytest.mark.parametrize("model", [m for m in cat.MODELS if not m.catalog], ids=lambda m: m.name)
def test_unpriced_models_are_unknown_to_the_catalog(model: cat.Model) -> None:
    with pytest.raises(LookupError):
        calc_price(
            Usage(input_tokens=1000), model.name, provider_id=model.provider, genai_request_timestamp=AT
        )
