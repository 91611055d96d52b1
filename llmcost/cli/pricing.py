"""`llmcost pricing list|show|check|whatif` and `llmcost reprice`: parse, call llmcost.pricing, render."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from llmcost.cli import app
from llmcost.cli.common import ConfigOption, DbOption, out_console, resolve, write_stdout_json
from llmcost.errors import CheckFailed, UsageError

if TYPE_CHECKING:
    from llmcost.pricing.catalog import Catalog
    from llmcost.pricing.check import CheckResult
    from llmcost.window import Window

pricing_app = typer.Typer(
    name="pricing",
    help="Prices: the genai-prices catalog, your own rates, what is unpriced, what-if.",
    no_args_is_help=True,
)
app.add_typer(pricing_app, name="pricing")

JsonOption = Annotated[bool, typer.Option("--json", help="Write JSON to stdout instead of a table.")]
SinceOption = Annotated[str | None, typer.Option("--since", help="First day (UTC, YYYY-MM-DD), inclusive.")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Last day (UTC, YYYY-MM-DD), exclusive.")]
ProviderOption = Annotated[str | None, typer.Option("--provider", help="Provider, e.g. openai or anthropic.")]


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: expected a date as YYYY-MM-DD, got {value!r}") from None


def _window(since: str | None, until: str | None) -> Window:
    from llmcost.window import Window

    w = Window.of_dates(_date(since, "--since"), _date(until, "--until"))
    if w.empty:
        raise UsageError("--until must be after --since")
    return w


def _catalog(config: Path | None) -> Catalog:
    from llmcost.config import load_config
    from llmcost.pricing import load_catalog

    return load_catalog(load_config(config))


def _rate(d: Decimal) -> str:
    return f"{d.normalize():f}"


def _usd(d: Decimal | None) -> str:
    return "unpriced" if d is None else f"${d:,.4f}"


def _delta(d: Decimal) -> str:
    sign = "+" if d > 0 else "-" if d < 0 else ""
    return f"{sign}${abs(d):,.4f}"


def _add(table: Table, *cells: str) -> None:
    # Values come from logs and config (model names, price_refs with [brackets]): never markup.
    from llmcost.report.text import shown

    table.add_row(*(Text(shown(c)) for c in cells))


def _print(renderable: object, style: str | None = None) -> None:
    out_console().print(renderable, style=style, markup=False, highlight=False)


def _footer(catalog: Catalog) -> None:
    _print(catalog.info.describe(), style="dim")


@pricing_app.command("list")
def list_cmd(
    provider: ProviderOption = None,
    model: Annotated[str | None, typer.Option("--model", help="Model name or part of it.")] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Prices in force on this UTC day (default: now).")
    ] = None,
    json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """List prices per 1M tokens: your rates first, then the catalog's."""
    from llmcost.pricing.listing import list_prices
    from llmcost.window import midnight

    catalog = _catalog(config)
    day = _date(at, "--at")
    listed = list_prices(catalog, provider=provider, model=model, at=midnight(day) if day else None)
    if json:
        write_stdout_json({"catalog": catalog.info.as_dict(), "prices": [x.as_dict() for x in listed]})
        return
    table = Table(
        "source", "provider", "model", "input", "cached", "write 5m", "write 1h", "output", "per req", "notes"
    )
    for x in listed:
        p = x.price
        rates = (
            [
                _rate(p.input),
                _rate(p.cached_input),
                _rate(p.cache_write_5m),
                _rate(p.cache_write_1h),
                _rate(p.output),
            ]
            if p
            else ["-"] * 5
        )
        fee = _rate(p.per_request) if p and p.per_request else ""
        _add(table, x.source, x.provider or "*", x.model, *rates, fee, "; ".join(x.notes))
    _print(table)
    if catalog.discounts:
        for d in catalog.discounts:
            span = f" from {d.discount.since.date()}" if d.discount.since else ""
            span += f" until {d.discount.until.date()}" if d.discount.until else ""
            _print(f"discount {d.discount.label}: {d.discount.percent.normalize():f}% off{span}")
    _footer(catalog)


