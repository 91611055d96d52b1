"""Is this input a text log at all? Screening of each input's first bytes before anything is recorded.

A program, an image, an archive or a database given to `llmcost ingest` would otherwise be read
line by line: hundreds of rejects of binary bytes, and an "unfinished last line" note that stays
forever. UTF-16 text would fare no better (every other byte a NUL). Such inputs are refused,
saying what they look like. Compressed inputs (gzip, zstd) are looked at inside; OTLP protobuf
files are binary by design and pass.

A CSV named on the command line is screened too: a provider's billing export belongs to
`llmcost invoices import` (which importers recognise it is asked of the caller, `billing`, since
reconcile is not ingest's to import); a CSV with no column a log record is read from is not a log.
"""

from __future__ import annotations

import re
import sys
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from llmcost.ingest.discover import STDIN, Input, Skipped
from llmcost.ingest.objects import ObjectStoreError
from llmcost.ingest.streams import GZIP_MAGIC, ZSTD_MAGIC
from llmcost.numbers import count

if TYPE_CHECKING:
    from llmcost.config.storage import StorageConfig

# The format readers (ingest/formats, fields) are imported only for a head that needs them: this
# runs before the writer lock is taken, and a second writer must be told who holds it at once.

HEAD = 8 << 10  # what is looked at: git's binary test looks at the first 8000 bytes too

# (offset, magic, what it is): formats whose first bytes say so, most specific first
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x7fELF", "an ELF executable or library"),
    (0, b"\xfe\xed\xfa\xce", "a Mach-O executable"),
    (0, b"\xfe\xed\xfa\xcf", "a Mach-O executable"),
    (0, b"\xce\xfa\xed\xfe", "a Mach-O executable"),
    (0, b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (0, b"\xca\xfe\xba\xbe", "a Mach-O universal binary or Java class file"),
    (0, b"\x00asm", "a WebAssembly module"),
    (0, b"PK\x03\x04", "a zip archive (or jar, docx, xlsx)"),
    (0, b"PK\x05\x06", "an empty zip archive"),
    (0, b"PK\x07\x08", "a zip archive"),
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, b"%PDF-", "a PDF document"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 document (old Word/Excel/Outlook)"),
    (0, b"SQLite format 3\x00", "an SQLite database"),
    (8, b"DUCK", "a DuckDB database"),
    (0, b"PAR1", "a Parquet file"),
    (0, b"ARROW1", "an Arrow IPC file"),
    (0, b"Obj\x01", "an Avro data file"),
    (0, b"\xfd7zXZ\x00", "an xz archive (decompress it first: llmcost reads gzip and zstd)"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"Rar!\x1a\x07", "a RAR archive"),
    (0, b"\x04\x22\x4d\x18", "an LZ4 frame (decompress it first: llmcost reads gzip and zstd)"),
    (257, b"ustar", "a tar archive (unpack it and name the log files)"),
    (4, b"ftyp", "an MP4/QuickTime media file"),
)
# magics a line of text could begin with: the format's NUL bytes must be there too
_TEXTUAL = frozenset({b"DUCK", b"PAR1", b"ARROW1", b"ustar", b"ftyp"})
# bzip2: "BZh", the block size digit, then the block magic (the digits of pi)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")
_RIFF = re.compile(rb"RIFF....(WEBP|WAVE|AVI )", re.DOTALL)
_PE = re.compile(rb"MZ.{58}", re.DOTALL)  # a DOS header (64 bytes): checked with its NUL bytes

_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32 text"),
    (b"\x00\x00\xfe\xff", "UTF-32 text"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
)
_RECODE = "re-encode it as UTF-8 first, e.g. with `iconv -f {enc} -t UTF-8`"


def _log_columns() -> frozenset[str]:
    """The CSV columns a log record is read from (a model, a token count, an event name), lower-cased."""
    from llmcost.ingest.fields import EVENT_NAME, REQUEST

    cols = ("model", "input_tokens", "output_tokens", "cached_input_tokens")
    return frozenset(a.lower() for c in cols for a in REQUEST[c]) | frozenset(n.lower() for n in EVENT_NAME)


