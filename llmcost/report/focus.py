"""`llmcost export focus OUT.csv`: FOCUS 1.2 cost and usage rows as CSV, and the column check.

One row per UTC day x provider x model x tenant x feature, and priced or not. The costs are
llmcost's estimates under the cost mode (x_CostMode), so BilledCost, EffectiveCost, ListCost and
ContractedCost carry the same amount: llmcost knows list prices, not the discounts on an invoice
(`llmcost reconcile` compares the two). Money is an exact decimal string (nine places, as the
warehouse keeps it), never a float. A group whose requests have no price under the cost mode gets
empty costs, x_CostStatus "unpriced" and a note: never $0 (the one place the file departs from the
spec, which wants a number there; the column description records it as `llmcost_null_when`).

The column list with types, nullability and allowed values is `focus_columns.json` beside this
module, written from the published FOCUS 1.2 column list; `check` holds a file to it.

BillingAccountId (mandatory) is the provider's account that receives the invoice, which no log
line carries: `accounts` maps a provider (or `*`) to it (`--billing-account openai=org-…`); a
provider without one gets its own name, and the command says so.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmcost.report.output import write_atomic
from llmcost.window import midnight

if TYPE_CHECKING:
    from llmcost.queries.focus import UsageRow

UNPRICED_NOTE = "no price for this model under the cost mode: cost left empty, not $0"
UNKNOWN_PROVIDER = "unknown"


@cache
def columns() -> list[dict[str, Any]]:
    """The FOCUS 1.2 column description (plus llmcost's x_ columns), in file order."""
    text = resources.files("llmcost.report").joinpath("focus_columns.json").read_text("utf-8")
    cols: list[dict[str, Any]] = json.loads(text)["columns"]
    return cols


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _month(d: date) -> tuple[datetime, datetime]:
    start = date(d.year, d.month, 1)
    end = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return midnight(start), midnight(end)


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.9f}"


def account(provider: str, accounts: Mapping[str, str]) -> str:
    """The billing account of `provider`: mapped, else the `*` mapping, else the provider's name."""
    return accounts.get(provider) or accounts.get("*") or provider


def record(row: UsageRow, cost_mode: str, accounts: Mapping[str, str] | None = None) -> dict[str, str]:
    """One FOCUS row as CSV cells (an empty cell is a null)."""
    provider = row.provider or UNKNOWN_PROVIDER
    period_start, period_end = _month(row.day)
    tokens = row.input_tokens + row.output_tokens
    tags = {k: v for k, v in (("tenant", row.tenant), ("feature", row.feature)) if v is not None}
    tags["provider"] = provider
    tags |= {name: value for name, value in row.tags if value is not None}
    cost = _money(row.cost_usd)
    notes = []
    if not row.priced:
        notes.append(UNPRICED_NOTE)
    if row.provider is None:
        notes.append("provider not logged")
    return {
        "BilledCost": cost,
        "EffectiveCost": cost,
        "ListCost": cost,
        "ContractedCost": cost,
        "BillingCurrency": "USD",
        "BillingPeriodStart": _stamp(period_start),
        "BillingPeriodEnd": _stamp(period_end),
        "ChargePeriodStart": _stamp(midnight(row.day)),
        "ChargePeriodEnd": _stamp(midnight(row.day + timedelta(days=1))),
        "ChargeCategory": "Usage",
        "ChargeClass": "",
        "ChargeDescription": f"{row.model} tokens, {row.requests} request{'' if row.requests == 1 else 's'}",
        "ChargeFrequency": "Usage-Based",
        "ServiceName": f"{provider} {row.model}",
        "ServiceCategory": "AI and Machine Learning",
        "ProviderName": provider,
        "PublisherName": provider,
        "InvoiceIssuerName": provider,
        "BillingAccountId": account(provider, accounts or {}),
        "BillingAccountName": provider,
        "ResourceId": row.model,
        "ResourceName": row.model,
        "SkuId": f"{provider}/{row.model}",
        "PricingUnit": "Tokens",
        "PricingQuantity": str(tokens),
        "ConsumedQuantity": str(tokens),
        "ConsumedUnit": "Tokens",
        "Tags": json.dumps(tags, sort_keys=True, separators=(",", ":")),
        "x_Requests": str(row.requests),
        "x_InputTokens": str(row.input_tokens),
        "x_CachedInputTokens": str(row.cached_input_tokens),
        "x_OutputTokens": str(row.output_tokens),
        "x_ReasoningTokens": str(row.reasoning_tokens),
        "x_CostStatus": "estimated" if row.priced else "unpriced",
        "x_CostMode": cost_mode,
        "x_Note": "; ".join(notes),
    }


