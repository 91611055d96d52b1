"""`llmcost status` for the terminal: what the warehouse holds, and each rejected line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmcost.report.grid import KEEP, Col, Grid, print_grid, print_hanging
from llmcost.report.text import shown

if TYPE_CHECKING:
    from rich.console import Console


def print_rejects(con: Console, rows: list[dict[str, Any]]) -> None:
    from rich.text import Text

    if not rows:
        con.print("no rejected lines")
        return
    for r in rows:
        where = f"{r['path']}:{r['line_no']} (byte {r['byte_offset']})"
        why = r["reason"] + (f": {r['detail']!r}" if r["detail"] else "")
        con.print(Text(shown(f"{where}: {why}")), soft_wrap=True)  # names a file: one greppable line
        raw = (r["raw"] or "")[:300]
        text = raw.encode("unicode_escape").decode("ascii") if unsafe_text(raw) else raw
        print_hanging(con, text, "    ")  # the line as read, within the width


def unsafe_text(s: str) -> bool:
    return any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029\u202e" for ch in s)


def print_inventory(con: Console, path: str, inv: Any) -> None:
    from rich.text import Text

    con.print(Text(f"warehouse {shown(path)}"))
    span = f"{inv.first_ts:%Y-%m-%d %H:%M} .. {inv.last_ts:%Y-%m-%d %H:%M} UTC" if inv.first_ts else "empty"
    con.print(
        Text(f"requests {inv.requests:,}   outcomes {inv.outcomes:,}   {span}   segments {inv.segments}")
    )
    if inv.unpriced_requests:
        con.print(Text(f"unpriced requests {inv.unpriced_requests:,} (see `llmcost pricing check`)"))
    if inv.naive_ts:
        con.print(Text(f"timestamps read without a zone {inv.naive_ts:,}"))
    if inv.conflicts:
        con.print(Text(f"duplicate ids with different content {inv.conflicts:,} (first loaded kept)"))
    if inv.pending_bytes:
        con.print(Text(f"{inv.pending_bytes:,} bytes of unfinished last lines wait for the next run"))
    if inv.rejects_by_reason:
        t = Grid([Col("rejected lines by reason", keep=KEEP), Col("lines", True, KEEP)])
        for reason, n in inv.rejects_by_reason:
            t.add(reason, f"{n:,}")
        print_grid(t, con)
        con.print("details: llmcost status --rejects")
    if inv.ignored_events:
        t = Grid([Col("ignored lines by event name", keep=KEEP), Col("lines", True, KEEP)])
        for event, n in inv.ignored_events:
            t.add(event, f"{n:,}")
        print_grid(t, con)
    if inv.last_ingests:
        t = Grid(
            [
                Col("run", True, KEEP),
                Col("started", keep=KEEP),
                Col("status", keep=KEEP),
                Col("files", True, 1),
                Col("read", True, 1),
                Col("requests", True, KEEP),
                Col("outcomes", True, 1),
                Col("dup", True, 0),
                Col("ignored", True, 1),
                Col("rejected", True, 1),
            ]
        )
        for r in inv.last_ingests:
            t.add(
                str(r["ingest_id"]),
                f"{r['started_at']:%Y-%m-%d %H:%M:%S}",
                r["status"],
                f"{r['files']:,}",
                f"{r['lines_read']:,}",
                f"{r['loaded_requests']:,}",
                f"{r['loaded_outcomes']:,}",
                f"{r['duplicate']:,}",
                f"{r['ignored']:,}",
                f"{r['rejected']:,}",
            )
        print_grid(t, con)
    if inv.sources:
        t = Grid(
            [
                Col("source (last seen as)", keep=KEEP),
                Col("read as", keep=1),
                Col("lines", True, 1),
                Col("loaded", True, KEEP),
                Col("offset", True, 0),
            ]
        )
        for src in inv.sources[:10]:
            t.add(
                src["path"],
                src.get("format") or "jsonl",
                f"{src['lines_read']:,}",
                f"{src['loaded']:,}",
                f"{src['committed_offset']:,}",
            )
        print_grid(t, con)
        if len(inv.sources) > 10:
            con.print(f"… {len(inv.sources) - 10} more sources")
