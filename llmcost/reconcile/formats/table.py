"""CSV exports: a header row, then rows named by their line number in the file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from llmcost.reconcile.lines import LineError


def header(raw: bytes) -> set[str]:
    """The lower-cased column names of a CSV file's first row (empty if it is not text)."""
    try:
        first = raw[:8192].decode("utf-8-sig", errors="strict").splitlines()[0]
    except (UnicodeDecodeError, IndexError):
        return set()
    return {c.strip().lower() for c in next(csv.reader([first]), [])}


def rows(raw: bytes, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {lower-cased column: cell}) for every data row; errors name the row."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise LineError(f"not UTF-8 (byte {e.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        names = [c.strip().lower() for c in next(reader)]
    except StopIteration:
        raise LineError("empty file: no header row") from None
    missing = [c for c in required if c not in names]
    if missing:
        raise LineError(f"row 1: missing column(s) {', '.join(missing)}")
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(names):
                raise LineError(f"row {reader.line_num}: {len(cells)} cells, the header has {len(names)}")
            yield reader.line_num, dict(zip(names, cells, strict=True))
    except csv.Error as e:
        raise LineError(f"row {reader.line_num}: {e}") from None
