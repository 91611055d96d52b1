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
repeat their children's usage: they are never counted, only the model calls under them. The Vercel
AI SDK names its spans in `ai.operationId`: the `ai.generateText`/`ai.streamText`/`ai.embed` span
repeats its steps' usage, so only the steps (`….doGenerate`, `….doStream`, `….doEmbed`) count.

Dimensions: attribute names (matched in any case), then the families where producers keep the
app's own keys (`traceloop.association.properties.*`, `ai.telemetry.metadata.*`, a `metadata`
JSON object) read by key (`Tenant`, `tenant_id`, `customer_id`, `feature`, `userId`…), then the
same on the span's ancestors in the same batch (a model call under an agent run that carries the
run's metadata), then the resource's.

A failed call (status ERROR) without usage is still a request: its outcome comes from `error.type`,
the recorded exception, the HTTP status or the status message (rate_limited, timeout, error).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from llmcost.ingest.formats.transcode import embedded_object

# Attributes naming the record's dimensions (any case); `[ingest.otel_attributes]` in llmcost.toml
# puts its own first.
DIMENSIONS: dict[str, list[str]] = {
    "tenant_id": ["tenant.id", "tenant_id", "app.tenant.id", "app.tenant_id", "llmcost.tenant_id"],
    "feature": ["app.feature", "feature", "llmcost.feature"],
    "user_id": ["enduser.id", "user.id", "gen_ai.user.id", "app.user.id", "langfuse.user.id"],
    "prompt_version": ["gen_ai.prompt.version", "llm.prompt_template.version", "app.prompt_version"],
    "session_id": ["session.id", "langfuse.session.id", "gen_ai.conversation.id"],
}
# Read only when neither the span, its ancestors nor the resource name the column: an agent's name
# stands in for the feature, but an app's own `feature` on the agent run says it better.
FALLBACK_DIMENSIONS: dict[str, list[str]] = {"feature": ["gen_ai.agent.name"]}
# The request's parameters as a JSON object (OpenInference): the model of a call that failed
# before any response named it.
INVOCATION_PARAMETERS = ("llm.invocation_parameters", "embedding.invocation_parameters")
# Families of attributes holding the app's own keys: a name prefix, or one attribute holding a JSON
# object (OpenInference `metadata`, a Pydantic AI run's `metadata`).
FAMILY_PREFIXES = (
    "traceloop.association.properties.",  # OpenLLMetry / Traceloop SDK
    "ai.telemetry.metadata.",  # Vercel AI SDK
    "langfuse.trace.metadata.",  # Langfuse SDKs' propagated metadata
    "langfuse.observation.metadata.",
)
FAMILY_OBJECTS = ("metadata",)
# a family key, lowered without `_`, `-`, `.` -> its column (earlier = preferred)
FAMILY_KEYS: dict[str, list[str]] = {
    "tenant_id": [
        "tenantid",
        "tenant",
        "customerid",
        "customer",
        "orgid",
        "org",
        "organizationid",
        "organization",
        "accountid",
        "workspaceid",
    ],
    "feature": ["feature", "featurename", "usecase"],
    "user_id": ["userid", "user", "enduserid", "enduser"],
    "prompt_version": ["promptversion", "prompttemplateversion"],
    "session_id": ["sessionid", "session", "conversationid", "threadid"],
}
_FAMILY = {key: (col, rank) for col, keys in FAMILY_KEYS.items() for rank, key in enumerate(keys)}
_FAMILY_RANK = 10_000  # after every named attribute
# roles of an attribute name besides (column, rank): a JSON object of family keys, or nothing
_OBJECT: tuple[str, int] = ("", -1)
_NONE: tuple[str, int] = ("", -2)
_KEY_NOISE = str.maketrans("", "", "_-. ")

