"""Anthropic Admin API `cost_report`: `data[].{starting_at, ending_at, results[].{amount,
currency, cost_type, token_type, model, service_tier, workspace_id, description}}`.

`amount` is a decimal STRING in CENTS: "123.45" is $1.2345.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from llmcost.reconcile.formats.pages import read_results, sniff_json
from llmcost.reconcile.lines import InvoiceLine, LineError, currency, text, token_type, usd

NAME = "anthropic-cost-report"
DESCRIPTION = "Anthropic Admin API cost_report JSON (amounts in cents)"
CENTS = Decimal("0.01")


def sniff(raw: bytes) -> bool:
    found = sniff_json(raw)
    return found is not None and "starting_at" in found[0] and not isinstance(found[1].get("amount"), dict)


def read(raw: bytes) -> Iterator[InvoiceLine]:
    return read_results(raw, "starting_at", "ending_at", _line)


def _line(n: int, where: str, start: Any, end: Any, result: Any) -> InvoiceLine:
    if not isinstance(result, dict):
        raise LineError(f"{where}: expected an object")
    try:
        amount = result.get("amount")
        if not isinstance(amount, str):
            # The API sends a decimal string; a JSON number here is a different (or edited) export.
            raise LineError(f"amount: expected a decimal string in cents, got {amount!r}")
        cost_type = text(result.get("cost_type")) or "tokens"
        token = token_type(result.get("token_type")) if cost_type == "tokens" else "other"
        return InvoiceLine(
            line_no=n,
            day=start.date(),
            period_start=start,
            period_end=end,
            provider="anthropic",
            model=text(result.get("model")),
            token_type=token,
            line_item=text(result.get("description")) or text(result.get("token_type")) or cost_type,
            project=text(result.get("workspace_id")),
            amount_usd=usd(amount, field="amount", scale=CENTS),
            currency=currency(result.get("currency")),
        )
    except LineError as e:
        raise LineError(f"{where}: {e}") from None
