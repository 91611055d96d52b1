"""OpenRouter generation stats: `GET /api/v1/generation?id=…` answers `{"data": {…}}`, saved one
per line (or pretty-printed, or the bare `data` object); the OpenRouter SDKs' camelCase spelling of
the same fields is read too.

Which counts are billed: OpenRouter gives two sets. `tokens_prompt`/`tokens_completion` are its own
normalised counts (one tokenizer for every model, for comparison); `native_tokens_*` are the
upstream model's own tokenizer counts, which the provider bills and `total_cost` is computed
from. We load the NATIVE counts: input = `native_tokens_prompt` (OpenRouter reports it the OpenAI
way, cached reads included), cached = `native_tokens_cached`, output = `native_tokens_completion`
(reasoning included), reasoning = `native_tokens_reasoning`. The normalised counts stay in attrs
(`openrouter_tokens_prompt`, `openrouter_tokens_completion`). A row without native counts falls
back to the normalised ones and says so (`tokens_basis`).

`total_cost` (USD, after `cache_discount`) is the logged cost; the provider is "openrouter" (the
bill comes from OpenRouter) with the upstream it routed to in `upstream_provider`; `latency` (ms,
whole request) is the latency; `external_user` (or `user`) is the user. A cancelled generation has
outcome cancelled; a finish reason of "error" is an error.
"""

from __future__ import annotations

from typing import Any

_NATIVE = ("native_tokens_prompt", "nativeTokensPrompt")
_NORMALISED = ("tokens_prompt", "tokensPrompt")


def _get(d: dict[str, Any], snake: str) -> Any:
    """A field by its wire (snake_case) name, or the SDKs' camelCase one."""
    if snake in d:
        return d[snake]
    head, *rest = snake.split("_")
    return d.get(head + "".join(p.title() for p in rest))


def is_generation(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and ("id" in obj)
        and ("model" in obj)
        and any(k in obj for k in (*_NATIVE, *_NORMALISED))
    )


def recognise(obj: Any) -> bool:
    if is_generation(obj):
        return True
    data = obj.get("data") if isinstance(obj, dict) else None
    return is_generation(data) or (
        isinstance(data, list) and bool(data) and all(is_generation(d) for d in data)
    )


def expand(obj: Any) -> list[dict[str, Any]] | None:
    if is_generation(obj):
        return [generation(obj)]
    data = obj.get("data") if isinstance(obj, dict) else None
    if isinstance(data, dict) and is_generation(data):
        return [generation(data)]
    if isinstance(data, list) and data and all(is_generation(d) for d in data):
        return [generation(d) for d in data]
    return None


def generation(g: dict[str, Any]) -> dict[str, Any]:
    native = any(_get(g, k) is not None for k in ("native_tokens_prompt", "native_tokens_completion"))
    if native:
        inp, out = _get(g, "native_tokens_prompt"), _get(g, "native_tokens_completion")
    else:
        inp, out = _get(g, "tokens_prompt"), _get(g, "tokens_completion")
    finish = _get(g, "finish_reason")
    if _get(g, "cancelled") is True:
        outcome = "cancelled"
    elif finish == "error" or _get(g, "native_finish_reason") == "error":
        outcome = "error"
    else:
        outcome = "success"
    rec: dict[str, Any] = {
        "event": "llm.request",
        "source_format": "openrouter-generation",
        "request_id": g.get("id"),
        "ts": _get(g, "created_at"),
        "provider": "openrouter",
        "upstream_provider": _get(g, "provider_name"),
        "model": g.get("model"),
        "input_tokens": inp if inp is not None else (0 if outcome != "success" else None),
        "cached_input_tokens": _get(g, "native_tokens_cached") if native else None,
        "output_tokens": out if out is not None else (0 if outcome != "success" else None),
        "reasoning_tokens": _get(g, "native_tokens_reasoning") if native else None,
        "tokens_basis": "native" if native else "openrouter-normalised (no native counts)",
        "openrouter_tokens_prompt": _get(g, "tokens_prompt"),
        "openrouter_tokens_completion": _get(g, "tokens_completion"),
        "cost_usd": _get(g, "total_cost"),
        "cache_discount": _get(g, "cache_discount"),
        "upstream_inference_cost": _get(g, "upstream_inference_cost"),
        "latency_ms": g.get("latency"),
        "generation_time_ms": _get(g, "generation_time"),
        "user_id": _get(g, "external_user") or g.get("user"),
        "outcome": outcome,
        "finish_reason": finish,
        "upstream_id": _get(g, "upstream_id"),
        "service_tier": _get(g, "service_tier"),
        "is_byok": _get(g, "is_byok"),
        "streamed": g.get("streamed"),
        "origin": g.get("origin"),
        "app_id": _get(g, "app_id"),
    }
    return {k: v for k, v in rec.items() if v is not None}
