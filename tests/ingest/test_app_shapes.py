"""Every app-log shape of FORMATS.md §1 loads into the same canonical columns: counts, token
totals, money, time range and attribution checked against the generator's own ledger
(fixtures/app/.expected.json, written by fixtures/make_fixtures.py)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "app"
EXPECTED = json.loads((FIXTURES / ".expected.json").read_text())["files"]
TOKEN_COLUMNS = [
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
]


def _config(tmp_path: Path) -> Path:
    cfg = tmp_path / "llmcost.toml"
    # python-json-logger's asctime is local time without a zone (see .expected.json notes)
    cfg.write_text('[ingest]\ntimezone = "America/New_York"\n')
    return cfg


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shape_loads_to_the_ledger(cli: Cli, tmp_path: Path, name: str) -> None:
    want = EXPECTED[name]
    s = cli.ingest(FIXTURES / name, extra=("--config", str(_config(tmp_path))))["totals"]
    assert s["read"] == want["lines"]
    assert s["loaded_requests"] == want["requests"]
    assert s["loaded_outcomes"] == want["outcomes"]
    assert s["ignored"] == want["ignored"]
    assert s["rejected"] == want["rejected"]
    assert s["duplicate"] == want["duplicates"]
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        if want["requests"]:
            t = want["request_totals"]
            row = con.execute(
                f"SELECT {', '.join(f'sum({c})' for c in TOKEN_COLUMNS)}, sum(logged_cost_usd), "
                "strftime(min(ts), '%Y-%m-%dT%H:%M:%S.%gZ'), strftime(max(ts), '%Y-%m-%dT%H:%M:%S.%gZ'), "
                "count(DISTINCT tenant_id), count(*) FILTER (naive_ts), "
                "count(*) FILTER (NOT starts_with(request_id, 'line:')) FROM requests"
            ).fetchone()
            assert row is not None
            assert list(row[:5]) == [t[c] for c in TOKEN_COLUMNS]
            assert row[5] == (Decimal(t["logged_cost_usd"]) if t["logged_cost_usd"] is not None else None)
            assert (row[6], row[7]) == (t["first_ts"], t["last_ts"])
            assert (row[8], row[9], row[10]) == (t["tenants"], t["naive_timestamps"], t["with_request_id"])
            # the canonical invariants hold on every row
            bad = con.execute(
                "SELECT count(*) FROM requests WHERE cached_input_tokens + cache_write_tokens > input_tokens "
                "OR reasoning_tokens > output_tokens OR model IS NULL OR ts IS NULL"
            ).fetchone()
            assert bad == (0,)
        if want["outcomes"]:
            o = want["outcome_totals"]
            by_event = dict(con.execute("SELECT event, count(*) FROM outcomes GROUP BY event").fetchall())
            assert by_event == o["by_event"]
            row = con.execute(
                "SELECT count(request_id), count(*) FILTER (request_id IS NULL AND trace_id IS NOT NULL) FROM outcomes"
            ).fetchone()
            assert row == (o["with_request_id"], o["trace_id_only"])
    finally:
        con.close()


def test_all_fixtures_together_then_again(cli: Cli, tmp_path: Path) -> None:
    cfg = str(_config(tmp_path))
    files = [FIXTURES / name for name in sorted(EXPECTED)]
    first = cli.ingest(*files, extra=("--config", cfg))["totals"]
    assert first["read"] == sum(f["lines"] for f in EXPECTED.values())
    assert first["loaded_requests"] == sum(f["requests"] for f in EXPECTED.values())
    again = cli.ingest(*files, extra=("--config", cfg))["totals"]
    assert again["read"] == 0 and again["loaded_requests"] == 0
