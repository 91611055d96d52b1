"""Amazon CloudWatch Logs exports: subscription payloads and `filter-log-events` pages.

A subscription delivers `{"awslogs": {"data": <base64 of gzip>}}` (what a Lambda receives), or
the decoded `{"messageType": "DATA_MESSAGE", "logGroup", "logStream", "logEvents": [...]}` (what
Firehose writes to S3, objects back to back). `aws logs filter-log-events` prints
`{"events": [{"logStreamName", "timestamp", "message", "eventId"}]}`. Each log event's message is
the application's line, often behind Lambda's text prefix (`2026-… RequestId … INFO {...}`): the
JSON after the first `{` is the record, and the event's stream, group and time ride along under
`_envelope`. A message that holds no JSON object is an ignored `cloudwatch.text` record.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

from llmcost.ingest.formats.transcode import embedded_object

# A payload expands at most this much (the decompression-bomb guard of subscription data).
MAX_PAYLOAD = 64 << 20

MARKERS = (b'"awslogs"', b'"logEvents"', b'"logStreamName"')


def expand(obj: Any) -> list[dict[str, Any]] | None:
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("awslogs"), dict):
        return list(_payload(obj["awslogs"].get("data")))
    if isinstance(obj.get("logEvents"), list) or obj.get("messageType") == "CONTROL_MESSAGE":
        return list(_data_message(obj))
    events = obj.get("events")
    if isinstance(events, list) and all(isinstance(e, dict) and "message" in e for e in events):
        return [_event(e, {"logStream": e.get("logStreamName")}) for e in events]
    return None


def _payload(data: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(data, str):
        yield {"_reject": "CloudWatch subscription data is not a base64 string"}
        return
    try:
        raw = base64.b64decode(data or "", validate=True)
        decoded = _gunzip(raw)
        obj = orjson.loads(decoded)
    except (binascii.Error, ValueError, OSError, EOFError, zlib.error, orjson.JSONDecodeError) as e:
        yield {"_reject": f"CloudWatch subscription data is not base64 of gzipped JSON: {e}"}
        return
    if not isinstance(obj, dict):
        yield {"_reject": "CloudWatch subscription data is not a JSON object"}
        return
    yield from _data_message(obj)


def _gunzip(raw: bytes) -> bytes:
    d = zlib.decompressobj(wbits=47)  # gzip or zlib header
    out = d.decompress(raw, MAX_PAYLOAD + 1)
    if len(out) > MAX_PAYLOAD:
        raise ValueError(f"payload expands past {MAX_PAYLOAD} bytes (refused: likely a decompression bomb)")
    if not d.eof:
        raise EOFError("gzip data truncated")
    return out


def _data_message(obj: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if obj.get("messageType") == "CONTROL_MESSAGE":
        yield {"event": "cloudwatch.control", "message_type": "CONTROL_MESSAGE"}
        return
    around = {"logGroup": obj.get("logGroup"), "logStream": obj.get("logStream"), "owner": obj.get("owner")}
    events = obj.get("logEvents") or []
    for e in events:
        if isinstance(e, dict):
            yield _event(e, around)
        else:
            yield {"_reject": "a CloudWatch log event that is not an object"}


def _event(e: dict[str, Any], around: dict[str, Any]) -> dict[str, Any]:
    envelope = {k: v for k, v in around.items() if v is not None}
    if e.get("id") or e.get("eventId"):
        envelope["event_id"] = e.get("id") or e.get("eventId")
    ts = e.get("timestamp")
    if isinstance(ts, int) and not isinstance(ts, bool):
        envelope["ts"] = datetime.fromtimestamp(ts / 1000, UTC).isoformat().replace("+00:00", "Z")
    message = e.get("message")
    inner = embedded_object(message)
    if inner is not None:
        return {**inner, "_envelope": envelope}
    text = message if isinstance(message, str) else orjson.dumps(message).decode()
    return {"event": "cloudwatch.text", "text": text[:512], "_envelope": envelope}
