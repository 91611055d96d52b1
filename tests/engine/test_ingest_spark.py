"""`ingest --engine spark` loads what the default loader loads, exactly once (issue 17).

Logs written by the real logging library (python-json-logger), plain and gzip; the shared local[2]
session of tests/engine/conftest.py. Each run is a real Spark job over real files into a real
DuckDB warehouse.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.ingest.applog import log_json

pytestmark = pytest.mark.spark

TENANTS = ("acme", "globex", "initech")
MODELS = ("gpt-4o-mini", "claude-sonnet-4", "gpt-4o")


def _request(i: int) -> tuple[str, dict[str, Any]]:
    return (
        "llm.request",
        {
            "request_id": f"r-{i}",
            "tenant_id": TENANTS[i % 3],
            "feature": "chat" if i % 2 else "search",
            "model": MODELS[i % 3],
            "input_tokens": 1000 + 37 * i,
            "cached_input_tokens": 100 if i % 4 == 0 else 0,
            "output_tokens": 50 + i,
            "latency_ms": 300 + i,
        },
    )


def _logs(tmp: Path) -> tuple[Path, Path]:
    """A plain log (requests, a repeat, outcomes, other events, a reject) and a gzip one whose
    first three requests were already in the plain one."""
    plain = [_request(i) for i in range(40)]
    plain.insert(10, _request(5))  # the same request logged twice
    plain += [
        ("draft_accepted", {"event_id": f"e-{i}", "request_id": f"r-{i}", "tenant_id": "acme"})
        for i in range(5)
    ]
    plain += [("http.request", {"path": "/health"}), ("cache.refresh", {"keys": 3})]
    plain.append(("llm.request", {"request_id": "bad", "model": "gpt-4o", "input_tokens": "lots"}))
    first = log_json(tmp / "app.log", plain)
    more = log_json(tmp / "more.log", [_request(i) for i in (0, 1, 2, *range(40, 55))])
    packed = tmp / "more.log.gz"
    with more.open("rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    more.unlink()
    return first, packed


def _ingest(db: Path, *paths: Path, spark: bool, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    from llmcost.cli import main

    engine = ("--engine", "spark") if spark else ()
    code = main(["ingest", *map(str, paths), "--db", str(db), "--json", *engine])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    assert doc["totals"]["residual"] == 0
    return doc


def _report(db: Path, capsys: pytest.CaptureFixture[str]) -> str:
    from llmcost.cli import main

    code = main(["report", "--by", "tenant", "-f", "json", "--db", str(db), "--since", "2000-01-01"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return out


def _state(db: Path) -> dict[str, Any]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = {
            "requests": "SELECT count(*), count(DISTINCT request_id), sum(cost_usd), sum(input_tokens) FROM requests",
            "outcomes": "SELECT count(*) FROM outcomes",
            "keys": "SELECT (SELECT count(*) FROM request_keys), (SELECT count(*) FROM outcome_keys)",
            "rejects": "SELECT path, line_no, reason FROM rejects ORDER BY ALL",
            "conflicts": "SELECT kind, record_id, path, line_no, byte_offset, raw FROM conflicts ORDER BY ALL",
            "ignored": "SELECT * FROM ignored_events ORDER BY ALL",
            "sources": "SELECT path, committed_offset, committed_lines, tail_fp, lines_read, loaded, duplicate, "
            "ignored, rejected FROM sources ORDER BY source_id",
            "rows": "SELECT * EXCLUDE (ingest_id) FROM requests ORDER BY source_id, source_line",
            "types": "SELECT column_name, column_type FROM (DESCRIBE requests)",
        }
        return {k: con.execute(v).fetchall() for k, v in q.items()}
    finally:
        con.close()


def _totals(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["totals"]


def test_spark_loads_what_duckdb_loads_and_a_second_run_adds_nothing(
    tmp_path: Path, spark: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmcost.ingest import spark as spark_ingest

    monkeypatch.setattr(spark_ingest, "CHUNK_BYTES", 4096)  # the plain log in several tasks
    plain, packed = _logs(tmp_path)
    assert plain.stat().st_size > 3 * 4096
    duck, sp = tmp_path / "duck" / "w.duckdb", tmp_path / "spark" / "w.duckdb"
    # two runs: the gzip file's first three requests are in the warehouse already (the anti-join)
    for path in (plain, packed):
        a = _ingest(duck, path, spark=False, capsys=capsys)
        b = _ingest(sp, path, spark=True, capsys=capsys)
        assert _totals(a) == _totals(b)
    assert _totals(b)["duplicate"] == 3 and _totals(b)["loaded_requests"] == 15
    assert _report(duck, capsys) == _report(sp, capsys)
    state = _state(sp)
    assert state == _state(duck)
    assert state["requests"][0][:2] == (55, 55)  # 40 + 15, the repeats loaded once
    assert state["outcomes"] == [(5,)] and len(state["rejects"]) == 1
    # the repeats were logged at other times: conflicting duplicates, their lines kept
    assert [c[1] for c in state["conflicts"]] == ["r-0", "r-1", "r-2", "r-5"]
    assert [c[2:4] for c in state["conflicts"] if c[1] == "r-5"] == [(str(plain), 11)]
    # again, both files: every line is behind the committed offsets
    again = _ingest(sp, plain, packed, spark=True, capsys=capsys)
    assert _totals(again)["read"] == 0
    assert _state(sp) == state
    # a line appended to the plain log: only it is read
    with plain.open("a", encoding="utf-8") as fh:
        fh.write(
            json.dumps({"message": "llm.request", **_request(99)[1], "timestamp": "2026-11-02T10:00:00Z"})
            + "\n"
        )
    a = _ingest(duck, plain, spark=False, capsys=capsys)
    b = _ingest(sp, plain, spark=True, capsys=capsys)
    assert _totals(a) == _totals(b) and _totals(b)["read"] == 1 and _totals(b)["loaded_requests"] == 1
    assert _state(sp) == _state(duck)
    assert not any((sp.with_name(sp.name + ".segments") / "spark").iterdir())


# spark.written: Spark's folder complete, nothing committed; commit.before: inside the transaction,
# the segment file written (slow: the same path again, for the rollback's retire)
@pytest.mark.parametrize("point", ["spark.written", pytest.param("commit.before", marks=pytest.mark.slow)])
def test_a_failure_between_sparks_write_and_the_commit_loads_nothing_and_a_rerun_loads_once(
    point: str,
    tmp_path: Path,
    spark: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from llmcost import faults
    from llmcost.cli import main

    plain, _ = _logs(tmp_path)
    db = tmp_path / "w.duckdb"
    seg = db.with_name(db.name + ".segments")
    monkeypatch.setattr(faults, "_FAIL_TARGET", (point, 1))
    monkeypatch.setattr(faults, "_hits", {})
    assert main(["ingest", str(plain), "--db", str(db), "--engine", "spark", "--quiet"]) == 70
    capsys.readouterr()
    left = list((seg / "spark").iterdir())
    assert [d.name for d in left] == ["00000001"]  # Spark's folder, named by the segment id, whole
    assert (left[0] / "requests" / "_SUCCESS").is_file() and (left[0] / "staged").is_dir()
    failed = _state(db)
    assert failed["requests"][0][0] == 0 and failed["keys"] == [(0, 0)] and failed["rejects"] == []
    assert [s[1:3] for s in failed["sources"]] == [(0, 0)]  # the ledger did not move
    assert not list((seg / "requests").glob("*.parquet"))  # a written segment went with the rollback
    monkeypatch.setattr(faults, "_FAIL_TARGET", None)
    doc = _ingest(db, plain, spark=True, capsys=capsys)
    assert _totals(doc)["loaded_requests"] == 40 and _totals(doc)["duplicate"] == 1
    assert not any((seg / "spark").iterdir())  # the orphan was deleted, not adopted
    reference = tmp_path / "ref.duckdb"
    _ingest(reference, plain, spark=False, capsys=capsys)
    done, ref = _state(db), _state(reference)
    done.pop("sources"), ref.pop("sources")  # the failed run registered the source under its own run
    assert done == ref
    assert _totals(_ingest(db, plain, spark=True, capsys=capsys))["read"] == 0


def test_a_file_that_is_not_json_lines_is_refused_in_one_line(
    tmp_path: Path, spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from llmcost.cli import main

    csv = tmp_path / "usage.csv"
    csv.write_text(
        "timestamp,model,input_tokens,output_tokens,tenant_id\n2026-10-01T10:00:00Z,gpt-4o,100,10,acme\n",
        "utf-8",
    )
    db = tmp_path / "w.duckdb"
    assert main(["ingest", str(csv), "--db", str(db), "--engine", "spark"]) == 2
    _, err = capsys.readouterr()
    assert f"--engine spark reads flat JSON lines; {csv} is csv: ingest it without --engine" in err
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM ingests").fetchone() == (0,)  # nothing recorded
    finally:
        con.close()
