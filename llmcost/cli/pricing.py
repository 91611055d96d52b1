"""`llmcost pricing list|show|check|whatif|reprice` (the old top-level `llmcost reprice` is a hidden
alias): parse, call llmcost.pricing, hand the result to llmcost.report.pricing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmcost.cli import app
from llmcost.cli.common import alias, emit_json, emit_table, emit_text, resolve, top_note
from llmcost.cli.options import (
    ConfigOption,
    DbOption,
    FormatOption,
    JsonFlag,
    OutputOption,
    PagerOption,
    TopOption,
    format_option,
    output_format,
    top_rows,
)
from llmcost.errors import CheckFailed, UsageError

if TYPE_CHECKING:
    from llmcost.pricing.catalog import Catalog
    from llmcost.report.pricing import Sheet
    from llmcost.window import Window

pricing_app = typer.Typer(
    name="pricing",
    help="Prices: the genai-prices catalog, your own rates, what is unpriced, what-if, repricing.",
    no_args_is_help=True,
)
app.add_typer(pricing_app, name="pricing")

SinceOption = Annotated[str | None, typer.Option("--since", help="First day (UTC, YYYY-MM-DD), inclusive.")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Last day (UTC, YYYY-MM-DD), exclusive.")]
ProviderOption = Annotated[str | None, typer.Option("--provider", help="Provider, e.g. openai or anthropic.")]

_FORMATS = ("table", "json", "csv", "md")


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


def _format(fmt: str, json_flag: bool, command: str, *, tables: int = 1) -> str:
    """--format for a pricing command; csv only where the output is one table."""
    allowed = _FORMATS if tables == 1 else tuple(f for f in _FORMATS if f != "csv")
    why = "several tables: use md or json" if tables != 1 else ""
    return output_format(fmt, command, allowed, json_flag=json_flag, why=why)


def _emit(kind: str, fmt: str, output: Path | None, doc: dict[str, Any], sheet: Sheet) -> None:
    from llmcost.report import pricing as render

    if fmt == "json":
        emit_json(kind, doc, output)
    elif fmt == "md":
        emit_text(render.sheet_markdown(sheet), output)
    elif fmt == "csv":
        emit_text(render.sheet_csv(sheet), output)
    else:
        emit_table(lambda console: render.print_sheet(sheet, console), output)


@pricing_app.command("list")
def list_cmd(
    provider: ProviderOption = None,
    model: Annotated[str | None, typer.Option("--model", help="Model name or part of it.")] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Prices in force on this UTC day (default: now).")
    ] = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    top: TopOption = None,
    json: JsonFlag = False,
    config: ConfigOption = None,
    pager: PagerOption = None,
) -> None:
    """List prices per 1M tokens: your rates first, then the catalog's."""
    from llmcost.pricing.listing import list_prices
    from llmcost.report.pricing import list_sheet
    from llmcost.window import midnight

    fmt = _format(fmt, json, "pricing list")
    shown = top_rows(top, fmt=fmt, output=output)
    catalog = _catalog(config)
    day = _date(at, "--at")
    listed = list_prices(catalog, provider=provider, model=model, at=midnight(day) if day else None)
    rows = listed[: shown.rows] if shown.rows is not None else listed
    doc = {"catalog": catalog.info.as_dict(), "prices": [x.as_dict() for x in rows]}
    _emit("pricing.list", fmt, output, doc, list_sheet(rows, catalog))
    top_note(shown.rows, len(listed), shown.auto)


@pricing_app.command("show", short_help="The price a model gets on a day, with its tiers.")
def show_cmd(
    model: Annotated[str, typer.Argument(help="Model name as it appears in logs.")],
    provider: ProviderOption = None,
    service_tier: Annotated[
        str | None, typer.Option("--service-tier", help="e.g. batch, flex, priority.")
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help="UTC day (default: today).")] = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    json: JsonFlag = False,
    config: ConfigOption = None,
    pager: PagerOption = None,
) -> None:
    """Show the price a model gets on a day, with its tiers, time-of-day prices and price_ref."""
    from llmcost.pricing.listing import show_price
    from llmcost.report.pricing import show_sheet

    fmt = _format(fmt, json, "pricing show")
    catalog = _catalog(config)
    day = _date(at, "--at") or datetime.now(UTC).date()
    shown = show_price(catalog, model, provider=provider, service_tier=service_tier, day=day)
    if not shown.cells:
        who = f" from {provider}" if provider else ""
        raise UsageError(
            f"no price for {model!r}{who} on {day}: not in the catalog and no [[pricing.rates]] entry "
            "(requests for it stay unpriced)"
        )
    doc = shown.as_dict()
    _emit(
        "pricing.show",
        fmt,
        output,
        {"catalog": catalog.info.as_dict(), **doc},
        show_sheet(model, day, doc, catalog),
    )


