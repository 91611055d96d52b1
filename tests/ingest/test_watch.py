"""`llmcost watch` as a real subprocess: a planted problem added to a watched folder reaches a webhook
receiver on 127.0.0.1 within seconds; SIGTERM stops it with exit 0 and every line in the warehouse
once; a restart posts nothing again; a failed webhook is tried again next pass; a signal lets the
batch in flight commit; reports, alerts and status answer while it runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.alerts.helpers import LogWriter
from tests.ingest.crash_harness import wait_for

LLMCOST = (sys.executable, "-m", "llmcost")
BASE_DAY = date(2026, 11, 1)
SPIKE_DAY = BASE_DAY + timedelta(days=8)
# Eight quiet days at $1 a day for acme, then one day of 12 calls at $1: $12 is over twice the
# 7-day average ($1) and over the $5 floor, with 8 days of history (the rule needs 7): tenant-spike.
BASE_CALLS = 8
SPIKE_CALLS = 12
RUNAWAY_CALLS = 150


class Receiver:
    """A webhook on 127.0.0.1 that answers with `status` (200 unless told) and keeps every body."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if outer.status == 200:
                    outer.bodies.append(json.loads(body))
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


class Site:
    """A watched folder, a warehouse and a config (costs as logged, a webhook that does not retry)."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.logs = tmp / "logs"
        self.logs.mkdir()
        self.db = tmp / "wh" / "w.duckdb"
        self.cfg = tmp / "llmcost.toml"
        self.cfg.write_text(
            '[pricing]\ncost_mode = "logged"\n\n[alerts.webhook]\nretries = 0\ntimeout_s = 5\n', "utf-8"
        )
        base = LogWriter()
        for i in range(BASE_CALLS):
            base.request(BASE_DAY + timedelta(days=i), tenant="acme", cost=1.0)
        base.write(self.logs / "app-1.jsonl")

    def add_spike(self) -> None:
        spike = LogWriter()
        spike._n = 1000  # request ids of their own
        for _ in range(SPIKE_CALLS):
            spike.request(SPIKE_DAY, tenant="acme", cost=1.0)
        staged = self.tmp / "app-2.jsonl"
        spike.write(staged)
        staged.rename(self.logs / "app-2.jsonl")  # the file appears whole

    def add_runaway(self) -> None:
        """Trace loop-1 (tenant t_loop, feature agent): 150 calls from 14:00:00 on SPIKE_DAY, 2 s
        apart (last 14:04:58) at $0.01: 150 calls within 10 minutes, over runaway-trace's burst of
        100. $1.50 in all, and t_loop has no history: no day rule fires for it."""
        lines = []
        for i in range(RUNAWAY_CALLS):
            ts = datetime(SPIKE_DAY.year, SPIKE_DAY.month, SPIKE_DAY.day, 14, 0, tzinfo=UTC) + timedelta(
                seconds=2 * i
            )
            lines.append(
                json.dumps(
                    {
                        "ts": ts.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                        "msg": "llm.request",
                        "requestId": f"loop-{i:04d}",
                        "traceId": "loop-1",
                        "sessionId": "sess-loop",
                        "tenantId": "t_loop",
                        "feature": "agent",
                        "provider": "openai",
                        "model": "gpt-4.1",
                        "inputTokens": 1000,
                        "outputTokens": 100,
                        "latencyMs": 900,
                        "outcome": "success",
                        "costUsd": 0.01,
                    }
                )
            )
        staged = self.tmp / "agent.jsonl"
        staged.write_text("\n".join(lines) + "\n", "utf-8")
        staged.rename(self.logs / "agent.jsonl")

    def args(self, *extra: str) -> list[str]:
        return ["watch", str(self.logs), "--db", str(self.db), "--config", str(self.cfg), *extra]

    def start(self, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*LLMCOST, *self.args(*extra)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def readable(self, sql: str) -> list[tuple[Any, ...]] | None:
        """The query's rows, or None while the watch holds the file (a pass is writing)."""
        try:
            return self.query(sql) if self.db.exists() else None
        except duckdb.Error:
            return None


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> tuple[int, str]:
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    return proc.returncode, err.decode()


