"""Conservation, idempotence and exactly-once loading on real files and a real warehouse."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import Cli
from tests.ingest.lines import jsonl, outcome, request
from tests.ingest.readback import query


def test_every_line_lands_in_exactly_one_bucket(cli: Cli, tmp_path: Path) -> None:
    lines = jsonl([request(i) for i in range(50)] + [outcome(i) for i in range(0, 50, 5)])
    lines += b'{"ts":"2026-10-01T10:00:00Z","msg":"http.request","path":"/health"}\n'
    lines += b"not json at all\n"
    lines += b"\n"
    lines += jsonl([request(3)])  # a repeat of line 4
    f = tmp_path / "app.log"
    f.write_bytes(lines)
    s = cli.ingest(f)["totals"]
    assert s == {
        **s,
        "read": 64,
        "loaded_requests": 50,
        "loaded_outcomes": 10,
        "duplicate": 1,
        "ignored": 2,  # http.request and the blank line
        "rejected": 1,
        "residual": 0,
    }
    assert query(cli.db, "SELECT count(*), count(DISTINCT request_id) FROM requests") == [(50, 50)]
    run = query(
        cli.db,
        "SELECT lines_read, loaded_requests + loaded_outcomes + duplicate + ignored + rejected FROM ingests",
    )
    assert run == [(64, 64)]


def test_second_ingest_of_the_same_input_loads_nothing(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "app.log"
    f.write_bytes(jsonl([request(i) for i in range(200)]))
    first = cli.ingest(f)["totals"]
    second = cli.ingest(f)["totals"]
    assert first["loaded_requests"] == 200
    assert second["read"] == 0 and second["loaded_requests"] == 0
    assert query(cli.db, "SELECT count(*) FROM requests") == [(200,)]


def test_appended_lines_are_read_from_the_committed_offset(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "app.log"
    f.write_bytes(jsonl([request(i) for i in range(10)]))
    cli.ingest(f)
    with f.open("ab") as fh:
        fh.write(jsonl([request(i) for i in range(10, 15)]))
    s = cli.ingest(f)
    assert s["totals"]["read"] == 5 and s["totals"]["loaded_requests"] == 5
    assert s["files"][0]["resumed_at_byte"] > 0
    assert query(cli.db, "SELECT min(source_line), max(source_line) FROM requests") == [(1, 15)]


def test_rename_rotation_and_recompressed_copy_add_no_duplicates(cli: Cli, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    live = logs / "app.log"
    live.write_bytes(jsonl([request(i) for i in range(20)]))
    cli.ingest(logs)
    # rotate: app.log -> app.log.1 (with 5 more lines written before rotation), new app.log
    with live.open("ab") as fh:
        fh.write(jsonl([request(i) for i in range(20, 25)]))
    live.rename(logs / "app.log.1")
    live.write_bytes(jsonl([request(i) for i in range(25, 30)]))
    s = cli.ingest(logs)["totals"]
    assert (s["loaded_requests"], s["duplicate"], s["read"]) == (10, 0, 10)
    # the rotated file compressed beside its plain copy: same content, same source
    (logs / "app.log.1.gz").write_bytes(gzip.compress((logs / "app.log.1").read_bytes()))
    s = cli.ingest(logs)["totals"]
    assert (s["loaded_requests"], s["duplicate"], s["read"]) == (0, 0, 0)
    assert query(cli.db, "SELECT count(*) FROM requests") == [(30,)]


def test_partial_last_line_waits_and_is_completed_later(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "app.log"
    whole = jsonl([request(i) for i in range(3)])
    last = json.dumps(request(3)).encode()
    f.write_bytes(whole + last[:40])
    s = cli.ingest(f)
    assert s["totals"]["read"] == 3
    assert s["files"][0]["pending_bytes"] == 40
    with f.open("ab") as fh:
        fh.write(last[40:] + b"\n")
    s = cli.ingest(f)
    assert (s["totals"]["read"], s["totals"]["loaded_requests"], s["totals"]["rejected"]) == (1, 1, 0)


def test_complete_partial_takes_a_final_line_without_newline(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "app.log"
    f.write_bytes(jsonl([request(0)]) + json.dumps(request(1)).encode())
    s = cli.ingest(f, extra=("--complete-partial",))
    assert s["totals"]["loaded_requests"] == 2


def test_same_request_id_with_different_content_first_wins_and_is_reported(cli: Cli, tmp_path: Path) -> None:
    a = tmp_path / "a.log"
    a.write_bytes(jsonl([request(1, costUsd=0.01)]))
    cli.ingest(a)
    b = tmp_path / "b.log"
    b.write_bytes(jsonl([request(2), request(1, costUsd=0.05), request(1, costUsd=0.01, level="debug")]))
    s = cli.ingest(b)["totals"]
    assert (s["loaded_requests"], s["duplicate"], s["conflicting_duplicates"]) == (1, 2, 1)
    assert query(cli.db, "SELECT logged_cost_usd::VARCHAR FROM requests WHERE request_id = 'req-000001'") == [
        ("0.010000000",)
    ]
    assert query(cli.db, "SELECT record_id, line_no FROM conflicts") == [("req-000001", 2)]


def test_lines_without_request_id_are_deduplicated_by_content(cli: Cli, tmp_path: Path) -> None:
    rec = request(1)
    del rec["requestId"]
    f = tmp_path / "a.log"
    f.write_bytes(jsonl([rec, rec]))
    s = cli.ingest(f)["totals"]
    assert (s["loaded_requests"], s["duplicate"]) == (1, 1)
    (rid,) = query(cli.db, "SELECT request_id FROM requests")[0]
    assert rid.startswith("line:")


def test_many_batches_commit_independently(cli: Cli, tmp_path: Path) -> None:
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text("[ingest]\nbatch_bytes = 65536\nmax_line_bytes = 16384\n")
    f = tmp_path / "big.log"
    f.write_bytes(jsonl([request(i) for i in range(3000)]))
    s = cli.ingest(f, extra=("--config", str(cfg)))["totals"]
    assert s["loaded_requests"] == 3000
    assert query(cli.db, "SELECT count(*) > 10 FROM segments") == [(True,)]
    assert query(cli.db, "SELECT count(DISTINCT source_line) FROM requests") == [(3000,)]


def test_stdin_is_read_with_dash(cli: Cli, tmp_path: Path, monkeypatch) -> None:
    import io
    import sys

    data = jsonl([request(i) for i in range(4)])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    s = cli.ingest("-")["totals"]
    assert s["loaded_requests"] == 4


def test_warehouse_files_are_private(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "a.log"
    f.write_bytes(jsonl([request(1)]))
    cli.ingest(f)
    assert cli.db.stat().st_mode & 0o777 == 0o600
    seg_dir = cli.db.parent / (cli.db.name + ".segments")
    seg = next((seg_dir / "requests").iterdir())
    assert seg.stat().st_mode & 0o077 == 0
    assert seg_dir.stat().st_mode & 0o077 == 0 and seg.parent.stat().st_mode & 0o077 == 0
