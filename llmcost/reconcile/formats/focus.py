"""FOCUS (FinOps Open Cost and Usage Specification) CSV: `BilledCost`, `BillingCurrency`,
`ChargePeriodStart`, `ProviderName` (1.3: `ServiceProviderName`), ... FOCUS has no model column:
the model comes from a vendor `x_Model` column, else `ResourceName`, else `SkuMeter`; the token
type from `x_TokenType`, else `ConsumedUnit`/`SkuMeter` words (input, output, cached, cache write)."""

from __future__ import annotations

from collections.abc import Iterator

from llmcost.reconcile.formats.table import header, rows
from llmcost.reconcile.lines import InvoiceLine, LineError, currency, instant, text, token_type, usd

NAME = "focus"
DESCRIPTION = "FOCUS cost and usage CSV (BilledCost, ChargePeriodStart, ...)"
_REQUIRED = ("billedcost", "chargeperiodstart")


def sniff(raw: bytes) -> bool:
    return set(_REQUIRED) <= header(raw)


def _token_words(words: str | None) -> str | None:
    if not words:
        return None
    w = words.lower()
    if "1h" in w and "write" in w:
        return "cache_write_1h"
    if "write" in w or "creation" in w:
        return "cache_write_5m"
    if ("cache" in w and "read" in w) or "cached" in w:
        return "cache_read"
    if "output" in w:
        return "output"
    if "input" in w:
        return "input"
    return None


def read(raw: bytes) -> Iterator[InvoiceLine]:
    for n, row in rows(raw, _REQUIRED):
        try:
            start = instant(row["chargeperiodstart"], field="ChargePeriodStart")
            end = text(row.get("chargeperiodend"))
            provider = (
                text(row.get("x_provider"))
                or text(row.get("serviceprovidername"))
                or text(row.get("providername"))
            )
            if provider is None:
                raise LineError("no ProviderName / ServiceProviderName")
            explicit = text(row.get("x_tokentype"))
            yield InvoiceLine(
                line_no=n,
                day=start.date(),
                period_start=start,
                period_end=instant(end, field="ChargePeriodEnd") if end else None,
                provider=provider,
                model=text(row.get("x_model")) or text(row.get("resourcename")) or text(row.get("skumeter")),
                token_type=token_type(explicit)
                if explicit
                else _token_words(text(row.get("consumedunit")) or text(row.get("skumeter"))),
                line_item=text(row.get("chargedescription")) or text(row.get("skuid")),
                project=text(row.get("subaccountid")) or text(row.get("subaccountname")),
                amount_usd=usd(row["billedcost"], field="BilledCost"),
                currency=currency(row.get("billingcurrency")),
            )
        except LineError as e:
            raise LineError(f"row {n}: {e}") from None
