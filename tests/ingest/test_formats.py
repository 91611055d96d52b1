"""Format detection and transcoding (ingest/formats): batches of many records per line, files that
are not JSON lines, --source, and what happens when such input is damaged or still being written."""

from __future__ import annotations

import base64
import gzip
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TRACES = FIXTURES / "otlp" / "traces.jsonl"
APP = {
    "event": "llm.request",
    "ts": "2026-10-01T10:00:00Z",
    "request_id": "r-1",
    "model": "gpt-4o-mini",
    "input_tokens": 100,
    "output_tokens": 10,
}


def _query(cli: Cli, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _rejects(cli: Cli) -> list[tuple[object, ...]]:
    return _query(cli, "SELECT line_no, reason FROM rejects ORDER BY line_no")


def test_an_otlp_file_is_read_once_and_its_records_are_counted(cli: Cli) -> None:
    first = cli.ingest(TRACES)
    (f,) = first["files"]
    assert (f["format"], f["read"], f["loaded"], f["ignored"]) == ("otlp", 8, 5, 3)
    assert "2 input lines gave 8 records" in f["note"]
    again = cli.ingest(TRACES)["files"][0]
    assert (again["read"], again["loaded"]) == (0, 0)


def test_a_gzipped_otlp_file_reads_the_same(cli: Cli, tmp_path: Path) -> None:
    gz = tmp_path / "traces.jsonl.gz"
    gz.write_bytes(gzip.compress(TRACES.read_bytes()))
    f = cli.ingest(gz)["files"][0]
    assert (f["format"], f["read"], f["loaded"]) == ("otlp", 8, 5)


def test_an_otlp_line_still_being_written_waits_for_its_end(cli: Cli, tmp_path: Path) -> None:
    lines = TRACES.read_bytes().splitlines(keepends=True)
    growing = tmp_path / "otel.jsonl"
    growing.write_bytes(lines[0] + lines[1][:500])
    f = cli.ingest(growing)["files"][0]
    assert (f["read"], f["loaded"]) == (4, 4)
    assert f["pending_bytes"] == 500
    with growing.open("ab") as out:
        out.write(lines[1][500:])
    f = cli.ingest(growing)["files"][0]
    assert (f["read"], f["loaded"], f["duplicate"], f["ignored"]) == (4, 1, 0, 3)
    assert _query(cli, "SELECT count(*), count(DISTINCT request_id) FROM requests") == [(5, 5)]


def test_a_batch_line_inside_a_file_of_single_records_is_rejected_with_what_to_do(
    cli: Cli, tmp_path: Path
) -> None:
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_bytes(json.dumps(APP).encode() + b"\n" + TRACES.read_bytes().splitlines(keepends=True)[0])
    f = cli.ingest(mixed)["files"][0]
    assert (f["format"], f["read"], f["loaded"], f["rejected"]) == ("jsonl", 2, 1, 1)
    ((line, reason),) = _rejects(cli)
    assert line == 2 and "--source otlp" in str(reason)
    # as told: the whole file read as OpenTelemetry, the application line passes through
    f = cli.ingest(mixed, extra=("--source", "otlp"))["files"][0]
    assert (f["format"], f["read"], f["loaded"], f["duplicate"], f["ignored"]) == ("otlp", 5, 4, 1, 0)


def test_a_truncated_protobuf_file_keeps_what_came_before_and_says_where(cli: Cli, tmp_path: Path) -> None:
    data = (FIXTURES / "otlp" / "traces.pb").read_bytes()
    cut = tmp_path / "traces.pb"
    cut.write_bytes(data[: len(data) - 100])
    f = cli.ingest(cut)["files"][0]
    assert f["format"] == "otlp-proto"
    assert (f["read"], f["loaded"]) == (4, 4)  # the first message, whole
    assert "truncated" in f["error"]


def test_an_empty_otlp_batch_is_an_ignored_record(cli: Cli, tmp_path: Path) -> None:
    p = tmp_path / "empty.jsonl"
    p.write_text('{"resourceSpans":[]}\n')
    f = cli.ingest(p)["files"][0]
    assert (f["read"], f["ignored"]) == (1, 1)
    assert _query(cli, "SELECT event, lines FROM ignored_events") == [("otlp.empty", 1)]


def test_undecodable_cloudwatch_data_is_rejected_with_its_reason(cli: Cli, tmp_path: Path) -> None:
    good = (FIXTURES / "cloudwatch" / "subscription.jsonl").read_text().splitlines()[0]
    bad = json.dumps({"awslogs": {"data": base64.b64encode(b"not gzip").decode()}})
    p = tmp_path / "cw.jsonl"
    p.write_text(good + "\n" + bad + "\n")
    f = cli.ingest(p)["files"][0]
    assert (f["read"], f["loaded"], f["ignored"], f["rejected"]) == (4, 2, 1, 1)
    ((line, reason),) = _rejects(cli)
    assert line == 4 and "not base64 of gzipped JSON" in str(reason)


def test_a_forced_provider_source_fills_the_provider_a_line_does_not_name(cli: Cli, tmp_path: Path) -> None:
    p = tmp_path / "claude.jsonl"
    rec = {**APP, "model": "claude-sonnet-4", "usage": {"input_tokens": 700, "cache_read_input_tokens": 300}}
    del rec["input_tokens"]
    p.write_text(json.dumps(rec) + "\n")
    cli.ingest(p, extra=("--source", "anthropic"))
    assert _query(cli, "SELECT provider, input_tokens, cached_input_tokens FROM requests") == [
        ("anthropic", 1000, 300)
    ]


def test_an_unknown_source_is_a_usage_error(cli: Cli) -> None:
    code, _, err = cli("ingest", str(TRACES), "--source", "splunk")
    assert code == 2 and "unknown source 'splunk'" in err


def test_a_bad_cell_in_a_csv_export_is_rejected_at_its_own_line(cli: Cli, tmp_path: Path) -> None:
    p = tmp_path / "spend.csv"
    p.write_text(
        "request_id,startTime,model,prompt_tokens,completion_tokens,spend\n"
        "a,2026-10-01T10:00:00Z,gpt-4o-mini,100,10,0.000021\n"
        "b,2026-10-01T10:01:00Z,gpt-4o-mini,lots,10,0.1\n"
    )
    f = cli.ingest(p)["files"][0]
    assert (f["format"], f["read"], f["loaded"], f["ignored"], f["rejected"]) == ("csv", 3, 1, 1, 1)
    assert _rejects(cli) == [(3, "invalid input_tokens")]


def test_csv_files_in_a_directory_walk_are_named_not_read(cli: Cli, tmp_path: Path) -> None:
    d = tmp_path / "logs"
    d.mkdir()
    (d / "app.jsonl").write_text(json.dumps(APP) + "\n")
    shutil.copy(FIXTURES / "litellm" / "spendlogs.csv", d / "spendlogs.csv")
    code, out, err = cli("ingest", str(d), "--json")
    assert code == 0
    assert json.loads(out)["totals"]["loaded_requests"] == 1
    assert "spendlogs.csv" in err and "name the file" in err


def test_explain_says_what_a_file_was_read_as(cli: Cli) -> None:
    code, out, _ = cli("ingest", "--explain", "--lines", "1", str(FIXTURES / "otlp" / "traces.pb"), db=False)
    assert code == 0
    assert "read as otlp-proto" in out
    assert "[OpenTelemetry span (GenAI)]" in out
    # one row per column: its name, the field it came from, its value
    assert re.search(r"(?m)^cached_input_tokens +span gen_ai\.usage\.cache_read\.input_tokens +1200$", out)


def test_which_attributes_name_the_tenant_is_configurable(cli: Cli, tmp_path: Path) -> None:
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text('[ingest.otel_attributes]\ntenant_id = ["deployment.environment.name"]\n')
    cli.ingest(TRACES, extra=("--config", str(cfg)))
    rows = _query(cli, "SELECT tenant_id, count(*) FROM requests GROUP BY ALL ORDER BY 1")
    # span 1 names its tenant itself (tenant.id); the others take the configured resource attribute
    assert rows == [("prod", 4), ("tenant_acme", 1)]


def test_an_unknown_otel_attribute_column_is_a_config_error(cli: Cli, tmp_path: Path) -> None:
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text('[ingest.otel_attributes]\ncost = ["x"]\n')
    code, _, err = cli("ingest", str(TRACES), "--config", str(cfg))
    assert code == 2 and "otel_attributes" in err and "unknown column" in err


def test_an_overlong_batch_line_is_rejected_without_being_held(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmcost.ingest.formats import transcode

    monkeypatch.setattr(transcode, "MAX_INPUT_LINE", 20_000)
    first, second = TRACES.read_bytes().splitlines(keepends=True)
    huge = first.replace(b'"name":"chat', b'"name":"' + b"x" * 3_000_000 + b"chat", 1)
    p = tmp_path / "otel.jsonl"
    p.write_bytes(huge + second)
    f = cli.ingest(p)["files"][0]
    assert (f["read"], f["loaded"], f["ignored"], f["rejected"]) == (5, 1, 3, 1)
    ((line, reason),) = _rejects(cli)
    assert line == 1 and "input line longer than 20000 bytes" in str(reason)


def test_a_csv_that_turns_unreadable_keeps_the_rows_before_and_says_where(cli: Cli, tmp_path: Path) -> None:
    p = tmp_path / "spend.csv"
    p.write_bytes(
        b"request_id,startTime,model,prompt_tokens,completion_tokens\n"
        b"a,2026-10-01T10:00:00Z,gpt-4o-mini,100,10\n"
        b"b,2026-10-01T10:01:00Z,gpt-4o-mini,100," + b"9" * (2 << 20) + b"\n"
    )
    f = cli.ingest(p)["files"][0]
    assert (f["read"], f["loaded"]) == (2, 1)
    assert "CSV unreadable after row 2" in f["error"]


def test_a_json_array_document_is_read_one_record_per_element(cli: Cli, tmp_path: Path) -> None:
    p = tmp_path / "langfuse-export.json"
    rows = [
        {
            "id": "lf-9",
            "type": "GENERATION",
            "startTime": "2026-10-01T10:00:00Z",
            "model": "gpt-4o-mini",
            "usageDetails": {"input": 100, "output": 10},
            "level": "DEFAULT",
        },
        "not a record",
    ]
    p.write_text(json.dumps(rows, indent=2))  # pretty-printed: the first line is a lone "["
    f = cli.ingest(p)["files"][0]
    assert (f["format"], f["read"], f["loaded"], f["rejected"]) == ("json-array", 2, 1, 1)
    assert _rejects(cli) == [(2, "element 1 of the array is not an object")]


def test_a_pretty_printed_object_document_is_still_not_taken_for_logs(cli: Cli, tmp_path: Path) -> None:
    p = tmp_path / "invoice.json"
    p.write_text(json.dumps({"object": "page", "data": []}, indent=2))
    f = cli.ingest(p)["files"][0]
    assert f["read"] == 0 and "JSON document" in f["note"]
