"""`llmcost traces` and `llmcost trace ID` on the hand-made agent logs of tests/alerts/trace_logs.py
(whose docstring works out every number used here)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.alerts.helpers import run
from tests.alerts.trace_logs import D, build


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build(tmp_path_factory.mktemp("traces"), "planted")


def _cli(planted: tuple[Path, Path], capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    db, config = planted
    return run(capsys, *args, "--db", str(db), "--config", str(config))


DAY = ("--since", D.isoformat(), "--until", "2026-03-11")


def test_traces_json_distribution_and_top(
    planted: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(planted, capsys, "traces", *DAY, "--format", "json", "--top", "3")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == "llmcost.traces/1"
    # 20 quiet + 2 sess-ok + loop-1 + burst-1 + 10 st + 5 st-ok + tr-storm + 3 sb
    assert (doc["unit"], doc["units"], doc["calls_without_id"]) == ("trace", 43, 0)
    agent = next(f for f in doc["features"] if f["feature"] == "agent")
    # costs: five each of $0.30, $0.40, $0.50, $0.60, and loop-1's $15.00
    assert (agent["count"], agent["cost_usd"]) == (21, "24.000000000")
    assert agent["cost_per_unit_usd"]["p50"] == "0.500000000"
    assert agent["cost_per_unit_usd"]["max"] == "15.000000000"
    assert (agent["calls"]["p50"], agent["calls"]["max"]) == (5, 300)
    assert agent["duration_ms"]["max"] == 598_000
    assert doc["features"][0]["feature"] == "agent"  # the costliest feature first
    assert doc["all"]["count"] == 43
    top = doc["top"]
    assert [t["trace_id"] for t in top] == ["loop-1", "sb-0", "sb-1"]
    assert top[0] == {
        "trace_id": "loop-1",
        "session_id": "sess-loop",
        "tenant": "t_loop",
        "feature": "agent",
        "calls": 300,
        "tokens": 330_000,
        "cost_usd": "15.000000000",
        "unpriced_calls": 0,
        "failed_calls": 0,
        "first": "2026-03-10T14:00:00Z",
        "last": "2026-03-10T14:09:58Z",
        "duration_ms": 598_000,
        "models": ["gpt-4.1"],
    }


def test_traces_by_session(planted: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(planted, capsys, "traces", *DAY, "--by", "session", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["unit"] == "session"
    assert [(t["session_id"], t["traces"], t["calls"], t["cost_usd"]) for t in doc["top"]] == [
        ("sess-loop", 1, 300, "15.000000000"),
        ("sess-big", 3, 15, "7.500000000"),
        ("sess-ok", 2, 6, "0.060000000"),
    ]
    # 618 calls on the day, 321 of them in a session
    assert doc["calls_without_id"] == 297


def test_traces_where_and_other_formats(
    planted: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(planted, capsys, "traces", *DAY, "--where", "tenant=t_storm", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 15
    assert sum(int(r["failed_calls"]) for r in rows) == 40
    code, out, _ = _cli(planted, capsys, "traces", *DAY, "--format", "md", "--top", "1")
    assert code == 0 and "| loop-1 | t_loop | agent | sess-loop | 300 |" in out
    code, out, _ = _cli(planted, capsys, "traces", *DAY, "--top", "2")
    assert code == 0
    assert "Costliest traces" in out and "loop-1" in out and "sb-1" not in out


def test_trace_timeline_with_its_event(
    planted: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(planted, capsys, "trace", "q-0", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == "llmcost.trace/1"
    assert [(c["outcome"], c["cost_usd"], c["cumulative_cost_usd"]) for c in doc["calls"]] == [
        ("rate_limited", "0.100000000", "0.100000000"),
        ("success", "0.100000000", "0.200000000"),
        ("success", "0.100000000", "0.300000000"),
    ]
    assert [c["ts"] for c in doc["calls"]] == [
        "2026-03-10T08:00:00Z",
        "2026-03-10T08:00:20Z",
        "2026-03-10T08:00:40Z",
    ]
    assert (doc["failed_calls"], doc["tokens"], doc["cost_usd"]) == (1, 2_200, "0.300000000")
    assert [(e["event"], e["trace_id"]) for e in doc["events"]] == [("task_completed", "q-0")]
    code, out, _ = _cli(planted, capsys, "trace", "q-0")
    assert code == 0 and "task_completed" in out and "rate_limited" in out


def test_trace_of_a_session(planted: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(planted, capsys, "trace", "--session", "sess-big", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 15 and rows[-1]["cumulative_cost_usd"] == "7.500000000"
    assert {r["trace_id"] for r in rows} == {"sb-0", "sb-1", "sb-2"}


def test_an_unknown_id_exits_2_naming_it_and_the_closest(
    planted: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(planted, capsys, "trace", "loop-2")
    assert code == 2
    assert "no trace 'loop-2'" in err and "did you mean loop-1" in err
    code, _, err = _cli(planted, capsys, "trace", "zzzzzz")
    assert code == 2 and "`llmcost traces` lists them" in err
    code, _, err = _cli(planted, capsys, "trace")
    assert code == 2 and "give a trace ID or --session ID" in err
    code, _, err = _cli(planted, capsys, "traces", "--by", "model")
    assert code == 2 and "--by" in err


def test_report_by_and_where_session(planted: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """`session` is a report dimension: `--by session` groups by it, `--where session=` keeps one."""
    code, out, err = _cli(planted, capsys, "report", *DAY, "--by", "session", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    traces = json.loads(_cli(planted, capsys, "traces", *DAY, "--by", "session", "--format", "json")[1])
    want = {t["session_id"]: (t["calls"], t["cost_usd"]) for t in traces["top"]}
    rows = {r["session"]: (r["requests"], r["cost_usd"]) for r in doc["rows"] if r["session"] in want}
    assert rows == want
    code, out, err = _cli(planted, capsys, "report", *DAY, "--where", "session=sess-loop", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["totals"]["requests"] == want["sess-loop"][0]