MODEL = [
    "gen_ai.response.model",
    "ai.response.model",  # Vercel AI SDK
    "gen_ai.request.model",
    "ai.model.id",
    "llm.model_name",
    "embedding.model_name",
]
PROVIDER = ["gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system", "ai.model.provider"]
INPUT = [
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.prompt_tokens",
    "llm.token_count.prompt",
    "ai.usage.inputTokens",
    "ai.usage.promptTokens",
    "ai.usage.tokens",  # Vercel embeddings
]
OUTPUT = [
    "gen_ai.usage.output_tokens",
    "gen_ai.usage.completion_tokens",
    "llm.token_count.completion",
    "ai.usage.outputTokens",
    "ai.usage.completionTokens",
]
CACHE_READ = [
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_read_input_tokens",
    "gen_ai.usage.input_tokens.cached",
    "llm.token_count.prompt_details.cache_read",
    "ai.usage.cachedInputTokens",
    "ai.usage.inputTokenDetails.cacheReadTokens",  # Vercel AI SDK 6
]
CACHE_WRITE = [
    "gen_ai.usage.cache_creation.input_tokens",
    "gen_ai.usage.cache_write.input_tokens",  # the anthropic SDK's own spans
    "gen_ai.usage.cache_creation_input_tokens",
    "gen_ai.usage.input_tokens.cache_write",
    "llm.token_count.prompt_details.cache_write",
    "ai.usage.inputTokenDetails.cacheWriteTokens",  # Vercel AI SDK 6
]
CACHE_WRITE_1H = ["anthropic.usage.cache_creation.ephemeral_1h_input_tokens"]
REASONING = [
    "gen_ai.usage.reasoning.output_tokens",
    "gen_ai.usage.output_tokens.reasoning",
    "gen_ai.usage.reasoning_tokens",  # OpenLLMetry
    "gen_ai.usage.details.reasoning_tokens",  # Pydantic AI
    "llm.token_count.completion_details.reasoning",
    "ai.usage.reasoningTokens",
    "ai.usage.outputTokenDetails.reasoningTokens",
]
COST = ["gen_ai.usage.cost", "llm.cost.total", "operation.cost"]
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
# Vercel AI SDK: the step spans are the model calls (their parents repeat their usage)
VERCEL_CALLS = {".doGenerate": "chat", ".doStream": "chat", ".doEmbed": "embedding"}
STATUS_ERROR = (2, "STATUS_CODE_ERROR")
HTTP_STATUS = ("http.response.status_code", "http.status_code")

_HEX = re.compile(r"[0-9a-fA-F]+")


# attributes read into record fields besides the ranked lists
_READ = frozenset(
    {
        "gen_ai.operation.name",
        "openinference.span.kind",
        "llm.request.type",
        "gen_ai.response.id",
        "error.type",
        "ai.operationId",
    }
)


class Span(NamedTuple):
    trace_id: str | None  # lowercase hex
    span_id: str | None
    name: Any
    start: int | None  # nanoseconds since the epoch
    end: int | None
    attrs: dict[str, Any]
    error: bool  # status code ERROR
    parent_id: str | None = None
    status_message: str | None = None
    exception: str | None = None  # `exception.type` of the span's last exception event
    exception_message: str | None = None


