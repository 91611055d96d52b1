"""`llmcost demo`: the whole job on generated sample data, in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    err.print(f"2/3 ingesting {len(manifest.files)} files into {db} …", markup=False)
    code = run(["ingest", *map(str, manifest.files), "--db", str(db), "--color", color])
    if code:
        raise typer.Exit(code)
    err.print("3/3 reporting …", markup=False)
    steps = [
        ["report", "--by", "tenant", "--top", "10"],
        ["report", "--by", "feature"],
        ["report", "--by", "model"],
    ]
    for argv in steps:
        code = run([*argv, "--db", str(db), "--color", color])
        if code:
            raise typer.Exit(code)
    err.print(
        f"done. Try: llmcost status --db {db}   |   llmcost report --by tenant,feature --db {db}",
        markup=False,
    )
