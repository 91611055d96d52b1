"""Gateway and observability exports as JSON lines (FORMATS.md §4): LiteLLM SpendLogs rows,
Langfuse observations and Helicone requests map onto the canonical columns by their field names."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb

from tests.conftest import Cli

LITELLM = {
    "request_id": "chatcmpl-1",
    "call_type": "acompletion",
    "spend": 0.0183,
    "prompt_tokens": 4200,
    "completion_tokens": 380,
    "startTime": "2026-10-01T10:00:00Z",
    "endTime": "2026-10-01T10:00:01Z",
    "model": "claude-sonnet-4",
    "model_group": "sonnet",
    "custom_llm_provider": "anthropic",
    "user": "u_1",
    "end_user": "",
    "team_id": "team_a",
    "metadata": {"tenantId": "tenant_acme", "feature": "copilot"},
    "request_tags": ["prod"],
    "cache_hit": "False",
    "status": "success",
}
LANGFUSE = {
    "id": "obs-1",
    "traceId": "trace-1",
    "type": "GENERATION",
    "startTime": "2026-10-01T10:00:00Z",
    "model": "gpt-4.1-mini",
    "usageDetails": {"input": 1000, "output": 100, "input_cached_tokens": 200},
    "costDetails": {"total": 0.00056},
    "promptName": "copilot",
    "promptVersion": 4,
    "level": "DEFAULT",
    "metadata": {"tenantId": "tenant_beta", "feature": "copilot"},
}
HELICONE = {
    "request_id": "hc-1",
    "request_created_at": "2026-10-01T10:00:00Z",
    "request_user_id": "u_9",
    "request_properties": {"tenantId": "tenant_globex", "feature": "rag_search"},
    "provider": "openai",
    "model": "gpt-4o-mini",
    "prompt_tokens": 500,
    "prompt_cache_read_tokens": 100,
    "prompt_cache_write_tokens": 0,
    "completion_tokens": 50,
    "cost": 0.000105,
    "response_status": 200,
    "delay_ms": 640,
}


def test_gateway_rows_map_to_canonical_columns(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "exports.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in (LITELLM, LANGFUSE, HELICONE)))
    s = cli.ingest(f)["totals"]
    assert (s["loaded_requests"], s["rejected"], s["ignored"]) == (3, 0, 0)
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        rows = con.execute(
            "SELECT request_id, tenant_id, feature, user_id, provider, model, operation, input_tokens, "
            "cached_input_tokens, output_tokens, outcome, logged_cost_usd, latency_ms FROM requests ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        (
            "chatcmpl-1",
            "tenant_acme",
            "copilot",
            "u_1",
            "anthropic",
            "claude-sonnet-4",
            "chat",
            4200,
            0,
            380,
            "success",
            Decimal("0.018300000"),
            None,
        ),
        (
            "hc-1",
            "tenant_globex",
            "rag_search",
            "u_9",
            "openai",
            "gpt-4o-mini",
            "chat",
            500,
            100,
            50,
            "success",
            Decimal("0.000105000"),
            640,
        ),
        # Langfuse's observation id is the request id. Its usageDetails.input EXCLUDES the cached tokens it lists apart: 1,000 + 200 in all.
        # Level DEFAULT is Langfuse's normal level: a success (ERROR is a failure).
        (
            "obs-1",
            "tenant_beta",
            "copilot",
            None,
            None,
            "gpt-4.1-mini",
            "chat",
            1200,
            200,
            100,
            "success",
            Decimal("0.000560000"),
            None,
        ),
    ]