def render(rows: Iterable[UsageRow], cost_mode: str, accounts: Mapping[str, str] | None = None) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[c["name"] for c in columns()], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(record(row, cost_mode, accounts))
    return buf.getvalue()


def write(
    path: Path, rows: Sequence[UsageRow], cost_mode: str, accounts: Mapping[str, str] | None = None
) -> None:
    """The CSV, written whole or not at all (0600)."""
    write_atomic(path, render(rows, cost_mode, accounts).encode("utf-8"))


# -- the column check ---------------------------------------------------------------------------

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _type_problem(kind: str, value: str) -> str | None:
    if kind == "Decimal":
        try:
            Decimal(value)
        except InvalidOperation:
            return "is not a decimal"
        if "e" in value.lower():
            return "is in exponent notation"
    elif kind == "DateTime":
        if not _DATETIME.match(value):
            return "is not an ISO 8601 UTC date-time (YYYY-MM-DDTHH:MM:SSZ)"
    elif kind == "JSON":
        try:
            doc = json.loads(value)
        except ValueError:
            return "is not JSON"
        if not isinstance(doc, dict) or not all(isinstance(v, str) for v in doc.values()):
            return "is not a JSON object of string values"
    return None


def check(text: str) -> list[str]:
    """Problems with a FOCUS CSV against the column description: missing or unknown columns, nulls
    where the spec wants a value, types, allowed values, and the periods' order. [] when it holds."""
    spec = {c["name"]: c for c in columns()}
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    problems = [f"column {name} missing" for name in spec if name not in header]
    problems += [
        f"column {name} is neither a FOCUS column nor x_-prefixed"
        for name in header
        if name not in spec and not name.startswith("x_")
    ]
    for n, row in enumerate(reader, start=2):
        for name, col in spec.items():
            value = row.get(name) or ""
            if value == "":
                allowed_null = col["nullable"] or any(
                    row.get(k) == v for k, v in col.get("llmcost_null_when", {}).items()
                )
                required = col.get("required_when", {})
                if required and row.get("ChargeClass") != "Correction":
                    allowed_null = allowed_null and not all(row.get(k) == v for k, v in required.items())
                if not allowed_null:
                    problems.append(f"line {n}: {name} is empty")
                continue
            why = _type_problem(col["type"], value)
            if why:
                problems.append(f"line {n}: {name} {value[:40]!r} {why}")
            if "allowed" in col and value not in col["allowed"]:
                problems.append(f"line {n}: {name} {value[:40]!r} is not one of the allowed values")
            if col.get("format") == "currency" and not _CURRENCY.match(value):
                problems.append(f"line {n}: {name} {value[:40]!r} is not an ISO 4217 code")
        for lo, hi in (("ChargePeriodStart", "ChargePeriodEnd"), ("BillingPeriodStart", "BillingPeriodEnd")):
            if (
                _DATETIME.match(row.get(lo) or "")
                and _DATETIME.match(row.get(hi) or "")
                and row[lo] >= row[hi]
            ):
                problems.append(f"line {n}: {lo} is not before {hi}")
        if (row.get("BillingPeriodStart") or "") > (row.get("ChargePeriodStart") or ""):
            problems.append(f"line {n}: the charge period starts before its billing period")
    return problems