class Pick(NamedTuple):
    """The attribute chosen for a column: its name as shown by --explain, and its value."""

    source: str
    value: Any


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
        self._last_pick: dict[str, Pick] = {}
        # lowered attribute name -> (column, rank): one pass over a span's attributes finds every column
        self._names: dict[str, tuple[str, int]] = {}
        self._roles: dict[str, tuple[str, int]] = {}  # attribute name as written -> _role
        for col, names in self._columns().items():
            for rank, name in enumerate(names):
                self._names.setdefault(name.lower(), (col, rank))

    def _columns(self) -> dict[str, list[str]]:
        """Record column -> its ranked attribute names."""
        return {
            "provider": PROVIDER,
            "model": MODEL,
            "input_tokens": INPUT,
            "output_tokens": OUTPUT,
            "cached_input_tokens": CACHE_READ,
            "cache_write_tokens": CACHE_WRITE,
            "cache_write_1h_tokens": CACHE_WRITE_1H,
            "reasoning_tokens": REASONING,
            "logged_cost_usd": COST,
            **self.dimensions,
        }

    def _resource_pick(self, resource: dict[str, Any]) -> dict[str, Pick]:
        """_pick of a resource, once per resource (every span of a batch shares it)."""
        if resource is not self._last_resource:
            self._last_resource, self._last_pick = resource, self._pick(resource)
        return self._last_pick

    def _role(self, key: str) -> tuple[str, int]:
        """What an attribute name is for: (column, rank), _OBJECT or _NONE; remembered, as a
        file repeats a few names on every span (up to a bound: hostile files may not)."""
        lower = key.lower()
        role = self._names.get(lower)
        if role is None and lower.startswith(FAMILY_PREFIXES):
            prefix = next(p for p in FAMILY_PREFIXES if lower.startswith(p))
            fam = _FAMILY.get(lower[len(prefix) :].translate(_KEY_NOISE))
            role = (fam[0], _FAMILY_RANK + fam[1]) if fam is not None else None
        if role is None:
            role = _OBJECT if lower in FAMILY_OBJECTS else _NONE
        if len(self._roles) < 4096:
            self._roles[key] = role
        return role

    def _pick(self, attrs: dict[str, Any]) -> dict[str, Pick]:
        """Column -> its best-ranked attribute present (not null, not empty), names in any case."""
        # the hot loop of OTLP reading (every attribute of every span): no closure, no Pick until
        # the end
        best: dict[str, tuple[int, str, Any]] = {}
        roles = self._roles
        for key, value in attrs.items():
            if value is None or value == "":
                continue
            role = roles.get(key)
            if role is None:
                role = self._role(key)
            if role is _NONE:
                continue
            if role is _OBJECT:
                for k, inner in _json_object(value).items():
                    fam = _FAMILY.get(k.lower().translate(_KEY_NOISE))
                    if fam is not None and (v := _dimension(inner)) is not None:
                        rank = _FAMILY_RANK + fam[1]
                        held = best.get(fam[0])
                        if held is None or rank < held[0]:
                            best[fam[0]] = (rank, f"{key}.{k}", v)
                continue
            col, rank = role
            if rank >= _FAMILY_RANK and (value := _dimension(value)) is None:
                continue
            held = best.get(col)
            if held is None or rank < held[0]:
                best[col] = (rank, key, value)
        return {col: Pick(source, v) for col, (_, source, v) in best.items()}

    # -- traces -------------------------------------------------------------------------------
    def spans(self, obj: dict[str, Any]) -> Iterator[dict[str, Any]]:
        return self.batch(self._decoded(obj))

    def _decoded(self, obj: dict[str, Any]) -> Iterator[tuple[Span, dict[str, Any], Any]]:
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
                        yield decode_span(span), resource, scope

    def span(self, span: dict[str, Any], resource: dict[str, Any], scope: Any) -> dict[str, Any]:
        return self.record(decode_span(span), resource, scope)

    def batch(self, items: Iterable[tuple[Span, dict[str, Any], Any]]) -> Iterator[dict[str, Any]]:
        """The records of one export's spans: a model call's missing dimensions come from its
        ancestors among them (an exporter sends a trace's spans together)."""
        items = list(items)
        if len(items) < 2:
            for span, resource, scope in items:
                yield self.record(span, resource, scope)
            return
        by_id = {s.span_id: s for s, _, _ in items if s.span_id}
        picks: dict[str, dict[str, Pick]] = {}

        def ancestors(span: Span) -> Iterator[tuple[Span, dict[str, Pick]]]:
            seen: set[str] = set()
            parent_id = span.parent_id
            while parent_id and parent_id not in seen and len(seen) < 64:
                seen.add(parent_id)
                parent = by_id.get(parent_id)
                if parent is None or parent.trace_id != span.trace_id:
                    return
                if parent_id not in picks:
                    picks[parent_id] = self._pick(parent.attrs)
                yield parent, picks[parent_id]
                parent_id = parent.parent_id

        for span, resource, scope in items:
            yield self.record(span, resource, scope, ancestors)

    def record(
        self,
        span: Span,
        resource: dict[str, Any],
        scope: Any,
        ancestors: Callable[[Span], Iterator[tuple[Span, dict[str, Pick]]]] | None = None,
    ) -> dict[str, Any]:
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
            if self.provenance:
                rec["_why"] = _not_a_call(attrs)
            return rec
        found = self._pick(attrs)
        where = dict.fromkeys(found, "span")
        if ancestors is not None and span.parent_id and any(c not in found for c in self.dimensions):
            for parent, picked in ancestors(span):
                for col in self.dimensions:
                    if col not in found and col in picked:
                        found[col], where[col] = picked[col], f"ancestor span {parent.name!r}"
        for col, pick in self._resource_pick(resource).items():
            if col in self.dimensions or col == "provider":
                found.setdefault(col, pick)
                where.setdefault(col, "resource")
        for col, names in FALLBACK_DIMENSIONS.items():
            if col not in found and (name := _first_name(attrs, names)) is not None:
                found[col], where[col] = Pick(name, attrs[name]), "span"
        if "model" not in found:
            for name in INVOCATION_PARAMETERS:
                if isinstance(model := _json_object(attrs.get(name)).get("model"), str) and model:
                    found["model"], where["model"] = Pick(f"{name} model", model), "span"
                    break
        notes: dict[str, str] = {}
        rec["event"] = "llm.request"
        rec["operation"] = op
        for col in ("provider", "model", *self.dimensions):
            if col in found:
                rec[col] = found[col].value
        if "logged_cost_usd" in found:
            rec["cost_usd"] = found["logged_cost_usd"].value  # the producer's figure, as logged
        if isinstance(attrs.get("ai.operationId"), str):
            self._vercel(attrs, rec, found, where, notes)
        counts = {
            col: _count(found[col].value) if col in found else None
            for col in (
                "input_tokens",
                "output_tokens",
                "cached_input_tokens",
                "cache_write_tokens",
                "cache_write_1h_tokens",
                "reasoning_tokens",
            )
        }
        read, write, n_in = (
            counts["cached_input_tokens"],
            counts["cache_write_tokens"],
            counts["input_tokens"],
        )
        if n_in is not None and "input_tokens" not in notes and (read or 0) + (write or 0) > n_in:
            counts["input_tokens"] = n_in + (read or 0) + (write or 0)  # an uncached count passed through
            notes["input_tokens"] = "+ cache reads and writes (the cache counts exceed it: an uncached count)"
        for col, n in counts.items():
            # a value that is not a count goes through as it is: staging rejects it, naming the field
            rec[col] = n if n is not None else (found[col].value if col in found else None)
        if span.start is not None and span.end is not None and span.end >= span.start:
            rec["latency_ms"] = (span.end - span.start) / 1_000_000  # a measurement: fractional
        failure = _failure(span) if span.error else None
        if failure is None:
            rec["outcome"] = "success"
        else:
            rec["outcome"], rec["error_type"], notes["outcome"] = failure
        rec["response_id"] = attrs.get("gen_ai.response.id") or attrs.get("ai.response.id")
        rec["service"] = resource.get("service.name")
        # the span's other attributes stay (in attrs), those read into columns are not repeated
        used = {p.source for p in found.values()}
        rest = {k: v for k, v in attrs.items() if k not in used and k not in _READ}
        rec["otel"] = {"scope": scope, "span": rest, "resource": resource}
        if self.provenance:
            rec["_from"] = self._provenance(attrs, found, where, notes)
        return {k: v for k, v in rec.items() if v is not None}

    @staticmethod
    def _vercel(
        attrs: dict[str, Any],
        rec: dict[str, Any],
        found: dict[str, Pick],
        where: dict[str, str],
        notes: dict[str, str],
    ) -> None:
        """A Vercel AI SDK step: provider `openai.chat` -> `openai`; cache counts the spans keep only
        in the provider's metadata; Anthropic and Bedrock pass their uncached input count."""
        provider = rec.get("provider")
        if isinstance(provider, str) and "." in provider:
            rec["provider"] = provider.split(".", 1)[0]
            notes["provider"] = "(its first part)"
        meta = _json_object(attrs.get("ai.response.providerMetadata"))
        anthropic, bedrock = _obj(meta.get("anthropic")), _obj(_obj(meta.get("bedrock")).get("usage"))
        usage = _obj(anthropic.get("usage"))
        # column -> the places in the provider's metadata that hold it, first found wins
        from_meta: dict[str, list[tuple[str, Any]]] = {
            "cached_input_tokens": [
                ("anthropic.usage.cache_read_input_tokens", usage.get("cache_read_input_tokens")),
                ("bedrock.usage.cacheReadInputTokens", bedrock.get("cacheReadInputTokens")),
            ],
            "cache_write_tokens": [
                ("anthropic.cacheCreationInputTokens", anthropic.get("cacheCreationInputTokens")),
                ("anthropic.usage.cache_creation_input_tokens", usage.get("cache_creation_input_tokens")),
                ("bedrock.usage.cacheWriteInputTokens", bedrock.get("cacheWriteInputTokens")),
            ],
            "cache_write_1h_tokens": [
                (
                    "anthropic.usage.cache_creation.ephemeral_1h_input_tokens",
                    _obj(usage.get("cache_creation")).get("ephemeral_1h_input_tokens"),
                )
            ],
        }
        for col, places in from_meta.items():
            hit = next(((path, v) for path, v in places if _count(v) is not None), None)
            if col not in found and hit is not None:
                found[col] = Pick(f"ai.response.providerMetadata {hit[0]}", hit[1])
                where[col] = "span"
        # AI SDK 5 passes Anthropic's and Bedrock's uncached input count through; AI SDK 6 reports
        # the total and says so with its input token details
        v6 = any(k.startswith("ai.usage.inputTokenDetails.") for k in attrs)
        uncached = not v6 and bool(
            anthropic or bedrock or any(f in str(provider).lower() for f in ("anthropic", "bedrock"))
        )
        if uncached and "input_tokens" in found and (n := _count(found["input_tokens"].value)) is not None:
            extra = sum(
                _count(found[c].value) or 0
                for c in ("cached_input_tokens", "cache_write_tokens")
                if c in found
            )
            found["input_tokens"] = Pick(found["input_tokens"].source, n + extra)
            notes["input_tokens"] = "+ cache reads and writes (the provider's uncached count)"

    def _provenance(
        self, attrs: dict[str, Any], found: dict[str, Pick], where: dict[str, str], notes: dict[str, str]
    ) -> dict[str, str]:
        out = {
            "request_id": "span traceId/spanId",
            "trace_id": "span traceId",
            "ts": "span startTimeUnixNano",
            "latency_ms": "span end - start",
            "outcome": "span status.code",
            "operation": "span ai.operationId"
            if "ai.operationId" in attrs
            else "span gen_ai.operation.name"
            if "gen_ai.operation.name" in attrs
            else "span openinference.span.kind"
            if "openinference.span.kind" in attrs
            else "span model and usage attributes",
        }
        for col, pick in found.items():
            out[col] = f"{where.get(col, 'span')} {pick.source}"
        for col, note in notes.items():
            # a note adds to the attribute it follows, or (the outcome's) says it all
            out[col] = f"{out[col]} {note}" if col in out and col != "outcome" else note
        return out

    @staticmethod
    def _operation(attrs: dict[str, Any]) -> str | None:
        """The canonical operation of a model-call span, None for every other span."""
        vercel = attrs.get("ai.operationId")
        if isinstance(vercel, str):
            return next((op for suffix, op in VERCEL_CALLS.items() if vercel.endswith(suffix)), None)
        op = attrs.get("gen_ai.operation.name")
        if isinstance(op, str):
            return op if op.lower() in MODEL_CALLS else None
        kind = attrs.get("openinference.span.kind")
        if isinstance(kind, str):
            return OPENINFERENCE_CALLS.get(kind.upper())
        request_type = attrs.get("llm.request.type")  # OpenLLMetry before gen_ai.operation.name
        if isinstance(request_type, str) and request_type.lower() in MODEL_CALLS:
            return request_type
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