def test_watch_posts_a_planted_runaway_once_and_stops_cleanly(tmp_path: Path, receiver: Receiver) -> None:
    site = Site(tmp_path)
    proc = site.start("--every", "1s", "--webhook", receiver.url)
    try:
        # the first pass loads the quiet days: nothing fires
        assert wait_for(lambda: site.readable("SELECT count(*) FROM requests") == [(BASE_CALLS,)], 30)
        site.add_runaway()
        started = time.monotonic()
        assert wait_for(lambda: len(receiver.bodies) >= 1, 20), "no webhook within 20 s"
        took = time.monotonic() - started
    finally:
        code, err = stop(proc)
    assert code == 0, err
    assert took < 10, took
    (body,) = receiver.bodies
    assert body["schema"] == "llmcost.alerts.watch/1" and body["fired"] == 1
    (alert,) = body["alerts"]
    assert (alert["rule"], alert["subject"]) == ("runaway-trace", {"kind": "trace", "id": "loop-1"})
    assert alert["observed"] == RUNAWAY_CALLS and alert["details"]["session_id"] == "sess-loop"
    assert "runaway-trace" in body["text"] and "loop-1" in body["text"]
    # not a terminal: only the alert on stderr, no progress line
    assert "alert critical runaway-trace loop-1" in err and "pass " not in err, repr(err)

    # every line in the warehouse exactly once; the books balance
    total = BASE_CALLS + RUNAWAY_CALLS
    assert site.query("SELECT count(*), count(DISTINCT request_id), sum(logged_cost_usd) FROM requests") == [
        (total, total, Decimal("9.5"))
    ]
    assert site.query("SELECT sum(lines_read), sum(loaded_requests), sum(duplicate) FROM ingests") == [
        (total, total, 0)
    ]
    assert site.query("SELECT rule, subject, window_key, sent_at IS NOT NULL FROM notifications") == [
        ("runaway-trace", "trace=loop-1", SPIKE_DAY.isoformat(), True)
    ]

    # a restart checks nothing twice and posts nothing again
    runs = site.query("SELECT count(*) FROM ingests")[0][0]
    proc = site.start("--every", "1s", "--webhook", receiver.url)
    try:
        # its first pass reads the inputs again (a run that loads nothing), then a few idle passes
        assert wait_for(lambda: site.readable("SELECT count(*) FROM ingests") == [(runs + 1,)], 30)
        time.sleep(2)
    finally:
        code, err = stop(proc, signal.SIGINT)
    assert code == 0, err
    assert len(receiver.bodies) == 1
    code = subprocess.run([*LLMCOST, *site.args("--once", "--webhook", receiver.url)], timeout=60).returncode
    assert code == 0 and len(receiver.bodies) == 1
    assert site.query("SELECT count(*) FROM requests") == [(total,)]


def test_a_failed_webhook_is_tried_again_next_pass(tmp_path: Path, receiver: Receiver) -> None:
    site = Site(tmp_path)
    site.add_spike()
    receiver.status = 503
    once = [*LLMCOST, *site.args("--once", "--webhook", receiver.url)]
    failed = subprocess.run(once, capture_output=True, timeout=60)
    assert failed.returncode == 74, failed.stderr.decode()  # --once says the webhook failed
    assert b"tried again next pass" in failed.stderr
    assert site.query("SELECT sent_at IS NULL, attempts, last_error LIKE '%503%' FROM notifications") == [
        (True, 1, True)
    ]
    assert receiver.bodies == []
    receiver.status = 200
    # nothing new to read: the pass still runs, for the alert waiting to be sent
    assert subprocess.run(once, timeout=60).returncode == 0
    assert len(receiver.bodies) == 1 and receiver.bodies[0]["alerts"][0]["rule"] == "tenant-spike"
    assert subprocess.run(once, timeout=60).returncode == 0
    assert len(receiver.bodies) == 1


