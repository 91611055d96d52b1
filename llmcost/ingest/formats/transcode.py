"""Streams that turn another format into JSON lines, one record per line, for the line pipeline.

Offsets, line numbers and the resume check of a transcoded input refer to the JSON lines it
produces (as for a compressed file they refer to the decompressed bytes); transcoding is
deterministic, so a later run that re-reads the input reaches the same offset with the same
bytes before it. A transcoded stream never seeks: resuming reads forward through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from llmcost.ingest.streams import ByteStream, ProducedStream, StreamDamaged

_CHUNK = 1 << 20
# An input line holding many records (an OTLP batch) may be far longer than one record may be.
MAX_INPUT_LINE = 64 << 20

Records = Iterable[dict[str, Any]]


@dataclass
class TranscodeStats:
    kind: str
    units: int = 0  # lines (or messages, rows) of the input
    records: int = 0  # JSON lines produced
    expanded: int = 0  # input units that became a different number of records
    unit: str | None = None  # what an input unit is, when not what the kind implies (a "document")
    notes: list[str] = field(default_factory=list)


def dump(record: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(record, default=str) + b"\n"
    except TypeError:  # an integer past 64 bits: the standard library writes it, staging judges it
        import json

        return json.dumps(record, default=str, separators=(",", ":")).encode() + b"\n"


class TranscodingStream(ProducedStream):
    """Read-forward JSON lines produced by `_more()`, on top of a (decompressed) input stream."""

    kind = "transcoded"

    def __init__(self, inner: ByteStream) -> None:
        super().__init__(None)  # never seeks: skip() reads forward through the transcoding
        self._inner = inner
        self.compression = inner.compression
        self.stats = TranscodeStats(self.kind)

    @property
    def held_back(self) -> int:
        """Bytes of an unfinished last input line, left for the next run."""
        return 0

    def close(self) -> None:
        self._inner.close()


class LineExpandingStream(TranscodingStream):
    """JSON lines in, JSON lines out: a line that `expand` recognises (an OTLP batch, a
    CloudWatch subscription payload, ...) becomes the records it holds; every other line passes
    through byte for byte. Input chunks without `marker` pass through without being parsed.

    The last line of a plain file without its newline may still be being written: it is held back
    (unless `take_partial`), and a later run expands it once it is complete.
    """

    def __init__(
        self,
        inner: ByteStream,
        kind: str,
        expand: Callable[[Any], Records | None],
        *,
        markers: tuple[bytes, ...] | None,
        take_partial: bool,
    ) -> None:
        self.kind = kind
        super().__init__(inner)
        self._expand = expand
        self._markers = markers
        self._take_partial = take_partial or inner.compression != "plain"
        self._carry = b""
        self._line_no = 0

    @property
    def held_back(self) -> int:
        return len(self._carry) if self._eof else 0

    def _more(self) -> bytes:
        chunk = self._inner.read(_CHUNK)
        if not chunk:
            self._eof = True
            rest, self._carry = self._carry, b""
            cut = rest.rfind(b"\n") + 1  # complete lines left over from skipping an overlong one
            out = self._lines(rest[:cut]) if cut else b""
            if rest[cut:] and self._take_partial:
                return out + self._lines(rest[cut:] + b"\n")
            self._carry = rest[cut:]
            return out
        data = self._carry + chunk
        cut = data.rfind(b"\n") + 1
        self._carry = data[cut:]
        out = self._lines(data[:cut]) if cut else b""
        if len(self._carry) > MAX_INPUT_LINE:
            try:
                out += self._overlong()
            except StreamDamaged as e:
                self._later = e
        return out

    def _overlong(self) -> bytes:
        """An input line past the cap: skipped to its end without holding it, and rejected."""
        self._line_no += 1
        self.stats.units += 1
        self.stats.records += 1
        size = len(self._carry)
        self._carry = b""
        while True:
            chunk = self._inner.read(_CHUNK)
            if not chunk:
                self._eof = True
                break
            nl = chunk.find(b"\n")
            if nl >= 0:
                size += nl + 1
                self._carry = chunk[nl + 1 :]
                break
            size += len(chunk)
        why = f"input line longer than {MAX_INPUT_LINE} bytes ({size}+ bytes): not expanded"
        return dump({"_reject": why, "_line": self._line_no})

    def _lines(self, data: bytes) -> bytes:
        n = data.count(b"\n")
        if self._markers is not None and not any(m in data for m in self._markers):
            self._line_no += n
            self.stats.units += n
            self.stats.records += n
            return data
        out = []
        for part in data.split(b"\n")[:-1]:  # lines end at \n only (a bare \r is data, as elsewhere)
            line = part + b"\n"
            self._line_no += 1
            self.stats.units += 1
            records = self._records(line)
            if records is None:
                out.append(line)
                self.stats.records += 1
                continue
            self.stats.expanded += 1
            for rec in records:
                out.append(dump({**rec, "_line": self._line_no}))
                self.stats.records += 1
            if not records:
                # an empty batch still counts as read: one ignored line says where it was
                out.append(dump({"event": f"{self.kind}.empty", "_line": self._line_no}))
                self.stats.records += 1
        return b"".join(out)

    def _records(self, line: bytes) -> list[dict[str, Any]] | None:
        stripped = line.strip()
        if not stripped.startswith(b"{") and not stripped.startswith(b"\xef\xbb\xbf{"):
            return None
        if self._markers is not None and not any(m in line for m in self._markers):
            return None
        text = stripped.removeprefix(b"\xef\xbb\xbf")
        try:
            docs = [orjson.loads(text)]
        except orjson.JSONDecodeError:
            # Firehose writes CloudWatch payloads back to back with no newline: `{...}{...}`
            split = _concatenated(text)
            if split is None:
                return None  # staging rejects it, with its reason
            docs = split
        out: list[dict[str, Any]] = []
        for doc in docs:
            try:
                records = self._expand(doc)
                if records is None:
                    return None
                out.extend(records)
            except Exception as e:  # a shape no decoder foresaw: rejected, not a crash
                return [{"_reject": f"not readable as {self.kind}: {type(e).__name__}: {str(e)[:200]}"}]
        return out


def _concatenated(text: bytes) -> list[Any] | None:
    """JSON objects written back to back on one line, or None when that is not what this is."""
    import json

    try:
        s = text.decode("utf-8")
    except UnicodeDecodeError:
        return None
    decoder = json.JSONDecoder()
    docs, i = [], 0
    try:
        while i < len(s):
            doc, i = decoder.raw_decode(s, i)
            docs.append(doc)
            while i < len(s) and s[i] in " \t\r\n":
                i += 1
    except json.JSONDecodeError:
        return None
    return docs if len(docs) > 1 else None


def embedded_object(text: Any) -> dict[str, Any] | None:
    """The JSON object a log message carries after any text prefix (Lambda's `time id LEVEL`, a
    logger's `INFO llm `), or None when it carries none."""
    if not isinstance(text, str) or "{" not in text:
        return None
    try:
        found = orjson.loads(text[text.index("{") :])
    except orjson.JSONDecodeError:
        return None
    return found if isinstance(found, dict) else None
