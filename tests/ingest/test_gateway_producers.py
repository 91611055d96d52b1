"""Gateway exports, batch results and files of pretty-printed JSON documents: the mechanisms behind
the fixtures/producers/gw-* folders, on their edges (bad documents named by line and byte, nothing
lost, a truncated last document waited for, forced sources, older Kong names, string-held JSON)."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from llmcost.ingest.formats import detect, otlp
from llmcost.ingest.formats.json_documents import JsonDocumentStream
from llmcost.ingest.streams import ByteStream
from tests.conftest import Cli
from tests.ingest.readback import query

PRODUCERS = Path(__file__).resolve().parents[2] / "fixtures" / "producers"


def _record(**over: Any) -> dict[str, Any]:
    rec = {
        "msg": "llm.request",
        "ts": "2026-11-01T10:00:00Z",
        "requestId": "r-1",
        "model": "gpt-4o-mini",
        "inputTokens": 100,
        "outputTokens": 10,
    }
    rec.update(over)
    return rec


def _pretty(*docs: Any) -> str:
    return "".join(json.dumps(d, indent=4) + "\n" for d in docs)


# -- the document reader ----------------------------------------------------------------------
def _transcode(data: bytes, **kw: Any) -> list[dict[str, Any]]:
    stream = JsonDocumentStream(ByteStream(io.BytesIO(data)), lambda doc: None, take_partial=True, **kw)
    out = b""
    while piece := stream.read(1 << 16):
        out += piece
    return [json.loads(line) for line in out.splitlines()]


def test_documents_with_brackets_and_quotes_inside_strings_split_where_they_end() -> None:
    tricky = _record(requestId="r-1", note='a "quoted" {brace} [bracket] \\ back\\slash }', text="}\n{")
    second = _record(requestId="r-2")
    data = ("\ufeff" + _pretty(tricky) + json.dumps(second) + "\n").encode()  # BOM, then a compact one
    got = _transcode(data)
    assert [r["requestId"] for r in got] == ["r-1", "r-2"]
    assert got[0]["note"] == tricky["note"] and got[0]["text"] == "}\n{"


def test_a_document_across_read_chunks_is_whole() -> None:
    big = _record(requestId="r-big", blob='x\\"y' * 400_000)  # ~2.4 MB: spans several 1 MiB reads
    got = _transcode(_pretty(big, _record(requestId="r-after")).encode())
    assert [r["requestId"] for r in got] == ["r-big", "r-after"]
    assert got[0]["blob"] == big["blob"]


def test_a_bad_document_is_rejected_by_line_and_byte_and_the_others_still_read() -> None:
    first = _pretty(_record(requestId="r-1"))
    broken = '{\n    "msg": "llm.request",\n    "inputTokens": 12 13\n}\n'
    data = (first + broken + _pretty(_record(requestId="r-3"))).encode()
    got = _transcode(data)
    assert [r.get("requestId") for r in got] == ["r-1", None, "r-3"]
    line = first.count("\n") + 1
    why = got[1]["_reject"]
    assert f"JSON document at line {line} (byte {len(first)})" in why
    assert f"at line {line + 2}" in why  # where inside it the JSON went wrong


def test_text_between_documents_is_rejected_by_its_line() -> None:
    first = _pretty(_record(requestId="r-1"))
    data = (first + "INFO not json at all\n" + _pretty(_record(requestId="r-2"))).encode()
    got = _transcode(data)
    assert [r.get("requestId") for r in got] == ["r-1", None, "r-2"]
    assert got[1]["_reject"].startswith(
        f"line {first.count(chr(10)) + 1} (byte {len(first)}): not a JSON document"
    )


def test_a_document_past_the_cap_is_skipped_without_being_held_and_named() -> None:
    big = _record(requestId="r-big", blob="y" * 5000)
    data = _pretty(_record(requestId="r-1"), big, _record(requestId="r-3")).encode()
    got = _transcode(data, max_document=2000)
    assert [r.get("requestId") for r in got] == ["r-1", None, "r-3"]
    assert "is larger than 2000 bytes" in got[1]["_reject"]


def test_a_truncated_last_document_is_rejected_when_the_file_is_final() -> None:
    data = (_pretty(_record(requestId="r-1")) + '{\n    "msg": "llm.request",\n').encode()
    got = _transcode(data)
    assert got[0]["requestId"] == "r-1"
    assert "the file ends inside it (truncated)" in got[1]["_reject"]


def test_an_unfinished_document_waits_for_the_next_run_and_nothing_is_lost(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "printed.json"
    whole = _pretty(_record(requestId="r-1"), _record(requestId="r-2"))
    cut = whole.index('"r-2"')
    path.write_text(whole[:cut])
    first = cli.ingest(path)["files"][0]
    assert (first["loaded"], first["rejected"]) == (1, 0)
    path.write_text(whole)
    second = cli.ingest(path)["files"][0]
    assert (second["loaded"], second["rejected"]) == (1, 0)
    assert sorted(r[0] for r in query(cli.db, "SELECT request_id FROM requests")) == ["r-1", "r-2"]


def test_bad_document_in_a_file_is_a_reject_naming_file_line_and_byte(tmp_path: Path, cli: Cli) -> None:
    first = _pretty({"events": [], "searchedLogStreams": []})
    path = tmp_path / "aws.json"
    path.write_text(first + '{\n    "events": [\n        {"message": }\n    ]\n}\n')
    f = cli.ingest(path)["files"][0]
    assert f["rejected"] == 1 and f["error"] is None
    ((where, reason),) = query(cli.db, "SELECT path, reason FROM rejects")
    assert where.endswith("aws.json")
    assert f"JSON document at line {first.count(chr(10)) + 1} (byte {len(first)})" in reason


# -- detection --------------------------------------------------------------------------------
def _format(text: str, name: str = "x.json", source: str = "auto") -> str:
    return detect(text.encode(), name, source, otlp.OtlpMapper(), take_partial=True).format


def test_pretty_documents_of_unknown_shape_stay_a_json_document_not_read() -> None:
    invoice = _pretty(
        {"data": [{"starting_at": "2026-11-01", "results": [{"amount": "12.5", "currency": "USD"}]}]}
    )
    assert _format(invoice) == "jsonl"  # the loader says: a JSON document, not JSON lines (an invoice?)


def test_an_invoice_printed_with_indentation_still_gets_the_invoice_hint(tmp_path: Path, cli: Cli) -> None:
    path = tmp_path / "cost_report.json"
    path.write_text(
        _pretty({"data": [{"starting_at": "2026-11-01T00:00:00Z", "results": [{"amount": "123.45"}]}]})
    )
    f = cli.ingest(path)["files"][0]
    assert f["loaded"] == 0 and "invoice" in (f["note"] or "")


def test_gateway_records_are_recognised_from_their_first_line() -> None:
    folder = PRODUCERS
    assert _format((folder / "gw-kong" / "file-log.jsonl").read_text()) == "kong"
    assert _format((folder / "gw-litellm-json" / "spendlogs.jsonl").read_text()) == "litellm"
    assert _format((folder / "gw-openai-batch" / "batch_errors.jsonl").read_text()) == "openai-batch"
    assert _format((folder / "gw-anthropic-batch" / "results.jsonl").read_text()) == "anthropic-batch"
    assert _format((folder / "gw-openrouter" / "generations.jsonl").read_text()) == "openrouter"
    # a page saved without a final newline is one document, complete once its brackets close
    assert _format((folder / "gw-cloudflare" / "logs-page1.json").read_text()) == "cloudflare"
    assert _format((folder / "gw-cloudflare" / "logs-page2.json").read_text()) == "json-documents"
    assert _format((folder / "gw-otel-console" / "console-spans.log").read_text()) == "json-documents"


def test_a_forced_source_reads_its_records_pretty_or_not(tmp_path: Path, cli: Cli) -> None:
    gen = {
        "id": "gen-1",
        "model": "openai/gpt-4o",
        "created_at": "2026-11-13T09:00:00Z",
        "native_tokens_prompt": 10,
        "native_tokens_completion": 5,
        "tokens_prompt": 9,
        "total_cost": 0.0001,
    }
    pretty = tmp_path / "gen.json"
    pretty.write_text(json.dumps({"data": gen}, indent=2) + "\n")
    f = cli.ingest(pretty, extra=("--source", "openrouter"))["files"][0]
    assert (f["format"], f["loaded"]) == ("openrouter", 1)
    assert query(cli.db, "SELECT provider, input_tokens, output_tokens FROM requests") == [
        ("openrouter", 10, 5)
    ]


# -- gateway shapes ---------------------------------------------------------------------------
def test_kong_before_3_8_names_its_plugin_block_and_counts_in_the_singular(tmp_path: Path, cli: Cli) -> None:
    line = {
        "started_at": 1794477601719,
        "request": {"id": "kong-old-1"},
        "response": {"status": 200},
        "route": {"name": "chat"},
        "ai": {
            "payload": {"request": "{}"},
            "ai-proxy": {
                "usage": {"prompt_token": 28, "completion_token": 20, "total_tokens": 48, "cost": 0.0038},
                "meta": {"request_model": "command", "response_model": "command", "provider_name": "cohere"},
            },
        },
    }
    path = tmp_path / "kong.log"
    path.write_text(json.dumps(line) + "\n")
    assert cli.ingest(path)["files"][0]["loaded"] == 1
    assert query(
        cli.db, "SELECT request_id, provider, model, input_tokens, output_tokens, feature FROM requests"
    ) == [("kong-old-1", "cohere", "command", 28, 20, "chat")]


def test_batch_error_lines_take_the_batch_time_else_the_file_time(tmp_path: Path, cli: Cli) -> None:
    def ok(n: int, created: int) -> dict[str, Any]:
        body = {
            "id": f"c{n}",
            "object": "chat.completion",
            "created": created,
            "model": "gpt-4o-mini",
            "usage": {"prompt_tokens": 10, "completion_tokens": 2},
        }
        return {
            "id": f"b{n}",
            "custom_id": f"k{n}",
            "response": {"status_code": 200, "body": body},
            "error": None,
        }

    def failed(n: int) -> dict[str, Any]:
        return {"id": f"b{n}", "custom_id": f"k{n}", "response": None, "error": {"code": "batch_expired"}}

    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (failed(1), ok(2, 1793700000), failed(3))))
    os.utime(path, (1793800000, 1793800000))
    assert cli.ingest(path)["files"][0]["loaded"] == 3
    got = dict(query(cli.db, "SELECT request_id, ts FROM requests"))
    assert got["b1"] == datetime.fromtimestamp(1793800000, UTC)  # nothing earlier: the file's time
    assert got["b2"] == datetime.fromtimestamp(1793700000, UTC)  # its own body time
    assert got["b3"] == datetime.fromtimestamp(1793700000, UTC)  # the batch's time, seen earlier
    approx = dict(query(cli.db, "SELECT request_id, attrs->>'ts_approximate' FROM requests"))
    assert approx["b2"] is None and "file" in approx["b1"] and "batch" in approx["b3"]


def test_cloudflare_metadata_that_is_not_json_is_kept_and_the_log_still_loads(
    tmp_path: Path, cli: Cli
) -> None:
    log = {
        "id": "cf-1",
        "created_at": "2026-11-20T14:02:11Z",
        "provider": "openai",
        "model": "gpt-4o-mini",
        "tokens_in": 5,
        "tokens_out": 1,
        "status_code": 200,
        "success": True,
        "metadata": "tenant=acme",
    }
    path = tmp_path / "cf.jsonl"
    path.write_text(json.dumps({"result": [log], "success": True, "result_info": {}}) + "\n")
    assert cli.ingest(path)["files"][0]["loaded"] == 1
    assert query(cli.db, "SELECT tenant_id, attrs->>'metadata_text' FROM requests") == [(None, "tenant=acme")]


def test_litellm_csv_export_reads_the_same_json_strings(tmp_path: Path, cli: Cli) -> None:
    meta = json.dumps(
        {
            "spend_logs_metadata": {"tenant_id": "acme", "feature": "faq"},
            "usage_object": {"prompt_tokens_details": {"cached_tokens": 64}},
        }
    )
    path = tmp_path / "spend.csv"
    header = (
        "request_id,call_type,spend,prompt_tokens,completion_tokens,startTime,model,metadata,team_id,status\n"
    )
    row = [
        "ll-1",
        "acompletion",
        "0.001",
        "200",
        "20",
        "2026-11-18 08:00:00",
        "gpt-4o",
        meta,
        "team-1",
        "success",
    ]
    path.write_text(header + ",".join('"' + v.replace('"', '""') + '"' for v in row) + "\n")
    assert cli.ingest(path)["files"][0]["loaded"] == 1
    assert query(cli.db, "SELECT tenant_id, feature, cached_input_tokens FROM requests") == [
        ("acme", "faq", 64)
    ]


def test_a_kong_log_that_opens_with_a_plain_request_is_still_read_as_kong(tmp_path: Path, cli: Cli) -> None:
    lines = (PRODUCERS / "gw-kong" / "file-log.jsonl").read_text().splitlines(keepends=True)
    health = next(line for line in lines if '"healthz"' in line)
    path = tmp_path / "kong.log"
    path.write_text(health + "".join(line for line in lines if line is not health))
    f = cli.ingest(path)["files"][0]
    assert (f["format"], f["loaded"], f["ignored"]) == ("kong", 3, 1)


def test_litellm_teams_become_tenants_with_one_alias(tmp_path: Path, cli: Cli) -> None:
    cfg = tmp_path / "llmcost.toml"
    cfg.write_text('[ingest.aliases]\ntenant_id = ["team_alias"]\n')
    cli.ingest(PRODUCERS / "gw-litellm-json" / "spendlogs.jsonl", extra=("--config", str(cfg)))
    got = dict(query(cli.db, "SELECT request_id, tenant_id FROM requests"))
    # user aliases are tried before the built-in names: the team names every row's tenant
    assert got == {
        "chatcmpl-LJ0001": "support-team",
        "chatcmpl-LJ0002": "support-team",
        "chatcmpl-LJ0003": "support-team",
    }


def test_an_api_array_of_gateway_rows_is_read_row_by_row_by_its_reader(tmp_path: Path, cli: Cli) -> None:
    # LiteLLM's GET /spend/logs answers a JSON array of SpendLogs rows (metadata as JSON text)
    rows = [
        json.loads(line)
        for line in (PRODUCERS / "gw-litellm-json" / "spendlogs.jsonl").read_text().splitlines()
    ]
    path = tmp_path / "spend_logs.json"
    path.write_text(json.dumps(rows, indent=2))
    f = cli.ingest(path)["files"][0]
    assert (f["format"], f["loaded"]) == ("json-array", 3)
    got = dict(query(cli.db, "SELECT request_id, tenant_id FROM requests"))
    assert got == {"chatcmpl-LJ0001": "acme", "chatcmpl-LJ0002": "globex", "chatcmpl-LJ0003": None}
