"""A JSON document holding an array of records (Langfuse's JSON export, an API's saved response):
one record per element. The document is parsed whole, so it is capped; past the cap, convert it to
JSON lines first (`jq -c '.[]' export.json > export.jsonl`). A file that only starts like one (JSON
lines whose first line is an array) is read line by line, unchanged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from llmcost.ingest.formats.transcode import TranscodingStream, dump
from llmcost.ingest.streams import ByteStream, StreamDamaged

MAX_DOCUMENT = 512 << 20


class JsonArrayStream(TranscodingStream):
    kind = "json-array"

    def __init__(
        self, inner: ByteStream, expand: Callable[[Any], list[dict[str, Any]] | None] | None = None
    ) -> None:
        super().__init__(inner)
        # an element of a known shape (a gateway page's row, an OTLP batch, a SpendLogs row) is
        # read by its reader; any other element is one record as it stands
        self._expand = expand

    def _more(self) -> bytes:
        self._eof = True
        parts, size = [], 0
        while chunk := self._inner.read(1 << 20):
            size += len(chunk)
            if size > MAX_DOCUMENT:
                raise StreamDamaged(
                    f"a JSON document over {MAX_DOCUMENT >> 20} MiB is not parsed whole: "
                    "convert it to JSON lines first (jq -c '.[]' FILE)"
                )
            parts.append(chunk)
        data = b"".join(parts)
        try:
            doc = orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
        except orjson.JSONDecodeError:
            doc = None
        if not isinstance(doc, list):
            # not one JSON array after all (JSON lines that start with one): read line by line
            return data if data.endswith(b"\n") or not data else data + b"\n"
        self.stats.units = 1
        self.stats.expanded = 1
        out = []
        for i, item in enumerate(doc):
            if not isinstance(item, dict):
                out.append(dump({"_reject": f"element {i} of the array is not an object"}))
                continue
            try:
                found = self._expand(item) if self._expand is not None else None
            except Exception as e:  # a shape no reader foresaw: rejected, not a crash
                found = [{"_reject": f"element {i}: not readable: {type(e).__name__}: {str(e)[:200]}"}]
            if found is None:
                out.append(dump(item))
            else:
                out.extend(dump(r) for r in found)
        self.stats.records = len(out)
        return b"".join(out)
