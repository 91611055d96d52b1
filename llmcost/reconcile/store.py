"""Importing invoice files into the warehouse: detect the format, read every line, then commit
all the files of one call in one transaction. A file is keyed by the sha256 of its bytes, so the
same export imported twice adds nothing; a malformed file stops the import before anything is
written, with an error naming the file and the row."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmcost.errors import InputError, UsageError
from llmcost.reconcile.formats import FORMAT_NAMES, InvoiceFormat, formats
from llmcost.reconcile.lines import InvoiceLine, LineError
from llmcost.warehouse.sql import SqlFiles

if TYPE_CHECKING:
    import duckdb

MAX_INVOICE_BYTES = 256 << 20

SQL = SqlFiles("llmcost.reconcile")
_LINE_FIELDS = (
    "line_no",
    "day",
    "period_start",
    "period_end",
    "provider",
    "model",
    "token_type",
    "line_item",
    "project",
    "amount_usd",
    "currency",
)


@dataclass(frozen=True)
class ImportResult:
    path: str
    format: str
    sha256: str
    file_id: int
    lines: int
    amount_usd: Decimal
    already: bool  # the same bytes were imported before: nothing added

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "sha256": self.sha256,
            "file_id": self.file_id,
            "lines": self.lines,
            "amount_usd": f"{self.amount_usd:f}",
            "already_imported": self.already,
        }


@dataclass(frozen=True)
class ParsedFile:
    path: Path
    format: str
    sha256: str
    lines: tuple[InvoiceLine, ...]


def detect(raw: bytes, path: Path) -> InvoiceFormat:
    for fmt in formats():
        if fmt.sniff(raw):
            return fmt
    names = ", ".join(FORMAT_NAMES)
    raise InputError(f"{path}: not a known invoice format (pass --invoice-format: {names})")


def parse_file(path: Path, fmt_name: str = "auto") -> ParsedFile:
    try:
        if path.stat().st_size > MAX_INVOICE_BYTES:
            raise InputError(f"{path}: larger than {MAX_INVOICE_BYTES >> 20} MiB; not an invoice export")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such invoice file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory; name the invoice files") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}") from None
    if fmt_name == "auto":
        fmt = detect(raw, path)
    else:
        chosen = [f for f in formats() if f.name == fmt_name]
        if not chosen:
            raise UsageError(
                f"--invoice-format: unknown format {fmt_name!r} (use auto, {', '.join(FORMAT_NAMES)})"
            )
        fmt = chosen[0]
    try:
        lines = tuple(fmt.read(raw))
    except LineError as e:
        raise InputError(f"{path}: {fmt.name}: {e}") from None
    return ParsedFile(path, fmt.name, hashlib.sha256(raw).hexdigest(), lines)


def import_files(
    con: duckdb.DuckDBPyConnection, paths: list[Path], fmt_name: str = "auto"
) -> list[ImportResult]:
    """Import every file or none (a malformed one raises InputError before anything is written)."""
    return import_parsed(con, [parse_file(p, fmt_name) for p in paths])


def import_parsed(con: duckdb.DuckDBPyConnection, parsed: list[ParsedFile]) -> list[ImportResult]:
    """Commit files already read by `parse_file`, all in one transaction."""
    results: list[ImportResult] = []
    con.execute("BEGIN")
    try:
        for pf in parsed:
            results.append(_import_one(con, pf))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return results


def _import_one(con: duckdb.DuckDBPyConnection, pf: ParsedFile) -> ImportResult:
    found = con.execute(SQL.text("file_by_hash"), {"sha256": pf.sha256}).fetchone()
    if found is not None:
        file_id, fmt, lines, amount = found
        return ImportResult(str(pf.path), fmt, pf.sha256, int(file_id), int(lines), Decimal(amount), True)
    row = con.execute(SQL.text("next_file_id")).fetchone()
    file_id = int(row[0]) if row else 1
    total = sum((line.amount_usd for line in pf.lines), Decimal(0))
    con.execute(
        SQL.text("insert_file"),
        {
            "file_id": file_id,
            "sha256": pf.sha256,
            "path": str(pf.path.absolute()),
            "format": pf.format,
            "lines": len(pf.lines),
            "amount_usd": total,
        },
    )
    for start in range(0, len(pf.lines), 5000):
        chunk = pf.lines[start : start + 5000]
        params: dict[str, Any] = {name: [getattr(line, name) for line in chunk] for name in _LINE_FIELDS}
        params["amount_usd"] = [str(a) for a in params["amount_usd"]]  # exact: cast to DECIMAL in SQL
        params["file_id"] = file_id
        con.execute(SQL.text("insert_lines"), params)
    return ImportResult(str(pf.path), pf.format, pf.sha256, file_id, len(pf.lines), total, False)