def test_without_a_webhook_alerts_go_to_stderr_once(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.add_spike()
    first = subprocess.run([*LLMCOST, *site.args("--once")], capture_output=True, timeout=60)
    assert first.returncode == 0 and first.stdout == b""
    assert first.stderr.decode().count("alert warning tenant-spike acme") == 1
    again = subprocess.run([*LLMCOST, *site.args("--once")], capture_output=True, timeout=60)
    assert again.returncode == 0 and again.stderr == b""


def test_a_signal_lets_the_batch_in_flight_commit_then_exits_0(tmp_path: Path) -> None:
    """SIGTERM inside the second batch's transaction: `ingest` rolls that batch back and exits 143;
    `watch` commits it, stops before the third, and exits 0. The rerun loads the rest, once."""
    site = Site(tmp_path)
    big = LogWriter()
    big._n = 5000
    for i in range(3000):
        big.request(BASE_DAY + timedelta(days=i % 8), tenant=f"t{i % 7}", cost=0.01)
    big.write(site.logs / "app-3.jsonl")
    lines = BASE_CALLS + 3000
    site.cfg.write_text(site.cfg.read_text() + "\n[ingest]\nbatch_bytes = 131072\nmax_line_bytes = 65536\n")
    run = subprocess.run(
        [*LLMCOST, *site.args("--every", "1s")],
        capture_output=True,
        timeout=120,
        env={**os.environ, "LLMCOST_SIGNAL_AT": "commit.before:2:SIGTERM"},
    )
    assert run.returncode == 0, run.stderr.decode()
    rows = site.query("SELECT count(*), count(DISTINCT request_id) FROM requests")[0]
    batches = site.query("SELECT count(*) FROM segments")[0][0]
    assert rows[0] == rows[1] and 0 < rows[0] < lines
    assert batches == 2  # the batch the signal came in committed; no third began
    assert site.query("SELECT status FROM ingests") == [("interrupted",)]
    assert subprocess.run([*LLMCOST, *site.args("--once")], timeout=120).returncode == 0
    assert site.query("SELECT count(*), count(DISTINCT request_id) FROM requests") == [(lines, lines)]


@pytest.mark.parametrize("every", ["30s", "5m", "1h"])
def test_every_takes_seconds_minutes_hours(every: str) -> None:
    from llmcost.cli.watch import parse_every

    assert parse_every(every) == {"30s": 30, "5m": 300, "1h": 3600}[every]


@pytest.mark.parametrize("every", ["0s", "90", "5 days", "25h", "-1m"])
def test_every_refuses_what_it_cannot_read(every: str) -> None:
    from llmcost.cli.watch import parse_every
    from llmcost.errors import UsageError

    with pytest.raises(UsageError):
        parse_every(every)


@pytest.mark.slow
def test_readers_answer_while_watch_runs(tmp_path: Path) -> None:
    """~60 s of watch at --every 1s, a new file every 5 s, while report, alerts and status run in
    a loop beside it: every one of them answers (exit 0), and every line is loaded once."""
    site = Site(tmp_path)
    proc = site.start("--every", "1s")
    assert wait_for(lambda: site.readable("SELECT count(*) FROM requests") == [(BASE_CALLS,)], 30)
    readers = [
        ["report", "--db", str(site.db), "--config", str(site.cfg), "-f", "json"],
        [
            "alerts",
            "--at",
            SPIKE_DAY.isoformat(),
            "--fail-on",
            "never",
            "--db",
            str(site.db),
            "--config",
            str(site.cfg),
        ],
        ["status", "--db", str(site.db), "--config", str(site.cfg)],
    ]
    failures: list[str] = []
    answered = 0
    written = 0
    deadline = time.monotonic() + 60
    next_file = time.monotonic()
    try:
        while time.monotonic() < deadline:
            if time.monotonic() >= next_file:
                w = LogWriter()
                w._n = 10_000 * (written + 1)
                for _ in range(200):
                    w.request(SPIKE_DAY, tenant="t_steady", cost=0.01)
                staged = tmp_path / f"new-{written}.jsonl"
                w.write(staged)
                staged.rename(site.logs / staged.name)
                written += 1
                next_file = time.monotonic() + 5
            for args in readers:
                r = subprocess.run([*LLMCOST, *args], capture_output=True, timeout=60)
                answered += 1
                if r.returncode != 0:
                    failures.append(f"{args[0]}: exit {r.returncode}: {r.stderr.decode()[:200]}")
    finally:
        code, err = stop(proc)
    assert code == 0, err
    assert not failures, f"{len(failures)} of {answered} refused: {failures[:3]}"
    total = BASE_CALLS + 200 * written
    assert site.query("SELECT count(*), count(DISTINCT request_id) FROM requests") == [(total, total)]


def test_killed_between_the_webhook_answer_and_the_mark_posts_again(
    tmp_path: Path, receiver: Receiver
) -> None:
    """The one window where kill -9 repeats something: the webhook took the alert, the mark did not
    commit. The restart posts it again (at least once), and then never more."""
    site = Site(tmp_path)
    site.add_spike()
    once = [*LLMCOST, *site.args("--once", "--webhook", receiver.url)]
    killed = subprocess.run(once, env={**os.environ, "LLMCOST_CRASH_AT": "watch.posted"}, timeout=60)
    assert killed.returncode == -signal.SIGKILL and len(receiver.bodies) == 1
    assert site.query("SELECT sent_at IS NULL FROM notifications") == [(True,)]
    assert subprocess.run(once, timeout=60).returncode == 0
    assert subprocess.run(once, timeout=60).returncode == 0
    assert len(receiver.bodies) == 2
    assert site.query("SELECT sent_at IS NOT NULL, attempts FROM notifications") == [(True, 1)]


def test_on_a_terminal_one_progress_line_is_rewritten(tmp_path: Path) -> None:
    """In a real pty: each pass rewrites one line (carriage return, no new line); an alert is
    printed above it; SIGTERM leaves the last line and says why it stopped, exit 0."""
    pexpect = pytest.importorskip("pexpect")
    site = Site(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "llmcost", *site.args("--every", "1s")],
        env={**env, "TERM": "xterm-256color"},
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=30,
    )
    try:
        child.expect(r"pass 2 · \d\d:\d\d:\d\d · nothing new")
        site.add_spike()
        child.expect("alert warning tenant-spike acme")
        child.expect(r"pass \d+ · \d\d:\d\d:\d\d · 12 loaded \(20 in all\) · 1 new alert \(1 in all\)")
        child.kill(signal.SIGTERM)
        child.expect("stopped by SIGTERM")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    raw = child.before or ""
    assert "\n" not in raw.strip("\r\n")  # nothing after the stop line