@pricing_app.command("show")
def show_cmd(
    model: Annotated[str, typer.Argument(help="Model name as it appears in logs.")],
    provider: ProviderOption = None,
    service_tier: Annotated[
        str | None, typer.Option("--service-tier", help="e.g. batch, flex, priority.")
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help="UTC day (default: today).")] = None,
    json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Show the price a model gets on a day, with its tiers, time-of-day prices and price_ref."""
    from llmcost.pricing.listing import show_price

    catalog = _catalog(config)
    day = _date(at, "--at") or datetime.now(UTC).date()
    shown = show_price(catalog, model, provider=provider, service_tier=service_tier, day=day)
    if not shown.cells:
        who = f" from {provider}" if provider else ""
        raise UsageError(
            f"no price for {model!r}{who} on {day}: not in the catalog and no [[pricing.rates]] entry "
            "(requests for it stay unpriced)"
        )
    if json:
        write_stdout_json({"catalog": catalog.info.as_dict(), **shown.as_dict()})
        return
    _render_show(model, day, shown.as_dict())
    _footer(catalog)


_SHOWN_RATES = (
    ("input", "input_mtok"),
    ("cached", "cached_input_mtok"),
    ("write 5m", "cache_write_5m_mtok"),
    ("write 1h", "cache_write_1h_mtok"),
    ("output", "output_mtok"),
)


def _render_show(model: str, day: date, doc: dict[str, Any]) -> None:
    """Readable at 80 columns: the rates in a narrow table, the long texts (how the provider
    was chosen, the 1-hour write rule, each price_ref) as numbered lines under it."""
    from rich import box

    from llmcost.report.text import shown

    _print(Text(shown(f"{model} on {day} (UTC)")))
    _print(Text(shown(f"catalog entry: {doc['catalog_match'] or 'none'}")))
    if doc["provider_basis"]:
        _print(Text(shown(doc["provider_basis"])))
    prices = doc["prices"]
    fee = any(p["per_request_usd"] for p in prices)
    off = any(p["discount_percent"] for p in prices)
    columns = ["#", "time (UTC)", "input tokens", *(name for name, _ in _SHOWN_RATES)]
    columns += ["per req"] * fee + ["off"] * off
    table = Table(*columns, box=box.SIMPLE_HEAD, pad_edge=False)
    for i, row in enumerate(prices, 1):
        lo, hi = row["input_tokens_above"], row["input_tokens_upto"]
        band = "all" if lo is None and hi is None else (f"<= {hi:,}" if lo is None else f"> {lo:,}")
        cells = [str(i), row["time_of_day_utc"], band, *(_rate(row[key]) for _, key in _SHOWN_RATES)]
        cells += [_rate(row["per_request_usd"])] * fee
        cells += [f"{_rate(row['discount_percent'])}%" if row["discount_percent"] else ""] * off
        _add(table, *cells)
    _print(table)
    bases = list(dict.fromkeys(p["cache_write_1h_basis"] for p in prices if p["cache_write_1h_basis"]))
    for basis in bases:
        rows = [str(i) for i, p in enumerate(prices, 1) if p["cache_write_1h_basis"] == basis]
        which = "" if len(bases) == 1 else f" (#{', #'.join(rows)})"
        _print(Text(shown(f"1-hour cache writes{which}: {basis}")))
    for i, row in enumerate(prices, 1):
        _print(Text(shown(f"#{i} price_ref: {row['price_ref']}")), style="dim")
    _print(
        "USD per 1M tokens, before any discount; tiers go by total input tokens, "
        "cache reads and writes included.",
        style="dim",
    )


@pricing_app.command("check")
def check_cmd(
    since: SinceOption = None,
    until: UntilOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any request is unpriced.")] = False,
    json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """List unpriced models with their request counts, and logged-vs-derived drift by model."""
    from llmcost.pricing import load_catalog
    from llmcost.pricing.check import check
    from llmcost.warehouse import reader

    path, cfg = resolve(db, config)
    catalog = load_catalog(cfg)
    window = _window(since, until)
    with reader(path) as wh:
        result = check(wh.con, catalog, window=window)
    if json:
        write_stdout_json({"catalog_info": catalog.info.as_dict(), **result.as_dict()})
    else:
        _render_check(result)
        _footer(catalog)
    if strict and result.unpriced:
        raise CheckFailed(
            f"{result.unpriced_requests:,} request(s) of {len(result.unpriced)} model(s) are unpriced: "
            "add [[pricing.rates]] entries, then run `llmcost reprice`"
        )


def _render_check(result: CheckResult) -> None:
    _print(f"{result.requests:,} requests, {result.window.describe_days()}")
    if result.unpriced:
        _print(f"Unpriced: {result.unpriced_requests:,} requests of {len(result.unpriced)} model(s)")
        t = Table(
            "provider",
            "model",
            "requests",
            "input tokens",
            "output tokens",
            "first seen",
            "last seen",
            "logged cost",
        )
        for u in result.unpriced:
            _add(
                t,
                u.provider or "-",
                u.model,
                f"{u.requests:,}",
                f"{u.input_tokens:,}",
                f"{u.output_tokens:,}",
                u.first_seen.astimezone(UTC).strftime("%Y-%m-%d"),
                u.last_seen.astimezone(UTC).strftime("%Y-%m-%d"),
                _usd(u.logged_cost) if u.logged_cost is not None else "-",
            )
        _print(t)
    else:
        _print("Every request is priced.")
    if result.drift:
        _print("Logged vs derived cost, by model:")
        t = Table("provider", "model", "requests", "logged", "derived", "logged - derived", "%")
        for d in result.drift:
            pct = d.percent
            _add(
                t,
                d.provider or "-",
                d.model,
                f"{d.requests:,}",
                _usd(d.logged_cost),
                _usd(d.derived_cost),
                _delta(d.delta),
                "-" if pct is None else f"{pct:+}%",
            )
        _print(t)
    if result.inferred:
        _print("Provider read from the model name (none logged, or the logged one lacks it):")
        t = Table("model", "requests", "priced as", "because the name is")
        for i in result.inferred:
            _add(t, i.model, f"{i.requests:,}", i.catalog_entry, i.form)
        _print(t)
    if result.stale:
        _print(f"{result.stale:,} requests were priced with another catalog: run `llmcost reprice`.")


@pricing_app.command("whatif")
def whatif_cmd(
    model: Annotated[str, typer.Option("--model", help="The model to price the traffic on.")],
    from_model: Annotated[
        str | None, typer.Option("--from-model", help="Only the traffic of this model (default: all).")
    ] = None,
    provider: ProviderOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    cost: Annotated[
        str | None, typer.Option("--cost", help="Actual cost as derived, logged or auto (default: config).")
    ] = None,
    json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """What the window's traffic would have cost on another model (same token counts)."""
    from llmcost.pricing import load_catalog
    from llmcost.pricing.whatif import whatif
    from llmcost.warehouse import reader

    path, cfg = resolve(db, config)
    mode = cost or cfg.pricing.cost_mode
    if mode not in ("derived", "logged", "auto"):
        raise UsageError(f"--cost must be derived, logged or auto, not {mode!r}")
    catalog = load_catalog(cfg)
    window = _window(since, until)
    with reader(path) as wh:
        result = whatif(
            wh.con,
            catalog,
            to_model=model,
            to_provider=provider,
            from_model=from_model,
            window=window,
            cost_mode=mode,  # type: ignore[arg-type]
        )
    if json:
        write_stdout_json({"catalog": catalog.info.as_dict(), **result.as_dict()})
        return
    scope = f"{from_model} traffic" if from_model else "all traffic"
    _print(f"What if {scope}, {window.describe()}, had run on {model}? (actual cost: {mode})")
    t = Table(
        "provider", "model", "requests", "input tokens", "output tokens", "actual", f"on {model}", "delta"
    )
    for r in result.rows:
        _add(
            t,
            r.provider or "-",
            r.model,
            f"{r.requests:,}",
            f"{r.input_tokens:,}",
            f"{r.output_tokens:,}",
            _usd(r.actual_cost) + (f" ({r.actual_unpriced:,} unpriced)" if r.actual_unpriced else ""),
            _usd(r.whatif_cost) + (f" ({r.whatif_unpriced:,} unpriced)" if r.whatif_unpriced else ""),
            _delta(r.whatif_cost - r.actual_cost),
        )
    _add(
        t,
        "",
        "total",
        "",
        "",
        "",
        _usd(result.actual_cost),
        _usd(result.whatif_cost),
        _delta(result.whatif_cost - result.actual_cost),
    )
    _print(t)
    _print("Token counts are carried over as logged; another tokenizer would count differently.", style="dim")
    for ref in result.price_refs:
        _print(f"priced with {ref}", style="dim")
    _footer(catalog)


