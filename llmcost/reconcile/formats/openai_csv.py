"""The OpenAI dashboard's cost CSV: `start_time, end_time, start_time_iso, end_time_iso,
amount_value, amount_currency, line_item, project_id, ...` (times in epoch seconds, UTC days)."""

from __future__ import annotations

from collections.abc import Iterator

from llmcost.reconcile.formats.openai_costs import split_line_item
from llmcost.reconcile.formats.table import header, rows
from llmcost.reconcile.lines import InvoiceLine, LineError, currency, instant, text, usd

NAME = "openai-csv"
DESCRIPTION = "OpenAI dashboard cost CSV (amount_value, line_item, ...)"
_REQUIRED = ("start_time", "amount_value", "line_item")


def sniff(raw: bytes) -> bool:
    return set(_REQUIRED) <= header(raw)


def read(raw: bytes) -> Iterator[InvoiceLine]:
    for n, row in rows(raw, _REQUIRED):
        try:
            start = instant(row.get("start_time_iso") or row["start_time"], field="start_time")
            end_raw = row.get("end_time_iso") or row.get("end_time")
            item = text(row["line_item"])
            model, token = split_line_item(item)
            yield InvoiceLine(
                line_no=n,
                day=start.date(),
                period_start=start,
                period_end=instant(end_raw, field="end_time") if end_raw else None,
                provider="openai",
                model=model,
                token_type=token,
                line_item=item,
                project=text(row.get("project_id")),
                amount_usd=usd(row["amount_value"], field="amount_value"),
                currency=currency(row.get("amount_currency")),
            )
        except LineError as e:
            raise LineError(f"row {n}: {e}") from None
