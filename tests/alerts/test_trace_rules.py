"""runaway-trace, retry-storm and session-budget on hand-made agent logs (tests/alerts/trace_logs.py
says where every number comes from): over the closed day (`llmcost alerts --at`), over a short span
(`evaluate_span`, what `llmcost watch` calls), and quiet on normal multi-call agent traces."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from llmcost.alerts import Rule
from llmcost.alerts.model import Status
from tests.alerts.helpers import evaluate_days, run
from tests.alerts.trace_logs import D, at, build

TRACE_RULES = (Rule.RUNAWAY_TRACE, Rule.RETRY_STORM, Rule.SESSION_BUDGET)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build(tmp_path_factory.mktemp("planted"), "planted")


@pytest.fixture(scope="module")
def quiet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return build(tmp_path_factory.mktemp("quiet"), "quiet")


def _by_rule(db: Path, config: Path) -> dict[Rule, list[dict[str, object]]]:
    ev = evaluate_days(db, config, [D])[D]
    out: dict[Rule, list[dict[str, object]]] = {r: [] for r in TRACE_RULES}
    for a in ev.alerts:
        if a.rule in out:
            out[a.rule].append(a.as_dict())
    return out


def test_a_loop_and_a_burst_are_runaway_traces(planted: tuple[Path, Path]) -> None:
    found = _by_rule(*planted)[Rule.RUNAWAY_TRACE]
    # (an evaluation lists alerts by severity, rule, then subject)
    assert [a["subject"] for a in found] == [
        {"kind": "trace", "id": "burst-1"},
        {"kind": "trace", "id": "loop-1"},
    ]
    burst, loop = found
    # cost arm: $15.00 against 3 x the agent feature's p99 trace ($0.40)
    assert (loop["metric"], loop["observed"], loop["threshold"], loop["baseline"]) == (
        "trace cost",
        "15.000000000",
        "1.200000000",
        "0.400000000",
    )
    assert loop["severity"] == "critical"
    assert loop["baseline_window"] == {"start": "2026-03-03", "end": "2026-03-10"}
    d = loop["details"]
    assert isinstance(d, dict)
    assert (d["session_id"], d["tenant"], d["feature"], d["calls"], d["tokens"]) == (
        "sess-loop",
        "t_loop",
        "agent",
        300,
        330_000,
    )
    assert (d["first"], d["last"], d["burst_calls"]) == ("2026-03-10T14:00:00Z", "2026-03-10T14:09:58Z", 300)
    assert (d["feature_p99_calls"], d["feature_baseline_traces"]) == (4, 70)
    message = str(loop["message"])
    assert "trace loop-1 (t_loop/agent, session sess-loop)" in message and "$15.00" in message
    # no baseline for `batch`, $0.15 under the floor: only the burst arm
    assert (burst["metric"], burst["observed"], burst["threshold"], burst["baseline"]) == (
        "calls in a burst",
        150,
        100,
        None,
    )
    assert "150 calls within 10 minutes from 2026-03-10T09:00:00Z" in str(burst["message"])


def test_retry_storms_name_tenant_feature_and_the_spend_burnt(planted: tuple[Path, Path]) -> None:
    found = _by_rule(*planted)[Rule.RETRY_STORM]
    assert [a["subject"] for a in found] == [
        {"kind": "tenant+feature", "id": "t_storm/search"},
        {"kind": "trace", "id": "tr-storm"},
    ]
    storm, trace = found
    assert (storm["observed"], storm["threshold"]) == (40, 30)
    d = storm["details"]
    assert isinstance(d, dict)
    assert (d["tenant"], d["feature"], d["failures_in_window"], d["burnt_usd"]) == (
        "t_storm",
        "search",
        40,
        "0.200000000",
    )
    assert (d["window_start"], d["window_end"]) == ("2026-03-10T15:00:00Z", "2026-03-10T15:03:15Z")
    assert (d["window_calls"], d["window_spend_usd"]) == (45, "0.300000000")
    assert "40 failed calls (rate_limited/timeout/error) within 5 minutes" in str(storm["message"])
    assert "$0.2000 burnt on them, $0.3000 spent by t_storm/search" in str(storm["message"])
    assert (trace["observed"], trace["threshold"]) == (12, 10)
    td = trace["details"]
    assert isinstance(td, dict) and (td["tenant"], td["feature"], td["burnt_usd"]) == (
        "t_quiet",
        "chat",
        "0.000000000",
    )


def test_a_session_over_its_token_budget(planted: tuple[Path, Path]) -> None:
    found = _by_rule(*planted)[Rule.SESSION_BUDGET]
    assert [a["subject"] for a in found] == [{"kind": "session", "id": "sess-big"}]
    (a,) = found
    assert (a["metric"], a["observed"], a["threshold"]) == ("session tokens", 1_650_000, 1_000_000)
    d = a["details"]
    assert isinstance(d, dict)
    assert (d["calls"], d["traces"], d["cost_usd"], d["tenant"]) == (15, 3, "7.500000000", "t_sess")


def test_normal_agent_traces_raise_nothing(quiet: tuple[Path, Path]) -> None:
    ev = evaluate_days(*quiet, [D])[D]
    results = {r.rule: r for r in ev.results}
    for rule in TRACE_RULES:
        assert results[rule].status is Status.OK, (rule, results[rule].notes)
        assert results[rule].alerts == []


def test_session_budget_is_off_until_a_budget_is_set(planted: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = planted
    bare = tmp_path / "bare.toml"
    bare.write_text('[pricing]\ncost_mode = "logged"\n', "utf-8")
    result = {r.rule: r for r in evaluate_days(db, bare, [D])[D].results}[Rule.SESSION_BUDGET]
    assert result.status is Status.SKIPPED
    assert result.notes == ["not evaluated: set [alerts.session_budget] max_tokens or max_usd"]


def test_a_short_span_finds_only_what_ran_in_it(planted: tuple[Path, Path]) -> None:
    """What `llmcost watch` calls after a pass: 14:00-14:20 holds the loop and nothing else."""
    from llmcost.alerts import load_settings
    from llmcost.alerts.traces import evaluate_span
    from llmcost.config import load_config
    from llmcost.queries.session import prepare
    from llmcost.warehouse import reader

    db, config = planted
    settings = load_settings(load_config(config))
    with reader(db) as wh:
        con = prepare(wh)
        results = evaluate_span(con, settings, at(D, 14), at(D, 14, 20), cost_mode="logged")
        late = evaluate_span(con, settings, at(D, 15), at(D, 15, 10), cost_mode="logged")
        only = evaluate_span(
            con, settings, at(D, 17), at(D, 17, 5), cost_mode="logged", rules=[Rule.SESSION_BUDGET]
        )
    assert [r.rule for r in results] == list(TRACE_RULES)
    alerts = {r.rule: [a.subject for a in r.alerts] for r in results}
    assert alerts == {Rule.RUNAWAY_TRACE: ["loop-1"], Rule.RETRY_STORM: [], Rule.SESSION_BUDGET: []}
    assert {r.rule: [a.subject for a in r.alerts] for r in late}[Rule.RETRY_STORM] == ["t_storm/search"]
    assert [a.subject for r in only for a in r.alerts] == ["sess-big"]
    with pytest.raises(ValueError, match="after since"):
        evaluate_span(con, settings, at(D, 15), at(D, 15), cost_mode="logged")


def test_the_cli_lists_them_and_exits_1(
    planted: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, config = planted
    code, out, _ = run(
        capsys,
        "alerts",
        "--at",
        D.isoformat(),
        "--rule",
        "runaway-trace,retry-storm,session-budget",
        "--format",
        "json",
        "--db",
        str(db),
        "--config",
        str(config),
    )
    assert code == 1
    doc = json.loads(out)
    assert [a["key"] for a in doc["alerts"]] == [
        "runaway-trace:trace=burst-1",
        "runaway-trace:trace=loop-1",
        "retry-storm:tenant+feature=t_storm/search",
        "retry-storm:trace=tr-storm",
        "session-budget:session=sess-big",
    ]
    assert [r["rule"] for r in doc["rules"]] == ["runaway-trace", "retry-storm", "session-budget"]


def test_config_sections(tmp_path: Path) -> None:
    from llmcost.alerts.config import parse_settings

    s = parse_settings(
        {"runaway-trace": {"factor": 5, "burst_calls": 50}, "session_budget": {"max_usd": "2.5"}}, {}
    )
    assert (s.alerts.runaway_trace.factor, s.alerts.runaway_trace.burst_calls) == (5, 50)
    assert s.alerts.session_budget.max_usd == Decimal("2.5")
    assert s.alerts.retry_storm.outcomes == ["rate_limited", "timeout", "error"]
    assert timedelta(minutes=s.alerts.retry_storm.within_minutes) == timedelta(minutes=5)