def test_between_batches_holds_a_signal_until_the_commit_block_ends() -> None:
    """interrupts.between_batches: a signal inside it cuts nothing; it is raised when the next
    deferred() block (a batch's COMMIT) ends, and acknowledge() makes the run a clean exit."""
    from llmcost import interrupts

    events: list[str] = []
    with interrupts.handling():
        try:
            with interrupts.between_batches():
                os.kill(os.getpid(), signal.SIGTERM)
                events.append("after the signal")  # not raised here
                with interrupts.deferred():
                    events.append("commit")
                events.append("never")
        except interrupts.Signalled as e:
            events.append(f"raised {e}")
        assert interrupts.received() == signal.SIGTERM
        interrupts.acknowledge()
        assert interrupts.received() is None
    assert events == ["after the signal", "commit", "raised SIGTERM"]


def test_first_watch_on_an_old_warehouse_checks_only_what_it_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What `llmcost ingest` loaded before the first watch is old news (the nightly run judged it);
    a backfill the watch loads is checked over its own days, however old. (A day rule judges every
    subject of a day the pass touched, so the backfill's days are kept apart from acme's spike.)"""
    from llmcost.cli import main

    site = Site(tmp_path)
    site.add_spike()  # acme's spike, ingested by hand before any watch
    assert main(["ingest", str(site.logs), "--db", str(site.db), "--config", str(site.cfg), "-q"]) == 0
    assert main(site.args("--once")) == 0
    assert "alert" not in capsys.readouterr().err
    # a backfill: globex, the same shape ten days later, weeks old when it arrives
    late = LogWriter()
    late._n = 20_000
    later = timedelta(days=10)
    for i in range(BASE_CALLS):
        late.request(BASE_DAY + later + timedelta(days=i), tenant="globex", cost=1.0)
    for _ in range(SPIKE_CALLS):
        late.request(SPIKE_DAY + later, tenant="globex", cost=1.0)
    late.write(site.logs / "backfill.jsonl")
    assert main(site.args("--once")) == 0
    err = capsys.readouterr().err
    assert "alert warning tenant-spike globex" in err and "acme" not in err, err
    assert site.query("SELECT subject, window_key FROM notifications") == [
        ("tenant=globex", (SPIKE_DAY + later).isoformat())
    ]
