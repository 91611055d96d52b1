"""Input formats: which one a file is, and the stream that turns it into JSON lines.

Most inputs already are JSON lines (application logs, raw provider usage, gateway JSON exports,
log envelopes): they go straight to the vectorised line pipeline, where alias lists map every line
on its own, so a file may mix shapes line by line. Formats whose lines hold many records (OTLP
batches, CloudWatch subscription payloads, Datadog pages), or that are not JSON lines at all (OTLP
protobuf, CSV exports), are detected from the first bytes of the (decompressed) file, or forced
with `--source`, and transcoded into one JSON record per line first (transcode.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llmcost.ingest.formats import bedrock, cloudwatch, datadog, gateways, otlp
from llmcost.ingest.formats.csv_rows import CsvStream, csv_delimiter
from llmcost.ingest.formats.json_array import JsonArrayStream
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
)
# the provider a forced provider source implies, for records that do not name one
SOURCE_PROVIDER = {"openai": "openai", "anthropic": "anthropic", "gemini": "google", "bedrock": "aws"}

SNIFF_BYTES = 64 << 10
_OTLP_TRACES = re.compile(rb'^\s*(\xef\xbb\xbf)?\{\s*"resourceSpans"\s*:')
_OTLP_LOGS = re.compile(rb'^\s*(\xef\xbb\xbf)?\{\s*"resourceLogs"\s*:')
_CLOUDWATCH = re.compile(rb'^\s*\{\s*"(awslogs|messageType|events)"\s*:|"logEvents"\s*:\s*\[')
_DATADOG = re.compile(rb'"type"\s*:\s*"log"')
_DATADOG_PAGE = re.compile(rb'^\s*\{\s*"data"\s*:\s*\[\s*\{\s*"(attributes|type|id)"\s*:')
_ARRAY = re.compile(rb"^\s*(\xef\xbb\xbf)?\[\s*(\{|$)")
_BEDROCK = re.compile(rb'"schemaType"\s*:\s*"ModelInvocationLog"')


@dataclass(frozen=True)
class Detected:
    format: str  # what the file is, for messages and the sources table
    make: Callable[[ByteStream], ByteStream] | None  # None: JSON lines, read as they are


def detect(head: bytes, name: str, source: str, mapper: otlp.OtlpMapper, *, take_partial: bool) -> Detected:
    """The format of a file from its first (decompressed) bytes and name, or as `source` forces."""

    def expanding(kind: str, expand: Callable[[Any], Any], markers: tuple[bytes, ...] | None) -> Detected:
        return Detected(
            kind,
            lambda s: LineExpandingStream(s, kind, expand, markers=markers, take_partial=take_partial),
        )

    def otlp_json() -> Detected:
        return expanding("otlp", _otlp_expander(mapper), (b'"resourceSpans"', b'"resourceLogs"'))

    lower = name.lower()
    for suffix in (".gz", ".zst", ".zstd"):
        lower = lower.removesuffix(suffix)
    first = head.split(b"\n", 1)[0]
    is_json = first.lstrip().lstrip(b"\xef\xbb\xbf")[:1] in (b"{", b"[")

    if source not in ("otlp", "cloudwatch", "datadog", "bedrock") and _ARRAY.match(first):
        return Detected("json-array", JsonArrayStream)
    if source == "otlp" or (source == "auto" and not is_json):
        if lower.endswith((".pb", ".binpb", ".proto")) or (not is_json and looks_like_proto(head)):
            return Detected("otlp-proto", lambda s: OtlpProtoStream(s, mapper))
        if source == "otlp":
            return otlp_json()
    if source == "auto" and (_OTLP_TRACES.match(first) or _OTLP_LOGS.match(first)):
        return otlp_json()
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
            normalise = gateways.helicone_clickhouse if helicone_ch or _ch_header(first) else None
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
            if b"\n" in head:
                break
    except StreamDamaged:
        pass  # the pipeline meets the damage again and reports it, with its offset
    return head


def transcoded(stream: ByteStream) -> TranscodingStream | None:
    """The transcoding stream under `stream` (through a resume Pushback), if there is one."""
    while isinstance(stream, Pushback):
        stream = stream.inner
    return stream if isinstance(stream, TranscodingStream) else None
