"""Files holding one or more JSON documents one after another, pretty-printed or not.

What tools print rather than log: `aws logs filter-log-events` (one indented page), the
OpenTelemetry Python SDK's ConsoleSpanExporter (indented span objects back to back), `curl … | jq .`
of an API page. Each document is found by following brackets outside strings (no parse of the
whole file), parsed on its own, and handed to `expand`, which turns it into records (a CloudWatch
page into its events, a console span into a request); a document no expander knows passes as one
record, for the alias lists to map.

Memory is bounded per document: a document past MAX_DOCUMENT bytes is skipped to its end without
being held, and rejected. A document that does not parse, or text between documents that is not
one, is rejected with the line and byte offset where it starts; the documents around it still load.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from llmcost.ingest.formats.transcode import TranscodingStream, dump
from llmcost.ingest.streams import ByteStream

MAX_DOCUMENT = 256 << 20
_CHUNK = 1 << 20
# outside strings, only brackets and the start of a string matter; a whole string is one token
# (the unrolled loop is linear); a lone quote is a string not complete in the buffer yet
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]]|"')
_NON_SPACE = re.compile(rb"[^ \t\r\n]")
_BOM = b"\xef\xbb\xbf"

Expand = Callable[[Any], Iterable[dict[str, Any]] | None]


class JsonDocumentStream(TranscodingStream):
    kind = "json-documents"

    def __init__(
        self, inner: ByteStream, expand: Expand, *, take_partial: bool, max_document: int = MAX_DOCUMENT
    ) -> None:
        super().__init__(inner)
        self._max = max_document
        self.stats.unit = "document"
        self._expand = expand
        self._take_partial = take_partial or inner.compression != "plain"
        self._buf = b""  # kept input from absolute offset _buf_off
        self._buf_off = 0
        self._buf_line = 1  # line number at _buf_off
        self._scan = 0  # absolute offset the bracket scan has reached
        self._depth = 0
        self._doc_off: int | None = None  # start of the document being read
        self._doc_line = 0
        self._skipping = False  # the current document is over the cap: not held
        self._first = True
        self._held = 0

    @property
    def held_back(self) -> int:
        return self._held if self._eof else 0

    # -- reading ------------------------------------------------------------------------------
    def _more(self) -> bytes:
        chunk = self._inner.read(_CHUNK)
        if self._first:
            self._first = False
            if chunk.startswith(_BOM):
                chunk = chunk[len(_BOM) :]
                self._buf_off = self._scan = len(_BOM)
        if not chunk:
            self._eof = True
            return self._at_end()
        self._buf += chunk
        return b"".join(self._documents())

    def _documents(self) -> Iterable[bytes]:
        buf, off = self._buf, self._buf_off
        i = self._scan - off
        while i < len(buf):
            if self._doc_off is None:
                m = _NON_SPACE.search(buf, i)
                if m is None:
                    i = len(buf)
                    break
                i = m.start()
                if buf[i : i + 1] not in (b"{", b"["):
                    nl = buf.find(b"\n", i)
                    if nl < 0 and not self._eof:
                        break  # the rest of this line is not here yet
                    end = len(buf) if nl < 0 else nl + 1
                    yield self._junk(off + i, buf[i:end])
                    i = end
                    continue
                self._doc_off, self._doc_line = off + i, self._line_at(off + i)
                self._depth = 0
            m = _TOKEN.search(buf, i)
            while m is not None:
                tok = m.group()
                if tok == b'"':
                    break  # an unfinished string: wait for more input
                if tok in (b"{", b"["):
                    self._depth += 1
                elif tok in (b"}", b"]"):
                    self._depth -= 1
                    if self._depth == 0:
                        break
                m = _TOKEN.search(buf, m.end())
            if m is None or m.group() == b'"':
                i = len(buf) if m is None else m.start()
                break
            end = m.end()
            yield self._document(buf, off, end)
            i = end
        self._scan = off + i
        self._trim()

    def _trim(self) -> None:
        """Drop input no longer needed: everything before the current document (or, while a
        document is skipped, before the scan position), counting its lines."""
        keep = self._doc_off if self._doc_off is not None and not self._skipping else self._scan
        if self._doc_off is not None and not self._skipping and self._scan - self._doc_off > self._max:
            self._skipping = True
            keep = self._scan
        cut = keep - self._buf_off
        if cut > 0:
            self._buf_line += self._buf.count(b"\n", 0, cut)
            self._buf = self._buf[cut:]
            self._buf_off = keep

    def _line_at(self, offset: int) -> int:
        return self._buf_line + self._buf.count(b"\n", 0, offset - self._buf_off)

    def _at_end(self) -> bytes:
        out = b"".join(self._documents()) if self._buf else b""
        if self._doc_off is None:
            return out
        if not self._take_partial and not self._skipping:
            self._held = self._buf_off + len(self._buf) - self._doc_off
            return out  # may still be being written: a later run reads it once complete
        where = self._where(self._doc_off, self._doc_line)
        self._doc_off = None
        self.stats.units += 1
        self.stats.records += 1
        return out + dump(
            {"_reject": f"{where}: the file ends inside it (truncated)", "_line": self._doc_line}
        )

    # -- one unit -----------------------------------------------------------------------------
    def _document(self, buf: bytes, off: int, end: int) -> bytes:
        assert self._doc_off is not None
        start, line = self._doc_off, self._doc_line
        self._doc_off = None
        self.stats.units += 1
        where = self._where(start, line)
        if self._skipping or off + end - start > self._max:
            self._skipping = False
            self.stats.records += 1
            why = f"{where} is larger than {self._max} bytes: not read (split it first, e.g. with jq -c)"
            return dump({"_reject": why, "_line": line})
        text = buf[start - off : end]
        try:
            doc = orjson.loads(text)
        except orjson.JSONDecodeError as e:
            self.stats.records += 1
            at = f" at line {line + e.lineno - 1}" if e.lineno > 1 else ""
            return dump({"_reject": f"{where}: not valid JSON{at}: {e.msg}", "_line": line})
        try:
            records = self._records(doc)
        except Exception as e:  # a shape no expander foresaw: rejected, not a crash
            records = [{"_reject": f"{where}: not readable: {type(e).__name__}: {str(e)[:200]}"}]
        self.stats.expanded += 1
        if not records:
            records = [{"event": f"{self.kind}.empty"}]
        self.stats.records += len(records)
        return b"".join(dump({**r, "_line": line}) for r in records)

    def _records(self, doc: Any) -> list[dict[str, Any]]:
        items = doc if isinstance(doc, list) else [doc]
        out: list[dict[str, Any]] = []
        for i, item in enumerate(items):
            found = self._expand(item)
            if found is not None:
                out.extend(found)
            elif isinstance(item, dict):
                out.append(item)
            else:
                out.append({"_reject": f"element {i} of a JSON array is not an object"})
        return out

    def _junk(self, offset: int, text: bytes) -> bytes:
        line = self._line_at(offset)
        self.stats.units += 1
        self.stats.records += 1
        shown = text.strip()[:60].decode("utf-8", "replace")
        why = f"line {line} (byte {offset}): not a JSON document: {shown!r}"
        return dump({"_reject": why, "_line": line})

    @staticmethod
    def _where(offset: int, line: int) -> str:
        return f"JSON document at line {line} (byte {offset})"
