"""The plain CSV a finance team can type: `date, provider, model, amount_usd[, token_type, project]`
(date is the UTC day, YYYY-MM-DD)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from llmcost.reconcile.formats.table import header, rows
from llmcost.reconcile.lines import InvoiceLine, LineError, text, token_type, usd

NAME = "plain"
DESCRIPTION = "plain CSV: date, provider, model, amount_usd[, token_type, project]"
_REQUIRED = ("date", "provider", "model", "amount_usd")


def sniff(raw: bytes) -> bool:
    return set(_REQUIRED) <= header(raw)


def read(raw: bytes) -> Iterator[InvoiceLine]:
    for n, row in rows(raw, _REQUIRED):
        try:
            try:
                day = date.fromisoformat(row["date"].strip())
            except ValueError:
                raise LineError(f"date: expected YYYY-MM-DD, got {row['date'][:40]!r}") from None
            provider = text(row["provider"])
            if provider is None:
                raise LineError("provider: missing")
            yield InvoiceLine(
                line_no=n,
                day=day,
                period_start=None,
                period_end=None,
                provider=provider,
                model=text(row["model"]),
                token_type=token_type(row.get("token_type")),
                line_item=None,
                project=text(row.get("project")),
                amount_usd=usd(row["amount_usd"], field="amount_usd"),
            )
        except LineError as e:
            raise LineError(f"row {n}: {e}") from None
