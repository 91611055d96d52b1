"""CSV exports (LiteLLM SpendLogs, Helicone, Langfuse, ClickHouse `FORMAT CSVWithNames`) as JSON lines.

The header row becomes one ignored `csv.header` record, so record N is the file's line N for
rows without embedded newlines, and `read` still counts every row. Each row becomes an object of
its non-empty cells; a cell holding a JSON object or array (LiteLLM `metadata`, `request_tags`,
Helicone `request_properties`) is decoded, so its keys can fill columns. Everything else stays
text: staging parses numbers, times and booleans with the same strict rules as for JSON.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from llmcost.ingest.formats.transcode import TranscodingStream, dump
from llmcost.ingest.streams import ByteStream, StreamDamaged

Normalise = Callable[[dict[str, Any]], dict[str, Any]]
_FIELD_LIMIT = 1 << 20


class _Text(io.RawIOBase):
    """The decompressed input as a raw binary file, for io.TextIOWrapper."""

    def __init__(self, stream: ByteStream) -> None:
        self._s = stream

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._s.read(len(b))
        b[: len(data)] = data
        return len(data)


class CsvStream(TranscodingStream):
    kind = "csv"

    def __init__(self, inner: ByteStream, delimiter: str = ",", normalise: Normalise | None = None) -> None:
        super().__init__(inner)
        text = io.TextIOWrapper(
            io.BufferedReader(_Text(inner)), encoding="utf-8-sig", errors="replace", newline=""
        )
        csv.field_size_limit(_FIELD_LIMIT)
        self._reader = csv.reader(text, delimiter=delimiter)
        self._header: list[str] | None = None
        self._rows = self._iter()
        self._normalise = normalise

    def _iter(self) -> Iterator[bytes]:
        rows = iter(self._reader)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as e:  # a NUL byte, a field over the size cap: nothing after it is sure
                raise StreamDamaged(f"CSV unreadable after row {self.stats.units}: {e}") from None
            self.stats.units += 1
            self.stats.records += 1
            yield self._line(row)

    def _line(self, row: list[str]) -> bytes:
        """One row as one JSON line (the first row, the header, as an ignored record)."""
        header = self._header
        if header is None:
            self._header = [h.strip() for h in row]
            return dump({"event": "csv.header", "columns": self._header})
        if not any(cell.strip() for cell in row):
            return b"\n"  # a blank row: a blank line
        record: dict[str, Any] = {}
        for name, cell in zip(header, row, strict=False):
            if cell == "" or not name:
                continue
            record[name] = _cell(cell)
        if len(row) > len(header):
            record["_extra_cells"] = row[len(header) :]
        if self._normalise is not None:
            record = self._normalise(record)
        return dump(record)

    def _more(self) -> bytes:
        out = []
        size = 0
        try:
            for line in self._rows:
                out.append(line)
                size += len(line)
                if size >= 1 << 20:
                    break
            else:
                self._eof = True
        except StreamDamaged as e:
            self._later = e
        return b"".join(out)


def _cell(cell: str) -> Any:
    s = cell.strip()
    if s[:1] in ("{", "[") and s[-1:] in ("}", "]"):
        try:
            return orjson.loads(s)
        except orjson.JSONDecodeError:
            return cell
    return cell


def csv_delimiter(head: bytes) -> str | None:
    """The delimiter of a first line that reads as a header of names (no JSON, at least three
    fields, each a short name), else None."""
    line = head.split(b"\n", 1)[0].strip().removeprefix(b"\xef\xbb\xbf")
    if not line or line[:1] in (b"{", b"[") or b"\x00" in line:
        return None
    for sep in (",", "\t", ";"):
        names = [n.strip().strip(b'"') for n in line.split(sep.encode())]
        if len(names) >= 3 and all(_NAME.fullmatch(n) for n in names):
            return sep
    return None


_NAME = re.compile(rb"[A-Za-z_@$][\w .@$-]{0,63}")
