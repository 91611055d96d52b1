"""Spans as the OpenTelemetry Python SDK's ConsoleSpanExporter prints them: `ReadableSpan.to_json()`,
an indented object per span, one after another (read by json_documents.py).

A console span has `name`, `context` (`trace_id`, `span_id` as "0x…" hex), `parent_id`,
`start_time`/`end_time` as ISO text (microseconds), `status.status_code` ("UNSET", "OK", "ERROR"),
plain `attributes` and `resource.attributes`; it has no instrumentation scope. Each becomes an
`otlp.Span` mapped by `otlp.OtlpMapper.record`, so the GenAI attribute names, dimensions and error
handling are exactly those of OTLP files.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from llmcost.ingest.formats import otlp

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _obj(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def is_console_span(obj: Any) -> bool:
    if not isinstance(obj, dict) or not isinstance(obj.get("context"), dict):
        return False
    ctx = obj["context"]
    return "span_id" in ctx and "trace_id" in ctx and "start_time" in obj and "attributes" in obj


def _hex(v: Any) -> str | None:
    if not isinstance(v, str):
        return None
    return otlp.otel_id(v.removeprefix("0x").removeprefix("0X"))


def _nanos(v: Any) -> int | None:
    if not isinstance(v, str) or not v:
        return None
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)  # the SDK prints UTC ("…Z")
    delta = dt - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


def expander(mapper: otlp.OtlpMapper) -> Any:
    def expand(obj: Any) -> list[dict[str, Any]] | None:
        if not is_console_span(obj):
            return None
        ctx = obj["context"]
        status = _obj(obj.get("status"))
        attrs = _obj(obj.get("attributes"))
        resource = _obj(obj.get("resource"))
        res_attrs = _obj(resource.get("attributes"))
        span = otlp.Span(
            _hex(ctx.get("trace_id")),
            _hex(ctx.get("span_id")),
            obj.get("name"),
            _nanos(obj.get("start_time")),
            _nanos(obj.get("end_time")),
            attrs,
            str(status.get("status_code", "")).upper() in ("ERROR", "STATUSCODE.ERROR"),
        )
        return [mapper.record(span, res_attrs, None)]

    return expand
