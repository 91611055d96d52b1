"""`llmcost generate`: write realistic synthetic middleware logs (and their ground truth)."""

from __future__ import annotations

import time
from datetime import date
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
    start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD (default 2026-10-01).")] = None,
    days: Annotated[int, typer.Option(help="Days of traffic (month scenario).")] = 30,
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
    kwargs: dict[str, Any] = {
        "seed": seed,
        "days": days,
        "requests": requests,
        "tenants": tenants,
        "anomalies": anomalies,
        "scenario": scenario,
        "gzip": gzip,
        "files": _parse_files(files),
    }
    first = _parse_start(start)
    if first is not None:
        kwargs["start"] = first
    try:
        manifest = generate(out_dir, **kwargs)
    except ValueError as e:
        raise UsageError(str(e)) from None
    except OSError as e:
        raise OutputError(f"cannot write {out_dir}: {e.strerror or e}") from None
    for line in summary(manifest.data, manifest.path, time.perf_counter() - began):
        err_console().print(line, markup=False, highlight=False, soft_wrap=True)


def summary(data: dict[str, Any], manifest_path: Path, seconds: float) -> list[str]:
    from llmcost.numbers import usd

    c, t = data["counts"], data["totals"]
    files = data["files"]
    size = sum(f["compressed_bytes"] or f["bytes"] for f in files)
    names = ", ".join(f["path"] for f in files[:3]) + (", ..." if len(files) > 3 else "")
    w = data["window"]
    out = [
        f"llmcost generate: {c['lines']:,} lines ({c['llm_request']:,} llm.request, "
        f"{c['outcome_events']:,} outcome events, {c['ignored']:,} other) in {len(files)} "
        f"file{'s' if len(files) != 1 else ''} ({names}; {size / 1e6:.1f} MB) in {seconds:.1f} s",
        f"  {data['params']['scenario']} scenario, {w['start'][:10]} to {w['end'][:10]} ({w['days']} days), "
        f"seed {data['params']['seed']}: {usd(Decimal(str(t['cost_usd'])))} logged, {t['tokens']:,} tokens, "
        f"{t['unpriced_requests']:,} on models no catalog prices",
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


def _describe(a: dict[str, Any]) -> str:
    from llmcost.numbers import times, usd

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
        return f"error-burn: {a['date']}, {a['error_timeout_rate']:.1%} errors/timeouts ({a['provider']})"
    if kind == "budget-pace":
        return (
            f"budget-pace: {a['month']}, {usd(Decimal(str(a['first_week_spend_usd'])))} in week one = {a['observed_share']:.0%} "
            f"of a {usd(Decimal(str(a['budget_usd'])))} budget (fires {a['fires_on']})"
        )
    return kind
