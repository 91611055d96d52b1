"""`llmcost generate`: write realistic synthetic middleware logs (and their ground truth)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from llmcost.cli import app
from llmcost.cli.common import err_console
from llmcost.errors import OutputError, UsageError


def _parse_start(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--start must be a date like 2026-10-01, not {value!r}") from None


def parse_end(value: str | None, option: str = "--end") -> date | None:
    """The last day of data (inclusive): YYYY-MM-DD, today or yesterday (UTC)."""
    if value is None:
        return None
    text = value.strip().lower()
    today = datetime.now(UTC).date()
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option} must be a date like 2026-10-31, today or yesterday, not {value!r}"
        ) from None


def window_of(start: date | None, end: date | None, days: int | None) -> tuple[date | None, int]:
    """The first day and number of days from --start, --end and --days (any two, or --end alone:
    a month ending that day with every anomaly in it, `month_window`)."""
    from llmcost.synth.calendar import month_window

    if end is None:
        return start, 30 if days is None else days
    if start is not None:
        if days is not None:
            raise UsageError("give two of --start, --end and --days, not all three")
        if end < start:
            raise UsageError(f"--end {end} is before --start {start}")
        return start, (end - start).days + 1
    if days is not None:
        return end - timedelta(days=days - 1), days
    return month_window(end)


def _parse_files(value: str) -> int | str:
    if value == "day":
        return "day"
    if value.isdigit() and int(value) >= 1:
        return int(value)
    raise UsageError(f"--files must be a positive number or 'day', not {value!r}")


@app.command("generate")
def generate_cmd(
    out_dir: Annotated[Path, typer.Argument(help="Directory to write the logs and .manifest.json into.")],
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives byte-identical files.")] = 7,
    start: Annotated[
        str | None, typer.Option(metavar="DATE", help="First day, YYYY-MM-DD (default 2026-10-01).")
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help="Last day (inclusive): YYYY-MM-DD, today or yesterday. Alone: a month of data ending "
            "that day (30 to 37 days, from a month's 1st so every anomaly fits).",
        ),
    ] = None,
    days: Annotated[int | None, typer.Option(help="Days of traffic (month scenario; default 30).")] = None,
    requests: Annotated[
        int, typer.Option(help="Approximate number of llm.request lines (month scenario).")
    ] = 50_000,
    tenants: Annotated[int, typer.Option(help="Number of tenants (month scenario).")] = 120,
    anomalies: Annotated[
        str,
        typer.Option(
            help="Comma list of spike, regression, embed-surge, error-burn, budget-pace; or all, none."
        ),
    ] = "all",
    scenario: Annotated[
        str, typer.Option(help="month, or article (the source article's worked example).")
    ] = "month",
    gzip: Annotated[bool, typer.Option("--gzip", help="Gzip every file.")] = False,
    files: Annotated[
        str, typer.Option(help="Split into N rotated files (app.log, app.log.1, ...) or 'day'.")
    ] = "1",
) -> None:
    """Write a seeded, realistic month of LLM middleware logs with planted anomalies."""
    from llmcost.synth import generate

    began = time.perf_counter()
    first, span = window_of(_parse_start(start), parse_end(end), days)
    kwargs: dict[str, Any] = {
        "seed": seed,
        "days": span,
        "requests": requests,
        "tenants": tenants,
        "anomalies": anomalies,
        "scenario": scenario,
        "gzip": gzip,
        "files": _parse_files(files),
    }
    if first is not None:
        kwargs["start"] = first
    try:
        with day_progress(err_console(), span if scenario == "month" else None) as progress:
            manifest = generate(out_dir, progress=progress, **kwargs)
    except ValueError as e:
        raise UsageError(str(e)) from None
    except OSError as e:
        raise OutputError(f"cannot write {out_dir}: {e.strerror or e}") from None
    for line in summary(manifest.data, manifest.path, time.perf_counter() - began):
        err_console().print(line, markup=False, highlight=False, soft_wrap=True)


@contextmanager
def day_progress(console: Any, days: int | None) -> Iterator[Any]:
    """A transient bar of generated days on a terminal (as ingest shows bytes); nothing otherwise."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        "days",
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("generating", total=days)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def summary(data: dict[str, Any], manifest_path: Path, seconds: float) -> list[str]:
    from llmcost.numbers import count, decimal, tokens, usd

    c, t = data["counts"], data["totals"]
    files = data["files"]
    size = sum(f["compressed_bytes"] or f["bytes"] for f in files)
    names = ", ".join(f["path"] for f in files[:3]) + (", ..." if len(files) > 3 else "")
    w = data["window"]
    out = [
        f"llmcost generate: {count(c['lines'])} lines ({count(c['llm_request'])} llm.request, "
        f"{count(c['outcome_events'])} outcome events, {count(c['ignored'])} other) in {len(files)} "
        f"file{'s' if len(files) != 1 else ''} ({names}; {decimal(Decimal(size) / 10**6)} MB) "
        f"in {decimal(Decimal(str(seconds)))} s",
        f"  {data['params']['scenario']} scenario, {w['start'][:10]} to {_last_day(w['end'])} "
        f"({w['days']} days), seed {data['params']['seed']}: {usd(Decimal(str(t['cost_usd'])))} logged, "
        f"{tokens(t['tokens'])} tokens, {count(t['unpriced_requests'])} on models no catalog prices",
    ]
    for a in data["anomalies"]["planted"]:
        weak = "" if a.get("meets_rule", True) else " -- too little traffic for the default rule to fire"
        out.append("  planted " + _describe(a) + weak)
    for s in data["anomalies"]["skipped"]:
        out.append(f"  skipped {s['kind']}: {s['reason']}")
    if "article" in data:
        art = data["article"]
        out.append(
            f"  article: {usd(Decimal(art['cost_usd']) / art['requests'])} per request, "
            f"{usd(Decimal(art['cost_usd']) / art['accepted_drafts'])} "
            f"per accepted draft; {art['tenant_acme']['tenant_id']}: {art['tenant_acme']['requests']:,} requests, "
            f"{art['tenant_acme']['accepted_drafts']} drafts"
        )
    out.append(f"  ground truth: {manifest_path}")
    return out


