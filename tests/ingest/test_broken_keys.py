"""A malformed line for which DuckDB's json_keys hands back broken UTF-8 (a truncated object holding
a 4-byte character, after a byte-order mark; found by test_fuzz) is rejected, not an internal error."""

from __future__ import annotations

from pathlib import Path

from llmcost.config import Config
from llmcost.ingest.discover import discover
from llmcost.ingest.load import Loader
from llmcost.warehouse import open_warehouse
from tests.ingest.lines import jsonl, request
from tests.ingest.readback import query


def test_a_line_json_keys_cannot_read_is_rejected(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    bad = b'\xef\xbb\xbf{"ts": 0, "message": "other", "requestId": "\xf0\x90\x80\x80",\n'
    log.write_bytes(jsonl([request(1)]) + bad + jsonl([request(2)]))
    db = tmp_path / "w.duckdb"
    with open_warehouse(db, write=True) as wh:
        result = Loader(wh, Config()).run(*discover([str(log)]))
    assert (result.totals.loaded_requests, result.totals.rejected) == (2, 1)
    assert query(db, "SELECT line_no, reason FROM rejects") == [(2, "not a JSON object")]
