"""LiteLLM SpendLogs rows, as its database and `/spend/logs` API return them.

A row (`request_id`, `call_type`, `spend`, `prompt_tokens`, `completion_tokens`, `startTime`,
`endTime`, `model`, `model_group`, `custom_llm_provider`, `user`, `team_id`, `end_user`,
`cache_hit`, `status`, …) keeps `metadata` and `request_tags` as JSON-ENCODED STRINGS. Inside
`metadata`: `usage_object` (the provider usage in OpenAI form: `prompt_tokens_details.cached_tokens`,
`completion_tokens_details.reasoning_tokens`, and for Anthropic models `cache_creation_input_tokens`),
`additional_usage_values` (the same provider extras), `user_api_key_team_id`/`_team_alias`,
`user_api_key_alias`, `user_api_key_end_user_id`, `spend_logs_metadata` (what the caller asked to
log) and `requester_metadata` (the request's own `metadata`), and on a failure `error_information`
(`error_code` — an HTTP status — `error_class`, `error_message`).

The row passes through with its containers decoded, plus our column names where LiteLLM's need
reading: `prompt_tokens` counts the whole prompt, cached reads and cache writes included (LiteLLM
reports usage the OpenAI way for every provider). Dimensions: tenant and feature from
`spend_logs_metadata`, `requester_metadata` or `metadata` under the usual names (tenant_id,
tenantId, feature, …); the user is `end_user`, else the key's end user, else `user` (the key
owner). The team (`team_id`, `team_alias`) and the key (`key_alias`) are top-level keys of the
record, so a deployment whose teams are its tenants says so in one line:
`[ingest.aliases] tenant_id = ["team_alias"]` (a team is not assumed to be a tenant). A failure (`status` "failure") is a request with
the outcome its error code says (429: rate_limited) and 0 tokens where none were logged.
"""

from __future__ import annotations

from typing import Any

import orjson

_TENANT = ("tenant_id", "tenantId", "tenant", "org_id", "orgId", "customer_id", "customerId")
_FEATURE = ("feature", "featureName", "feature_name", "use_case", "useCase")
_USER = ("user_id", "userId")


def is_spend_log(obj: Any) -> bool:
    return isinstance(obj, dict) and "request_id" in obj and "call_type" in obj and "spend" in obj


def expand(obj: Any) -> list[dict[str, Any]] | None:
    return [normalise(obj)] if is_spend_log(obj) else None


def _decoded(v: Any) -> Any:
    """A JSON-encoded string container (object or list) as the value it holds."""
    if isinstance(v, str) and v.strip()[:1] in ("{", "["):
        try:
            return orjson.loads(v)
        except orjson.JSONDecodeError:
            return v
    return v


def _obj(v: Any) -> dict[str, Any]:
    v = _decoded(v)
    return v if isinstance(v, dict) else {}


def _first(places: list[dict[str, Any]], names: tuple[str, ...]) -> Any:
    for place in places:
        for n in names:
            v = place.get(n)
            if v not in (None, ""):
                return v
    return None


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


def normalise(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its containers decoded and our names added (in place: the caller's row is
    freshly parsed). Kept cheap: it runs once per row of every SpendLogs export."""
    out = row
    raw_meta = row.get("metadata")
    meta = _obj(raw_meta)
    if meta or (isinstance(raw_meta, str) and raw_meta.strip() == "{}"):
        out["metadata"] = meta
    tags = row.get("request_tags")
    if isinstance(tags, str):
        out["request_tags"] = _decoded(tags)

    asked = [a for a in (_obj(meta.get("spend_logs_metadata")), _obj(meta.get("requester_metadata"))) if a]
    if asked:
        asked.append(meta)
        _put(out, "tenant_id", _first(asked, _TENANT))
        _put(out, "feature", _first(asked, _FEATURE))
    user = (
        row.get("end_user")
        or meta.get("user_api_key_end_user_id")
        or (_first(asked, _USER) if asked else None)
    )
    _put(out, "user_id", user or row.get("user"))
    _put(out, "team_id", meta.get("user_api_key_team_id"))
    _put(out, "team_alias", meta.get("user_api_key_team_alias"))
    _put(out, "key_alias", meta.get("user_api_key_alias"))

    usage = _obj(meta.get("usage_object"))
    extra = meta.get("additional_usage_values")
    write = usage.get("cache_creation_input_tokens")
    if write is None and isinstance(extra, dict):
        write = extra.get("cache_creation_input_tokens")
    _put(out, "cache_write_tokens", write)

    error = _obj(meta.get("error_information"))
    if error or str(row.get("status") or "").lower() == "failure":
        if _int(row.get("prompt_tokens")) is None and _int(usage.get("prompt_tokens")) is None:
            out["input_tokens"] = 0
        if _int(row.get("completion_tokens")) is None and _int(usage.get("completion_tokens")) is None:
            out["output_tokens"] = 0
        code = str(error.get("error_code") or "").strip()
        out["outcome"] = code if code.isdigit() else "error"  # an HTTP status: staging reads 429, 504, …
        _put(out, "error_class", error.get("error_class"))
        _put(out, "error_message", str(error.get("error_message") or "")[:300] or None)
    return out


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != "":
        out[key] = value
