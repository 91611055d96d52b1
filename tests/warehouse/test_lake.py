"""`llmcost lake publish/status` and `--lake` (issue 17): a folder and an S3 bucket on moto's server
(127.0.0.1); incremental, idempotent, a killed publish leaves the previous manifest readable, and a
report over the lake equals the report over the warehouse, exact decimals."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llmcost.warehouse import lake, open_warehouse, segments
from tests.conftest import Cli
from tests.ingest.lines import jsonl, outcome, request

REPORT = ("report", "--by", "tenant", "--format", "json")


def _env(**extra: str) -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", ""), **extra}


def _ingest_more(cli: Cli, tmp_path: Path, name: str, n: int, tenant: str) -> None:
    f = tmp_path / f"{name}.log"
    f.write_bytes(
        jsonl(
            [request(i, requestId=f"{name}-{i}", tenantId=tenant, costUsd=0.001 * (i + 1)) for i in range(n)]
        )
    )
    cli.ingest(f)


@pytest.fixture
def loaded(cli: Cli, tmp_path: Path) -> Cli:
    a = tmp_path / "a.log"
    a.write_bytes(
        jsonl([request(i, inputTokens=1000 + i) for i in range(30)] + [outcome(i) for i in range(4)])
        + b'{"msg": "llm.request", "tenantId": "sk-proj-abcdefghijklmnopqrstuvwxyz012345"}\n'
    )
    cli.ingest(a)
    return cli


def _json(cli: Cli, *args: str, lake_url: str | None = None) -> dict[str, Any]:
    if lake_url is None:
        code, out, err = cli(*args)
    else:
        code, out, err = cli(*args, "--lake", lake_url, db=False)
        assert "reading the lake" in err
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def _check_lake(cli: Cli, tmp_path: Path, url: str, list_files: Any) -> None:
    code, out, err = cli("lake", "publish", url, "--json")
    assert code == 0, err
    first = json.loads(out)
    assert first["schema"] == "llmcost.lake_publish/1"
    assert first["generation"] == 1 and first["segments_added"] == 2 and not first["up_to_date"]
    assert _json(cli, *REPORT, lake_url=url) == _json(cli, *REPORT)
    # idempotent: nothing copied, nothing rewritten
    before = list_files()
    code, out, _ = cli("lake", "publish", url, "--json")
    assert json.loads(out)["up_to_date"] and list_files() == before
    # incremental: only the new batch's segment goes up
    _ingest_more(cli, tmp_path, "more", 7, "tenant_new")
    code, out, _ = cli("lake", "status", url, "--json")
    st = json.loads(out)
    assert st["schema"] == "llmcost.lake_status/1"
    assert st["behind"] == {
        "up_to_date": False,
        "generations": 1,
        "segments_to_add": 1,
        "rows_to_add": 7,
        "bytes_to_add": st["behind"]["bytes_to_add"],
        "segments_to_drop": 0,
    }
    code, out, _ = cli("lake", "publish", url, "--json")
    second = json.loads(out)
    assert (second["generation"], second["segments_added"]) == (2, 1)
    report = _json(cli, *REPORT, lake_url=url)
    assert report == _json(cli, *REPORT)
    by = {r["tenant"]: r for r in report["rows"]}
    # 7 requests at $0.001 .. $0.007 logged; derived cost is the catalog's, so check the logged sum
    assert by["tenant_new"]["requests"] == 7
    code, out, _ = cli("lake", "status", url, "--json")
    st = json.loads(out)
    assert st["behind"]["up_to_date"] and st["lake"]["requests"] == 37 and st["lake"]["outcomes"] == 4
    code, out, _ = cli("lake", "status", url)
    assert code == 0 and "the lake is up to date" in out and "37" in out


def test_publish_to_a_folder(loaded: Cli, tmp_path: Path) -> None:
    root = tmp_path / "lake"

    def files() -> dict[str, float]:
        return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}

    _check_lake(loaded, tmp_path, str(root), files)
    # the raw lines of rejects stay local: the lake has the reason and the line's time, not the text
    import duckdb

    m = json.loads((root / "manifest.json").read_text())
    rej = duckdb.sql(
        f"SELECT reason, raw FROM read_parquet('{root / m['tables']['rejects']['file']}')"
    ).fetchall()
    assert rej and all(
        raw is None or re.fullmatch(r'("[@\w]+"\s*:\s*("[^"]+"|\d+[,}\s]) ?)+', raw) for _, raw in rej
    )
    assert "sk-proj" not in "".join(p.read_bytes().decode("latin-1") for p in root.rglob("*.parquet"))


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    for k, v in {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(k, v)
    import boto3

    client = boto3.client("s3")
    client.create_bucket(Bucket="llmcost-lake")
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket="llmcost-lake"):
        for obj in page.get("Contents", []):
            client.delete_object(Bucket="llmcost-lake", Key=obj["Key"])
    client.delete_bucket(Bucket="llmcost-lake")


def test_publish_to_s3(loaded: Cli, tmp_path: Path, s3: Any) -> None:
    def files() -> dict[str, str]:
        out = s3.list_objects_v2(Bucket="llmcost-lake", Prefix="team/lake/").get("Contents", [])
        return {o["Key"]: o["ETag"] + str(o["LastModified"]) for o in out}

    _check_lake(loaded, tmp_path, "s3://llmcost-lake/team/lake", files)
    keys = set(files())
    assert "team/lake/manifest.json" in keys
    assert sum(1 for k in keys if k.startswith("team/lake/segments/requests/")) == 2


def test_a_lake_report_needs_no_local_warehouse(loaded: Cli, tmp_path: Path, s3: Any) -> None:
    url = "s3://llmcost-lake/x"
    assert loaded("lake", "publish", url)[0] == 0
    want = _json(loaded, *REPORT)
    r = subprocess.run(
        [sys.executable, "-m", "llmcost", *REPORT, "--lake", url],
        capture_output=True,
        text=True,
        env=_env(LLMCOST_HOME=str(tmp_path / "elsewhere")),
        cwd=tmp_path,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == want
    # by hand: 30 calls of claude-sonnet-4 ($3 in, $15 out per 1M), input 1000..1029, output 380
    #   3e-6 * (30 * 1000 + 435) + 30 * 380 * 15e-6 = 0.091305 + 0.171
    assert want["totals"]["requests"] == 30 and want["totals"]["cost_usd"] == "0.262305000"
    # alerts and budgets evaluate over it too; nothing is written
    for args in (("alerts", "--at", "2026-10-01", "--format", "json"), ("budgets", "--format", "json")):
        code, out, err = loaded(*args, "--lake", url, db=False)
        assert code in (0, 1), err
        code2, out2, _ = loaded(*args)
        assert code2 == code and json.loads(out) == json.loads(out2)
    code, _, err = loaded(*REPORT, "--lake", "s3://llmcost-lake/nothing-here", db=False)
    assert code == 2 and "no lake at s3://llmcost-lake/nothing-here" in err


@pytest.mark.parametrize("point", ["lake.segment:1", "lake.before_manifest"])
def test_a_killed_publish_leaves_the_previous_manifest(loaded: Cli, tmp_path: Path, point: str) -> None:
    root = tmp_path / "lake"
    assert loaded("lake", "publish", str(root))[0] == 0
    old = _json(loaded, *REPORT, lake_url=str(root))
    _ingest_more(loaded, tmp_path, "late", 5, "tenant_late")
    manifest = (root / "manifest.json").read_bytes()
    r = subprocess.run(
        [sys.executable, "-m", "llmcost", "lake", "publish", str(root), "--db", str(loaded.db)],
        capture_output=True,
        text=True,
        env=_env(LLMCOST_CRASH_AT=point),
        timeout=120,
    )
    assert r.returncode == -9, r.stderr
    assert (root / "manifest.json").read_bytes() == manifest
    assert _json(loaded, *REPORT, lake_url=str(root)) == old  # the previous publish, whole
    code, out, err = loaded("lake", "publish", str(root), "--json")
    assert code == 0, err
    assert json.loads(out)["generation"] == 2
    assert _json(loaded, *REPORT, lake_url=str(root)) == _json(loaded, *REPORT)


def test_dropped_segments_leave_the_manifest_at_once_and_the_lake_after_the_grace(
    loaded: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "lake"
    _ingest_more(loaded, tmp_path, "two", 3, "tenant_two")
    assert loaded("lake", "publish", str(root))[0] == 0
    seg_dir = segments.segment_dir(loaded.db)
    with open_warehouse(loaded.db, write=True) as wh:  # as a reprice would: unregister one segment
        (gone,) = wh.con.execute(
            "SELECT file FROM segments WHERE kind = 'requests' ORDER BY segment_id LIMIT 1"
        ).fetchone()
        wh.con.execute("DELETE FROM segments WHERE file = ?", [gone])
        segments.retire_later(seg_dir, [gone])
    res = lake.publish(loaded.db, str(root))
    assert res.segments_dropped == 1 and res.files_deleted == 0
    m = json.loads((root / "manifest.json").read_text())
    assert gone not in {s["file"] for s in m["segments"]} and (root / "segments" / gone).exists()
    monkeypatch.setattr(segments, "GRACE_S", 0.0)
    _ingest_more(loaded, tmp_path, "three", 2, "tenant_three")
    res = lake.publish(loaded.db, str(root))
    assert res.files_deleted == 1 and not (root / "segments" / gone).exists()
    assert sorted(p.name for p in (root / "tables").iterdir()) == ["g00000002", "g00000003"]


def test_publish_registers_the_segments_in_an_iceberg_catalog(loaded: Cli, tmp_path: Path) -> None:
    from decimal import Decimal

    from pyiceberg.catalog.sql import SqlCatalog

    root, catalog_db = tmp_path / "lake", tmp_path / "catalog.db"
    uri = f"sqlite:///{catalog_db}"
    code, out, err = loaded("lake", "publish", str(root), "--iceberg", uri, "--json")
    assert code == 0, err
    doc = json.loads(out)["iceberg"]
    assert doc["tables"]["llmcost.requests"] == {"files": 1, "added": 1}
    catalog = SqlCatalog("llmcost", uri=uri, warehouse=f"file://{root}/iceberg")
    rows = catalog.load_table("llmcost.requests").scan(selected_fields=("tenant_id", "cost_usd")).to_arrow()
    # the same hand-computed total as the report: 0.262305
    assert rows.num_rows == 30 and sum(rows.column("cost_usd").to_pylist()) == Decimal("0.262305000")
    assert catalog.load_table("llmcost.outcomes").scan().to_arrow().num_rows == 4
    # incremental: a second publish adds the new segment only; a third adds nothing
    _ingest_more(loaded, tmp_path, "more", 7, "tenant_new")
    code, out, _ = loaded("lake", "publish", str(root), "--iceberg", uri, "--json")
    assert json.loads(out)["iceberg"]["tables"]["llmcost.requests"] == {"files": 2, "added": 1}
    code, out, _ = loaded("lake", "publish", str(root), "--iceberg", uri, "--json")
    assert json.loads(out)["iceberg"]["tables"]["llmcost.requests"] == {"files": 2, "added": 0}
    assert catalog.load_table("llmcost.requests").scan().to_arrow().num_rows == 37
    code, _, err = loaded("lake", "publish", str(root), "--iceberg", "http://127.0.0.1:9/x")
    assert code == 2 and "sqlite:///PATH" in err


def test_a_publish_to_s3_killed_before_its_manifest_leaves_the_previous_one(
    loaded: Cli, tmp_path: Path, s3: Any
) -> None:
    url = "s3://llmcost-lake/killed"
    assert loaded("lake", "publish", url)[0] == 0
    old = _json(loaded, *REPORT, lake_url=url)
    _ingest_more(loaded, tmp_path, "late", 5, "tenant_late")
    r = subprocess.run(
        [sys.executable, "-m", "llmcost", "lake", "publish", url, "--db", str(loaded.db)],
        capture_output=True,
        text=True,
        env=_env(LLMCOST_CRASH_AT="lake.before_manifest"),
        timeout=120,
    )
    assert r.returncode == -9, r.stderr
    # the new segment and tables are in the bucket, but no manifest names them: the old state
    assert _json(loaded, *REPORT, lake_url=url) == old
    assert loaded("lake", "publish", url)[0] == 0
    assert _json(loaded, *REPORT, lake_url=url) == _json(loaded, *REPORT)


def test_traces_and_trace_read_a_lake(loaded: Cli, tmp_path: Path) -> None:
    """`llmcost traces` and `llmcost trace` answer the same from a published lake as from the
    warehouse (issue 18's --lake on every read command)."""
    url = str(tmp_path / "lake")
    assert loaded("lake", "publish", url)[0] == 0
    for args in (("traces", "--format", "json"), ("traces", "--by", "session", "--format", "json")):
        code, out, err = loaded(*args, "--lake", url, db=False)
        assert code == 0, err
        code2, out2, _ = loaded(*args)
        assert code2 == 0 and json.loads(out) == json.loads(out2)
    top = json.loads(loaded("traces", "--format", "json")[1])["top"]
    if top:
        args = ("trace", top[0]["trace_id"], "--format", "json")
        code, out, err = loaded(*args, "--lake", url, db=False)
        assert code == 0, err
        assert json.loads(out) == json.loads(loaded(*args)[1])
