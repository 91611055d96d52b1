"""OTLP protobuf files: length-delimited `ExportTraceServiceRequest`/`ExportLogsServiceRequest`
messages (a big-endian u32 byte count before each, as the OpenTelemetry Collector's file exporter
writes them with `format: proto`). Each message is decoded with `opentelemetry-proto`, turned into
its OTLP/JSON form and mapped exactly like an OTLP/JSON line (otlp.py).

Which of the two a message is cannot be told from its first bytes (both start with field 1): it is
read as traces, and as logs when its "spans" have no 16-byte trace ids.
"""

from __future__ import annotations

import struct
from typing import Any

from llmcost.ingest.formats.otlp import OtlpMapper, Span
from llmcost.ingest.formats.transcode import TranscodingStream, dump
from llmcost.ingest.streams import ByteStream, StreamDamaged

MAX_MESSAGE = 64 << 20


def looks_like_proto(head: bytes) -> bool:
    """A u32 length followed by field 1 (resource_spans/resource_logs), length-delimited, whose
    own first field is one a ResourceSpans/ResourceLogs has (resource, scope spans/logs, schema
    url). Four bytes of text can pass for a length and a tag (b'\\x00\\n{}' does): the inner
    tag tells them apart."""
    if len(head) < 6:
        return False
    (size,) = struct.unpack(">I", head[:4])
    if not (0 < size <= MAX_MESSAGE and head[4] == 0x0A):
        return False
    inner, pos = _varint(head, 5)
    if inner is None:
        return pos >= len(head)  # cut short by the head: nothing contradicts it yet
    if inner > size - (pos - 4):
        return False  # the first member would not fit in its message
    return inner == 0 or pos >= len(head) or head[pos] in _RESOURCE_TAGS


# field 1 (resource), 2 (scope_spans / scope_logs), 3 (schema_url), each length-delimited
_RESOURCE_TAGS = frozenset({0x0A, 0x12, 0x1A})


def _varint(data: bytes, pos: int) -> tuple[int | None, int]:
    """A protobuf varint at `pos`: (value, position after it), or (None, where it stopped)."""
    value = shift = 0
    while pos < len(data) and shift < 35:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
    return None, pos


class OtlpProtoStream(TranscodingStream):
    kind = "otlp-proto"

    def __init__(self, inner: ByteStream, mapper: OtlpMapper) -> None:
        super().__init__(inner)
        self._mapper = mapper
        self._offset = 0  # bytes of the input consumed

    def _exact(self, n: int) -> bytes:
        got = b""
        while len(got) < n:
            piece = self._inner.read(n - len(got))
            if not piece:
                break
            got += piece
        self._offset += len(got)
        return got

    def _more(self) -> bytes:
        head = self._exact(4)
        if not head:
            self._eof = True
            return b""
        if len(head) < 4:
            raise StreamDamaged(f"truncated protobuf length prefix at byte {self._offset - len(head)}")
        (size,) = struct.unpack(">I", head)
        if size > MAX_MESSAGE:
            raise StreamDamaged(
                f"protobuf message at byte {self._offset - 4} claims {size} bytes "
                f"(over the {MAX_MESSAGE}-byte cap): not a length-delimited OTLP file, or damaged"
            )
        body = self._exact(size)
        if len(body) < size:
            raise StreamDamaged(f"protobuf message at byte {self._offset - len(body) - 4} truncated")
        self.stats.units += 1
        try:
            records = list(self._records(body))
        except Exception as e:
            raise StreamDamaged(
                f"protobuf message {self.stats.units} at byte {self._offset - size - 4} unreadable: {e}"
            ) from None
        if not records:
            records = [{"event": "otlp.empty"}]
        self.stats.records += len(records)
        self.stats.expanded += 1
        return b"".join(dump({**r, "_message": self.stats.units}) for r in records)

    def _records(self, body: bytes) -> Any:
        from google.protobuf.json_format import MessageToDict
        from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

        traces = ExportTraceServiceRequest.FromString(body)
        spans = [s for rs in traces.resource_spans for ss in rs.scope_spans for s in ss.spans]
        if spans and all(len(s.trace_id) in (0, 16) and len(s.span_id) in (0, 8) for s in spans):
            return self._spans(traces)
        logs = ExportLogsServiceRequest.FromString(body)
        return self._mapper.log_records(MessageToDict(logs))

    def _spans(self, traces: Any) -> Any:
        """Spans straight from the decoded messages (a JSON round trip costs 3x as much)."""
        return self._mapper.batch(
            (_span(s), resource, ss.scope.name or None)
            for rs in traces.resource_spans
            for resource in (_attributes(rs.resource.attributes),)
            for ss in rs.scope_spans
            for s in ss.spans
        )


def _span(s: Any) -> Span:
    exception: dict[str, Any] = {}
    for event in s.events:
        if event.name == "exception":
            exception = _attributes(event.attributes)
    return Span(
        s.trace_id.hex() or None,
        s.span_id.hex() or None,
        s.name,
        s.start_time_unix_nano or None,
        s.end_time_unix_nano or None,
        _attributes(s.attributes),
        s.status.code == 2,
        s.parent_span_id.hex() or None,
        s.status.message or None,
        exception.get("exception.type") or None,
        exception.get("exception.message") or None,
    )


def _value(v: Any) -> Any:
    kind = v.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [_value(x) for x in v.array_value.values]
    if kind == "kvlist_value":
        return _attributes(v.kvlist_value.values)
    if kind == "bytes_value":
        import base64

        return base64.b64encode(v.bytes_value).decode()
    return getattr(v, kind)


def _attributes(kvs: Any) -> dict[str, Any]:
    return {kv.key: _value(kv.value) for kv in kvs}
