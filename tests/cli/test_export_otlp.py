"""`llmcost export otlp`: a real OTLP/HTTP receiver on 127.0.0.1 decodes what the SDK's exporter
sends (protobuf, optionally gzip) with opentelemetry-proto, and the numbers are the warehouse's:
the month to date through the pushed day, as `llmcost report` counts it. A collector that refuses
(HTTP 400, or 503 after every retry) gives exit 74 and one line saying so."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest

from tests.conftest import Cli


@dataclass
class Receiver:
    url: str
    status: int = 200
    requests: list[ExportMetricsServiceRequest] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            state.paths.append(self.path)
            state.headers.append({k.lower(): v for k, v in self.headers.items()})
            msg = ExportMetricsServiceRequest()
            msg.ParseFromString(body)
            state.requests.append(msg)
            self.send_response(state.status)
            if state.status == 503:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _points(msg: ExportMetricsServiceRequest) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for rm in msg.resource_metrics:
        for sm in rm.scope_metrics:
            for m in sm.metrics:
                kind = m.WhichOneof("data")
                out.setdefault(m.name, []).extend(getattr(m, kind).data_points)
    return out


def _attrs(point: Any) -> dict[str, str]:
    return {kv.key: kv.value.string_value for kv in point.attributes}


def _value(point: Any) -> float:
    return float(point.as_double if point.WhichOneof("value") == "as_double" else point.as_int)


def _report(cli: Cli, *args: str) -> dict[str, Any]:
    code, out, err = cli("report", "--format", "json", *args)
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def _ns(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()) * 1_000_000_000


def test_pushes_the_month_to_date_of_the_day(shared: Cli, receiver: Receiver, tmp_path: Path) -> None:
    config = tmp_path / "llmcost.toml"
    config.write_text("[budgets]\norg_monthly_usd = 40\n", "utf-8")
    code, _, err = shared(
        "export", "otlp", "--endpoint", receiver.url, "--at", "2026-09-15", "--config", str(config)
    )
    assert code == 0, err
    assert err.count("\n") == 1 and "sent" in err
    assert receiver.paths == ["/v1/metrics"]
    assert receiver.headers[0]["content-type"] == "application/x-protobuf"
    msg = receiver.requests[0]
    scope = msg.resource_metrics[0].scope_metrics[0]
    kinds = {m.name: m for m in scope.metrics}
    assert set(kinds) == {
        "llmcost.cost",
        "llmcost.tokens",
        "llmcost.requests",
        "llmcost.errors",
        "llmcost.unpriced_requests",
        "llmcost.budget.limit",
        "llmcost.budget.utilization",
    }
    for name in ("llmcost.cost", "llmcost.tokens", "llmcost.requests", "llmcost.errors"):
        assert kinds[name].sum.aggregation_temporality == 2  # AGGREGATION_TEMPORALITY_CUMULATIVE
        assert kinds[name].sum.is_monotonic
    assert kinds["llmcost.cost"].unit == "USD"

    points = _points(msg)
    for p in points["llmcost.requests"]:
        assert p.start_time_unix_nano == _ns("2026-09-01T00:00:00")
        assert p.time_unix_nano == _ns("2026-09-16T00:00:00")
        attrs = _attrs(p)
        assert "gen_ai.request.model" in attrs and "gen_ai.operation.name" in attrs

    totals = _report(shared, "--since", "2026-09-01", "--until", "2026-09-16")["totals"]
    assert sum(_value(p) for p in points["llmcost.requests"]) == totals["requests"]
    assert sum(_value(p) for p in points["llmcost.errors"]) == totals["failures"]
    assert sum(_value(p) for p in points["llmcost.unpriced_requests"]) == totals["unpriced_requests"]
    tokens = points["llmcost.tokens"]
    assert (
        sum(_value(p) for p in tokens if _attrs(p)["gen_ai.token.type"] == "input") == totals["input_tokens"]
    )
    assert (
        sum(_value(p) for p in tokens if _attrs(p)["gen_ai.token.type"] == "output")
        == totals["output_tokens"]
    )
    cost = sum(_value(p) for p in points["llmcost.cost"])
    assert cost == pytest.approx(float(totals["cost_usd"]), abs=1e-6)
    [limit] = points["llmcost.budget.limit"]
    [used] = points["llmcost.budget.utilization"]
    assert _value(limit) == 40.0
    assert _value(used) == pytest.approx(float(totals["cost_usd"]) / 40, abs=1e-9)


def test_attributes_carry_tenant_feature_and_provider(shared: Cli, receiver: Receiver) -> None:
    code, _, err = shared("export", "otlp", "--endpoint", receiver.url, "--at", "2026-09-15")
    assert code == 0, err
    points = _points(receiver.requests[0])
    rows = _report(shared, "--by", "tenant,provider", "--since", "2026-09-01", "--until", "2026-09-16")[
        "rows"
    ]
    by: dict[tuple[str | None, str | None], float] = {}
    for p in points["llmcost.requests"]:
        a = _attrs(p)
        key = (a.get("llmcost.tenant"), a.get("gen_ai.provider.name"))
        by[key] = by.get(key, 0) + _value(p)
    assert by == {(r["tenant"], r["provider"]): r["requests"] for r in rows}
    assert any("llmcost.feature" in _attrs(p) for p in points["llmcost.requests"])


def test_rerunning_a_day_sends_the_same_points(shared: Cli, receiver: Receiver) -> None:
    for _ in range(2):
        code, _, err = shared("export", "otlp", "--endpoint", receiver.url, "--at", "2026-09-14")
        assert code == 0, err
    first, second = receiver.requests
    assert first == second


def test_a_backfill_sends_one_growing_point_per_day(shared: Cli, receiver: Receiver) -> None:
    code, _, err = shared(
        "export", "otlp", "--endpoint", receiver.url, "--since", "2026-09-13", "--until", "2026-09-17"
    )
    assert code == 0, err
    points = _points(receiver.requests[0])["llmcost.requests"]
    per_day: dict[int, float] = {}
    for p in points:
        per_day[p.time_unix_nano] = per_day.get(p.time_unix_nano, 0) + _value(p)
    days = sorted(per_day)
    assert days == [_ns(f"2026-09-{d}T00:00:00") for d in (14, 15, 16, 17)]
    values = [per_day[d] for d in days]
    assert values == sorted(values)
    assert (
        values[-1] == _report(shared, "--since", "2026-09-01", "--until", "2026-09-17")["totals"]["requests"]
    )


def test_env_endpoint_headers_and_gzip(
    shared: Cli, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url + "/")
    code, _, err = shared(
        "export", "otlp", "--at", "2026-09-15", "--headers", "x-api-key=s3cret,x-team=ml", "--gzip"
    )
    assert code == 0, err
    assert receiver.paths == ["/v1/metrics"]
    assert receiver.headers[0]["x-api-key"] == "s3cret"
    assert receiver.headers[0]["x-team"] == "ml"
    assert receiver.headers[0]["content-encoding"] == "gzip"
    assert _points(receiver.requests[0])["llmcost.requests"]


@pytest.mark.parametrize("status", [400, 503])
def test_a_refusing_collector_exits_74_with_one_line(shared: Cli, receiver: Receiver, status: int) -> None:
    receiver.status = status
    code, out, err = shared(
        "export", "otlp", "--endpoint", receiver.url, "--at", "2026-09-15", "--timeout", "5"
    )
    assert code == 74
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("llmcost: export otlp: the collector at http://127.0.0.1:")
    assert "did not accept" in lines[0] and str(status) in lines[0]
    if status == 503:
        assert len(receiver.requests) > 1  # retried
        assert f"after {len(receiver.requests)} attempt(s)" in lines[0]
    else:
        assert len(receiver.requests) == 1  # a 400 is final


def test_no_endpoint_is_a_usage_error(shared: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    code, _, err = shared("export", "otlp", "--at", "2026-09-15")
    assert code == 2
    assert "--endpoint" in err


def test_unreachable_collector_exits_74(shared: Cli) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, _, err = shared(
        "export", "otlp", "--endpoint", f"http://127.0.0.1:{port}", "--at", "2026-09-15", "--timeout", "2"
    )
    assert code == 74
    assert len(err.strip().splitlines()) == 1, err


def test_a_long_backfill_goes_in_batches(
    shared: Cli, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmcost.report import otlp

    argv = ("export", "otlp", "--endpoint", receiver.url, "--since", "2026-09-13", "--until", "2026-09-17")
    code, _, err = shared(*argv)
    assert code == 0, err
    [whole] = receiver.requests
    expected = sum(len(v) for v in _points(whole).values())
    monkeypatch.setattr(otlp, "BATCH_POINTS", 500)
    code, _, err = shared(*argv)
    assert code == 0, err
    batches = receiver.requests[1:]
    assert len(batches) == -(-expected // 500)
    assert f"in {len(batches)} request(s)" in err
    assert sum(sum(len(v) for v in _points(b).values()) for b in batches) == expected


def test_hand_computed_cumulative_points(cli: Cli, receiver: Receiver, tmp_path: Path) -> None:
    """Logged costs: $0.0183 and $0.0017 on the 14th, $0.0100 on the 15th (one failed), so the
    points read 0.02 at the end of the 14th and 0.03 at the end of the 15th, both from the 1st."""
    log = tmp_path / "app.jsonl"
    base = {
        "msg": "llm.request",
        "tenantId": "tenant_acme",
        "feature": "copilot",
        "provider": "anthropic",
        "model": "claude-sonnet-4",
        "operation": "chat",
        "inputTokens": 1000,
        "outputTokens": 100,
    }
    calls = [
        {"requestId": "r1", "ts": "2026-09-14T09:00:00Z", "costUsd": 0.0183, "outcome": "success"},
        {"requestId": "r2", "ts": "2026-09-14T17:30:00Z", "costUsd": 0.0017, "outcome": "success"},
        {"requestId": "r3", "ts": "2026-09-15T08:00:00Z", "costUsd": 0.0100, "outcome": "error"},
    ]
    log.write_text("".join(json.dumps(base | c) + "\n" for c in calls), "utf-8")
    cli.ingest(log)
    code, _, err = cli(
        "export", "otlp", "--endpoint", receiver.url, "--since", "2026-09-14", "--until", "2026-09-16",
        "--cost", "logged",
    )  # fmt: skip
    assert code == 0, err
    points = _points(receiver.requests[0])
    want_attrs = {
        "gen_ai.request.model": "claude-sonnet-4",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.operation.name": "chat",
        "llmcost.tenant": "tenant_acme",
        "llmcost.feature": "copilot",
    }

    def series(name: str, **extra: str) -> list[tuple[int, float]]:
        found = [p for p in points[name] if _attrs(p) == want_attrs | extra]
        assert all(p.start_time_unix_nano == _ns("2026-09-01T00:00:00") for p in found)
        return sorted((p.time_unix_nano, _value(p)) for p in found)

    end14, end15 = _ns("2026-09-15T00:00:00"), _ns("2026-09-16T00:00:00")
    assert series("llmcost.cost") == [(end14, pytest.approx(0.02)), (end15, pytest.approx(0.03))]
    assert series("llmcost.requests") == [(end14, 2), (end15, 3)]
    assert series("llmcost.errors") == [(end14, 0), (end15, 1)]
    assert series("llmcost.tokens", **{"gen_ai.token.type": "input"}) == [(end14, 2000), (end15, 3000)]
    assert series("llmcost.tokens", **{"gen_ai.token.type": "output"}) == [(end14, 200), (end15, 300)]
