"""Invoice formats: one module per provider export shape (FORMATS.md §5), each with a `sniff`
that recognises its own file and a `read` that turns it into InvoiceLines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType

from llmcost.reconcile.lines import InvoiceLine


@dataclass(frozen=True)
class InvoiceFormat:
    name: str
    description: str
    sniff: Callable[[bytes], bool]
    read: Callable[[bytes], Iterator[InvoiceLine]]


def _from(module: ModuleType) -> InvoiceFormat:
    return InvoiceFormat(module.NAME, module.DESCRIPTION, module.sniff, module.read)


def formats() -> tuple[InvoiceFormat, ...]:
    """Every format, most specific first (auto-detection takes the first whose sniff matches)."""
    from llmcost.reconcile.formats import anthropic_cost_report, focus, openai_costs, openai_csv, plain

    return tuple(_from(m) for m in (openai_costs, anthropic_cost_report, openai_csv, focus, plain))


FORMAT_NAMES = ("openai-costs", "anthropic-cost-report", "openai-csv", "focus", "plain")
