"""Datadog Logs API: a search page `{"data": [log, ...]}` or one log object per line.

A log is `{"id", "type": "log", "attributes": {"timestamp", "service", "host", "status", "tags",
"message", "attributes": {...}}}`: the application's fields are the INNER `attributes`
(`attributes.attributes`); a JSON message is merged under them. The outer fields (time, service,
host, status, tags, id) ride along under `_envelope`.
"""

from __future__ import annotations

from typing import Any

from llmcost.ingest.formats.transcode import embedded_object

MARKERS = (b'"attributes"',)


def is_log(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and obj.get("type") == "log"
        and isinstance(obj.get("attributes"), dict)
        and ("id" in obj)
    )


def expand(obj: Any) -> list[dict[str, Any]] | None:
    if is_log(obj):
        return [_log(obj)]
    data = obj.get("data") if isinstance(obj, dict) else None
    if isinstance(data, list) and data and all(is_log(d) for d in data):
        return [_log(d) for d in data]
    if isinstance(data, list) and not data and ("meta" in obj or "links" in obj):
        return []  # an empty page
    return None


def _log(log: dict[str, Any]) -> dict[str, Any]:
    outer = log["attributes"]
    inner = outer.get("attributes")
    record: dict[str, Any] = dict(inner) if isinstance(inner, dict) else {}
    message = outer.get("message")
    parsed = embedded_object(message)
    if parsed is not None:
        record = {**parsed, **record}
    elif message is not None and "message" not in record:
        record["message"] = message
    envelope = {k: outer.get(k) for k in ("timestamp", "service", "host", "status", "tags")}
    envelope["id"] = log.get("id")
    record["_envelope"] = {k: v for k, v in envelope.items() if v is not None}
    return record
