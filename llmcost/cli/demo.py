"""`llmcost demo`: the whole job on generated sample data, in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from llmcost.cli import app
from llmcost.cli.common import ColorOption, err_console, set_color


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option("--dir", help="Where to put the sample logs, warehouse and report.")
    ] = Path("llmcost-demo"),
    requests: Annotated[
        int, typer.Option("--requests", min=100, help="About how many llm.request lines.")
    ] = 60_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generator (same seed, same data).")] = 7,
    color: ColorOption = "auto",
) -> None:
    """Generate a month of realistic logs, ingest them into a fresh warehouse, report the spend.

    Everything lands in --dir: logs/, warehouse.duckdb and the reports. Running it again starts
    from a fresh warehouse.
    """
    import shutil

    from llmcost.cli import main as run
    from llmcost.synth import generate

    set_color(color)
    err = err_console()
    out = out.expanduser()
    logs, db = out / "logs", out / "warehouse.duckdb"
    for stale in (logs, db, db.with_name(db.name + ".segments")):
        if stale.is_dir():
            shutil.rmtree(stale)
        elif stale.exists():
            stale.unlink()
    for extra in (db.with_name(db.name + ".wal"), db.with_name(db.name + ".lock")):
        extra.unlink(missing_ok=True)
    err.print(f"1/3 generating about {requests:,} llm.request lines into {logs} …", markup=False)
    manifest = generate(logs, seed=seed, requests=requests, anomalies="all", files=3)
    config = _write_demo_config(out, manifest.data)
    err.print(f"2/3 ingesting {len(manifest.files)} files into {db} …", markup=False)
    common = ["--db", str(db), "--config", str(config), "--color", color]
    code = run(["ingest", *map(str, manifest.files), *common])
    if code:
        raise typer.Exit(code)
    err.print("3/3 reporting …", markup=False)
    spike = next((a for a in manifest.planted if a["kind"] == "spike"), None)
    steps = [
        ["report", "--by", "tenant", "--top", "10"],
        ["report", "--by", "feature"],
        ["report", "--by", "model"],
        ["unit", "--event", "draft_accepted", "--by", "feature"],
        ["budgets", "--month", manifest.data["window"]["start"][:7], "--top", "10"],
    ]
    if spike is not None:
        steps.append(["alerts", "--at", spike["date"], "--fail-on", "never"])
    steps.append(["report", "--format", "html", "-o", str(out / "report.html")])
    for argv in steps:
        code = run([*argv, *common])
        if code:
            raise typer.Exit(code)
    err.print(
        f"done. Open {out / 'report.html'} in a browser (it works offline). "
        f"Try: llmcost status --db {db}   |   llmcost report --by tenant,feature --db {db}",
        markup=False,
    )


def _write_demo_config(out: Path, manifest: dict[str, Any]) -> Path:
    """llmcost.toml for the demo: the generated tenants' plans and the org budget."""
    import tomli_w

    plans = {
        name: {k: v for k, v in limits.items() if v is not None} for name, limits in manifest["plans"].items()
    }
    doc = {
        "budgets": {
            "org_monthly_usd": manifest["budget"]["org_monthly_usd"],
            "plans": plans,  # a plan without limits (enterprise) is an empty table
            "tenants": {t["tenant_id"]: t["plan"] for t in manifest["tenants"]},
        }
    }
    path = out / "llmcost.toml"
    path.write_bytes(tomli_w.dumps(doc).encode())
    return path
