"""Builders of realistic llm.request / outcome lines for ingest tests."""

from __future__ import annotations

import json
from typing import Any


def request(i: int, **over: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "ts": f"2026-10-01T10:{i // 60 % 60:02d}:{i % 60:02d}.000Z",
        "level": "info",
        "msg": "llm.request",
        "requestId": f"req-{i:06d}",
        "traceId": f"trace-{i // 3:06d}",
        "tenantId": f"tenant_{i % 7}",
        "userId": f"u{i % 11}",
        "feature": ["copilot", "classifier", "rag_search"][i % 3],
        "provider": "anthropic",
        "model": "claude-sonnet-4",
        "inputTokens": 4200,
        "cachedInputTokens": 0,
        "outputTokens": 380,
        "latencyMs": 812,
        "outcome": "success",
        "costUsd": 0.0183,
        "service": "api",
    }
    rec.update(over)
    return rec


def outcome(i: int, **over: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "ts": f"2026-10-01T11:{i // 60 % 60:02d}:{i % 60:02d}Z",
        "msg": "draft_accepted",
        "requestId": f"req-{i:06d}",
        "traceId": f"trace-{i // 3:06d}",
        "tenantId": f"tenant_{i % 7}",
    }
    rec.update(over)
    return rec


def jsonl(records: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)
