"""`llmcost reconcile` and `llmcost invoices import`: provider invoices against the estimate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmcost.cli import app
from llmcost.cli.common import (
    emit_json,
    emit_table,
    emit_text,
    err_console,
    out_console,
    resolve,
    set_color,
)
from llmcost.cli.options import (
    ColorOption,
    ConfigOption,
    DbOption,
    FormatOption,
    JsonFlag,
    OutputOption,
    PagerOption,
    output_format,
)
from llmcost.errors import CheckFailed, UsageError

if TYPE_CHECKING:
    from llmcost.reconcile import ImportResult, Reconciliation

invoices_app = typer.Typer(
    name="invoices", help="Provider invoices: import billing exports for `reconcile`.", no_args_is_help=True
)
app.add_typer(invoices_app, name="invoices")

_FORMATS_HELP = "auto, openai-costs, openai-csv, anthropic-cost-report, focus or plain"
InvoiceFormatOption = Annotated[
    str, typer.Option("--invoice-format", help=f"Invoice file format: {_FORMATS_HELP}.")
]


def _import(db_path: Path, files: list[Path], fmt: str) -> list[ImportResult]:
    from llmcost.reconcile import parse_file
    from llmcost.reconcile.store import import_parsed
    from llmcost.warehouse import writer

    parsed = [parse_file(f, fmt) for f in files]  # a malformed file fails before the warehouse is locked
    with writer(db_path, command="llmcost invoices import") as wh:
        return import_parsed(wh.con, parsed)


def _say_imported(results: list[ImportResult]) -> None:
    from rich.text import Text

    from llmcost.numbers import usd

    con = err_console()
    for r in results:
        what = "already imported, nothing added" if r.already else f"{r.lines} lines, {usd(r.amount_usd)}"
        con.print(Text(f"{r.path}: {r.format}: {what}"))


@invoices_app.command("import", short_help="Import provider billing exports (idempotent).")
def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="Invoice export files.", show_default=False)],
    invoice_format: InvoiceFormatOption = "auto",
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table (lines on stderr) or json (on stdout).")
    ] = "table",
    output: OutputOption = None,
    json_out: JsonFlag = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Import provider billing exports (idempotent: the same file twice adds nothing)."""
    fmt = output_format(fmt, "invoices import", ("table", "json"), json_flag=json_out, why="a list of files")
    if fmt == "table" and output is not None:
        raise UsageError("invoices import: --output takes the --format json summary")
    db_path, _ = resolve(db, config)
    results = _import(db_path, files, invoice_format)
    if fmt == "json":
        emit_json("invoices.import", {"schema_version": 1, "files": [r.as_dict() for r in results]}, output)
    else:
        _say_imported(results)


@app.command("reconcile")
def reconcile_cmd(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Invoice files to import and reconcile (default: every imported invoice).",
            show_default=False,
        ),
    ] = None,
    month: Annotated[
        str | None, typer.Option("--month", help="YYYY-MM (default: the latest invoiced month).")
    ] = None,
    provider: Annotated[str | None, typer.Option("--provider", help="Only this provider.")] = None,
    threshold: Annotated[
        str | None,
        typer.Option("--threshold", help="Exit 1 above this gap (default 2%, or [reconcile] threshold)."),
    ] = None,
    fmt: FormatOption = "table",
    tz: Annotated[
        str | None,
        typer.Option("--tz", help="Zone your reports use: explains requests near the UTC day boundary."),
    ] = None,
    suggest_rates: Annotated[
        bool,
        typer.Option("--suggest-rates", help="Print [pricing] discounts that would close the gap (TOML)."),
    ] = False,
    output: OutputOption = None,
    json_out: JsonFlag = False,
    invoice_format: InvoiceFormatOption = "auto",
    db: DbOption = None,
    config: ConfigOption = None,
    color: ColorOption = "auto",
    pager: PagerOption = None,
) -> None:
    """Billed vs estimated by provider, model, UTC day (and token type), with the gap explained."""
    from llmcost.pricing import load_catalog
    from llmcost.reconcile import parse_month, parse_threshold, reconcile
    from llmcost.reconcile.config import reconcile_config
    from llmcost.report.reconcile import FORMATS
    from llmcost.warehouse import reader
    from llmcost.window import zone

    set_color(color)
    fmt = output_format(fmt, "reconcile", FORMATS, json_flag=json_out)
    db_path, cfg = resolve(db, config)
    defaults = reconcile_config(cfg.reconcile, cfg.source_path)
    threshold = threshold or defaults.threshold
    tz = tz or defaults.tz
    zone(tz)
    limit = parse_threshold(threshold)
    if month is not None:
        parse_month(month)  # a bad --month is a usage error before any file is read or imported
    file_ids: tuple[int, ...] | None = None
    if files:
        results = _import(db_path, files, invoice_format)
        _say_imported([r for r in results if not r.already])
        file_ids = tuple(sorted({r.file_id for r in results}))
    catalog = load_catalog(cfg)
    with reader(db_path) as wh:
        rec = reconcile(
            wh.con, catalog, month=month, provider=provider, threshold=limit, file_ids=file_ids, tz=tz
        )
    _emit(rec, fmt, output)
    if suggest_rates:
        from llmcost.reconcile.suggest import suggest_toml

        text = suggest_toml(list(rec.ratios), rec.month, rec.since)
        if fmt == "table" and output is None:
            out_console().print(text, markup=False, highlight=False, end="")
        else:
            err_console().print(text, markup=False, highlight=False, end="")
    if rec.tripped:
        names = ", ".join(ln.label for ln in rec.over_threshold[:10])
        more = len(rec.over_threshold) - 10
        raise CheckFailed(
            f"reconciliation gap over {threshold} for {rec.month}: "
            + ", ".join(f"{p.provider} {p.gap:+f}" for p in rec.providers if p.over_threshold)
            + (f"; lines: {names}" if names else "")
            + (f" and {more} more" if more > 0 else "")
        )


def _emit(rec: Reconciliation, fmt: str, output: Path | None) -> None:
    from llmcost.report import reconcile as render

    if fmt == "table":
        emit_table(lambda con: render.print_table(con, rec), output)
    elif fmt == "json":
        emit_json("reconcile", rec.as_dict(), output)
    else:
        emit_text({"csv": render.render_csv, "md": render.render_markdown}[fmt](rec), output)
