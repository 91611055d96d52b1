"""`llmcost demo`: the whole job on generated sample data, in one command."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from llmcost.cli import app
from llmcost.cli.common import ColorOption, err_console, set_color
from llmcost.errors import UsageError

WAREHOUSE = "warehouse.duckdb"
# What the demo writes in its directory (besides the warehouse's own files).
_MADE = frozenset({"logs", "llmcost.toml", "report.html", ".gitignore"})


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option("--dir", help="Where to put the sample logs, warehouse and report.")
    ] = Path("llmcost-demo"),
    requests: Annotated[
        int, typer.Option("--requests", min=100, help="About how many llm.request lines.")
    ] = 60_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generator (same seed, same data).")] = 7,
    end: Annotated[
        str,
        typer.Option("--end", metavar="DATE", help="Last day of the data: YYYY-MM-DD, today or yesterday."),
    ] = "yesterday",
    fresh: Annotated[
        bool,
        typer.Option("--fresh", help="Delete the demo's earlier logs and warehouse and start over."),
    ] = False,
    color: ColorOption = "auto",
) -> None:
    """Generate a month of realistic logs ending yesterday, ingest them into a warehouse, report the
    spend.

    Everything lands in --dir: logs/, warehouse.duckdb, llmcost.toml (the demo's budgets and plans,
    and the warehouse it points at: `cd` there and every command uses them) and the reports. Run it
    again and it keeps the warehouse it made (and reports again); --fresh starts over.
    """
    from llmcost.cli import main as run
    from llmcost.cli.generate import day_progress, parse_end
    from llmcost.synth import Manifest, generate, month_window

    set_color(color)
    err = err_console()
    out = out.expanduser()
    logs, db = out / "logs", out / WAREHOUSE
    last = parse_end(end)
    assert last is not None
    if last > datetime.now(UTC).date():
        raise UsageError(f"--end {last} is in the future")
    manifest: Manifest | None = None
    # Only a directory the demo makes, or made before, is ignored whole: never a user's own folder.
    ours = not out.exists() or all(p.name in _MADE or p.name.startswith(WAREHOUSE) for p in out.iterdir())
    if db.exists() and not fresh:
        manifest = _earlier_manifest(logs)
        held = f"data to {_last_day(manifest)}, " if manifest is not None else ""
        err.print(
            f"keeping the warehouse {db} from an earlier run ({held}--fresh starts over); reporting again …",
            markup=False,
        )
        if ours:
            _ignore_everything(out)
        config = out / "llmcost.toml"
        if manifest is not None:
            config = _write_demo_config(out, manifest.data)
    else:
        _clear(logs, db)
        out.mkdir(parents=True, exist_ok=True)
        if ours:
            _ignore_everything(out)
        start, days = month_window(last)
        err.print(
            f"1/3 generating about {requests:,} llm.request lines ({start} to {last}) into {logs} …",
            markup=False,
        )
        with day_progress(err, days) as progress:
            manifest = generate(
                logs, seed=seed, requests=requests, anomalies="all", files=3, start=start, days=days,
                progress=progress,
            )  # fmt: skip
        config = _write_demo_config(out, manifest.data)
        err.print(f"2/3 ingesting {len(manifest.files)} files into {db} …", markup=False)
        common = ["--db", str(db), "--config", str(config), "--color", color]
        code = run(["ingest", *map(str, manifest.files), *common])
        if code:
            raise typer.Exit(code)
    common = ["--db", str(db), "--color", color]
    if config.is_file():
        common += ["--config", str(config)]
    err.print("3/3 reporting …", markup=False)
    for argv in _steps(manifest, out):
        code = run([*argv, *common])
        if code:
            raise typer.Exit(code)
    tries = ["llmcost status", "llmcost budgets", "llmcost alerts", "llmcost report --by tenant,feature"]
    err.print(
        f"done. Open {out / 'report.html'} in a browser (it works offline). Then try:\n"
        + "\n".join(f"  {line}" for line in [f"cd {_shown(out)}", *tries]),
        markup=False,
    )


def _steps(manifest: Any, out: Path) -> list[list[str]]:
    """The reports the demo prints: spend three ways, unit economics, the month's budgets (through
    the data's last day) and the alerts of the planted spike day."""
    steps = [
        ["report", "--by", "tenant", "--top", "10"],
        ["report", "--by", "feature"],
        ["report", "--by", "model"],
        ["unit", "--event", "draft_accepted", "--by", "feature"],
    ]
    if manifest is not None:
        steps.append(["budgets", "--at", _last_day(manifest).isoformat(), "--top", "10"])
        spike = next((a for a in manifest.planted if a["kind"] == "spike"), None)
        if spike is not None:
            steps.append(["alerts", "--at", spike["date"], "--fail-on", "never"])
    steps.append(["report", "--format", "html", "-o", str(out / "report.html")])
    return steps


def _last_day(manifest: Any) -> date:
    """The last day of the generated data (the manifest's end is the midnight after it)."""
    return date.fromisoformat(manifest.data["window"]["end"][:10]) - timedelta(days=1)


def _earlier_manifest(logs: Path) -> Any:
    from llmcost.synth import Manifest

    try:
        return Manifest.load(logs)
    except (OSError, ValueError):
        return None  # the logs were removed or are not the demo's: report without the dated steps


def _clear(logs: Path, db: Path) -> None:
    import shutil

    for stale in (logs, db, db.with_name(db.name + ".segments")):
        if stale.is_dir():
            shutil.rmtree(stale)
        elif stale.exists():
            stale.unlink()
    for extra in (db.with_name(db.name + ".wal"), db.with_name(db.name + ".lock")):
        extra.unlink(missing_ok=True)


def _ignore_everything(out: Path) -> None:
    """The demo directory is generated data: keep it out of any repository it is made inside."""
    ignore = out / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# made by `llmcost demo`: generated sample data\n*\n", "utf-8")


def _shown(out: Path) -> str:
    """The demo directory as the user would type it: relative to here when it is below here."""
    try:
        return os.path.relpath(out) if out.resolve().is_relative_to(Path.cwd().resolve()) else str(out)
    except ValueError:
        return str(out)


def _write_demo_config(out: Path, manifest: dict[str, Any]) -> Path:
    """llmcost.toml for the demo: its warehouse (relative to this file, so `cd` into the directory
    and every command finds it), the generated tenants' plans and the org budget."""
    import tomli_w

    plans = {
        name: {k: v for k, v in limits.items() if v is not None} for name, limits in manifest["plans"].items()
    }
    doc = {
        "warehouse": {"path": WAREHOUSE},
        "budgets": {
            "org_monthly_usd": manifest["budget"]["org_monthly_usd"],
            "plans": plans,  # a plan without limits (enterprise) is an empty table
            "tenants": {t["tenant_id"]: t["plan"] for t in manifest["tenants"]},
        },
    }
    path = out / "llmcost.toml"
    path.write_bytes(tomli_w.dumps(doc).encode())
    return path
