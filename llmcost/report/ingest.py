"""The end-of-run summary of `llmcost ingest`: as JSON data (--json) and as a table on stderr.

Ingest returns typed results (llmcost/ingest/results.py); this is where they are shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmcost.ingest.results import IngestResult

if TYPE_CHECKING:
    from rich.console import Console

    from llmcost.ingest.explain import LineExplanation

SCHEMA_VERSION = 1


def summary_json(result: IngestResult, db_path: Path) -> dict[str, Any]:
    t = result.totals
    return {
        "schema_version": SCHEMA_VERSION,
        "ingest_id": result.ingest_id,
        "warehouse": str(db_path),
        "seconds": round(result.seconds, 3),
        "totals": {
            "read": t.read,
            "loaded_requests": t.loaded_requests,
            "loaded_outcomes": t.loaded_outcomes,
            "duplicate": t.duplicate,
            "ignored": t.ignored,
            "rejected": t.rejected,
            "conflicting_duplicates": t.conflicting,
            "naive_timestamps": t.naive_ts,
            "residual": t.residual,
            "bytes": t.bytes,
        },
        "files": [
            {
                "path": f.display,
                "format": f.format,
                "source_id": f.source_id,
                "resumed_at_byte": f.resumed_at,
                "read": f.counts.read,
                "loaded": f.counts.loaded,
                "duplicate": f.counts.duplicate,
                "ignored": f.counts.ignored,
                "rejected": f.counts.rejected,
                "pending_bytes": f.pending_bytes,
                "error": f.error,
                "note": f.note,
                "hint": f.hint,
            }
            for f in result.files
        ],
        "skipped": [{"path": s.display, "reason": s.reason} for s in result.skipped],
    }


def render_summary(console: Console, result: IngestResult, db_path: Path) -> None:
    from rich.text import Text

    from llmcost.report.grid import KEEP, Col, Grid, print_grid

    t = result.totals
    table = Grid(
        [
            Col("file", keep=KEEP),
            Col("read", True, KEEP),
            Col("loaded", True, KEEP),
            Col("duplicate", True, 0),
            Col("ignored", True, 1),
            Col("rejected", True, 1),
            Col("note", keep=1, wrap=True),
        ]
    )
    shown = (
        result.files
        if len(result.files) <= 20
        else [f for f in result.files if f.counts.read or f.error][:20]
    )
    for f in shown:
        note = f.error or f.note or ""
        if f.pending_bytes and not f.error:
            note = (
                note + "; " if note else ""
            ) + f"{f.pending_bytes:,} bytes of an unfinished last line wait for the next run"
        if f.resumed_at and not note:
            note = f"resumed at byte {f.resumed_at:,}"
        c = f.counts
        table.add(
            f.display,
            f"{c.read:,}",
            f"{c.loaded:,}",
            f"{c.duplicate:,}",
            f"{c.ignored:,}",
            f"{c.rejected:,}",
            note,
        )
    if len(shown) < len(result.files):
        table.add(f"… {len(result.files) - len(shown)} more files", "", "", "", "", "", "")
    print_grid(table, console)
    line = (
        f"read {t.read:,} = loaded {t.loaded:,} ({t.loaded_requests:,} requests, {t.loaded_outcomes:,} outcomes)"
        f" + duplicate {t.duplicate:,} + ignored {t.ignored:,} + rejected {t.rejected:,}"
        f"   residual {t.residual}"
    )
    console.print(Text(line), soft_wrap=False)
    rate = t.read / result.seconds if result.seconds > 0 else 0
    console.print(
        Text(f"ingest #{result.ingest_id} into {db_path} in {result.seconds:.2f} s ({rate:,.0f} lines/s)")
    )  # names a path: one greppable line
    for f in result.files:
        if f.hint:
            console.print(Text(f"{f.display}: nothing loaded: {f.hint}"))  # TOML to paste: unwrapped
    if t.rejected:
        console.print(
            Text(
                f"{t.rejected:,} line(s) rejected: see `llmcost status --rejects` for file, line and reason"
            ),
            soft_wrap=False,
        )
    if t.conflicting:
        console.print(
            Text(
                f"{t.conflicting:,} duplicate id(s) with different content: the first one loaded was kept "
                "(see `llmcost status`)"
            ),
            soft_wrap=False,
        )
    if t.naive_ts:
        console.print(
            Text(f"{t.naive_ts:,} timestamp(s) had no time zone and were read in the configured zone"),
            soft_wrap=False,
        )


def print_explained(con: Console, display: str, found: str, explained: list[LineExplanation]) -> None:
    """`ingest --explain` for the terminal: what each of the first lines was taken for, then a
    table of each column, the field it came from and its value, and the TOML to paste when a line
    was ignored."""
    from rich.text import Text

    from llmcost.report.grid import KEEP, Col, Grid, print_grid, print_hanging
    from llmcost.report.text import shown

    # a line naming the file stays one greppable line
    con.print(Text(shown(f"{display}: read as {found}")), soft_wrap=True)
    for e in explained:
        head = f"{display}:{e.line_no}  {e.kind}"
        if e.event:
            head += f"  (event {e.event})"
        if e.shape:
            head += f"  [{e.shape}]"
        con.print(Text(shown(head)), soft_wrap=True)
        first, *setting = (e.reason or "").split("\n")
        if e.reason:  # the why, word-wrapped under its line
            print_hanging(con, first + (f" {e.detail!r}" if e.detail else ""), "  ")
        for line in setting:  # a TOML setting to paste, as it is to be pasted
            con.print(Text(shown(f"    {line}")), soft_wrap=True)
        if not e.values:
            continue
        table = Grid(
            [Col("column", keep=KEEP), Col("from field", keep=KEEP), Col("value", keep=KEEP, wrap=True)]
        )
        for col, value in e.values.items():
            value_text = "NULL (unpriced)" if col == "cost_usd" and value is None else str(value)
            table.add(col, e.sources.get(col, ""), value_text)
        print_grid(table, con)
