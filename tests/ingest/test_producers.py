"""Logs as real producers write them (fixtures/producers/<producer>/), loaded with DEFAULT settings.

Each folder holds the files one producer writes (made by the real SDK, instrumentation or logging
library wherever it is on PyPI: see the folder's `made_by`, the script that makes them again) and an
`expected.json` whose numbers were worked out by hand from the producer's semantics, never by the
code under test:

    {"producer": "...", "made_by": "fixtures/producers/make_....py",
     "_comment": ["the arithmetic behind the totals"],
     "files": {"name": {"read": 3, "loaded": 2, "ignored": 1, "rejected": 0}},
     "totals": {"requests": 2, "input_tokens": ..., "cached_input_tokens": ..., "cache_write_tokens": ...,
                "output_tokens": ..., "reasoning_tokens": ..., "errors": 0},
     "requests": [{"request_id": "...", "tenant_id": "...", ...}]}

Input tokens follow OpenTelemetry's meaning (cache reads and writes included), output tokens include
reasoning; `errors` counts failed requests (outcome error, timeout, rate_limited or cancelled). `requests` lists the rows (or the
columns of them) that carry the producer's dimensions: each listed column must match exactly.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import Cli
from tests.ingest.readback import query
from tests.ingest.test_sources import _comparable

PRODUCERS = Path(__file__).resolve().parents[2] / "fixtures" / "producers"
FOLDERS = sorted(p.name for p in PRODUCERS.iterdir() if p.is_dir() and (p / "expected.json").exists())
TOKEN_TOTALS = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
)


def _data_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.name != "expected.json" and p.suffix not in (".py", ".md")
    )


def _totals(db: Path) -> dict[str, int]:
    sums = ", ".join(f"coalesce(sum({c}), 0)::BIGINT" for c in TOKEN_TOTALS)
    ((n, *tokens, errors),) = query(
        db,
        f"SELECT count(*), {sums}, count(*) FILTER (WHERE outcome IN ('error', 'timeout', 'rate_limited', 'cancelled')) FROM requests",
    )
    return {"requests": n, **dict(zip(TOKEN_TOTALS, tokens, strict=True)), "errors": errors}


def _requests(db: Path, columns: list[str]) -> dict[str, dict[str, Any]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute(f"SELECT request_id, {', '.join(columns)} FROM requests")
        names = [d[0] for d in cur.description or []]
        return {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}
    finally:
        con.close()


def test_there_is_a_producer_corpus() -> None:
    assert len(FOLDERS) >= 20, FOLDERS


@pytest.mark.parametrize("producer", FOLDERS)
def test_producer_loads_exactly_with_default_settings(producer: str, cli: Cli) -> None:
    folder = PRODUCERS / producer
    expected = json.loads((folder / "expected.json").read_text())
    files = _data_files(folder)
    assert files, producer
    for path in files:
        summary = cli.ingest(path)
        (f,) = summary["files"]
        assert f["error"] is None, (path.name, f["error"])
        want = expected.get("files", {}).get(path.name)
        if want is not None:
            assert {k: f[k] for k in want} == want, path.name
    assert _totals(cli.db) == expected["totals"]
    rows = expected.get("requests", [])
    if rows:
        columns = sorted({c for r in rows for c in r} - {"request_id"})
        got = _requests(cli.db, columns)
        for want in rows:
            assert want["request_id"] in got, (want["request_id"], sorted(got)[:5])
            row = got[want["request_id"]]
            for col, value in want.items():
                if col == "request_id":
                    continue
                have = row[col]
                if col in ("cost_usd", "logged_cost_usd") and value is not None:
                    assert have is not None and Decimal(have).normalize() == Decimal(value).normalize(), (
                        want["request_id"],
                        col,
                    )
                    continue
                assert _comparable(col, have) == _comparable(col, value), (want["request_id"], col, have)