def decode_span(span: dict[str, Any]) -> Span:
    """A span of OTLP/JSON."""
    status = _obj(span.get("status"))
    exception: dict[str, Any] = {}
    for event in _list(span.get("events")):
        if isinstance(event, dict) and event.get("name") == "exception":
            exception = attributes(event.get("attributes"))
    message = status.get("message")
    return Span(
        otel_id(span.get("traceId")),
        otel_id(span.get("spanId")),
        span.get("name"),
        _nanos(span.get("startTimeUnixNano")),
        _nanos(span.get("endTimeUnixNano")),
        attributes(span.get("attributes")),
        status.get("code") in STATUS_ERROR,
        otel_id(span.get("parentSpanId")),
        message if isinstance(message, str) and message else None,
        _text(exception.get("exception.type")),
        _text(exception.get("exception.message")),
    )


_RATE_LIMITED = re.compile(r"rate.?limit|too.?many.?requests|throttl|\b429\b|resource.?exhausted|quota", re.I)
_TIMEOUT = re.compile(r"time.?out|timed.?out|deadline|\b408\b|\b504\b", re.I)
_CANCELLED = re.compile(r"cancel", re.I)


def _failure(span: Span) -> tuple[str, str, str]:
    """(outcome, error type, where they came from) of a span whose status is ERROR.

    Instrumentations name the failure differently: `error.type` (a class name such as
    `RateLimitError`, an API error type such as `rate_limit_error`, or a status code), an exception
    event (`AI_APICallError`), the HTTP status, or only the status message.
    """
    attrs = span.attrs
    error_type = _text(attrs.get("error.type"))
    status = next((_count(attrs[k]) for k in HTTP_STATUS if _count(attrs.get(k)) is not None), None)
    clues: list[tuple[str, str]] = []
    if status is not None:
        clues.append((str(status), "http status"))
    if error_type:
        clues.append((error_type, "error.type"))
    if span.exception:
        clues.append((span.exception, "exception event"))
    for text in (span.exception_message, span.status_message):
        if text:
            clues.append((text, "status message" if text is span.status_message else "exception message"))
    kind = error_type or span.exception or (str(status) if status is not None else "error")
    for text, source in clues:
        for pattern, outcome in (
            (_RATE_LIMITED, "rate_limited"),
            (_TIMEOUT, "timeout"),
            (_CANCELLED, "cancelled"),
        ):
            if pattern.search(text):
                return outcome, kind, f"span status.code ERROR + {source}"
    return "error", kind, "span status.code ERROR" + (f" + {clues[0][1]}" if clues else "")


