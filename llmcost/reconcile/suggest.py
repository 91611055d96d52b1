"""`--suggest-rates`: the [pricing] entries that would close a consistent ratio, as TOML in the
schema llmcost/config/pricing.py accepts (a test parses it with that model)."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from llmcost.reconcile.explain import Ratio

PERCENT = Decimal("0.0001")  # Discount.percent allows four decimal places


def percent_off(value: Decimal) -> Decimal:
    return ((1 - value) * 100).quantize(PERCENT, rounding=ROUND_HALF_EVEN).normalize()


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def suggest_toml(ratios: list[Ratio], month: str, first_day: date) -> str:
    """Discounts for ratios below 1; a ratio above 1 (billed more than the catalog) cannot be a
    discount and is left as a comment: a [[pricing.rates]] entry with your contract's rates fits it."""
    out = [f"# llmcost reconcile --suggest-rates, {month}: paste into llmcost.toml under [pricing]"]
    if not ratios:
        out.append("# no consistent ratio between the invoice and the estimate: nothing to suggest")
    for r in ratios:
        pct = percent_off(r.value)
        who = r.provider + (f"/{r.model}" if r.model else "")
        if pct <= 0:
            out.append(f"# {who}: billed {r.value:.4f}x the catalog estimate; not a discount. Add a")
            out.append("# [[pricing.rates]] entry with the contract's rates for its models.")
            continue
        out += [
            "",
            "[[pricing.discounts]]",
            f"name = {_toml_str(f'{who} reconciled {month}')}",
            f"provider = {_toml_str(r.provider)}",
        ]
        if r.model is not None and len(r.logged_as) == 1:
            out.append(f"model = {_toml_str(r.logged_as[0])}")
        elif r.model is not None:
            names = "|".join(re.escape(m) for m in r.logged_as) or re.escape(r.model)
            out += [f"model = {_toml_str(names)}", 'match = "regex"']
        out += [f"percent = {pct:f}", f"effective_from = {first_day.isoformat()}"]
    return "\n".join(out) + "\n"
