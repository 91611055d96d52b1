"""Split a byte stream into batches of complete lines, vectorised with numpy.

A batch is a window of one reusable buffer plus the start/end of every line in it, so a million
lines cost a few numpy calls, not a million Python iterations. Lines longer than the cap are
reported (offset, length, first bytes) without ever being held whole in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from llmcost.ingest.streams import ByteStream, StreamDamaged

NL = 10
CR = 13
# A batch also ends after this many lines: staging materialises a few dozen columns per line, so a
# batch of tiny lines (blank lines, `{}`) must not grow with the line count (40 MB of newlines
# once peaked at 10 GB). Typical 200-500-byte log lines fill a 32 MB batch with 65-160k lines.
MAX_BATCH_LINES = 1 << 17


@dataclass
class Oversize:
    line_no: int
    offset: int
    length: int
    head: bytes


@dataclass
class Batch:
    """Complete lines [first_line, first_line + n) covering bytes [start, end) of the stream."""

    data: np.ndarray  # uint8 view of the buffer: valid until the next batch is read
    starts: np.ndarray  # int64 offsets into data of each line
    ends: np.ndarray  # int64 offset of each line's newline (or of the end of a final line)
    start: int
    end: int
    first_line: int  # number of the line at starts[0]
    # lines too long for the buffer, reported without their content (own line numbers)
    oversize: list[Oversize] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return len(self.starts) + len(self.oversize)


@dataclass
class Tail:
    """What remains after the last batch."""

    pending_bytes: int = 0  # an unterminated last line, left for the next run
    damage: str | None = None
    damage_offset: int = 0


class LineBatcher:
    def __init__(
        self,
        stream: ByteStream,
        *,
        start_offset: int,
        start_line: int,
        batch_bytes: int,
        max_line: int,
        take_partial: bool,
        max_lines: int = MAX_BATCH_LINES,
    ) -> None:
        self.stream = stream
        self.max_lines = max_lines
        self.offset = start_offset  # stream offset of buf[0]
        self.line_no = start_line  # number of the next line (1-based)
        self.cap = max(batch_bytes, 2 * max_line)
        self.max_line = max_line
        self.take_partial = take_partial
        self.buf = np.empty(self.cap, dtype=np.uint8)
        self.have = 0
        self.tail = Tail()
        self._skipping: Oversize | None = None  # inside a line longer than the buffer

    def _fill(self) -> bool:
        """Read more bytes into the buffer; False at end of stream (or damage)."""
        view = memoryview(self.buf)[self.have :]  # type: ignore[arg-type]
        try:
            n = self.stream.readinto(view)
        except StreamDamaged as e:
            self.tail.damage = str(e)
            self.tail.damage_offset = self.offset + self.have
            return False
        self.have += n
        return n > 0

    def __iter__(self) -> Iterator[Batch]:
        eof = False
        while True:
            while self.have < self.cap and not eof:
                if not self._fill():
                    eof = True
            window = self.buf[: self.have]
            nl = np.flatnonzero(window == NL)
            if self._skipping is not None:
                # inside a line longer than the buffer: drop bytes up to its newline
                cut = int(nl[0]) if len(nl) else self.have
                self._skipping.length += cut
                if len(nl) == 0 and not eof:
                    self._drop(self.have)
                    continue
                done, self._skipping = self._skipping, None
                self._drop(min(cut + 1, self.have))
                yield self._batch(self.buf[:0], np.empty(0, np.int64), np.empty(0, np.int64), 0, [done])
                if eof and self.have == 0:
                    return
                continue
            if len(nl) == 0 and self.have >= self.cap:
                self._skipping = Oversize(self.line_no, self.offset, self.have, bytes(window[:4096]))
                self.line_no += 1
                self._drop(self.have)
                continue
            # as many lines as a batch takes, and more bytes after them: the rest comes next
            full = len(nl) >= self.max_lines and int(nl[self.max_lines - 1]) + 1 < self.have
            if full:
                nl = nl[: self.max_lines]
            ends = nl.astype(np.int64)
            end = int(nl[-1]) + 1 if len(nl) else 0
            if eof and not full and end < self.have:
                if self.take_partial or self.tail.damage:
                    # a complete (compressed, piped or damaged) stream: its last line is whole
                    ends = np.append(ends, self.have)
                    end = self.have
                else:
                    self.tail.pending_bytes = self.have - end
            starts = np.empty(len(ends), dtype=np.int64)
            if len(ends):
                starts[0] = 0
                starts[1:] = ends[:-1] + 1
            if len(ends):
                yield self._batch(window, starts, ends, end, [])
            if eof and not full:
                return
            self._drop(end)

    def _drop(self, n: int) -> None:
        """Forget the first n bytes of the buffer (they have been delivered)."""
        rest = self.have - n
        if rest:
            self.buf[:rest] = self.buf[n : self.have]
        self.have = rest
        self.offset += n

    def _batch(
        self,
        window: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        end: int,
        oversize: list[Oversize],
    ) -> Batch:
        batch = Batch(
            data=window,
            starts=starts,
            ends=ends,
            start=self.offset,
            end=self.offset + end,
            first_line=self.line_no,
            oversize=oversize,
        )
        self.line_no += len(starts)
        return batch
