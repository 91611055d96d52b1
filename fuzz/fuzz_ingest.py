"""Atheris fuzz target: the line parser/mapper (LineBatcher -> to_arrow -> Stager -> requests.sql).

    .venv/bin/pip install -e '.[fuzz]'
    .venv/bin/python fuzz/fuzz_ingest.py fuzz/corpus -max_total_time=1800 -print_final_stats=1
    .venv/bin/python fuzz/fuzz_ingest.py CRASH_FILE            # replay one input

Each input is one byte stream, read the way ingest reads a file (plain, gzip or zstd by its magic
bytes; a last line without a newline taken as complete), with small caps (64 KiB or 7-line
batches, 1 KiB lines) so that batch boundaries and over-long lines are reached. Its first byte chooses the mode:
- even: the rest is the raw stream (coverage-guided byte mutation);
- odd:  the rest drives the Hypothesis strategies of tests/ingest/fuzz_lines.py (records with odd
        values in known fields, envelopes, unicode, huge numbers) through `fuzz_one_input`, so the
        mutations happen in structure space.

Invariants checked on every batch (any other exception is a finding):
- staging returns exactly one row per line read, with the same line numbers;
- every row is request, outcome, ignored or rejected; a rejected row has a reason;
- canonical request rows (requests.sql) have non-negative token counts, latency and cost;
- the lines counted for a plain stream are its newlines (+1 for an unterminated last line).
Python-level coverage of llmcost is instrumented; DuckDB's own code (the SQL) is not.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with atheris.instrument_imports(include=["llmcost"]):
    from llmcost.config import IngestConfig
    from llmcost.ingest.batch import to_arrow
    from llmcost.ingest.fields import FieldMap
    from llmcost.ingest.lines import LineBatcher
    from llmcost.ingest.stage import Stager
    from llmcost.ingest.streams import ExpansionLimit, open_stream
    from llmcost.warehouse.sql import SqlFiles

import duckdb
from hypothesis import HealthCheck, given, settings

from tests.ingest.fuzz_lines import log_files

INGEST = IngestConfig(batch_bytes=65536, max_line_bytes=1024)
MAX_LINES = 7  # batches also end after 7 lines, so that the line-count cut is reached too
LIMIT = ExpansionLimit(INGEST.max_expansion_ratio, INGEST.expansion_check_after_bytes)
NOW = datetime(2026, 11, 27, tzinfo=UTC)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
CON = duckdb.connect()
STAGER = Stager(CON.cursor(), FieldMap(INGEST.aliases, INGEST.containers), INGEST, now=NOW, earliest=EARLIEST)
CANONICAL = (
    SqlFiles("llmcost.ingest").fragment("requests").replace("$source_id", "1").replace("$ingest_id", "1")
)
REQUESTS = f"""
SELECT min(input_tokens), min(cached_input_tokens), min(cache_write_tokens), min(cache_write_1h_tokens),
       min(output_tokens), min(reasoning_tokens), min(latency_ms), min(logged_cost_usd),
       count(*) FILTER (WHERE ts IS NULL OR model IS NULL)
FROM ({CANONICAL} FROM fz_staged WHERE kind = 'request')
"""  # noqa: S608 - our own SQL file, no input
KINDS = {"request", "outcome", "ignored", "rejected"}


def check_stream(body: bytes) -> None:
    stream = open_stream(io.BytesIO(body), body[:4], LIMIT)
    batcher = LineBatcher(
        stream,
        start_offset=0,
        start_line=1,
        batch_bytes=INGEST.batch_bytes,
        max_line=INGEST.max_line_bytes,
        take_partial=True,
        max_lines=MAX_LINES,
    )
    lines = 0
    for batch in batcher:
        table = to_arrow(batch, INGEST.max_line_bytes, copy=True)
        assert table.num_rows == batch.lines
        staged = STAGER.stage(table)
        assert staged.num_rows == table.num_rows, (staged.num_rows, table.num_rows)
        assert sorted(staged.column("line_no").to_pylist()) == sorted(table.column("line_no").to_pylist())
        kinds = staged.column("kind").to_pylist()
        assert set(kinds) <= KINDS, set(kinds)
        for kind, reason in zip(kinds, staged.column("reason").to_pylist(), strict=True):
            assert (kind == "rejected") == (reason is not None), (kind, reason)
        if "request" in kinds:
            STAGER.con.register("fz_staged", staged)
            try:
                row = STAGER.con.execute(REQUESTS).fetchall()[0]
            finally:
                STAGER.con.unregister("fz_staged")
            assert row is not None
            assert all(v is None or v >= 0 for v in row[:-1]), row
            assert row[-1] == 0, row
        lines += batch.lines
    if stream.compression == "plain":
        expected = body.count(b"\n") + (1 if body and not body.endswith(b"\n") else 0)
        assert lines == expected, (lines, expected)


@settings(database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(log_files())
def structured(body: bytes) -> None:
    check_stream(body)


def TestOneInput(data: bytes) -> None:
    if not data:
        return
    if data[0] & 1:
        structured.hypothesis.fuzz_one_input(data[1:])
    else:
        check_stream(data[1:])


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
