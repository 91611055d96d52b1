"""The pricing commands' output (`llmcost pricing list|show|check|whatif|reprice`) for people: a
sheet of lines and tables, printed on a terminal (rich), as Markdown, or (one table) as CSV.

Each `*_sheet` function turns a pricing result into a `Sheet`; the renderers below know nothing
of prices. The terminal lays tables out as every table is (llmcost.report.grid): models and
numbers whole, headers broken only at a space, the least important columns (`Col.keep`) left out
on a narrow terminal and named under the table: a header cut to "toke…" helps nobody. JSON is not made here: the CLI writes the
results' own documents (docs/json.md).

Values come from logs and config (model names, price_refs with [brackets]): they are text, never
markup, with secrets redacted and invisible characters escaped (llmcost.report.text).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost.numbers import signed_usd, usd_or
from llmcost.report.grid import KEEP, Col, Grid
from llmcost.report.text import markdown_cell, neutral_cell, visible

if TYPE_CHECKING:
    from rich.console import Console

    from llmcost.pricing.catalog import Catalog
    from llmcost.pricing.check import CheckResult
    from llmcost.pricing.listing import Listed
    from llmcost.pricing.reprice import RepriceResult
    from llmcost.pricing.whatif import WhatIfResult


# -- the sheet -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    text: str
    dim: bool = False


Sheet = list[Line | Grid]


def grids(sheet: Sheet) -> list[Grid]:
    return [b for b in sheet if isinstance(b, Grid)]


# -- numbers as the pricing tables show them -------------------------------------------------------


def rate(d: Decimal) -> str:
    return f"{d.normalize():f}"


def _footer(catalog: Catalog) -> Line:
    return Line(catalog.info.describe(), dim=True)


# -- pricing list ----------------------------------------------------------------------------------


def list_sheet(listed: list[Listed], catalog: Catalog) -> Sheet:
    t = Grid(
        [
            Col("source", keep=1),
            Col("provider", keep=KEEP),
            Col("model", keep=KEEP),
            Col("input", True, KEEP),
            Col("cached", True, 1),
            Col("write 5m", True, 0),
            Col("write 1h", True, 0),
            Col("output", True, KEEP),
            Col("per req", True, 1),
            Col("notes", keep=0, wrap=True),
        ]
    )
    for x in listed:
        p = x.price
        rates = (
            [
                rate(p.input),
                rate(p.cached_input),
                rate(p.cache_write_5m),
                rate(p.cache_write_1h),
                rate(p.output),
            ]
            if p
            else ["-"] * 5
        )
        fee = rate(p.per_request) if p and p.per_request else ""
        t.add(x.source, x.provider or "*", x.model, *rates, fee, "; ".join(x.notes))
    sheet: Sheet = [t]
    for d in catalog.discounts:
        span = f" from {d.discount.since.date()}" if d.discount.since else ""
        span += f" until {d.discount.until.date()}" if d.discount.until else ""
        sheet.append(Line(f"discount {d.discount.label}: {d.discount.percent.normalize():f}% off{span}"))
    sheet.append(_footer(catalog))
    return sheet


# -- pricing show ----------------------------------------------------------------------------------

_SHOWN_RATES = (
    ("input", "input_mtok", KEEP),
    ("cached", "cached_input_mtok", 1),
    ("write 5m", "cache_write_5m_mtok", 0),
    ("write 1h", "cache_write_1h_mtok", 0),
    ("output", "output_mtok", KEEP),
)


def show_sheet(model: str, day: date, doc: dict[str, Any], catalog: Catalog) -> Sheet:
    """Readable at 80 columns: the rates in a narrow table, the long texts (how the provider
    was chosen, the 1-hour write rule, each price_ref) as numbered lines under it."""
    sheet: Sheet = [Line(f"{model} on {day} (UTC)"), Line(f"catalog entry: {doc['catalog_match'] or 'none'}")]
    if doc["provider_basis"]:
        sheet.append(Line(doc["provider_basis"]))
    prices = doc["prices"]
    fee = any(p["per_request_usd"] for p in prices)
    off = any(p["discount_percent"] for p in prices)
    cols = [Col("#", True, KEEP), Col("time (UTC)", keep=1), Col("input tokens", keep=KEEP)]
    cols += [Col(name, True, keep) for name, _, keep in _SHOWN_RATES]
    cols += [Col("per req", True, 1)] * fee + [Col("off", True, 1)] * off
    t = Grid(cols)
    for i, row in enumerate(prices, 1):
        lo, hi = row["input_tokens_above"], row["input_tokens_upto"]
        band = "all" if lo is None and hi is None else (f"<= {hi:,}" if lo is None else f"> {lo:,}")
        cells = [str(i), row["time_of_day_utc"], band, *(rate(row[key]) for _, key, _ in _SHOWN_RATES)]
        cells += [rate(row["per_request_usd"])] * fee
        cells += [f"{rate(row['discount_percent'])}%" if row["discount_percent"] else ""] * off
        t.add(*cells)
    sheet.append(t)
    bases = list(dict.fromkeys(p["cache_write_1h_basis"] for p in prices if p["cache_write_1h_basis"]))
    for basis in bases:
        rows = [str(i) for i, p in enumerate(prices, 1) if p["cache_write_1h_basis"] == basis]
        which = "" if len(bases) == 1 else f" (#{', #'.join(rows)})"
        sheet.append(Line(f"1-hour cache writes{which}: {basis}"))
    for i, row in enumerate(prices, 1):
        sheet.append(Line(f"#{i} price_ref: {row['price_ref']}", dim=True))
    sheet.append(
        Line(
            "USD per 1M tokens, before any discount; tiers go by total input tokens, "
            "cache reads and writes included.",
            dim=True,
        )
    )
    sheet.append(_footer(catalog))
    return sheet


# -- pricing check ---------------------------------------------------------------------------------


def check_sheet(result: CheckResult, catalog: Catalog) -> Sheet:
    sheet: Sheet = [Line(f"{result.requests:,} requests, {result.window.describe_days()}")]
    if result.unpriced:
        sheet.append(
            Line(f"Unpriced: {result.unpriced_requests:,} requests of {len(result.unpriced)} model(s)")
        )
        t = Grid(
            [
                Col("provider", keep=KEEP),
                Col("model", keep=KEEP),
                Col("requests", True, KEEP),
                Col("input tokens", True, 1),
                Col("output tokens", True, 1),
                Col("first seen", keep=0),
                Col("last seen", keep=0),
                Col("logged cost", True, 1),
            ]
        )
        for u in result.unpriced:
            t.add(
                u.provider or "-",
                u.model,
                f"{u.requests:,}",
                f"{u.input_tokens:,}",
                f"{u.output_tokens:,}",
                u.first_seen.astimezone(UTC).strftime("%Y-%m-%d"),
                u.last_seen.astimezone(UTC).strftime("%Y-%m-%d"),
                usd_or(u.logged_cost) if u.logged_cost is not None else "-",
            )
        sheet.append(t)
    else:
        sheet.append(Line("Every request is priced."))
    if result.drift:
        sheet.append(Line("Logged vs derived cost, by model:"))
        t = Grid(
            [
                Col("provider", keep=KEEP),
                Col("model", keep=KEEP),
                Col("requests", True, 1),
                Col("logged", True, KEEP),
                Col("derived", True, KEEP),
                Col("logged - derived", True, KEEP),
                Col("%", True, 1),
            ]
        )
        for d in result.drift:
            pct = d.percent
            t.add(
                d.provider or "-",
                d.model,
                f"{d.requests:,}",
                usd_or(d.logged_cost),
                usd_or(d.derived_cost),
                signed_usd(d.delta),
                "-" if pct is None else f"{pct:+}%",
            )
        sheet.append(t)
    if result.inferred:
        sheet.append(Line("Provider read from the model name (none logged, or the logged one lacks it):"))
        t = Grid(
            [
                Col("model", keep=KEEP),
                Col("requests", True, 1),
                Col("priced as", keep=KEEP),
                Col("because the name is", keep=0, wrap=True),
            ]
        )
        for i in result.inferred:
            t.add(i.model, f"{i.requests:,}", i.catalog_entry, i.form)
        sheet.append(t)
    if result.stale:
        sheet.append(
            Line(
                f"{result.stale:,} requests were priced with another catalog: run `llmcost pricing reprice`."
            )
        )
    sheet.append(_footer(catalog))
    return sheet


# -- pricing whatif --------------------------------------------------------------------------------


def whatif_sheet(
    result: WhatIfResult, catalog: Catalog, *, model: str, from_model: str | None, mode: str
) -> Sheet:
    scope = f"{from_model} traffic" if from_model else "all traffic"
    sheet: Sheet = [
        Line(f"What if {scope}, {result.window.describe_days()}, had run on {model}? (actual cost: {mode})")
    ]
    t = Grid(
        [
            Col("provider", keep=1),
            Col("model", keep=KEEP),
            Col("requests", True, 1),
            Col("input tokens", True, 0),
            Col("output tokens", True, 0),
            Col("actual", True, KEEP),
            Col(f"on {model}", True, KEEP),
            Col("delta", True, KEEP),
        ]
    )
    for r in result.rows:
        t.add(
            r.provider or "-",
            r.model,
            f"{r.requests:,}",
            f"{r.input_tokens:,}",
            f"{r.output_tokens:,}",
            usd_or(r.actual_cost) + (f" ({r.actual_unpriced:,} unpriced)" if r.actual_unpriced else ""),
            usd_or(r.whatif_cost) + (f" ({r.whatif_unpriced:,} unpriced)" if r.whatif_unpriced else ""),
            signed_usd(r.whatif_cost - r.actual_cost),
        )
    t.add(
        "",
        "total",
        "",
        "",
        "",
        usd_or(result.actual_cost),
        usd_or(result.whatif_cost),
        signed_usd(result.whatif_cost - result.actual_cost),
        style="bold",
        gap=True,
    )
    sheet.append(t)
    sheet.append(
        Line("Token counts are carried over as logged; another tokenizer would count differently.", dim=True)
    )
    sheet += [Line(f"priced with {ref}", dim=True) for ref in result.price_refs]
    sheet.append(_footer(catalog))
    return sheet


# -- pricing reprice -------------------------------------------------------------------------------


def reprice_sheet(result: RepriceResult, catalog: Catalog, *, dry_run: bool) -> Sheet:
    verb = "Would reprice" if dry_run else "Repriced"
    sheet: Sheet = [
        Line(
            f"{verb} requests {result.window.describe_days()}"
            + (" (dry run: nothing written)" if dry_run else "")
        )
    ]
    t = Grid(
        [
            Col("month", keep=KEEP),
            Col("model", keep=KEEP),
            Col("requests", True, 1),
            Col("changed", True, 1),
            Col("before", True, KEEP),
            Col("after", True, KEEP),
            Col("delta", True, KEEP),
        ]
    )
    for c in result.changes:
        before = usd_or(c.old_cost) + (f" +{c.old_unpriced:,} unpriced" if c.old_unpriced else "")
        after = usd_or(c.new_cost) + (f" +{c.new_unpriced:,} unpriced" if c.new_unpriced else "")
        t.add(c.month, c.model, f"{c.requests:,}", f"{c.changed:,}", before, after, signed_usd(c.delta))
    t.add(
        "",
        "total",
        f"{result.requests:,}",
        f"{result.changed:,}",
        usd_or(result.old_cost),
        usd_or(result.new_cost),
        signed_usd(result.new_cost - result.old_cost),
        style="bold",
        gap=True,
    )
    sheet.append(t)
    if result.skipped_closed:
        sheet.append(
            Line(
                f"{result.skipped_closed:,} requests before {result.closed_before} left as booked "
                "([pricing] closed_before); --restate rewrites them."
            )
        )
    sheet.append(_footer(catalog))
    return sheet


# -- renderers -------------------------------------------------------------------------------------


def print_sheet(sheet: Sheet, console: Console) -> None:

    from llmcost.report.grid import print_grid, print_hanging

    for block in sheet:
        if isinstance(block, Line):
            # a long line (a price_ref) wraps between words, indented under its start
            print_hanging(console, block.text, "", "    ", style="dim" if block.dim else "")
            continue
        print_grid(block, console)


def sheet_markdown(sheet: Sheet) -> str:
    out: list[str] = []
    for block in sheet:
        if isinstance(block, Line):
            text = markdown_cell(block.text)
            out += [f"_{text}_" if block.dim else text, ""]
            continue
        out.append("| " + " | ".join(markdown_cell(c.name) for c in block.cols) + " |")
        out.append("|" + "|".join("---:" if c.right else ":---" for c in block.cols) + "|")
        out += ["| " + " | ".join(markdown_cell(v) for v in row) + " |" for row in block.rows]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


_PLAIN_NUMBER = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?%?")


def _csv_cell(col: Col, value: str) -> str:
    if col.right and _PLAIN_NUMBER.fullmatch(value):
        return value
    return visible(neutral_cell(value))  # a spreadsheet shows "-$0.0022" or "=cmd" as text, never runs it


def sheet_csv(sheet: Sheet) -> str:
    """The sheet's one table as CSV (the CLI refuses --format csv for a sheet of several)."""
    (grid,) = grids(sheet)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c.name for c in grid.cols])
    for row in grid.rows:
        w.writerow([_csv_cell(c, v) for c, v in zip(grid.cols, row, strict=True)])
    return buf.getvalue()
