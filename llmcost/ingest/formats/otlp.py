"""OpenTelemetry OTLP/JSON: one `TracesData` or `LogsData` object per line, many records each.

Spans carrying GenAI semantic-convention attributes (current and older names, and OpenInference's)
become `llm.request` records in our own field names; every other span becomes an ignored
`otel.span` record, so `read = loaded + duplicate + ignored + rejected` still counts every span.
Log records become the application record their body holds (a JSON string or a key/value list),
with their attributes as fields and the resource's under `_envelope`.

Token semantics (FORMATS.md §3): `gen_ai.usage.input_tokens` counts ALL input, cache reads and
writes included, as the conventions ask. Some instrumentations pass Anthropic's uncached count
through instead; when the cache counts exceed the input count they cannot be part of it, and the
three are added. Output includes reasoning tokens (as OpenAI counts them).

Agent and workflow spans (`invoke_agent`, `execute_tool`, OpenInference CHAIN/AGENT/TOOL…) often
repeat their children's usage: they are never counted, only the model calls under them.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple

from llmcost.ingest.formats.transcode import embedded_object

# Attributes naming the record's dimensions; `[ingest.otel]` in llmcost.toml puts its own first.
DIMENSIONS: dict[str, list[str]] = {
    "tenant_id": ["tenant.id", "tenant_id", "app.tenant.id", "app.tenant_id", "llmcost.tenant_id"],
    "feature": ["app.feature", "feature", "llmcost.feature", "gen_ai.agent.name"],
    "user_id": ["enduser.id", "user.id", "gen_ai.user.id", "app.user.id"],
    "prompt_version": ["gen_ai.prompt.version", "llm.prompt_template.version", "app.prompt_version"],
}

MODEL = ["gen_ai.response.model", "gen_ai.request.model", "llm.model_name", "embedding.model_name"]
PROVIDER = ["gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system"]
INPUT = ["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt"]
OUTPUT = ["gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion"]
CACHE_READ = [
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_read_input_tokens",
    "gen_ai.usage.input_tokens.cached",
    "llm.token_count.prompt_details.cache_read",
]
CACHE_WRITE = [
    "gen_ai.usage.cache_creation.input_tokens",
    "gen_ai.usage.cache_creation_input_tokens",
    "gen_ai.usage.input_tokens.cache_write",
    "llm.token_count.prompt_details.cache_write",
]
REASONING = [
    "gen_ai.usage.reasoning.output_tokens",
    "gen_ai.usage.output_tokens.reasoning",
    "llm.token_count.completion_details.reasoning",
]
COST = ["gen_ai.usage.cost", "llm.cost.total"]
# operations that are model calls; anything else with usage is an aggregate of its children
MODEL_CALLS = {
    "chat",
    "text_completion",
    "generate_content",
    "embeddings",
    "embedding",
    "completion",
    "rerank",
}
OPENINFERENCE_CALLS = {"LLM": "chat", "EMBEDDING": "embedding", "RERANKER": "rerank"}
STATUS_ERROR = (2, "STATUS_CODE_ERROR")


_HEX = re.compile(r"[0-9a-fA-F]+")


# attributes read into record fields besides the ranked lists
_READ = frozenset(
    {"gen_ai.operation.name", "openinference.span.kind", "gen_ai.response.id", "error.type", "session.id"}
)


class Span(NamedTuple):
    trace_id: str | None  # lowercase hex
    span_id: str | None
    name: Any
    start: int | None  # nanoseconds since the epoch
    end: int | None
    attrs: dict[str, Any]
    error: bool  # status code ERROR


def is_traces(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("resourceSpans"), list)


def is_logs(obj: Any) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("resourceLogs"), list)


def any_value(v: Any) -> Any:
    """An OTLP AnyValue as a plain value (intValue arrives as a decimal string in JSON)."""
    if not isinstance(v, dict):
        return v
    if "stringValue" in v:
        return v["stringValue"]
    if "intValue" in v:
        iv = v["intValue"]
        try:
            return int(iv)
        except (TypeError, ValueError):
            return iv
    if "doubleValue" in v:
        return v["doubleValue"]
    if "boolValue" in v:
        return v["boolValue"]
    if "arrayValue" in v:
        items = _obj(v["arrayValue"]).get("values")
        return [any_value(x) for x in items] if isinstance(items, list) else None
    if "kvlistValue" in v:
        return attributes(_obj(v["kvlistValue"]).get("values"))
    if "bytesValue" in v:
        return v["bytesValue"]
    return None


def attributes(kvs: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not isinstance(kvs, list):
        return out
    for kv in kvs:
        if isinstance(kv, dict):
            key = kv.get("key")
            if isinstance(key, str):
                out[key] = any_value(kv.get("value"))
    return out


def otel_id(v: Any) -> str | None:
    """Trace/span ids as lowercase hex: OTLP/JSON sends hex, protobuf's JSON mapping base64."""
    if not isinstance(v, str) or not v:
        return None
    if len(v) in (16, 32) and _HEX.fullmatch(v):
        return v.lower()
    try:
        raw = base64.b64decode(v, validate=True)
    except (binascii.Error, ValueError):
        return v
    return raw.hex() if len(raw) in (8, 16) else v