def _gateway_csv(first: bytes) -> str | None:
    from llmcost.ingest.formats import _ch_header, _litellm_header

    if _litellm_header(first):
        return "a LiteLLM SpendLogs CSV export"
    if _ch_header(first):
        return "a Helicone ClickHouse CSV export"
    return None


_TABLE_SUFFIXES = (".csv", ".tsv")
READS = (
    "llmcost reads JSON lines (application logs, provider responses, gateway exports), OTLP JSON or "
    "protobuf, CloudWatch/Datadog exports, and LiteLLM/Helicone/Langfuse CSV exports, plain, "
    "gzip or zstd"
)


@dataclass(frozen=True)
class Screened:
    inputs: list[Input]  # to read (standard input with its head kept, to be read first)
    refused: list[Skipped]  # named inputs that are not logs: the command is refused
    passed_over: list[Skipped]  # files a walk found that are not logs: mentioned, not read
    notes: list[str]  # what a named CSV was taken for


def decompressed_head(raw: bytes) -> bytes:
    """Up to HEAD bytes of what `raw` (the first bytes of an input) holds, inside gzip or zstd."""
    try:
        if raw.startswith(GZIP_MAGIC):
            return zlib.decompressobj(wbits=31).decompress(raw, HEAD)
        if raw.startswith(ZSTD_MAGIC):
            import io

            import zstandard

            reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw))
            return bytes(reader.read(HEAD))  # bounded: a frame may expand a thousandfold
    except Exception:  # damage is the pipeline's to report, with its offset
        return b""
    return raw[:HEAD]


def binary_kind(head: bytes, name: str = "") -> str | None:
    """What an input whose (decompressed) first bytes are `head` looks like when it is not a text
    log: "an ELF executable or library", "UTF-16 text (...)", ...; None when it may be one."""
    for offset, magic, what in _MAGIC:
        if head[offset : offset + len(magic)] == magic and (magic not in _TEXTUAL or b"\x00" in head):
            return what
    if _BZIP2.match(head):
        return "a bzip2 archive (decompress it first: llmcost reads gzip and zstd)"
    if _RIFF.match(head):
        return "a RIFF media file"
    if _PE.match(head) and b"\x00" in head[2:64]:
        return "a Windows (PE/DOS) executable"
    for bom, what in _BOMS:
        if head.startswith(bom):
            return f"{what} ({_RECODE.format(enc=what.split()[0])})"
    if b"\x00" not in head:
        return None
    utf16 = _utf16_without_bom(head)
    found = (
        f"UTF-16 text without a byte order mark ({_RECODE.format(enc=utf16)})" if utf16 else _nul_bytes(head)
    )
    if found is None:
        return None
    from llmcost.ingest.formats.otlp_proto import looks_like_proto

    lower = name.lower().removesuffix(".gz").removesuffix(".zst").removesuffix(".zstd")
    if lower.endswith((".pb", ".binpb", ".proto")) or looks_like_proto(head):
        return None  # OTLP protobuf: binary by design
    return found


def _utf16_without_bom(head: bytes) -> str | None:
    """ASCII written as UTF-16: every other byte a NUL."""
    sample = head[: len(head) & ~1][:512]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "UTF-16LE"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "UTF-16BE"
    return None


def _nul_bytes(head: bytes) -> str | None:
    """Binary data: most of the head's bytes sit on lines holding NUL bytes. A stray NUL on a line
    of text, or a run of NULs before the text (a log truncated while its writer kept its offset),
    leaves the lines after it to be read, each line accounted for as usual."""
    body = head.lstrip(b"\x00")
    if head and not body:
        return f"binary data (its first {count(len(head))} bytes are all NUL)"
    if b"\x00" not in body:
        return None
    binary = sum(len(line) + 1 for line in body.split(b"\n") if b"\x00" in line)
    if binary * 2 <= len(body):
        return None
    first = head.index(b"\x00", len(head) - len(body))
    return f"binary data (NUL bytes from byte {count(first)})"


