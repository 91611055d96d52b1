"""RELIABILITY.md's hostile-input corpus, items 1-11: each a clear reject or a clean load,
never a crash, a hang or a silently dropped line (read = loaded + duplicate + ignored + rejected)."""

from __future__ import annotations

import gzip
import json
import time
import zlib
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Cli
from tests.ingest.lines import jsonl, request


def _rejects(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT line_no, reason, detail FROM rejects ORDER BY line_no").fetchall()
    finally:
        con.close()


def _one(db: Path, sql: str) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(sql).fetchone()
        assert row is not None
        return row
    finally:
        con.close()


# 1. last line without newline; completed later: see test_accounting.test_partial_last_line_*


# 2. empty file; tiny file; two files with identical first lines
def test_empty_file_reads_nothing_and_says_so(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "empty.log"
    f.write_bytes(b"")
    s = cli.ingest(f)
    assert s["totals"]["read"] == 0
    assert s["files"][0]["note"] == "no complete line yet"


def test_two_files_with_identical_first_lines_are_both_read(cli: Cli, tmp_path: Path) -> None:
    header = b'{"ts":"2026-10-01T00:00:00Z","msg":"service.start","service":"api"}\n'
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    a.write_bytes(header + jsonl([request(1)]))
    b.write_bytes(header + jsonl([request(2), request(3)]))
    s = cli.ingest(a, b)["totals"]
    assert (s["read"], s["loaded_requests"], s["ignored"]) == (5, 3, 2)
    s = cli.ingest(a, b)["totals"]
    assert s["read"] == 0


def test_tiny_file_that_grows_resumes(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "tiny.log"
    f.write_bytes(b'{"msg":"x"}\n')
    cli.ingest(f)
    with f.open("ab") as fh:
        fh.write(jsonl([request(1)]))
    s = cli.ingest(f)["totals"]
    assert (s["read"], s["loaded_requests"]) == (1, 1)


# 3. copytruncate; truncated then regrown
def test_copytruncate_then_regrow(cli: Cli, tmp_path: Path) -> None:
    live = tmp_path / "app.log"
    live.write_bytes(jsonl([request(i) for i in range(10)]))
    cli.ingest(live)
    with live.open("ab") as fh:
        fh.write(jsonl([request(i) for i in range(10, 12)]))
    (tmp_path / "app.log.1").write_bytes(live.read_bytes())  # copy ...
    live.write_bytes(b"")  # ... truncate
    with live.open("ab") as fh:  # ... regrow
        fh.write(jsonl([request(i) for i in range(12, 15)]))
    s = cli.ingest(tmp_path)["totals"]
    assert (s["loaded_requests"], s["duplicate"]) == (5, 0)
    assert _one(cli.db, "SELECT count(*) FROM requests") == (15,)


# 4. both app.log.1 and app.log.1.gz
def test_plain_and_gzip_copies_of_a_rotated_file(cli: Cli, tmp_path: Path) -> None:
    data = jsonl([request(i) for i in range(30)])
    (tmp_path / "app.log.1").write_bytes(data)
    (tmp_path / "app.log.1.gz").write_bytes(gzip.compress(data))
    s = cli.ingest(tmp_path)["totals"]
    assert (s["loaded_requests"], s["duplicate"]) == (30, 0)


# 5. damaged gzip
def test_gzip_cut_mid_stream_keeps_what_came_before_and_says_where(cli: Cli, tmp_path: Path) -> None:
    data = jsonl([request(i) for i in range(2000)])
    blob = gzip.compress(data)
    f = tmp_path / "cut.log.gz"
    f.write_bytes(blob[: len(blob) // 2])
    code, out, _err = cli("ingest", str(f), "--json")
    s = json.loads(out)
    assert code == 0
    assert 0 < s["totals"]["loaded_requests"] < 2000
    assert "truncated" in s["files"][0]["error"]
    assert s["totals"]["residual"] == 0


def test_gzip_missing_trailer(cli: Cli, tmp_path: Path) -> None:
    data = jsonl([request(i) for i in range(50)])
    f = tmp_path / "notrailer.log.gz"
    f.write_bytes(gzip.compress(data)[:-8])
    s = json.loads(cli("ingest", str(f), "--json")[1])
    assert s["totals"]["loaded_requests"] == 50
    assert "truncated" in s["files"][0]["error"]


def test_concatenated_gzip_members(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "multi.log.gz"
    f.write_bytes(
        gzip.compress(jsonl([request(i) for i in range(5)]))
        + gzip.compress(jsonl([request(i) for i in range(5, 9)]))
    )
    s = cli.ingest(f)
    assert s["totals"]["loaded_requests"] == 9 and s["files"][0]["error"] is None


def test_gzip_with_trailing_garbage(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "garbage.log.gz"
    f.write_bytes(gzip.compress(jsonl([request(i) for i in range(5)])) + b"this is not gzip")
    s = json.loads(cli("ingest", str(f), "--json")[1])
    assert s["totals"]["loaded_requests"] == 5
    assert "trailing garbage" in s["files"][0]["error"]


def test_plain_text_named_gz_is_read_as_text(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "liar.log.gz"
    f.write_bytes(jsonl([request(i) for i in range(3)]))
    assert cli.ingest(f)["totals"]["loaded_requests"] == 3


def test_zstd_is_read(cli: Cli, tmp_path: Path) -> None:
    import zstandard

    f = tmp_path / "app.log.zst"
    f.write_bytes(zstandard.ZstdCompressor().compress(jsonl([request(i) for i in range(7)])))
    assert cli.ingest(f)["totals"]["loaded_requests"] == 7


# 6. decompression bomb
def test_decompression_bomb_is_refused_quickly(cli: Cli, tmp_path: Path) -> None:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * (1 << 20)
    blob = comp.compress(jsonl([request(1)]))
    for _ in range(1024):  # 1 GiB of spaces
        blob += comp.compress(chunk)
    blob += comp.flush()
    f = tmp_path / "bomb.log.gz"
    f.write_bytes(blob)
    t0 = time.monotonic()
    _code, out, _ = cli("ingest", str(f), "--json")
    assert time.monotonic() - t0 < 20
    s = json.loads(out)
    assert "decompression bomb" in s["files"][0]["error"]
    assert s["totals"]["residual"] == 0


# 7. huge lines around the cap
@pytest.mark.parametrize("pad", [-1, 0, 1, 5000])
def test_lines_at_the_size_cap(cli: Cli, tmp_path: Path, pad: int) -> None:
    cap = 16384
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text(f"[ingest]\nmax_line_bytes = {cap}\nbatch_bytes = 65536\n")
    rec = request(1)
    base = len(json.dumps({**rec, "note": ""}).encode())
    rec["note"] = "x" * (cap - base + pad)
    line = json.dumps(rec).encode()
    assert len(line) == cap + pad
    f = tmp_path / "big.log"
    f.write_bytes(jsonl([request(0)]) + line + b"\n" + jsonl([request(2)]))
    s = cli.ingest(f, extra=("--config", str(cfg)))["totals"]
    if pad <= 0:
        assert (s["loaded_requests"], s["rejected"]) == (3, 0)
    else:
        assert (s["loaded_requests"], s["rejected"]) == (2, 1)
        ((line_no, reason, _),) = _rejects(cli.db)
        assert line_no == 2 and reason.startswith(f"line longer than {cap} bytes")


def test_line_longer_than_the_read_buffer(cli: Cli, tmp_path: Path) -> None:
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text("[ingest]\nmax_line_bytes = 1024\nbatch_bytes = 65536\n")
    f = tmp_path / "huge.log"
    f.write_bytes(jsonl([request(0)]) + b'{"x":"' + b"y" * 500_000 + b'"}\n' + jsonl([request(2)]))
    s = cli.ingest(f, extra=("--config", str(cfg)))["totals"]
    assert (s["read"], s["loaded_requests"], s["rejected"]) == (3, 2, 1)
    assert _rejects(cli.db)[0][:2] == (2, "line longer than 1024 bytes (500008 bytes)")
    assert _one(cli.db, "SELECT source_line FROM requests ORDER BY source_line DESC LIMIT 1") == (3,)


# 8. encodings
def test_invalid_utf8_bom_crlf_and_nul(cli: Cli, tmp_path: Path) -> None:
    good = json.dumps(request(1)).encode()
    f = tmp_path / "enc.log"
    f.write_bytes(
        b"\xef\xbb\xbf"
        + good
        + b"\r\n"  # BOM + CRLF: fine
        + json.dumps(request(2)).encode()[:-2]
        + b'\xff"}\n'  # invalid UTF-8
        + b'{"msg":"llm.request","model":"a\x00b"}\n'  # raw NUL inside a string
        + json.dumps(request(3, tenantId="t\u2028x")).encode()
        + b"\n"  # escaped U+2028: fine
    )
    s = cli.ingest(f)["totals"]
    assert (s["read"], s["loaded_requests"], s["rejected"]) == (4, 2, 2)
    reasons = {r[0]: r[1] for r in _rejects(cli.db)}
    assert reasons[2] == "invalid UTF-8"
    assert reasons[3] == "not a JSON object"


def test_lone_surrogate_escape_is_rejected_alone(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "sur.log"
    bad = json.dumps(request(2)).replace('"tenant_2"', '"\\ud800"').encode()
    f.write_bytes(jsonl([request(1)]) + bad + b"\n" + jsonl([request(3)]))
    s = cli.ingest(f)["totals"]
    assert (s["loaded_requests"], s["rejected"]) == (2, 1)
    assert _rejects(cli.db)[0][0] == 2


# 9. duplicate keys; deep nesting
def test_duplicate_json_keys_first_occurrence_wins(cli: Cli, tmp_path: Path) -> None:
    line = json.dumps(request(1))[:-1] + ', "inputTokens": 999999}'
    f = tmp_path / "dup.log"
    f.write_text(line + "\n")
    cli.ingest(f)
    assert _one(cli.db, "SELECT input_tokens FROM requests") == (4200,)


def test_ten_thousand_deep_nesting(cli: Cli, tmp_path: Path) -> None:
    deep = '{"a":' * 10000 + "1" + "}" * 10000
    rec = json.dumps(request(1))[:-1] + ', "deep": ' + deep + "}"
    f = tmp_path / "deep.log"
    f.write_text(rec + "\n" + deep + "\n")
    s = cli.ingest(f)["totals"]
    assert (s["read"], s["loaded_requests"], s["ignored"] + s["rejected"]) == (2, 1, 1)


# 10. numbers
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('"4200"', 4200),
        ('"4,200"', 4200),
        ("4.2e3", 4200),
        ("4200.0", 4200),
        ("-5", None),
        ('"NaN"', None),
        ("1e309", None),
        ("18446744073709551616", None),
        ("4.5", None),
        ('"4_200"', None),
        ('"0x10"', None),
        ("true", None),
    ],
)
def test_token_counts(cli: Cli, tmp_path: Path, raw: str, expected: int | None) -> None:
    line = json.dumps(request(1)).replace('"inputTokens": 4200', f'"inputTokens": {raw}')
    f = tmp_path / "n.log"
    f.write_text(line + "\n")
    s = cli.ingest(f)["totals"]
    if expected is None:
        assert s["rejected"] == 1
        (_, reason, _) = _rejects(cli.db)[0]
        assert reason == "invalid input_tokens"
    else:
        assert s["loaded_requests"] == 1
        assert _one(cli.db, "SELECT input_tokens FROM requests") == (expected,)


def test_nan_literal_is_not_json(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "nan.log"
    f.write_text(json.dumps(request(1)).replace("4200", "NaN") + "\n")
    assert cli.ingest(f)["totals"]["rejected"] == 1


# 11. missing / null required fields; unknown fields kept
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"ts": None}, "missing timestamp"),
        ({"ts": "yesterday"}, "unreadable timestamp"),
        ({"model": None}, "missing model"),
        ({"inputTokens": None, "outputTokens": None}, "missing token counts"),
        (
            {"cachedInputTokens": 5000},
            "cached + cache-write tokens exceed input_tokens (input must include them)",
        ),
        ({"ts": "2099-01-01T00:00:00Z"}, "timestamp in the future"),
        ({"ts": "1970-01-02T00:00:00Z"}, "timestamp before 2000-01-01"),
    ],
)
def test_missing_or_null_required_fields_are_rejected_with_the_reason(
    cli: Cli, tmp_path: Path, change: dict, reason: str
) -> None:
    f = tmp_path / "m.log"
    f.write_text(json.dumps(request(1, **change)) + "\n")
    s = cli.ingest(f)["totals"]
    assert s["rejected"] == 1
    assert _rejects(cli.db)[0][1] == reason


def test_missing_tenant_is_loaded_unattributed(cli: Cli, tmp_path: Path) -> None:
    rec = request(1)
    del rec["tenantId"]
    f = tmp_path / "t.log"
    f.write_text(json.dumps(rec) + "\n")
    assert cli.ingest(f)["totals"]["loaded_requests"] == 1
    assert _one(cli.db, "SELECT tenant_id FROM requests") == (None,)


def test_unknown_fields_are_kept_in_attrs(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "u.log"
    f.write_text(json.dumps(request(1, region="eu-west-1", flags={"beta": True}, status="200")) + "\n")
    cli.ingest(f)
    (attrs,) = _one(cli.db, "SELECT attrs FROM requests")
    assert json.loads(attrs) == {
        "level": "info",
        "service": "api",
        "region": "eu-west-1",
        "flags": {"beta": True},
        "status": "200",  # an outcome alias that lost to `outcome`: kept, as text
    }


def test_a_pretty_printed_json_document_is_reported_not_rejected_line_by_line(
    cli: Cli, tmp_path: Path
) -> None:
    f = tmp_path / "invoice.json"
    f.write_text(json.dumps({"data": [{"amount": {"value": 1.5}}]}, indent=2) + "\n")
    s = cli.ingest(f)
    assert s["totals"]["read"] == 0
    assert "a JSON document, not JSON lines" in s["files"][0]["note"]


def test_json_lines_opening_with_a_stray_brace_are_read_line_by_line(cli: Cli, tmp_path: Path) -> None:
    """Found by tests/ingest/test_fuzz.py: a file whose first line was a lone '{' was taken for a
    pretty-printed document and none of its lines were read."""
    f = tmp_path / "app.log"
    f.write_bytes(b"\xef\xbb\xbf{\n")
    s = cli.ingest(f)["totals"]
    assert (s["read"], s["rejected"]) == (1, 1)
    g = tmp_path / "app2.log"
    g.write_bytes(b"{\n" + jsonl([request(1), request(2)]))
    s = cli.ingest(g)["totals"]
    assert (s["read"], s["loaded_requests"], s["rejected"]) == (3, 2, 1)
    assert _rejects(cli.db)[-1][:2] == (1, "not a JSON object")


def test_empty_and_nul_keys_do_not_break_their_batch(cli: Cli, tmp_path: Path) -> None:
    """Found by fuzz/fuzz_ingest.py: a key "" made the staging SQL fail to parse (and one with a
    NUL could not be a struct field), so the batch fell back to bisection, which then failed too."""
    f = tmp_path / "app.log"
    f.write_bytes(
        jsonl([request(1, **{"": {"x": 1}}), request(2, **{"\u0000": 2, "a\u0000b": 3}), request(3)])
        + b'{"": 1}\n'
    )
    s = cli.ingest(f)["totals"]
    assert (s["read"], s["loaded_requests"], s["ignored"], s["rejected"]) == (4, 3, 1, 0)


def test_staging_recovers_when_a_statement_fails_to_bind(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by fuzz/fuzz_ingest.py: after a statement failed to parse or bind, DuckDB 2 kept the
    previous statement's result pending and refused to register the next batch, so bisection
    (which isolates the line DuckDB cannot read) crashed instead of rejecting that line."""
    from datetime import UTC, datetime

    import pyarrow as pa

    from llmcost.config import IngestConfig
    from llmcost.ingest.fields import FieldMap, FieldPlan
    from llmcost.ingest.stage import Stager

    ic = IngestConfig()
    con = duckdb.connect()
    stager = Stager(
        con.cursor(),
        FieldMap({}, ic.containers),
        ic,
        now=datetime(2026, 11, 1, tzinfo=UTC),
        earliest=datetime(2000, 1, 1, tzinfo=UTC),
    )
    real = Stager._render

    def render(self: Stager, plan: FieldPlan, guard: str) -> str:
        if "BOOM" in plan.structure:  # a statement that cannot parse, as a bad key once made
            return 'SELECT s."" FROM batch_lines'
        return real(self, plan, guard)

    monkeypatch.setattr(Stager, "_render", render)
    # a `message` field without a record in it: the envelope probe's result was left pending
    lines = [json.dumps(request(0)), json.dumps(request(1)), '{"message": "plain text"}', '{"BOOM": 1}']
    table = pa.table(
        {
            "line_no": pa.array(range(1, 5), pa.int64()),
            "byte_offset": pa.array(range(4), pa.int64()),
            "line": pa.array(lines, pa.large_string()),
            "bad": pa.nulls(4, pa.string()),
            "raw": pa.nulls(4, pa.string()),
        }
    )
    staged = stager.stage(table)
    kinds = dict(zip(staged.column("line_no").to_pylist(), staged.column("kind").to_pylist(), strict=True))
    assert kinds == {1: "request", 2: "request", 3: "ignored", 4: "rejected"}


@pytest.mark.parametrize("take_partial", [False, True])
@pytest.mark.parametrize("max_lines", [1, 2, 3, 5, 1000])
def test_batches_end_after_max_lines(max_lines: int, take_partial: bool) -> None:
    """Batches are capped by line count as well as bytes (40 MB of blank lines once took 10 GB);
    every line is delivered once, in order, whatever the cap, and an unfinished last line waits."""
    import io

    from llmcost.ingest.lines import LineBatcher
    from llmcost.ingest.streams import ByteStream

    data = b"a\n\nbb\r\n" + b"\n" * 7 + b"c" * 50 + b"\nlast"
    batcher = LineBatcher(
        ByteStream(io.BytesIO(data)),
        start_offset=0,
        start_line=1,
        batch_bytes=64,
        max_line=32,
        take_partial=take_partial,
        max_lines=max_lines,
    )
    got: list[tuple[int, bytes | None]] = []
    for b in batcher:
        assert len(b.starts) <= max_lines
        got += [
            (b.first_line + i, bytes(b.data[s:e]))
            for i, (s, e) in enumerate(zip(b.starts, b.ends, strict=True))
        ]
        got += [(o.line_no, None) for o in b.oversize]
    expected = [b"a", b"", b"bb\r", *([b""] * 7), b"c" * 50, *([b"last"] if take_partial else [])]
    assert [g[0] for g in got] == list(range(1, len(expected) + 1))
    assert [g[1] for g in got] == expected
    assert batcher.tail.pending_bytes == (0 if take_partial else 4)


def test_a_batch_needing_more_than_the_memory_cap_is_staged_anyway(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingest caps DuckDB's memory (bounded RSS as the warehouse grows). A batch that needs more
    than the cap to stage (found: one line with 4,000 distinct keys, under the 256 MB cap) is
    staged again without it, not rejected line by line as 'Out of Memory'. Here the cap is made
    small (32 MB) so that a batch with a 1,000-key line needs more."""
    import llmcost.ingest.stage as stage

    monkeypatch.setattr(stage, "MEMORY_LIMIT", "32MB")
    wide = request(0, **{f"k{i}": i for i in range(1000)})
    f = tmp_path / "app.log"
    f.write_bytes(jsonl([wide, *(request(i) for i in range(1, 50))]))
    s = cli.ingest(f)["totals"]
    assert (s["read"], s["loaded_requests"], s["rejected"]) == (50, 50, 0)
    (attrs,) = _one(cli.db, "SELECT attrs FROM requests WHERE request_id = 'req-000000'")
    assert json.loads(attrs)["k999"] == 999


def test_a_batch_with_thousands_of_distinct_unknown_keys_loads_and_keeps_them_all(
    cli: Cli, tmp_path: Path
) -> None:
    """Past MAX_EXTRACTED_UNKNOWN_KEYS unknown keys are not extracted one by one (that grew faster
    than linearly: 4,000 keys took 15-28 s, now ~1.5 s); attrs is the record minus the keys read."""
    from llmcost.ingest.fields import MAX_EXTRACTED_UNKNOWN_KEYS

    base = {"event": "llm.request", "ts": "2026-10-01T10:00:00Z", "model": "gpt-4o-mini", "input_tokens": 10}
    lines = []
    for j in range(3):
        extra = {f"k{j}_{i}": i for i in range(MAX_EXTRACTED_UNKNOWN_KEYS)}
        lines.append(json.dumps({**base, "request_id": f"r{j}", "tenant_id": "t", **extra}))
    f = tmp_path / "wide.jsonl"
    f.write_text("\n".join(lines) + "\n")
    s = cli.ingest(f)["totals"]
    assert (s["loaded_requests"], s["rejected"]) == (3, 0)
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        rows = con.execute("SELECT request_id, tenant_id, attrs FROM requests ORDER BY 1").fetchall()
    finally:
        con.close()
    for j, (rid, tenant, attrs) in enumerate(rows):
        assert (rid, tenant) == (f"r{j}", "t")
        assert json.loads(attrs) == {f"k{j}_{i}": i for i in range(MAX_EXTRACTED_UNKNOWN_KEYS)}