@pricing_app.command("check", short_help="Unpriced models with their request counts.")
def check_cmd(
    since: SinceOption = None,
    until: UntilOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any request is unpriced.")] = False,
    fmt: Annotated[str, format_option("table", "json", "md")] = "table",
    output: OutputOption = None,
    json: JsonFlag = False,
    db: DbOption = None,
    config: ConfigOption = None,
    pager: PagerOption = None,
) -> None:
    """List unpriced models with their request counts, and logged-vs-derived drift by model."""
    from llmcost.pricing import load_catalog
    from llmcost.pricing.check import check
    from llmcost.report.pricing import check_sheet
    from llmcost.warehouse import reader

    fmt = _format(fmt, json, "pricing check", tables=3)
    path, cfg = resolve(db, config)
    catalog = load_catalog(cfg)
    window = _window(since, until)
    with reader(path) as wh:
        result = check(wh.con, catalog, window=window)
    doc = {"catalog_info": catalog.info.as_dict(), **result.as_dict()}
    _emit("pricing.check", fmt, output, doc, check_sheet(result, catalog))
    if strict and result.unpriced:
        raise CheckFailed(
            f"{result.unpriced_requests:,} request(s) of {len(result.unpriced)} model(s) are unpriced: "
            "add [[pricing.rates]] entries, then run `llmcost pricing reprice`"
        )


@pricing_app.command("whatif", short_help="What the traffic would have cost on another model.")
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
    fmt: FormatOption = "table",
    output: OutputOption = None,
    json: JsonFlag = False,
    db: DbOption = None,
    config: ConfigOption = None,
    pager: PagerOption = None,
) -> None:
    """What the window's traffic would have cost on another model (same token counts)."""
    from llmcost.pricing import load_catalog
    from llmcost.pricing.whatif import whatif
    from llmcost.report.pricing import whatif_sheet
    from llmcost.warehouse import reader

    fmt = _format(fmt, json, "pricing whatif")
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
    doc = {"catalog": catalog.info.as_dict(), **result.as_dict()}
    sheet = whatif_sheet(result, catalog, model=model, from_model=from_model, mode=mode)
    _emit("pricing.whatif", fmt, output, doc, sheet)


@pricing_app.command("reprice", short_help="Re-derive stored costs at today's prices.")
def reprice_cmd(
    since: SinceOption = None,
    until: UntilOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the change by model and month; write nothing.")
    ] = False,
    restate: Annotated[
        bool, typer.Option("--restate", help="Also rewrite months before [pricing] closed_before.")
    ] = False,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    json: JsonFlag = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Re-derive stored costs at today's prices (after a price or rate change)."""
    from llmcost.pricing import load_catalog
    from llmcost.pricing.reprice import reprice
    from llmcost.report.pricing import reprice_sheet
    from llmcost.warehouse import reader, writer

    fmt = _format(fmt, json, "pricing reprice")
    path, cfg = resolve(db, config)
    catalog = load_catalog(cfg)
    window = _window(since, until)
    opener = reader(path) if dry_run else writer(path, command="llmcost pricing reprice")
    with opener as wh:
        result = reprice(
            wh,
            catalog,
            window=window,
            dry_run=dry_run,
            restate=restate,
            closed_before=cfg.pricing.closed_before,
        )
    doc = {"catalog": catalog.info.as_dict(), **result.as_dict()}
    _emit("pricing.reprice", fmt, output, doc, reprice_sheet(result, catalog, dry_run=dry_run))


app.command("reprice", hidden=True)(alias(reprice_cmd, "reprice", "pricing reprice"))