def csv_kind(
    head: bytes,
    name: str,
    billing: Callable[[bytes], str | None],
    aliases: Iterable[str] = (),
    *,
    judge_columns: bool = True,
) -> tuple[str | None, str | None]:
    """(why it is refused, what it was taken for) for an input whose first bytes are `head`.

    A billing export is refused with the command that reads it, wherever it comes from; a CSV
    named `.csv`/`.tsv` whose header has no column a record is read from is refused as not a log
    (unless not `judge_columns`: a source given with `--source` says how to read it)."""
    lower = name.lower().removesuffix(".gz").removesuffix(".zst").removesuffix(".zstd")
    first = head.split(b"\n", 1)[0]
    table = lower.endswith(_TABLE_SUFFIXES)
    opens_json = first.lstrip().removeprefix(b"\xef\xbb\xbf")[:1] in (b"{", b"[")
    if not table and (opens_json or not any(d in first for d in (b",", b"\t", b";"))):
        return None, None  # JSON, or no delimiter: no CSV header
    from llmcost.ingest.formats.csv_rows import csv_delimiter

    delimiter = csv_delimiter(head)
    if delimiter is None and not table:
        return None, None
    gateway = _gateway_csv(first)
    if gateway is not None:
        return None, f"read as {gateway}"
    bill = billing(head)
    if bill is not None:
        file = "FILE" if name == STDIN else name
        return (
            f"a provider billing export, not a log ({bill}): "
            f"import it with `llmcost invoices import {file}`, then run `llmcost reconcile`",
            None,
        )
    if not judge_columns or not table:
        return None, None
    names = {
        n.strip().strip(b'"').decode("utf-8", "replace").lower()
        for n in first.strip().removeprefix(b"\xef\xbb\xbf").split((delimiter or ",").encode())
    }
    if names & (_log_columns() | {a.lower() for a in aliases}):
        return None, None
    shown = ", ".join(sorted(names)[:6]) + (", ..." if len(names) > 6 else "")
    return (
        f"a CSV with no model, token or event column ({shown}): CSV is not a log format llmcost "
        f"reads. {READS}",
        None,
    )


def screen(
    inputs: list[Input],
    *,
    source: str = "auto",
    billing: Callable[[bytes], str | None] = lambda head: None,
    aliases: Iterable[str] = (),
    storage: StorageConfig | None = None,
) -> Screened:
    """Each input's first bytes, judged. Standard input's are read here (and kept in its Input)."""
    kept: list[Input] = []
    refused: list[Skipped] = []
    passed_over: list[Skipped] = []
    notes: list[str] = []
    aliases = tuple(aliases)
    for inp in inputs:
        try:
            inp, raw = _raw_head(inp, storage)
        except OSError as e:
            refused.append(Skipped(inp.display, f"cannot be read: {e.strerror or e}", refused=True))
            continue
        except ObjectStoreError as e:  # already one line
            refused.append(Skipped(inp.display, f"cannot be read: {e}", refused=True))
            continue
        head = decompressed_head(raw)
        what = binary_kind(head, inp.display)
        if what is not None:
            reason = f"not a text log: it looks like {what}"
            if inp.named:
                refused.append(Skipped(inp.display, reason, refused=True))
            else:
                passed_over.append(Skipped(inp.display, reason))
            continue
        if inp.named:
            problem, note = csv_kind(head, inp.display, billing, aliases, judge_columns=source == "auto")
            if problem is not None:
                refused.append(Skipped(inp.display, problem, refused=True))
                continue
            if note is not None:
                notes.append(f"{inp.display}: {note}")
        kept.append(inp)
    return Screened(kept, refused, passed_over, notes)


def _raw_head(inp: Input, storage: StorageConfig | None) -> tuple[Input, bytes]:
    if inp.obj is not None:
        from llmcost.config.storage import StorageConfig
        from llmcost.ingest.objects import read_head

        return inp, read_head(inp.obj, storage or StorageConfig(), HEAD)
    if inp.path is not None:
        with open(inp.path, "rb") as fh:
            return inp, fh.read(HEAD)
    head = inp.head
    src = sys.stdin.buffer
    while len(head) < HEAD:
        piece = src.read1(HEAD - len(head)) if hasattr(src, "read1") else src.read(HEAD - len(head))
        if not piece:
            break
        head += piece
    return replace(inp, head=head), head