@app.command("reprice")
def reprice_cmd(
    since: SinceOption = None,
    until: UntilOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the change by model and month; write nothing.")
    ] = False,
    restate: Annotated[
        bool, typer.Option("--restate", help="Also rewrite months before [pricing] closed_before.")
    ] = False,
    json: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Re-derive stored costs at today's prices (after a price or rate change)."""
    from llmcost.pricing import load_catalog
    from llmcost.pricing.reprice import reprice
    from llmcost.warehouse import reader, writer

    path, cfg = resolve(db, config)
    catalog = load_catalog(cfg)
    window = _window(since, until)
    opener = reader(path) if dry_run else writer(path, command="llmcost reprice")
    with opener as wh:
        result = reprice(
            wh,
            catalog,
            window=window,
            dry_run=dry_run,
            restate=restate,
            closed_before=cfg.pricing.closed_before,
        )
    if json:
        write_stdout_json({"catalog": catalog.info.as_dict(), **result.as_dict()})
        return
    verb = "Would reprice" if dry_run else "Repriced"
    _print(
        f"{verb} requests {result.window.describe_days()}"
        + (" (dry run: nothing written)" if dry_run else "")
    )
    t = Table("month", "model", "requests", "changed", "before", "after", "delta")
    for c in result.changes:
        before = _usd(c.old_cost) + (f" +{c.old_unpriced:,} unpriced" if c.old_unpriced else "")
        after = _usd(c.new_cost) + (f" +{c.new_unpriced:,} unpriced" if c.new_unpriced else "")
        _add(t, c.month, c.model, f"{c.requests:,}", f"{c.changed:,}", before, after, _delta(c.delta))
    _add(
        t,
        "",
        "total",
        f"{result.requests:,}",
        f"{result.changed:,}",
        _usd(result.old_cost),
        _usd(result.new_cost),
        _delta(result.new_cost - result.old_cost),
    )
    _print(t)
    if result.skipped_closed:
        _print(
            f"{result.skipped_closed:,} requests before {result.closed_before} left as booked "
            "([pricing] closed_before); --restate rewrites them."
        )
    _footer(catalog)
