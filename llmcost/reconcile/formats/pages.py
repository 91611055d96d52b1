"""JSON exports as pages: one page object, a JSON array of pages, or JSON Lines (a page a line)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

from llmcost.reconcile.lines import LineError, instant

T = TypeVar("T")


def load_pages(raw: bytes) -> list[dict[str, Any]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise LineError(f"not UTF-8 (byte {e.start})") from None
    try:
        doc = json.loads(text, parse_float=Decimal)
        pages = doc if isinstance(doc, list) else [doc]
    except json.JSONDecodeError as whole:
        lines = text.splitlines()
        first = next((ln for ln in lines if ln.strip()), "")
        try:
            json.loads(first)
        except json.JSONDecodeError:  # not JSON Lines either: report where the document broke
            raise LineError(f"line {whole.lineno}, column {whole.colno}: not JSON: {whole.msg}") from None
        pages = []
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                pages.append(json.loads(line, parse_float=Decimal))
            except json.JSONDecodeError as e:
                raise LineError(f"line {n}: not JSON: {e.msg}") from None
    for i, page in enumerate(pages, 1):
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise LineError(f"page {i}: expected an object with a `data` list of buckets")
    return pages


def sniff_json(raw: bytes) -> list[dict[str, Any]] | None:
    """The first bucket's first result of a paged JSON export, or None if this is not one."""
    head = raw.lstrip()[:1]
    if head not in (b"{", b"["):
        return None
    try:
        pages = load_pages(raw)
    except LineError:
        return None
    for page in pages:
        for bucket in page["data"]:
            if isinstance(bucket, dict):
                results = bucket.get("results")
                if isinstance(results, list) and results and isinstance(results[0], dict):
                    return [bucket, results[0]]
    return None


def read_results(
    raw: bytes, start_key: str, end_key: str, line: Callable[[int, str, Any, Any, Any], T]
) -> Iterator[T]:
    """Every result of every bucket of a paged export, numbered, with its bucket's start and end
    and a `where` ("page 2, bucket 3, result 1") for error messages."""
    n = 0
    for p, page in enumerate(load_pages(raw), 1):
        for b, bucket in enumerate(page["data"], 1):
            where = f"page {p}, bucket {b}"
            if not isinstance(bucket, dict):
                raise LineError(f"{where}: expected an object")
            start = instant(bucket.get(start_key), field=f"{where}: {start_key}")
            end = instant(bucket.get(end_key), field=f"{where}: {end_key}") if bucket.get(end_key) else None
            for r, result in enumerate(bucket.get("results") or [], 1):
                n += 1
                yield line(n, f"{where}, result {r}", start, end, result)
