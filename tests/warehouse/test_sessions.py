"""session_id (migration 004): read from its aliases or a configured name, NULL in older segments."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from llmcost.warehouse import segments
from tests.conftest import Cli


def _line(i: int, **extra: object) -> str:
    rec = {
        "ts": f"2026-11-01T10:0{i}:00Z",
        "requestId": f"r{i}",
        "traceId": f"t{i}",
        "model": "gpt-4.1-mini",
        "input_tokens": 10,
        "output_tokens": 5,
        **extra,
    }
    return json.dumps(rec) + "\n"


def _sessions(db: Path) -> dict[str, str | None]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            str(r[0]): r[1] for r in con.execute("SELECT request_id, session_id FROM requests").fetchall()
        }
    finally:
        con.close()


def test_session_aliases_and_configured_name(cli: Cli, tmp_path: Path) -> None:
    log = tmp_path / "a.jsonl"
    log.write_text(
        _line(1, sessionId="s-camel")
        + _line(2, session_id="s-snake")
        + _line(3, session={"id": "s-dotted"})
        + _line(4, gen_ai={"conversation": {"id": "conv-9"}})
        + _line(5, thread="th-1")  # named only by the config below
        + _line(6)
        + _line(7, session_id="  ")  # blank is no session
    )
    (tmp_path / "llmcost.toml").write_text('[ingest.aliases]\nsession_id = ["thread"]\n')
    cli.ingest(log)
    assert _sessions(cli.db) == {
        "r1": "s-camel",
        "r2": "s-snake",
        "r3": "s-dotted",
        "r4": "conv-9",
        "r5": "th-1",
        "r6": None,
        "r7": None,
    }


def test_segments_written_before_the_column_read_it_as_null(cli: Cli, tmp_path: Path) -> None:
    first = tmp_path / "a.jsonl"
    first.write_text(_line(1, sessionId="s1"))
    cli.ingest(first)
    # rewrite that segment as a pre-004 llmcost wrote it: without the column
    segs = sorted(segments.segment_dir(cli.db).rglob("*.parquet"))  # the snapshot's tables are Parquet too
    assert len(segs) == 1
    con = duckdb.connect()
    old = segs[0].with_suffix(".old")
    con.execute(f"COPY (SELECT * EXCLUDE (session_id) FROM '{segs[0]}') TO '{old}' (FORMAT parquet)")
    con.close()
    old.replace(segs[0])
    second = tmp_path / "b.jsonl"
    second.write_text(_line(2, sessionId="s2"))
    cli.ingest(second)
    assert _sessions(cli.db) == {"r1": None, "r2": "s2"}
