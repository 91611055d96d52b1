"""Which stream is this? A source is identified by its content, not its path.

The head fingerprint is a hash of the first line (at most 4 KiB). A stored source matches when
the heads agree AND the 4 KiB before its committed offset agree too, so two files that merely
start alike (same header line) are told apart, while a renamed, rotated or re-compressed copy of
a known stream resumes where the last run stopped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmcost.ingest.streams import ByteStream, Pushback, StreamDamaged
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

SQL = SqlFiles("llmcost.ingest")
HEAD_MAX = 4096
TAIL_WINDOW = 4096


def fingerprint(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class Resume:
    source_id: int | None  # None: a stream never seen before
    offset: int
    line_no: int  # number of the next line
    head_fp: str
    stream: ByteStream  # positioned at `offset`
    window: bytes = b""  # the (up to) 4 KiB just before `offset`
    head: bytes = b""  # the first line
    second: bytes = b""  # the start of the second line (new streams only)

    @property
    def is_json_document(self) -> bool:
        """A pretty-printed JSON document, not JSON lines: the first line a lone '{' or '[', and
        the second an indented member, a key, or a bracket. A JSON-lines file that merely opens
        with a stray '{' (its second line a record at the margin, or no second line) is read as
        lines, so that each line is accounted for."""
        if self.head.strip().lstrip(b"\xef\xbb\xbf").strip() not in (b"{", b"["):
            return False
        nxt = self.second.rstrip(b"\r\n")
        if not nxt.strip():
            return False
        # a record at the margin (not a lone bracket) means JSON lines
        return not (nxt[:1] in (b"{", b"[") and nxt.strip() not in (b"{", b"["))


def read_head(stream: ByteStream) -> tuple[bytes, bytes]:
    """(head line used for the fingerprint, all bytes read so far)."""
    got = b""
    while len(got) < HEAD_MAX + 1:
        try:
            chunk = stream.read(HEAD_MAX + 1 - len(got))
        except StreamDamaged:
            break  # the batcher meets the damage again and reports it, with its offset
        if not chunk:
            break
        got += chunk
    nl = got.find(b"\n")
    head = got[: nl + 1] if nl >= 0 else got[:HEAD_MAX]
    return head, got


def locate(
    con: duckdb.DuckDBPyConnection, open_stream: Callable[[], ByteStream], *, take_partial: bool
) -> Resume | None:
    """Find where to resume; None when the stream has no complete first line yet.

    `open_stream` opens the input afresh (positioned at 0); it is called again for each stored
    candidate whose check needs reading past what is already buffered.
    """
    stream = open_stream()
    head, got = read_head(stream)
    unfinished = not head.endswith(b"\n") and len(got) <= HEAD_MAX
    whole = take_partial or stream.compression != "plain"  # a finished stream's last line is whole
    if not head or (unfinished and not whole):
        stream.close()
        return None  # no complete first line yet: a file still being written
    head_fp = fingerprint(head)
    candidates = SQL.run(con, "source_candidates", {"head_fp": head_fp})
    for source_id, offset, lines, tail_fp in candidates:
        if offset <= len(got):
            window = got[max(0, offset - TAIL_WINDOW) : offset]
            if fingerprint(window) == tail_fp:
                return Resume(
                    source_id, offset, lines + 1, head_fp, Pushback(stream, got[offset:], offset), window
                )
            continue
        if stream.position != len(got):  # an earlier candidate read past our buffer: start over
            stream.close()
            stream = open_stream()
            _, got = read_head(stream)
        try:
            skipped = stream.skip(offset - len(got))
        except StreamDamaged:
            continue
        window = (got[-TAIL_WINDOW:] + skipped)[-TAIL_WINDOW:]
        if stream.position == offset and fingerprint(window) == tail_fp:
            return Resume(source_id, offset, lines + 1, head_fp, Pushback(stream, b"", offset), window, head)
    if stream.position != len(got):
        stream.close()
        stream = open_stream()
        _, got = read_head(stream)
    second = got[len(head) :].split(b"\n", 1)[0]
    return Resume(None, 0, 1, head_fp, Pushback(stream, got, 0), b"", head, second)


def tail_fingerprint(window: bytes) -> str:
    return fingerprint(window[-TAIL_WINDOW:])
