"""Gateway exports whose values need more than a field alias.

Helicone's ClickHouse store (`request_response_rmt`, e.g. `SELECT … FORMAT JSONEachRow` or
`CSVWithNames`) keeps `cost` as an integer of USD × 10⁹ and names its columns differently from
Helicone's export (`properties`, `latency`, `status`); its rows are recognised by
`organization_id` + `response_id` next to `cost`, and the cost is put in USD (as exact decimal
text). Helicone's own export already gives USD and passes unchanged.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

HELICONE_CH_KEYS = frozenset({"organization_id", "response_id", "cost"})
NANO_USD = Decimal(1_000_000_000)


def is_helicone_clickhouse(record: dict[str, Any]) -> bool:
    return record.keys() >= HELICONE_CH_KEYS and "request_created_at" in record


def helicone_clickhouse(record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    cost = out.pop("cost", None)
    if cost is not None:
        try:
            nano = Decimal(str(cost).strip())
        except InvalidOperation:
            nano = None
        if nano is not None and nano == nano.to_integral_value():
            out["cost_usd"] = format(nano / NANO_USD, "f")
        else:
            out["cost_usd"] = cost  # not the integer form: staging judges it as logged
            out["cost_note"] = "cost not an integer of USD x 1e9"
    if "properties" in out and "request_properties" not in out:
        out["request_properties"] = _map(out.pop("properties"))
    # Helicone's own account, not a tenant of the application's
    if "organization_id" in out:
        out["helicone_organization_id"] = out.pop("organization_id")
    if "latency" in out and "latency_ms" not in out:
        out["latency_ms"] = out.pop("latency")
    if "status" in out and "response_status" not in out:
        out["response_status"] = out.pop("status")
    return out


def expand_helicone_clickhouse(obj: Any) -> list[dict[str, Any]] | None:
    if isinstance(obj, dict) and is_helicone_clickhouse(obj):
        return [helicone_clickhouse(obj)]
    return None


def _map(v: Any) -> Any:
    """A ClickHouse Map as CSV prints it (`{'k':'v'}`) or as JSON, as a dict; else unchanged."""
    if not isinstance(v, str) or not v.strip().startswith("{"):
        return v
    import ast

    import orjson

    try:
        return orjson.loads(v)
    except orjson.JSONDecodeError:
        pass
    try:
        parsed = ast.literal_eval(v.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return v
    return parsed if isinstance(parsed, dict) else v


# -- API pages: Helicone's request query and Langfuse's observations ----------------------------
# Helicone's `POST /v1/request/query` answers `{"data": [HeliconeRequest, …], "error": null}`. A
# HeliconeRequest names no `model`: the model is `model_override`, else `response_model`, else
# `request_model`; its cost is `costUSD` (USD); `provider` is upper case ("OPENAI"); custom
# properties are `request_properties` (newer: `properties`), the user `request_user_id`.
def is_helicone_request(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and "request_id" in obj
        and "request_created_at" in obj
        and "response_status" in obj
        and any(k in obj for k in ("request_model", "response_model", "model_override"))
    )


def helicone_request(record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    if out.get("model") in (None, ""):
        out["model"] = out.get("model_override") or out.get("response_model") or out.get("request_model")
    if "costUSD" in out and "cost_usd" not in out:
        out["cost_usd"] = out.pop("costUSD")
    if isinstance(out.get("properties"), dict) and not out.get("request_properties"):
        out["request_properties"] = out.pop("properties")
    return out


def _page(obj: Any) -> list[Any] | None:
    data = obj.get("data") if isinstance(obj, dict) else None
    return data if isinstance(data, list) and data and all(isinstance(d, dict) for d in data) else None


def recognise_helicone(obj: Any) -> bool:
    page = _page(obj)
    return is_helicone_request(obj) or (page is not None and all(is_helicone_request(d) for d in page))


def expand_helicone(obj: Any) -> list[dict[str, Any]] | None:
    if is_helicone_request(obj):
        return [helicone_request(obj)]
    page = _page(obj)
    if page is not None and all(is_helicone_request(d) for d in page):
        return [helicone_request(d) for d in page]
    return None


# Langfuse's `GET /api/public/observations` answers `{"data": [observation, …], "meta": {"page", …}}`;
# an observation maps by its own names (fields.py: usageDetails, costDetails, level, metadata, …).
# (Its legacy `usage` object is not read: it repeats usageDetails, with zeros where none was given.)
def is_langfuse_observation(obj: Any) -> bool:
    return isinstance(obj, dict) and "traceId" in obj and "type" in obj and "startTime" in obj


def recognise_langfuse_page(obj: Any) -> bool:
    page = _page(obj)
    return (
        page is not None
        and isinstance(obj.get("meta"), dict)
        and all(is_langfuse_observation(d) for d in page)
    )


def expand_langfuse_page(obj: Any) -> list[dict[str, Any]] | None:
    if recognise_langfuse_page(obj):
        return [_langfuse_observation(o) for o in obj["data"]]
    return None


def _langfuse_observation(o: dict[str, Any]) -> dict[str, Any]:
    """A generation that failed before any usage (level ERROR, `usageDetails` empty) billed
    nothing: it is a request with 0 tokens, so error rates count it."""
    details = o.get("usageDetails")
    failed_call = (
        o.get("level") == "ERROR" and o.get("type") in ("GENERATION", "EMBEDDING") and o.get("model")
    )
    if failed_call and not (isinstance(details, dict) and details):
        return {**o, "input_tokens": 0, "output_tokens": 0}
    return o
