"""`llmcost serve` beside `llmcost watch`: watch ingests a folder every second while new log files
arrive and a client asks several API endpoints in a loop. Every answer is a 200 (the server reads
the snapshot, never the file a pass writes, so neither waits for the other); at the end the API's
documents are the CLI's, byte for byte, and every line watch read is in the warehouse exactly once.
A page read while a writer holds the warehouse says the state it shows is as of the snapshot."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from llmcost.cli import main
from tests.html.conftest import Built
from tests.serve.conftest import Served, start, stop

ASKED = [
    "/api/report?by=tenant",
    "/api/status",
    "/api/traces?top=5",
    "/api/view/models",
    "/api/report?by=day&since=2026-10-01",
]
W = "/?since=2026-10-01&until=2026-10-15"  # the overview of the demo's first two weeks
PER_FILE = 40  # llm.request lines in each arriving file


def copy_warehouse(demo: Built, tmp: Path) -> Built:
    db = tmp / "warehouse.duckdb"
    shutil.copy(demo.db, db)
    for suffix in (".segments", ".snapshot"):
        src = demo.db.with_name(demo.db.name + suffix)
        if src.exists():
            shutil.copytree(src, db.with_name(db.name + suffix))
    return Built(db, demo.config, demo.html)


def log_file(staging: Path, inbox: Path, n: int) -> None:
    """File n: PER_FILE requests of three tenants, written aside and renamed in whole."""
    lines = []
    for j in range(PER_FILE):
        rid = f"watched-{n}-{j}"
        lines.append(
            json.dumps(
                {
                    "ts": f"2026-10-{10 + n % 5:02d}T{j % 24:02d}:{n % 60:02d}:00Z",
                    "level": "info",
                    "msg": "llm.request",
                    "requestId": rid,
                    "traceId": f"watched-trace-{n}-{j // 4}",
                    "tenantId": f"watched-{j % 3}",
                    "feature": "copilot",
                    "provider": "anthropic",
                    "model": "claude-sonnet-4",
                    "operation": "chat",
                    "inputTokens": 1000 + j,
                    "cachedInputTokens": 0,
                    "outputTokens": 100,
                    "latencyMs": 900,
                    "outcome": "success",
                }
            )
        )
    tmp = staging / f"batch-{n:04d}.jsonl"
    tmp.write_text("\n".join(lines) + "\n", "utf-8")
    os.replace(tmp, inbox / tmp.name)


def watched_rows(built: Built) -> tuple[int, int]:
    from llmcost.warehouse import reader

    with reader(built.db) as wh:
        row = wh.con.execute(
            "SELECT count(*), count(DISTINCT request_id) FROM requests WHERE request_id LIKE 'watched-%'"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def cli_bytes(built: Built, path: str, capsysbinary: pytest.CaptureFixture[bytes]) -> bytes:
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(path)
    name = parts.path.removeprefix("/api/")
    argv = {"report": ["report"], "status": ["status"], "traces": ["traces"]}.get(name) or name.split("/")
    for k, v in parse_qsl(parts.query):
        argv += [f"--{k}", v]
    capsysbinary.readouterr()
    assert main([*argv, "--format", "json", *built.args()]) == 0
    return capsysbinary.readouterr().out


def run_beside_watch(
    demo: Built, tmp: Path, seconds: float, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    built = copy_warehouse(demo, tmp)
    inbox, staging = tmp / "inbox", tmp / "staging"
    inbox.mkdir()
    staging.mkdir()
    log_file(staging, inbox, 0)
    root = Path(__file__).resolve().parents[2]
    watch_log = tmp / "watch.log"
    with watch_log.open("wb") as err:
        watcher = subprocess.Popen(
            [sys.executable, "-m", "llmcost", "watch", str(inbox), "--every", "1s", *built.args()],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, "PYTHONPATH": str(root)},
        )
    served: Served = start(built, tmp)
    statuses: list[tuple[str, int, bytes]] = []
    as_of: list[str] = []
    done = threading.Event()

    def ask() -> None:
        while not done.is_set():
            for path in ASKED:
                status, headers, body = served.get(path)
                statuses.append((path, status, body[:300] if status != 200 else b""))
                if "x-llmcost-as-of" in headers:
                    as_of.append(headers["x-llmcost-as-of"])

    clients = [threading.Thread(target=ask) for _ in range(2)]
    for c in clients:
        c.start()
    files = 1
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(0.7)
            log_file(staging, inbox, files)
            files += 1
        # let watch take the last file (a pass a second), then stop it as a service manager would
        wanted = files * PER_FILE
        settle = time.monotonic() + 30
        while time.monotonic() < settle:
            status, _, body = served.get("/api/report?by=tenant&where=feature=copilot&top=all")
            got = sum(
                int(r["requests"])
                for r in json.loads(body)["rows"]
                if str(r.get("tenant", "")).startswith("watched-")
            )
            if status == 200 and got == wanted:
                break
            time.sleep(0.5)
    finally:
        done.set()
        for c in clients:
            c.join(timeout=60)
        watcher.send_signal(signal.SIGTERM)
        code = watcher.wait(timeout=60)
    try:
        assert code == 0, watch_log.read_text("utf-8", "replace")[-2000:]
        bad = [s for s in statuses if s[1] != 200]
        assert bad == [], bad[:5]
        assert len(statuses) >= 5 * len(ASKED), len(statuses)
        # every line watch read is in the warehouse, and only once
        assert watched_rows(built) == (files * PER_FILE, files * PER_FILE)
        # the server's final answers are the CLI's (the CLI reads the file; the server the snapshot
        # the last pass wrote)
        for path in ASKED:
            status, _, body = served.get(path)
            assert status == 200
            assert body == cli_bytes(built, path, capsysbinary), path
    finally:
        stop(served)


def test_serve_beside_watch_briefly(
    demo: Built, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    run_beside_watch(demo, tmp_path, 10, capsysbinary)


@pytest.mark.slow
def test_serve_beside_watch_for_a_minute(
    demo: Built, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    run_beside_watch(demo, tmp_path, 60, capsysbinary)


def test_a_page_read_during_a_write_says_as_of_when(demo: Built, tmp_path: Path) -> None:
    from llmcost.warehouse import writer
    from llmcost.warehouse.snapshot import read_local, snapshot_dir

    built = copy_warehouse(demo, tmp_path)
    manifest = read_local(snapshot_dir(built.db.absolute()))
    assert manifest is not None
    served = start(built, tmp_path)
    try:
        status, headers, _ = served.get("/api/status")
        assert status == 200 and "x-llmcost-as-of" not in headers  # no writer: the latest state
        assert b"As of" not in served.get("/explore")[2]
        with writer(built.db, command="llmcost ingest (test)"):
            # this process holds the writer: the server reads the snapshot and says so
            status, headers, _ = served.get("/api/status")
            assert status == 200
            assert headers["x-llmcost-as-of"] == manifest["written_at"]
            for path in ("/", "/explore", "/traces", "/quality"):
                status, _, page = served.get(path)
                assert status == 200, path
                html = page.decode("utf-8")
                assert 'class="as-of"' in html, path
                assert manifest["written_at"].replace("T", " ")[:19] + " UTC" in html
                assert "llmcost ingest (test)" in html
    finally:
        stop(served)


def test_the_overview_is_computed_once_per_version_of_the_data(demo: Built, tmp_path: Path) -> None:
    built = copy_warehouse(demo, tmp_path)
    served = start(built, tmp_path)
    try:
        t0 = time.perf_counter()
        first = served.get(W)
        t1 = time.perf_counter()
        again = served.get(W)
        t2 = time.perf_counter()
        assert first[0] == again[0] == 200
        assert first[2] == again[2]  # the same page, its "generated at" included: not computed again
        assert t2 - t1 < t1 - t0
        other = served.get("/?since=2026-10-05&until=2026-10-15")
        assert other[0] == 200 and other[2] != first[2]  # other arguments: their own page
        # new data: the next load computes it again, with the new tenant in it
        inbox, staging = tmp_path / "inbox", tmp_path / "staging"
        inbox.mkdir()
        staging.mkdir()
        log_file(staging, inbox, 3)
        assert main(["ingest", str(inbox), *built.args(), "--quiet"]) == 0
        fresh = served.get(W)
        assert fresh[0] == 200

        def numbers(page: bytes) -> bytes:  # the page less its "Generated" time
            return re.sub(rb"<dt>Generated</dt><dd>[^<]*</dd>", b"", page)

        assert numbers(fresh[2]) != numbers(first[2])  # the new requests are counted
        assert served.get(W)[2] == fresh[2]  # and that page is kept in turn
    finally:
        stop(served)
