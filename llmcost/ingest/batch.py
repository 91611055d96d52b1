"""One batch of lines as an Arrow table for DuckDB, with bad bytes found before SQL sees them.

The `line` column points into the read buffer without copying: value i spans from the start of
line i to the start of line i+1, so it carries its own line ending, which the JSON functions
treat as whitespace.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from llmcost.ingest.lines import Batch

RAW_CAP = 4096


def printable(raw: bytes, limit: int = RAW_CAP) -> str:
    """Raw bytes as text for the rejects table: invalid UTF-8 shown as \\xNN escapes, capped."""
    return raw[:limit].decode("utf-8", errors="backslashreplace").rstrip("\r\n")


def to_arrow(batch: Batch, max_line: int, *, copy: bool = False) -> pa.Table:
    """line_no, byte_offset, line (NULL when unusable), bad (why), raw (for those), per line.

    With copy, the table owns its bytes (the batch's buffer is reused for the next batch)."""
    data, starts, ends = batch.data, batch.starts, batch.ends
    if copy:
        data = data.copy()
    n = len(starts)
    offsets = np.empty(n + 1, dtype=np.int64)
    offsets[:n] = starts
    offsets[n] = batch.end - batch.start
    lines = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    bad: list[str | None] | None = None
    raw: list[str | None] | None = None
    too_long = (ends - starts) > max_line
    try:
        lines.validate(full=True)
        invalid: list[int] = []
    except pa.ArrowInvalid:
        invalid = _invalid_utf8(data, starts, ends)
    if invalid or too_long.any():
        bad = [None] * n
        raw = [None] * n
        keep = np.ones(n, dtype=bool)
        for i in invalid:
            bad[i] = "invalid UTF-8"
            raw[i] = printable(data[starts[i] : ends[i]].tobytes())
            keep[i] = False
        for i in np.flatnonzero(too_long).tolist():
            bad[i] = f"line longer than {max_line} bytes ({int(ends[i] - starts[i])} bytes)"
            raw[i] = printable(data[starts[i] : starts[i] + RAW_CAP].tobytes())
            keep[i] = False
        validity = pa.py_buffer(np.packbits(keep, bitorder="little"))
        lines = pa.Array.from_buffers(
            pa.large_string(),
            n,
            [validity, pa.py_buffer(offsets), pa.py_buffer(data)],
            null_count=int(n - keep.sum()),
        )
    line_nos = np.arange(batch.first_line, batch.first_line + n, dtype=np.int64)
    byte_offsets = starts + batch.start
    table = pa.table(
        {
            "line_no": pa.array(line_nos),
            "byte_offset": pa.array(byte_offsets),
            "line": lines,
            "bad": pa.array(bad, type=pa.string()) if bad is not None else pa.nulls(n, pa.string()),
            "raw": pa.array(raw, type=pa.string()) if raw is not None else pa.nulls(n, pa.string()),
        }
    )
    if batch.oversize:
        extra = pa.table(
            {
                "line_no": pa.array([o.line_no for o in batch.oversize], type=pa.int64()),
                "byte_offset": pa.array([o.offset for o in batch.oversize], type=pa.int64()),
                "line": pa.nulls(len(batch.oversize), pa.large_string()),
                "bad": pa.array(
                    [f"line longer than {max_line} bytes ({o.length} bytes)" for o in batch.oversize],
                    type=pa.string(),
                ),
                "raw": pa.array([printable(o.head) for o in batch.oversize], type=pa.string()),
            }
        )
        table = pa.concat_tables([table, extra])
    # several record batches, so DuckDB scans them on all cores (one chunk is one thread)
    return pa.Table.from_batches(table.to_batches(max_chunksize=max(1024, table.num_rows // 8 + 1)))


def _invalid_utf8(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[int]:
    """Indices of lines that are not valid UTF-8 (only called when the batch as a whole is not)."""
    bad = []
    raw = data.tobytes()
    for i, (s, e) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        try:
            raw[s:e].decode("utf-8")
        except UnicodeDecodeError:
            bad.append(i)
    return bad