def _not_a_call(attrs: dict[str, Any]) -> str:
    """Why a span is not counted, for --explain."""
    usage = any("usage" in k or "token_count" in k for k in attrs)
    repeats = " (the usage it carries repeats its model calls', which are counted)" if usage else ""
    vercel = attrs.get("ai.operationId")
    if isinstance(vercel, str):
        return f"a Vercel AI SDK {vercel!r} span, not a step (….doGenerate, ….doStream, ….doEmbed){repeats}"
    op = attrs.get("gen_ai.operation.name")
    if isinstance(op, str):
        return f"gen_ai.operation.name {op!r} is not a model call{repeats}"
    kind = attrs.get("openinference.span.kind")
    if isinstance(kind, str):
        return f"an OpenInference {kind} span, not a model call{repeats}"
    return "no GenAI attributes of a model call (gen_ai.operation.name, or a model with token counts)"


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _json_object(v: Any) -> dict[str, Any]:
    """An attribute holding a JSON object as a string (or already an object), else {}."""
    if isinstance(v, dict):
        return v
    if not isinstance(v, str) or not v.lstrip().startswith("{"):
        return {}
    try:
        obj = orjson.loads(v)
    except orjson.JSONDecodeError:
        return {}
    return obj if isinstance(obj, dict) else {}


def _dimension(v: Any) -> str | None:
    """A dimension value from a free-form family: strings and numbers, not objects or flags."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, str):
        return v or None
    if isinstance(v, int | float):
        return str(v)
    return None


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
