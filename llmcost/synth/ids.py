"""Identifiers made from a seeded generator, a million at a time (uuid4 request ids, hex trace ids)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

# Two ASCII hex digits per byte value, laid out so that a little-endian uint16 view is "hi lo".
_HEX_PAIRS = np.array([int.from_bytes(f"{i:02x}".encode(), "little") for i in range(256)], dtype=np.uint16)


def _hex_chars(raw: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    n, width = raw.shape
    return _HEX_PAIRS[raw].view(np.uint8).reshape(n, width * 2)


def _strings(chars: npt.NDArray[np.uint8]) -> pl.Series:
    n, width = chars.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    arr = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(chars)))
    out = pl.from_arrow(arr)
    assert isinstance(out, pl.Series)
    return out


def uuid4s(rng: np.random.Generator, n: int) -> pl.Series:
    """`n` random RFC 4122 version-4 UUIDs in canonical 8-4-4-4-12 form."""
    raw = np.frombuffer(rng.bytes(n * 16), dtype=np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    hx = _hex_chars(raw)
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    for dst, src in ((0, 0), (9, 8), (14, 12), (19, 16), (24, 20)):
        width = {0: 8, 24: 12}.get(dst, 4)
        out[:, dst : dst + width] = hx[:, src : src + width]
    return _strings(out)


def hex_ids(rng: np.random.Generator, n: int, nbytes: int = 16) -> pl.Series:
    """`n` random lowercase hex ids of `2 * nbytes` digits (W3C trace ids by default)."""
    raw = np.frombuffer(rng.bytes(n * nbytes), dtype=np.uint8).reshape(n, nbytes)
    return _strings(_hex_chars(raw))