def _last_day(end: str) -> str:
    """The window's last day (the manifest's end is the exclusive midnight after it)."""
    return (date.fromisoformat(end[:10]) - timedelta(days=1)).isoformat()


def _describe(a: dict[str, Any]) -> str:
    from llmcost.numbers import percent, times, usd

    kind = a["kind"]
    if kind == "spike":
        ratio = "n/a" if a["observed_ratio"] is None else times(Decimal(str(a["observed_ratio"])))
        return f"spike: {a['tenant_id']} on {a['date']}, {ratio} its 7-day average ({usd(Decimal(str(a['day_cost_usd'])))})"
    if kind == "regression":
        return (
            f"regression: {a['feature']} from {a['date']} ({a['prompt_version_before']} -> "
            f"{a['prompt_version_after']}), tokens per success {times(Decimal(str(a['observed_ratio'])))}"
        )
    if kind == "embed-surge":
        return f"embed-surge: {a['date']}, embedding tokens {times(Decimal(str(a['observed_ratio'])))} generation tokens"
    if kind == "error-burn":
        return f"error-burn: {a['date']}, {percent(Decimal(str(a['error_timeout_rate'])))} errors/timeouts ({a['provider']})"
    if kind == "budget-pace":
        return (
            f"budget-pace: {a['month']}, {usd(Decimal(str(a['first_week_spend_usd'])))} in week one = {percent(Decimal(str(a['observed_share'])), '1')} "
            f"of a {usd(Decimal(str(a['budget_usd'])))} budget (fires {a['fires_on']})"
        )
    return kind
