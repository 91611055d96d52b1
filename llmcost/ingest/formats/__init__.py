"""Input formats: which one a file is, and the stream that turns it into JSON lines.

Most inputs already are JSON lines (application logs, raw provider usage, gateway JSON exports,
log envelopes): they go straight to the vectorised line pipeline, where alias lists map every line
on its own, so a file may mix shapes line by line. Formats whose lines hold many records (OTLP
batches, CloudWatch subscription payloads, Datadog pages), or that are not JSON lines at all (OTLP
protobuf, CSV exports), are detected from the first bytes of the (decompressed) file, or forced
with `--source`, and transcoded into one JSON record per line first (transcode.py).

Gateway and batch exports whose records need more than aliases (OpenAI and Anthropic batch
results, OpenRouter generation stats, Kong and Cloudflare AI Gateway logs, LiteLLM SpendLogs with
JSON held in strings) are recognised from their first record (`GATEWAYS`). Files of pretty-printed
JSON documents (`aws logs filter-log-events`, the OpenTelemetry ConsoleSpanExporter, `jq .` of an
API page) are split into documents (json_documents.py) and each routed to the expander that knows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llmcost.ingest.formats import (
    batches,
    bedrock,
    cloudflare,
    cloudwatch,
    datadog,
    gateways,
    kong,
    litellm,
    openrouter,
    otel_console,
    otlp,
)
from llmcost.ingest.formats.csv_rows import CsvStream, csv_delimiter
from llmcost.ingest.formats.json_array import JsonArrayStream
from llmcost.ingest.formats.json_documents import JsonDocumentStream
from llmcost.ingest.formats.otlp_proto import OtlpProtoStream, looks_like_proto
from llmcost.ingest.formats.transcode import LineExpandingStream, TranscodingStream
from llmcost.ingest.streams import ByteStream, Pushback, StreamDamaged

# what `--source` accepts
SOURCES = (
    "auto",
    "app",
    "otlp",
    "litellm",
    "langfuse",
    "helicone",
    "bedrock",
    "openai",
    "anthropic",
    "gemini",
    "cloudwatch",
    "datadog",
    "openai-batch",
    "anthropic-batch",
    "openrouter",
    "kong",
    "cloudflare",
    "otel-console",
)
# the provider a forced provider source implies, for records that do not name one
SOURCE_PROVIDER = {"openai": "openai", "anthropic": "anthropic", "gemini": "google", "bedrock": "aws"}

SNIFF_BYTES = 64 << 10
SNIFF_LINES = 20  # records looked at for a gateway shape
_OTLP_TRACES = re.compile(rb'^\s*(\xef\xbb\xbf)?\{\s*"resourceSpans"\s*:')
_OTLP_LOGS = re.compile(rb'^\s*(\xef\xbb\xbf)?\{\s*"resourceLogs"\s*:')
_CLOUDWATCH = re.compile(rb'^\s*\{\s*"(awslogs|messageType|events)"\s*:|"logEvents"\s*:\s*\[')
_DATADOG = re.compile(rb'"type"\s*:\s*"log"')
_DATADOG_PAGE = re.compile(rb'^\s*\{\s*"data"\s*:\s*\[\s*\{\s*"(attributes|type|id)"\s*:')
_ARRAY = re.compile(rb"^\s*(\xef\xbb\xbf)?\[\s*(\{|$)")
_BEDROCK = re.compile(rb'"schemaType"\s*:\s*"ModelInvocationLog"')
# a first line that only opens a document: the file holds pretty-printed JSON documents
_OPENS_DOCUMENT = re.compile(rb"^\s*(\xef\xbb\xbf)?\{\s*$")
# what a pretty-printed document worth reading shows in its first 64 KiB: a known shape's keys,
# or a model next to a token count (an application's record printed with indentation)
_DOCUMENT_MARKERS = re.compile(
    rb'"(logStreamName|logEvents|searchedLogStreams|resourceSpans|resourceLogs|custom_id|native_tokens_prompt|tokens_prompt'
    rb'|tokens_in|tokens_out|call_type|request_created_at|traceId)"\s*:'
    rb'|"trace_id"\s*:\s*"0x'
    rb'|"type"\s*:\s*"log"'
)
_MODEL_AND_TOKENS = (
    re.compile(rb'"(model|modelId|model_name|modelName)"\s*:'),
    re.compile(rb'"[A-Za-z_.]*([Tt]okens|_tokens|TokenCount)"\s*:'),
)


@dataclass(frozen=True)
class Detected:
    format: str  # what the file is, for messages and the sources table
    make: Callable[[ByteStream], ByteStream] | None  # None: JSON lines, read as they are


@dataclass(frozen=True)
class Gateway:
    """A record shape recognised from its first record and transcoded by `expand`."""

    source: str  # the `--source` name, also the format shown
    recognise: Callable[[Any], bool]
    expander: Callable[[str, otlp.OtlpMapper], Callable[[Any], Any]]  # (file name, mapper) -> expand
    markers: tuple[bytes, ...]  # an input chunk without any of these has none of its records


GATEWAYS = (
    Gateway(
        "openai-batch",
        batches.is_openai_batch_line,
        lambda n, m: batches.openai_expander(n),
        (b'"custom_id"',),
    ),
    Gateway(
        "anthropic-batch",
        batches.is_anthropic_batch_line,
        lambda n, m: batches.anthropic_expander(n),
        (b'"custom_id"',),
    ),
    Gateway(
        "openrouter",
        openrouter.recognise,
        lambda n, m: openrouter.expand,
        (b'okens_prompt"', b'okensPrompt"'),
    ),
    Gateway("kong", kong.is_kong_log, lambda n, m: kong.expand, (b'"ai"',)),
    Gateway(
        "cloudflare", cloudflare.recognise, lambda n, m: cloudflare.expand, (b'"tokens_in"', b'"tokens_out"')
    ),
    Gateway("litellm", litellm.is_spend_log, lambda n, m: litellm.expand, (b'"call_type"',)),
    # API pages whose records map by alias once unwrapped (not forcible: `--source helicone` and
    # `langfuse` keep reading records as they are)
    Gateway(
        "helicone-api",
        gateways.recognise_helicone,
        lambda n, m: gateways.expand_helicone,
        (b'"request_created_at"',),
    ),
    Gateway(
        "langfuse-api",
        gateways.recognise_langfuse_page,
        lambda n, m: gateways.expand_langfuse_page,
        (b'"traceId"',),
    ),
)
_BY_SOURCE = {g.source: g for g in GATEWAYS}


def document_router(name: str, mapper: otlp.OtlpMapper) -> Callable[[Any], Any]:
    """For a file of JSON documents: each document to the expander that knows its shape (None:
    no expander does, the document is one record as it stands)."""
    console = otel_console.expander(mapper)
    otlp_json = _otlp_expander(mapper)
    made: dict[str, Callable[[Any], Any]] = {}

    def route(doc: Any) -> Any:
        if otel_console.is_console_span(doc):
            return console(doc)
        if otlp.is_traces(doc) or otlp.is_logs(doc):
            return otlp_json(doc)
        for g in GATEWAYS:
            if g.recognise(doc):
                if g.source not in made:
                    made[g.source] = g.expander(name, mapper)
                return made[g.source](doc)
        for expand in (cloudwatch.expand, datadog.expand, bedrock.expand):
            found = expand(doc)
            if found is not None:
                return found
        return None

    return route


def detect(head: bytes, name: str, source: str, mapper: otlp.OtlpMapper, *, take_partial: bool) -> Detected:
    """The format of a file from its first (decompressed) bytes and name, or as `source` forces."""

    def expanding(kind: str, expand: Callable[[Any], Any], markers: tuple[bytes, ...] | None) -> Detected:
        return Detected(
            kind,
            lambda s: LineExpandingStream(s, kind, expand, markers=markers, take_partial=take_partial),
        )

    def otlp_json() -> Detected:
        return expanding("otlp", _otlp_expander(mapper), (b'"resourceSpans"', b'"resourceLogs"'))

    def documents(kind: str, route: Callable[[Any], Any]) -> Detected:
        return Detected(kind, lambda s: JsonDocumentStream(s, route, take_partial=take_partial))

    lower = name.lower()
    for suffix in (".gz", ".zst", ".zstd"):
        lower = lower.removesuffix(suffix)
    first = head.split(b"\n", 1)[0]
    is_json = first.lstrip().lstrip(b"\xef\xbb\xbf")[:1] in (b"{", b"[")
    pretty = _opens_pretty_document(head)

    if source == "otel-console" or (source in _BY_SOURCE and (pretty or (is_json and b"\n" not in head))):
        return documents(source, document_router(name, mapper))
    if source in _BY_SOURCE and is_json:
        g = _BY_SOURCE[source]
        return expanding(g.source, g.expander(name, mapper), None)
    if source == "auto" and pretty and _worth_reading(head):
        return documents("json-documents", document_router(name, mapper))
    if source not in ("otlp", "cloudwatch", "datadog", "bedrock") and _ARRAY.match(first):
        route = document_router(name, mapper)
        return Detected("json-array", lambda s: JsonArrayStream(s, route))
    if source == "otlp" or (source == "auto" and not is_json):
        if lower.endswith((".pb", ".binpb", ".proto")) or (not is_json and looks_like_proto(head)):
            return Detected("otlp-proto", lambda s: OtlpProtoStream(s, mapper))
        if source == "otlp":
            return otlp_json()
    if source == "auto" and (_OTLP_TRACES.match(first) or _OTLP_LOGS.match(first)):
        return otlp_json()
    if source == "auto" and is_json:
        found = _gateway_of(head)
        if found is not None:
            if b"\n" not in head:
                # one document with no final newline (an API page as curl saves it): complete
                # once its brackets close, not held back as a line still being written
                return documents(found.source, document_router(name, mapper))
            return expanding(found.source, found.expander(name, mapper), found.markers)
    if source == "cloudwatch" or (source == "auto" and _CLOUDWATCH.search(first[:SNIFF_BYTES])):
        return expanding("cloudwatch", cloudwatch.expand, cloudwatch.MARKERS)
    if source == "datadog" or (
        source == "auto" and (_DATADOG.search(first[:SNIFF_BYTES]) or _DATADOG_PAGE.match(first))
    ):
        return expanding("datadog", datadog.expand, datadog.MARKERS)
    if source == "bedrock" or (source == "auto" and _BEDROCK.search(first[:SNIFF_BYTES])):
        return expanding("bedrock", bedrock.expand, bedrock.MARKERS)
    if not is_json:
        delimiter = csv_delimiter(head)
        if delimiter is not None or lower.endswith((".csv", ".tsv")):
            sep = delimiter or ("\t" if lower.endswith(".tsv") else ",")
            helicone_ch = source == "helicone" and b"organization_id" in first
            normalise: Callable[[dict[str, Any]], dict[str, Any]] | None = None
            if helicone_ch or _ch_header(first):
                normalise = gateways.helicone_clickhouse
            elif _litellm_header(first):
                normalise = litellm.normalise
            return Detected("csv", lambda s: CsvStream(s, sep, normalise))
    if source in ("auto", "helicone") and is_json and _looks_helicone_ch(first):
        return expanding("helicone-clickhouse", gateways.expand_helicone_clickhouse, None)
    return Detected("jsonl" if source == "auto" else source, None)


def _otlp_expander(mapper: otlp.OtlpMapper) -> Callable[[Any], Any]:
    def expand(obj: Any) -> Any:
        if otlp.is_traces(obj):
            return mapper.spans(obj)
        if otlp.is_logs(obj):
            return mapper.log_records(obj)
        return None

    return expand


def _opens_pretty_document(head: bytes) -> bool:
    """A first line that only opens an object, and a second that is a member of it (indented, or
    a key) rather than a record at the margin: JSON lines that merely start with a stray '{' stay
    JSON lines, each line accounted for."""
    lines = head.split(b"\n", 2)
    if len(lines) < 2 or not _OPENS_DOCUMENT.match(lines[0]):
        return False
    second = lines[1].rstrip(b"\r")
    if not second.strip():
        return False
    return not (second[:1] in (b"{", b"[") and second.strip() not in (b"{", b"["))


def _gateway_of(head: bytes) -> Gateway | None:
    """The gateway shape of a JSON-lines file, from its first records (a Kong log may open with
    a health check that no AI plugin handled, a Batch error file with ...): the first of the
    complete lines in `head` (at most SNIFF_LINES) that one recognises."""
    import orjson

    if not any(m in head for g in GATEWAYS for m in g.markers):
        return None
    lines = head.split(b"\n")
    if len(lines) > 1:
        lines = lines[:-1]  # the last piece may be cut short
    for line in lines[:SNIFF_LINES]:
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        found = next((g for g in GATEWAYS if g.recognise(obj)), None)
        if found is not None:
            return found
    return None


def _worth_reading(head: bytes) -> bool:
    """A pretty-printed document shows a known shape, or a model next to token counts."""
    return bool(_DOCUMENT_MARKERS.search(head)) or all(p.search(head) for p in _MODEL_AND_TOKENS)


def _litellm_header(first: bytes) -> bool:
    names = {n.strip().strip(b'"') for n in first.split(b",")}
    return {b"request_id", b"call_type", b"spend"} <= names


def _ch_header(first: bytes) -> bool:
    names = {n.strip().strip(b'"') for n in first.split(b",")}
    return {b"organization_id", b"response_id", b"cost", b"request_created_at"} <= names


def _looks_helicone_ch(first: bytes) -> bool:
    import orjson

    try:
        obj = orjson.loads(first)
    except orjson.JSONDecodeError:
        return False
    return isinstance(obj, dict) and gateways.is_helicone_clickhouse(obj)


def read_head(stream: ByteStream) -> bytes:
    """The first line (at most SNIFF_BYTES) of a stream, for `detect`; the stream is spent."""
    head = b""
    try:
        while len(head) < SNIFF_BYTES:
            piece = stream.read(SNIFF_BYTES - len(head))
            if not piece:
                break
            head += piece
            # a first line that only opens a document says little: read on for what it holds
            if b"\n" in head and not _OPENS_DOCUMENT.match(head.split(b"\n", 1)[0]):
                break
    except StreamDamaged:
        pass  # the pipeline meets the damage again and reports it, with its offset
    return head


def transcoded(stream: ByteStream) -> TranscodingStream | None:
    """The transcoding stream under `stream` (through a resume Pushback), if there is one."""
    while isinstance(stream, Pushback):
        stream = stream.inner
    return stream if isinstance(stream, TranscodingStream) else None