def nanos_to_iso(v: Any) -> str | None:
    try:
        ns = int(v)
    except (TypeError, ValueError):
        return None
    if ns <= 0:
        return None
    seconds, rest = divmod(ns, 1_000_000_000)
    try:
        stamp = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return str(v)  # out of range: staging rejects it with the value shown
    return stamp.strftime("%Y-%m-%dT%H:%M:%S") + f".{rest:09d}Z"


def _first(attrs: dict[str, Any], names: list[str]) -> Any:
    name = _first_name(attrs, names)
    return None if name is None else attrs[name]


def _first_name(attrs: dict[str, Any], names: list[str]) -> str | None:
    for n in names:
        v = attrs.get(n)
        if v is not None and v != "":
            return n
    return None


def _count(v: Any) -> int | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


class OtlpMapper:
    """OTLP objects -> flat records; `dimensions` maps canonical columns to attribute names."""

    def __init__(self, dimensions: dict[str, list[str]] | None = None, *, provenance: bool = False) -> None:
        # provenance (for `ingest --explain`): each record names the attribute behind each column
        self.provenance = provenance
        self.dimensions = {
            col: list(dict.fromkeys([*(dimensions or {}).get(col, []), *names]))
            for col, names in DIMENSIONS.items()
        }
        self._last_resource: dict[str, Any] | None = None
        self._last_pick: dict[str, Any] = {}
        # attribute name -> (column, rank): one pass over a span's attributes finds every column
        self._names: dict[str, tuple[str, int]] = {}
        columns = {
            "provider": PROVIDER,
            "model": MODEL,
            "input": INPUT,
            "output": OUTPUT,
            "read": CACHE_READ,
            "write": CACHE_WRITE,
            "reasoning": REASONING,
            "cost": COST,
            **self.dimensions,
        }
        for col, names in columns.items():
            for rank, name in enumerate(names):
                self._names.setdefault(name, (col, rank))

    def _resource_pick(self, resource: dict[str, Any]) -> dict[str, Any]:
        """_pick of a resource, once per resource (every span of a batch shares it)."""
        if resource is not self._last_resource:
            self._last_resource, self._last_pick = resource, self._pick(resource)
        return self._last_pick

    def _pick(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Column -> the value of its best-ranked attribute present (not null, not empty)."""
        best: dict[str, tuple[int, Any]] = {}
        names = self._names
        for key, value in attrs.items():
            hit = names.get(key)
            if hit is None or value is None or value == "":
                continue
            col, rank = hit
            if col not in best or rank < best[col][0]:
                best[col] = (rank, value)
        return {col: v for col, (_, v) in best.items()}

    # -- traces -------------------------------------------------------------------------------
    def spans(self, obj: dict[str, Any]) -> Iterator[dict[str, Any]]:
        for rs in _list(obj.get("resourceSpans")):
            if not isinstance(rs, dict):
                continue
            resource = attributes(_obj(rs.get("resource")).get("attributes"))
            for ss in _list(rs.get("scopeSpans") or rs.get("instrumentationLibrarySpans")):
                if not isinstance(ss, dict):
                    continue
                scope = _obj(ss.get("scope") or ss.get("instrumentationLibrary")).get("name")
                for span in _list(ss.get("spans")):
                    if isinstance(span, dict):
                        yield self.span(span, resource, scope)

    def span(self, span: dict[str, Any], resource: dict[str, Any], scope: Any) -> dict[str, Any]:
        status = _obj(span.get("status"))
        return self.record(
            Span(
                otel_id(span.get("traceId")),
                otel_id(span.get("spanId")),
                span.get("name"),
                _nanos(span.get("startTimeUnixNano")),
                _nanos(span.get("endTimeUnixNano")),
                attributes(span.get("attributes")),
                status.get("code") in STATUS_ERROR,
            ),
            resource,
            scope,
        )

    def record(self, span: Span, resource: dict[str, Any], scope: Any) -> dict[str, Any]:
        """The flat record of one span (decoded from JSON or protobuf)."""
        attrs = span.attrs
        trace_id, span_id = span.trace_id, span.span_id
        rec: dict[str, Any] = {
            # nanoseconds since the epoch, as staging reads OTLP times
            "ts": str(span.start) if span.start else None,
            # a span id is unique within its trace only
            "request_id": f"{trace_id}/{span_id}" if trace_id and span_id else span_id,
            "trace_id": trace_id,
            "span_name": span.name,
        }
        op = self._operation(attrs)
        if op is None:
            rec["event"] = "otel.span"
            return rec
        found, around = self._pick(attrs), self._resource_pick(resource)
        rec["event"] = "llm.request"
        rec["operation"] = op
        rec["provider"] = found.get("provider", around.get("provider"))
        rec["model"] = found.get("model")
        for col in self.dimensions:
            rec[col] = found.get(col, around.get(col))
        if rec["trace_id"] is None or "session.id" in attrs:
            rec["session_id"] = attrs.get("session.id")
        inp = found.get("input")
        read, write = _count(found.get("read")), _count(found.get("write"))
        n_in = _count(inp)
        if n_in is not None and (read or 0) + (write or 0) > n_in:
            inp = n_in + (read or 0) + (write or 0)  # an uncached count passed through
        rec["input_tokens"] = inp
        rec["output_tokens"] = found.get("output")
        rec["cached_input_tokens"] = read
        rec["cache_write_tokens"] = write
        rec["reasoning_tokens"] = found.get("reasoning")
        rec["cost_usd"] = found.get("cost")
        if span.start is not None and span.end is not None and span.end >= span.start:
            rec["latency_ms"] = round((span.end - span.start) / 1_000_000, 3)
        if span.error:
            rec["outcome"] = attrs.get("error.type") or "error"
            if rec["outcome"] not in ("timeout", "rate_limited", "cancelled"):
                rec["error_type"], rec["outcome"] = rec["outcome"], "error"
        else:
            rec["outcome"] = "success"
        rec["response_id"] = attrs.get("gen_ai.response.id")
        rec["service"] = resource.get("service.name")
        # the span's other attributes stay (in attrs), those read into columns are not repeated
        rest = {k: v for k, v in attrs.items() if k not in self._names and k not in _READ}
        rec["otel"] = {"scope": scope, "span": rest, "resource": resource}
        if self.provenance:
            rec["_from"] = self._provenance(attrs, resource)
        return {k: v for k, v in rec.items() if v is not None}

    def _provenance(self, attrs: dict[str, Any], resource: dict[str, Any]) -> dict[str, str]:
        lists = {
            "provider": PROVIDER,
            "model": MODEL,
            "input_tokens": INPUT,
            "output_tokens": OUTPUT,
            "cached_input_tokens": CACHE_READ,
            "cache_write_tokens": CACHE_WRITE,
            "reasoning_tokens": REASONING,
            "logged_cost_usd": COST,
            **self.dimensions,
        }
        out = {
            "request_id": "span traceId/spanId",
            "trace_id": "span traceId",
            "ts": "span startTimeUnixNano",
            "latency_ms": "span end - start",
            "outcome": "span status.code" + (" + error.type" if "error.type" in attrs else ""),
            "operation": "span gen_ai.operation.name"
            if "gen_ai.operation.name" in attrs
            else "span openinference.span.kind",
        }
        for col, names in lists.items():
            if (name := _first_name(attrs, names)) is not None:
                out[col] = f"span {name}"
            elif (name := _first_name(resource, names)) is not None:
                out[col] = f"resource {name}"
        return out

    @staticmethod
    def _operation(attrs: dict[str, Any]) -> str | None:
        """The canonical operation of a model-call span, None for every other span."""
        op = attrs.get("gen_ai.operation.name")
        if isinstance(op, str):
            return op if op.lower() in MODEL_CALLS else None
        kind = attrs.get("openinference.span.kind")
        if isinstance(kind, str):
            return OPENINFERENCE_CALLS.get(kind.upper())
        if _first(attrs, MODEL) is not None and (_first(attrs, INPUT) or _first(attrs, OUTPUT)) is not None:
            return "chat"  # a model and its usage, with no operation named
        return None

    # -- logs ---------------------------------------------------------------------------------
    def log_records(self, obj: dict[str, Any]) -> Iterator[dict[str, Any]]:
        for rl in _list(obj.get("resourceLogs")):
            if not isinstance(rl, dict):
                continue
            resource = attributes(_obj(rl.get("resource")).get("attributes"))
            for sl in _list(rl.get("scopeLogs")):
                if not isinstance(sl, dict):
                    continue
                scope = _obj(sl.get("scope")).get("name")
                for record in _list(sl.get("logRecords")):
                    if isinstance(record, dict):
                        yield self.log_record(record, resource, scope)

    def log_record(self, record: dict[str, Any], resource: dict[str, Any], scope: Any) -> dict[str, Any]:
        attrs = attributes(record.get("attributes"))
        body = any_value(record.get("body"))
        out: dict[str, Any] = dict(attrs)
        inner = embedded_object(body)
        if inner is not None:
            out.update(inner)
        elif isinstance(body, str):
            out.setdefault("message", body)
        elif isinstance(body, dict):
            out.update(body)
        elif body is not None:
            out.setdefault("message", body)
        envelope = {
            "ts": nanos_to_iso(record.get("timeUnixNano") or record.get("observedTimeUnixNano")),
            "trace_id": otel_id(record.get("traceId")),
            "span_id": otel_id(record.get("spanId")),
            "severity": record.get("severityText"),
            "scope": scope,
            "resource": resource,
        }
        for col, names in self.dimensions.items():
            if out.get(col) is None and (v := _first(resource, names)) is not None:
                envelope[col] = v
        out["_envelope"] = {k: v for k, v in envelope.items() if v is not None}
        return out


def _nanos(v: Any) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _obj(v: Any) -> dict[str, Any]:
    """v when it is an object, else an empty one (a batch's shape is not trusted)."""
    return v if isinstance(v, dict) else {}


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []
