"""Raw provider usage objects logged by apps (FORMATS.md §2): each provider's own token semantics
normalised to one canonical meaning — input includes cache reads and writes, output includes
reasoning — so no source double-counts cached tokens or drops reasoning tokens."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Cli

BASE = {"ts": "2026-10-01T10:00:00Z", "msg": "llm.request", "tenantId": "tenant_acme", "feature": "copilot"}

# One logical call: 1,000 input tokens of which 200 cache reads and 100 cache writes; 300 output
# tokens of which 50 reasoning. Each provider logs it its own way.
CASES = {
    "openai_chat": (
        {
            "model": "gpt-4.1",
            "usage": {
                "prompt_tokens": 1000,
                "completion_tokens": 300,
                "prompt_tokens_details": {"cached_tokens": 200},
                "completion_tokens_details": {"reasoning_tokens": 50},
            },
        },
        (1000, 200, 0, 300, 50),
    ),
    "openai_responses": (
        {
            "model": "gpt-4.1",
            "usage": {
                "input_tokens": 1000,
                "output_tokens": 300,
                "input_tokens_details": {"cached_tokens": 200},
                "output_tokens_details": {"reasoning_tokens": 50},
            },
        },
        (1000, 200, 0, 300, 50),
    ),
    "anthropic": (  # input_tokens is the UNCACHED part
        {
            "model": "claude-sonnet-4",
            "usage": {
                "input_tokens": 700,
                "cache_read_input_tokens": 200,
                "cache_creation_input_tokens": 100,
                "output_tokens": 300,
            },
        },
        (1000, 200, 100, 300, 0),
    ),
    "gemini": (  # candidatesTokenCount EXCLUDES thoughts
        {
            "model": "gemini-2.5-flash",
            "usageMetadata": {
                "promptTokenCount": 1000,
                "cachedContentTokenCount": 200,
                "candidatesTokenCount": 250,
                "thoughtsTokenCount": 50,
            },
        },
        (1000, 200, 0, 300, 50),
    ),
    "bedrock_invocation_log": (
        {
            "modelId": "anthropic.claude-3-5-haiku-20241022-v1:0",
            "input": {
                "inputTokenCount": 700,
                "cacheReadInputTokenCount": 200,
                "cacheWriteInputTokenCount": 100,
            },
            "output": {"outputTokenCount": 300},
        },
        (1000, 200, 100, 300, 0),
    ),
    "bedrock_converse": (
        {
            "model": "anthropic.claude-3-5-haiku-20241022-v1:0",
            "usage": {
                "inputTokens": 700,
                "outputTokens": 300,
                "cacheReadInputTokens": 200,
                "cacheWriteInputTokens": 100,
            },
        },
        (1000, 200, 100, 300, 0),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_provider_usage_is_normalised(cli: Cli, tmp_path: Path, name: str) -> None:
    record, expected = CASES[name]
    f = tmp_path / f"{name}.jsonl"
    f.write_text(json.dumps({**BASE, "requestId": name, **record}) + "\n")
    s = cli.ingest(f)["totals"]
    assert (s["loaded_requests"], s["rejected"]) == (1, 0)
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        row = con.execute(
            "SELECT input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens "
            "FROM requests"
        ).fetchone()
    finally:
        con.close()
    assert row == expected
