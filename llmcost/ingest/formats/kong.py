"""Kong AI Gateway request logs (the file-log, http-log, … plugins: one JSON object per request).

A request proxied by an AI plugin carries `ai.<namespace>` — `ai.proxy` since Kong 3.8 (AI Proxy
and AI Proxy Advanced), `ai.ai-proxy` and the like before — with `usage` (`prompt_tokens`,
`completion_tokens`, `total_tokens`, `cost`, `time_per_token`; Kong 3.6/3.7 wrote `prompt_token`
and `completion_token`) and `meta` (`request_model`, `response_model`, `provider_name`,
`llm_latency` in ms, `plugin_id`). Around it is Kong's usual log: `started_at` (epoch ms),
`request.id`, `response.status`, `consumer`, `route`, `service`, `latencies`.

Kong reports prompt and completion counts the OpenAI way (prompt includes any cached part, which
it does not break out). Dimensions: the consumer is the caller (tenant: its `custom_id`, else
`username`, else `id`), the route names the feature; both stay whole in attrs, so
`[ingest.aliases]` can pick other fields (`route.tags`, `service.name`). A log line without an
`ai` block is an ordinary HTTP request, not an LLM call: ignored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def _obj(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _plugin_blocks(obj: Any) -> list[tuple[str, dict[str, Any]]]:
    ai = obj.get("ai") if isinstance(obj, dict) else None
    if not isinstance(ai, dict):
        return []
    return [
        (name, block)
        for name, block in ai.items()
        if isinstance(block, dict)
        and (isinstance(block.get("usage"), dict) or isinstance(block.get("meta"), dict))
    ]


def is_kong_log(obj: Any) -> bool:
    return isinstance(obj, dict) and "started_at" in obj and bool(_plugin_blocks(obj))


def expand(obj: Any) -> list[dict[str, Any]] | None:
    if not is_kong_log(obj):
        return None
    # one record per AI plugin that called a model (AI Proxy; a semantic-cache or guard plugin
    # that called its own model logs its own block)
    return [_record(obj, name, block, i) for i, (name, block) in enumerate(_plugin_blocks(obj))]


def _first(d: dict[str, Any], *names: str) -> Any:
    for n in names:
        if d.get(n) is not None:
            return d[n]
    return None


def _record(obj: dict[str, Any], plugin: str, block: dict[str, Any], i: int) -> dict[str, Any]:
    usage = _obj(block.get("usage"))
    meta = _obj(block.get("meta"))
    request = _obj(obj.get("request"))
    response = _obj(obj.get("response"))
    consumer = _obj(obj.get("consumer"))
    route = _obj(obj.get("route"))
    service = _obj(obj.get("service"))
    started = obj.get("started_at")
    ts = (
        datetime.fromtimestamp(started / 1000, UTC).isoformat().replace("+00:00", "Z")
        if isinstance(started, int | float) and not isinstance(started, bool)
        else started
    )
    status = response.get("status")
    inp = _first(usage, "prompt_tokens", "prompt_token")
    out = _first(usage, "completion_tokens", "completion_token")
    failed = isinstance(status, int) and status >= 400
    request_id = request.get("id") or _first(obj, "request_id")
    rec: dict[str, Any] = {
        "event": "llm.request",
        "source_format": "kong-ai-gateway",
        "request_id": f"{request_id}/{plugin}" if request_id and i else request_id,
        "ts": ts,
        "provider": meta.get("provider_name"),
        "model": _first(meta, "response_model", "request_model"),
        "request_model": meta.get("request_model"),
        "input_tokens": inp if inp is not None else (0 if failed else None),
        "output_tokens": out if out is not None else (0 if failed else None),
        "total_tokens": usage.get("total_tokens"),
        "cost_usd": usage.get("cost") or None,  # Kong logs 0 when no cost is configured
        "latency_ms": meta.get("llm_latency"),
        "time_per_token_ms": usage.get("time_per_token"),
        "response_status": status,
        "tenant_id": _first(consumer, "custom_id", "username", "id"),
        "feature": _first(route, "name", "id"),
        "kong_plugin": plugin,
        "kong_plugin_id": meta.get("plugin_id"),
        "consumer": consumer or None,
        "route": route or None,
        "kong_service": service.get("name"),
        "upstream_uri": obj.get("upstream_uri"),
        "workspace": _first(obj, "workspace_name", "workspace"),
    }
    return {k: v for k, v in rec.items() if v is not None}
