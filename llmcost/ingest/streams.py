"""Decompressed byte streams for plain, gzip and zstd inputs, with damage and bomb detection.

Compression is recognised by magic bytes, not the file name, so a plain file named `.gz` reads
as plain text and a gzip without the suffix is still decompressed.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_READ = 1 << 20


class StreamDamaged(Exception):
    """The stream cannot be read past this point; everything before it was delivered."""


@dataclass(frozen=True)
class ExpansionLimit:
    ratio: int
    check_after: int


def sniff(head: bytes) -> str:
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return "plain"


class ByteStream:
    """Read-forward access to the decompressed content of one input."""

    compression = "plain"

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.position = 0  # decompressed bytes delivered so far

    def read(self, n: int) -> bytes:
        data = self._raw.read(n)
        self.position += len(data)
        return data

    def readinto(self, view: memoryview) -> int:
        n = self._raw.readinto(view)  # type: ignore[attr-defined]
        n = n or 0
        self.position += n
        return n

    def skip(self, n: int) -> bytes:
        """Advance n bytes; return the last (up to) 4 KiB skipped, for the resume check."""
        seekable = self.compression == "plain" and getattr(self._raw, "seekable", lambda: False)()
        if seekable and n > 4096:
            self._raw.seek(n - 4096, 1)
            self.position += n - 4096
            n = 4096
        tail = b""
        while n > 0:
            chunk = self.read(min(n, _READ))
            if not chunk:
                break
            n -= len(chunk)
            tail = (tail + chunk)[-4096:]
        return tail

    def close(self) -> None:
        self._raw.close()


class ProducedStream(ByteStream):
    """Bytes produced piece by piece by `_more()` (decompressed, or transcoded from another format),
    buffered for read(n). Pieces are joined once per read (appending each to a buffer is quadratic).

    Damage met while producing a piece that is still whole goes to `_later`: the piece is delivered
    first, the damage raised once everything before it has been read."""

    def __init__(self, raw: BinaryIO | None) -> None:
        self._raw = raw  # type: ignore[assignment]  # None: the subclass reads another stream
        self.position = 0
        self._pending = b""
        self._eof = False
        self._damage: StreamDamaged | None = None
        self._later: StreamDamaged | None = None

    def _more(self) -> bytes:
        raise NotImplementedError

    def _check(self, produced: int) -> None:
        """Called with the bytes produced so far (delivered + buffered); may raise StreamDamaged."""

    def read(self, n: int) -> bytes:
        if len(self._pending) < n:
            self._fill(n)
        if not self._pending:
            if self._damage is None and self._later is not None:
                self._damage, self._later = self._later, None
            if self._damage is not None:
                raise self._damage
        if len(self._pending) <= n:
            out, self._pending = self._pending, b""
        else:
            out, self._pending = self._pending[:n], self._pending[n:]
        self.position += len(out)
        return out

    def _fill(self, n: int) -> None:
        parts, size = [self._pending], len(self._pending)
        while size < n and not self._eof and self._damage is None and self._later is None:
            try:
                piece = self._more()
            except StreamDamaged as e:
                self._damage = e
                break
            parts.append(piece)
            size += len(piece)
            try:
                self._check(self.position + size)
            except StreamDamaged as e:
                self._damage = e
                parts, size = [], 0  # nothing of a refused stream is delivered past this point
                break
        self._pending = b"".join(parts)

    def readinto(self, view: memoryview) -> int:
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)


class _Decompressing(ProducedStream):
    def __init__(self, raw: BinaryIO, limit: ExpansionLimit) -> None:
        super().__init__(raw)
        self._limit = limit
        self.consumed = 0  # compressed bytes read

    def _check(self, produced: int) -> None:
        if produced > self._limit.check_after and produced > self._limit.ratio * max(self.consumed, 1):
            raise StreamDamaged(
                f"decompressed size exceeds {self._limit.ratio}x the compressed size "
                f"({produced} bytes from {self.consumed}): refusing a likely decompression bomb"
            )


class GzipStream(_Decompressing):
    """gzip with concatenated members; truncation and trailing garbage are reported, not hidden."""

    compression = "gzip"

    def __init__(self, raw: BinaryIO, limit: ExpansionLimit) -> None:
        super().__init__(raw, limit)
        self._d = zlib.decompressobj(wbits=31)
        self._in = b""

    def _more(self) -> bytes:
        if not self._in:
            self._in = self._raw.read(_READ)
            self.consumed += len(self._in)
            if not self._in:
                self._eof = True
                if not self._d.eof and (self.consumed > 0):
                    raise StreamDamaged(
                        f"gzip stream truncated after {self.consumed} compressed bytes "
                        "(missing end of stream or trailer)"
                    )
                return b""
        try:
            out = self._d.decompress(self._in, _READ)
        except zlib.error as e:
            self._eof = True
            raise StreamDamaged(f"gzip data corrupt near compressed byte {self.consumed}: {e}") from None
        self._in = self._d.unconsumed_tail
        if self._d.eof:
            rest = self._d.unused_data + self._in
            self._in = b""
            if rest.startswith(GZIP_MAGIC):
                self._d = zlib.decompressobj(wbits=31)  # next member
                self._in = rest
            elif rest.strip(b"\x00"):
                self._eof = True
                self._later = StreamDamaged(f"{len(rest)}+ bytes of trailing garbage after the gzip data")
            else:
                # only zero padding left in this read; more may follow in the file
                nxt = self._raw.read(_READ)
                self.consumed += len(nxt)
                if nxt.startswith(GZIP_MAGIC):
                    self._d = zlib.decompressobj(wbits=31)
                    self._in = nxt
                elif nxt.strip(b"\x00"):
                    self._eof = True
                    self._later = StreamDamaged("trailing garbage after the gzip data")
                else:
                    self._eof = True
        return out


class ZstdStream(_Decompressing):
    compression = "zstd"

    def __init__(self, raw: BinaryIO, limit: ExpansionLimit) -> None:
        super().__init__(raw, limit)
        import zstandard

        self._zerr = zstandard.ZstdError
        self._r = zstandard.ZstdDecompressor().stream_reader(
            _Counting(raw, self),  # type: ignore[arg-type]  # any object with read() will do
            read_across_frames=True,
            read_size=_READ,
        )

    def _more(self) -> bytes:
        try:
            out: bytes = self._r.read(_READ)
        except self._zerr as e:
            self._eof = True
            raise StreamDamaged(f"zstd data corrupt or truncated: {e}") from None
        if not out:
            self._eof = True
        return out


class _Counting:
    def __init__(self, raw: BinaryIO, owner: _Decompressing) -> None:
        self._raw = raw
        self._owner = owner

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        self._owner.consumed += len(data)
        return data


def open_stream(raw: BinaryIO, head: bytes, limit: ExpansionLimit) -> ByteStream:
    kind = sniff(head)
    if kind == "gzip":
        return GzipStream(raw, limit)
    if kind == "zstd":
        return ZstdStream(raw, limit)
    return ByteStream(raw)


class Pushback(ByteStream):
    """A stream with bytes already read put back in front of it."""

    def __init__(self, inner: ByteStream, prefix: bytes, position: int) -> None:
        self._inner = inner
        self._prefix = prefix
        self.position = position
        self.compression = inner.compression

    def read(self, n: int) -> bytes:
        if self._prefix:
            out, self._prefix = self._prefix[:n], self._prefix[n:]
        else:
            out = self._inner.read(n)
        self.position += len(out)
        return out

    def readinto(self, view: memoryview) -> int:
        if self._prefix:
            n = min(len(view), len(self._prefix))
            view[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
        else:
            n = self._inner.readinto(view)
        self.position += n
        return n

    @property
    def inner(self) -> ByteStream:
        return self._inner

    def close(self) -> None:
        self._inner.close()
