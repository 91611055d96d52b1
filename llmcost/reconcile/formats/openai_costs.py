"""OpenAI Costs API pages: `data[].{start_time, end_time, results[].{amount.{value, currency},
line_item, project_id}}`, times in epoch seconds, buckets of one UTC day. `line_item` reads
"gpt-4o-mini-2024-07-18, input" (model as billed, then the token type)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from llmcost.reconcile.formats.pages import read_results, sniff_json
from llmcost.reconcile.lines import InvoiceLine, LineError, currency, text, token_type, usd

NAME = "openai-costs"
DESCRIPTION = "OpenAI Costs API JSON pages (organization/costs)"


def sniff(raw: bytes) -> bool:
    found = sniff_json(raw)
    return found is not None and isinstance(found[1].get("amount"), dict)


def split_line_item(item: str | None) -> tuple[str | None, str | None]:
    """(model, token type) of an OpenAI line item; a line item with no comma names no model."""
    if not item:
        return None, None
    head, sep, tail = item.rpartition(",")
    if not sep:
        return None, "other"
    return head.strip() or None, token_type(tail)


def read(raw: bytes) -> Iterator[InvoiceLine]:
    return read_results(raw, "start_time", "end_time", _line)


def _line(n: int, where: str, start: Any, end: Any, result: Any) -> InvoiceLine:
    if not isinstance(result, dict):
        raise LineError(f"{where}: expected an object")
    amount = result.get("amount")
    if not isinstance(amount, dict):
        raise LineError(f"{where}: amount: expected {{value, currency}}")
    try:
        item = text(result.get("line_item"))
        model, token = split_line_item(item)
        return InvoiceLine(
            line_no=n,
            day=start.date(),
            period_start=start,
            period_end=end,
            provider="openai",
            model=model,
            token_type=token,
            line_item=item,
            project=text(result.get("project_id")),
            amount_usd=usd(amount.get("value"), field="amount.value"),
            currency=currency(amount.get("currency")),
        )
    except LineError as e:
        raise LineError(f"{where}: {e}") from None
