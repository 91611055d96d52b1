"""`llmcost ingest --explain FILE`: for the first lines of a file, what each line was taken for
and where every canonical column came from — the first thing to look at when numbers look wrong.

It runs the real staging SQL on an in-memory database (no warehouse is touched); only the
"which field did this come from" lookup is done in Python, over the few lines shown.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from llmcost.config import Config
from llmcost.ingest import formats
from llmcost.ingest.batch import to_arrow
from llmcost.ingest.diagnose import diagnose
from llmcost.ingest.fields import FieldMap
from llmcost.ingest.formats.otlp import OtlpMapper
from llmcost.ingest.formats.shapes import shape_of
from llmcost.ingest.lines import LineBatcher
from llmcost.ingest.price import price
from llmcost.ingest.stage import Stager
from llmcost.ingest.streams import ByteStream, ExpansionLimit, open_stream
from llmcost.pricing.hook import pricer_for
from llmcost.warehouse.sql import SqlFiles

SQL = SqlFiles("llmcost.ingest")

# canonical column -> the staged/raw column names its source is looked up under
SHOWN = [
    "request_id",
    "ts",
    "trace_id",
    "session_id",
    "tenant_id",
    "user_id",
    "feature",
    "provider",
    "model",
    "operation",
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    "latency_ms",
    "outcome",
    "cache_hit",
    "logged_cost_usd",
    "cost_usd",
    "price_ref",
]
# canonical columns whose value may combine several fields (provider semantics)
DERIVED_FROM = {
    "input_tokens": ["input_tokens", "anthropic_cache_read", "anthropic_cache_creation"],
    "cached_input_tokens": ["anthropic_cache_read", "cached_input_tokens"],
    "cache_write_tokens": ["anthropic_cache_creation", "cache_write_tokens"],
    "output_tokens": ["gemini_candidates", "output_tokens", "reasoning_tokens"],
}


@dataclass
class LineExplanation:
    line_no: int
    kind: str
    event: str | None
    reason: str | None = None
    detail: str | None = None
    shape: str | None = None  # which known record shape the line looks like (formats/shapes.py)
    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


def _lookup(record: Any, path: tuple[str, ...]) -> Any:
    """The value at `path`, matching keys whatever their case and reading objects held as JSON
    text, as staging does."""
    node = record
    for part in path:
        if isinstance(node, str) and node.lstrip().startswith("{"):
            with contextlib.suppress(orjson.JSONDecodeError):
                node = orjson.loads(node)
        if not isinstance(node, dict):
            return None
        if part in node:
            node = node[part]
            continue
        key = next((k for k in node if isinstance(k, str) and k.lower() == part.lower()), None)
        if key is None:
            return None
        node = node[key]
    return node


def _why_ignored(event: str | None, record: Any, fields: FieldMap, request_events: list[str]) -> str:
    """Why a line was not taken for a model call, and the setting that would take it, if any."""
    if isinstance(record, dict) and isinstance(record.get("_why"), str):
        return f"an OpenTelemetry span that is no model call: {record['_why']}"  # the transcoder knows
    named = (
        f"its event {event!r} is not a request event"
        if event and not event.startswith("(")
        else "it names no event"
    )
    why = f"{named}, and no model with token counts was found"
    hint = diagnose([orjson.dumps(record)], fields, request_events)
    return f"{why}; {hint.text()}" if hint is not None else why


def _sources(fields: FieldMap, record: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for col, paths in fields.columns.items():
        for path in paths:
            value = _lookup(record, path)
            if value is not None and not isinstance(value, dict | list):  # an object is no value
                found[col] = ".".join(path)
                break
    out = {}
    for col in SHOWN:
        derived = DERIVED_FROM.get(col, [col])
        if col == "output_tokens" and "gemini_candidates" not in found:
            derived = ["output_tokens"]  # reasoning is part of output, not added to it
        parts = [found[c] for c in derived if c in found]
        if parts:
            out[col] = " + ".join(dict.fromkeys(parts)) if col in DERIVED_FROM else parts[0]
    # a transcoded record says where its values came from (e.g. which OpenTelemetry attribute)
    origin = record.get("_from") if isinstance(record, dict) else None
    if isinstance(origin, dict):
        out.update({col: str(src) for col, src in origin.items() if col in out})
    return out


def explain(
    path: Path, cfg: Config, *, lines: int = 10, source: str = "auto"
) -> tuple[str, list[LineExplanation]]:
    """(the format the file is read as, the first `lines` records explained)."""
    import duckdb

    ic = cfg.ingest
    limit = ExpansionLimit(ic.max_expansion_ratio, ic.expansion_check_after_bytes)

    def decompressed() -> ByteStream:
        fh = open(path, "rb")  # noqa: SIM115 - closed by the stream
        return open_stream(fh, fh.peek(4)[:4], limit)

    probe = decompressed()
    try:
        head = formats.read_head(probe)
    finally:
        probe.close()
    mapper = OtlpMapper(ic.otel_attributes, provenance=True)
    found = formats.detect(head, str(path), source, mapper, take_partial=True)
    stream = decompressed()
    if found.make is not None:
        stream = found.make(stream)
    try:
        batcher = LineBatcher(
            stream,
            start_offset=0,
            start_line=1,
            batch_bytes=1 << 20,
            max_line=ic.max_line_bytes,
            take_partial=True,
        )
        batch = next(iter(batcher), None)
        if batch is None:
            return found.format, []
        table = to_arrow(batch, ic.max_line_bytes, copy=True).slice(0, lines)
    finally:
        stream.close()
    con = duckdb.connect()
    try:
        fields = FieldMap(ic.aliases, ic.containers)
        stager = Stager(con, fields, ic, now=datetime.now(UTC), earliest=datetime(2000, 1, 1, tzinfo=UTC))
        stager.default_provider = formats.SOURCE_PROVIDER.get(source)
        staged, mapped_lines = stager.explain(table)
        SQL.run(con, "explain_requests", {"source_id": 0, "ingest_id": 0}, select=SQL.fragment("requests"))
        price(con, pricer_for(cfg), "fresh_requests")
        cur = con.execute(SQL.text("fresh_requests_rows"))
        names = [d[0] for d in cur.description or []]
        canonical = {r[names.index("line_no")]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}
        out = []
        for row, text in zip(staged.to_pylist(), mapped_lines, strict=False):
            exp = LineExplanation(row["line_no"], row["kind"], row["event"], row["reason"], row["detail"])
            if row["line_no"] in canonical:
                exp.values = {c: canonical[row["line_no"]].get(c) for c in SHOWN}
            if text is not None:
                with contextlib.suppress(orjson.JSONDecodeError):  # a rejected line: no sources
                    record = orjson.loads(text)
                    exp.shape = shape_of(record)
                    if row["kind"] != "ignored":
                        exp.sources = _sources(fields, record)
                    elif record is not None and row["event"] != "(blank line)":
                        exp.reason = _why_ignored(row["event"], record, fields, ic.request_events)
            out.append(exp)
        return found.format, sorted(out, key=lambda e: e.line_no)
    finally:
        con.close()
