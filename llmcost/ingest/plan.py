"""What to read of one input: its format, where the last run stopped, and the line ranges from there.

An input is opened afresh for each look (format detection, the resume check against stored
sources, the read itself, a diagnosis of a file that loaded nothing): `Plan.opener` gives the
decompressed, transcoded stream positioned at byte 0. Standard input is spooled to a temp file
first, so it can be opened like any file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO, Protocol

from llmcost.config import IngestConfig
from llmcost.config.storage import StorageConfig
from llmcost.ingest import formats
from llmcost.ingest.discover import Input
from llmcost.ingest.formats.otlp import OtlpMapper
from llmcost.ingest.lines import LineBatcher
from llmcost.ingest.sources import Resume, locate
from llmcost.ingest.streams import ByteStream, ExpansionLimit, open_stream

if TYPE_CHECKING:
    import duckdb


@dataclass
class Plan:
    format: str  # what the input is read as (ingest/formats)
    opener: Callable[[], ByteStream]  # the input afresh, decoded, at byte 0
    resume: Resume | None  # None: no complete first line yet (a file still being written)


class RawOpener(Protocol):
    """An input that is not a local file (an object in object storage: ingest/objects.py)."""

    size: int  # bytes as stored

    def __call__(self) -> BinaryIO: ...


def plan_file(
    con: duckdb.DuckDBPyConnection,
    path: Path | RawOpener,
    display: str,
    *,
    source: str,
    otlp: OtlpMapper,
    limit: ExpansionLimit,
    take_partial: bool,
) -> Plan:
    """Detect the input's format and find where to resume it; OSError when it cannot be read."""

    def decompressed() -> ByteStream:
        fh = open(path, "rb") if isinstance(path, Path) else path()  # noqa: SIM115 - closed by the stream
        head = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
        return open_stream(fh, head, limit)

    probe = decompressed()
    try:
        head = formats.read_head(probe)
    finally:
        probe.close()
    found = formats.detect(head, display, source, otlp, take_partial=take_partial)

    def opener() -> ByteStream:
        stream = decompressed()
        return found.make(stream) if found.make is not None else stream

    return Plan(found.format, opener, locate(con, opener, take_partial=take_partial))


def line_batches(resume: Resume, ingest: IngestConfig, *, take_partial: bool) -> LineBatcher:
    """The batches of lines from the resume point on. A compressed stream that ended is whole, so
    its last line counts even without a newline; a plain file's may still be being written."""
    return LineBatcher(
        resume.stream,
        start_offset=resume.offset,
        start_line=resume.line_no,
        batch_bytes=ingest.batch_bytes,
        max_line=ingest.max_line_bytes,
        take_partial=take_partial or resume.stream.compression != "plain",
    )


@contextlib.contextmanager
def materialised(inp: Input, storage: StorageConfig | None = None) -> Iterator[tuple[Path | RawOpener, str]]:
    """Standard input is spooled to a private temp file so it can be read like any file (its
    first bytes, already read for screening, first). An object in object storage is read where
    it is, by ranged reads."""
    if inp.path is not None:
        yield inp.path, inp.display
        return
    if inp.obj is not None:
        from llmcost.ingest.objects import ObjectOpener

        yield ObjectOpener(inp.obj, storage or StorageConfig()), inp.display
        return
    fd, name = tempfile.mkstemp(prefix="llmcost-stdin-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(inp.head)  # what sniff.py read before the run began
            src: IO[bytes] = sys.stdin.buffer
            shutil.copyfileobj(src, out, 1 << 20)
        yield Path(name), inp.display
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
