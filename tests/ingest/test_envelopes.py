"""Log envelopes (FORMATS.md §1): the record inside a shipper's string field is unwrapped; the
shipper's own fields stay in attrs under `_envelope` and fill what the record lacks."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from tests.conftest import Cli

INNER = {
    "msg": "llm.request",
    "requestId": "r-1",
    "tenantId": "tenant_acme",
    "feature": "copilot",
    "model": "gpt-4o-mini",
    "inputTokens": 1200,
    "outputTokens": 80,
}


def _rows(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT request_id, strftime(ts, '%Y-%m-%dT%H:%M:%S'), tenant_id, input_tokens, attrs "
            "FROM requests ORDER BY request_id"
        ).fetchall()
    finally:
        con.close()


def _ingest(cli: Cli, tmp_path: Path, *records: dict) -> dict:
    f = tmp_path / "shipped.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in records))
    return cli.ingest(f)["totals"]


def test_loki_line_with_labels(cli: Cli, tmp_path: Path) -> None:
    loki = {
        "labels": {"app": "api", "env": "prod"},
        "line": json.dumps({**INNER, "ts": "2026-10-01T10:00:00Z"}),
        "timestamp": "2026-10-01T10:00:00.5Z",
    }
    assert _ingest(cli, tmp_path, loki)["loaded_requests"] == 1
    ((rid, ts, tenant, tokens, attrs),) = _rows(cli.db)
    assert (rid, ts, tenant, tokens) == ("r-1", "2026-10-01T10:00:00", "tenant_acme", 1200)
    assert json.loads(attrs)["_envelope"]["labels"] == {"app": "api", "env": "prod"}


def test_cloudwatch_lambda_text_prefix_and_envelope_timestamp(cli: Cli, tmp_path: Path) -> None:
    # the record has no time of its own: CloudWatch's (epoch ms) is used
    cw = {
        "timestamp": 1790848800000,
        "message": "2026-10-01T10:00:00.000Z\t8f2c\tINFO\t" + json.dumps(INNER),
        "logStream": "2026/10/01/[$LATEST]abc",
    }
    assert _ingest(cli, tmp_path, cw)["loaded_requests"] == 1
    assert _rows(cli.db)[0][1] == "2026-10-01T10:00:00"


def test_gcp_json_payload_and_otlp_body_and_docker_log(cli: Cli, tmp_path: Path) -> None:
    gcp = {
        "timestamp": "2026-10-01T10:00:00Z",
        "severity": "INFO",
        "jsonPayload": {**INNER, "requestId": "gcp"},
    }
    otlp = {"timeUnixNano": "1790848800000000000", "body": json.dumps({**INNER, "requestId": "otlp"})}
    docker = {
        "log": json.dumps({**INNER, "requestId": "docker", "ts": "2026-10-01T10:00:00Z"}) + "\n",
        "stream": "stdout",
    }
    s = _ingest(cli, tmp_path, gcp, otlp, docker)
    assert (s["loaded_requests"], s["ignored"], s["rejected"]) == (3, 0, 0)
    assert [r[0] for r in _rows(cli.db)] == ["docker", "gcp", "otlp"]


def test_a_plain_message_is_not_an_envelope(cli: Cli, tmp_path: Path) -> None:
    plain = {**INNER, "msg": None, "message": "llm.request", "ts": "2026-10-01T10:00:00Z"}
    text = {"ts": "2026-10-01T10:00:00Z", "message": "user {id} logged in", "level": "info"}
    s = _ingest(cli, tmp_path, plain, text)
    assert (s["loaded_requests"], s["ignored"], s["rejected"]) == (1, 1, 0)
