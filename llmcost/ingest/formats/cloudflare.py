"""Cloudflare AI Gateway logs: pages of `GET /accounts/{account}/ai-gateway/gateways/{gateway}/logs`
(`{"result": [log, …], "result_info": {…}, "success": true, "errors": [], "messages": []}`), saved
one page per line or pretty-printed, or single log objects one per line.

A log: `id`, `created_at`, `provider`, `model`, `tokens_in`, `tokens_out`, `cost` (USD),
`cached` (served from the gateway's cache: the provider was not called, so it costs nothing),
`status_code`, `success`, `duration` (ms), `path`, `request_type`, `step`, and `metadata`: the
`cf-aig-metadata` header the caller sent, a flat object — given as a JSON-encoded STRING by the
API — read for tenant/feature/user under our usual names (tenantId, tenant, feature, userId,
user, …, as for application logs).

`tokens_in` is the whole prompt as the provider counted it; Cloudflare does not split out cached
prompt tokens. A failed call (`success` false, or a 4xx/5xx status) without counts is an error
request with 0 tokens.
"""

from __future__ import annotations

from typing import Any

import orjson


def is_log(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and "id" in obj
        and "created_at" in obj
        and ("tokens_in" in obj or "tokens_out" in obj)
        and ("provider" in obj or "model" in obj)
    )


def is_page(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("result"), list)
        and ("success" in obj or "result_info" in obj)
        and all(is_log(r) for r in obj["result"])
    )


def recognise(obj: Any) -> bool:
    return is_page(obj) or is_log(obj)


def expand(obj: Any) -> list[dict[str, Any]] | None:
    if is_page(obj):
        return [log(r) for r in obj["result"]]
    if is_log(obj):
        return [log(obj)]
    return None


def _metadata(v: Any) -> dict[str, Any] | None:
    if isinstance(v, dict):
        return v
    if isinstance(v, str) and v.strip().startswith("{"):
        try:
            parsed = orjson.loads(v)
        except orjson.JSONDecodeError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


def log(r: dict[str, Any]) -> dict[str, Any]:
    status = r.get("status_code")
    failed = r.get("success") is False or (isinstance(status, int) and status >= 400)
    if isinstance(status, int) and status >= 400:
        outcome: Any = status  # 429 -> rate_limited, 504 -> timeout, … (staging's reading)
    else:
        outcome = "error" if failed else "success"
    tokens_in, tokens_out = r.get("tokens_in"), r.get("tokens_out")
    rec: dict[str, Any] = {
        "event": "llm.request",
        "source_format": "cloudflare-ai-gateway",
        "request_id": r.get("id"),
        "ts": r.get("created_at"),
        "provider": r.get("provider"),
        "model": r.get("model"),
        "input_tokens": tokens_in if tokens_in is not None else (0 if failed else None),
        "output_tokens": tokens_out if tokens_out is not None else (0 if failed else None),
        "cost_usd": r.get("cost"),
        "cache_hit": r.get("cached"),
        "latency_ms": r.get("duration"),
        "outcome": outcome,
        "status_code": status,
        "request_type": r.get("request_type"),  # Cloudflare's own wording: kept, not read as the operation
        "path": r.get("path"),
        "step": r.get("step"),
        "custom_cost": r.get("custom_cost"),
    }
    meta = _metadata(r.get("metadata"))
    if meta is not None:
        rec["metadata"] = meta  # a default container: tenant/feature/user under their usual names
    elif r.get("metadata") is not None:
        rec["metadata_text"] = r.get("metadata")
    return {k: v for k, v in rec.items() if v is not None}
