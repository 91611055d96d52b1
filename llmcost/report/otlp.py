"""`llmcost export otlp`: the warehouse's spend as OTLP/HTTP metrics (protobuf), sent with the
OpenTelemetry SDK's own exporter, so any collector or OTLP backend takes them.

Metrics (cumulative, monotonic sums unless noted):

    llmcost.cost              USD        priced requests only (unpriced: llmcost.unpriced_requests)
    llmcost.tokens            {token}    with gen_ai.token.type = input | output
    llmcost.requests          {request}
    llmcost.errors            {request}  outcome error, timeout, rate_limited or cancelled
    llmcost.unpriced_requests {request}
    llmcost.budget.limit      USD        gauge: [budgets] org_monthly_usd, when set
    llmcost.budget.utilization 1         gauge: the org's month-to-date spend / that budget

Attributes (OpenTelemetry's gen_ai semantic conventions where one exists): gen_ai.request.model,
gen_ai.provider.name (when logged), gen_ai.operation.name, and llmcost.tenant and llmcost.feature
(no convention names them; absent when not logged).

Temporality: cumulative, reset each UTC month. Every point of a day has start_time = the first
instant of its UTC month and time = the end of the day (midnight after it; now, for today), and its
value is the month to date through that day. So a point depends only on the day: re-running the
export for the same closed days sends identical points (idempotent; a backend that keeps the last
sample per timestamp stores them once), a backend's rate()/increase() over the daily points gives
spend per day, and the new start_time on the 1st tells it the sum was reset. Delta temporality
was not chosen because a re-run would count the same day twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from llmcost.errors import ExitCode, LlmcostError

if TYPE_CHECKING:
    from opentelemetry.sdk.metrics.export import MetricsData

    from llmcost.queries.cumulative import DayTotals, SeriesKey

METRICS_PATH = "/v1/metrics"
BATCH_POINTS = 10_000


class CollectorRefused(LlmcostError):
    exit_code = ExitCode.IO


def _nanos(at: datetime) -> int:
    return int(at.timestamp()) * 1_000_000_000 + at.microsecond * 1000


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def attributes(key: SeriesKey) -> dict[str, str]:
    tenant, feature, model, provider, operation = key
    attrs = {"gen_ai.request.model": model, "gen_ai.operation.name": operation}
    if provider is not None:
        attrs["gen_ai.provider.name"] = provider
    if tenant is not None:
        attrs["llmcost.tenant"] = tenant
    if feature is not None:
        attrs["llmcost.feature"] = feature
    return attrs


def metrics_data(
    days: Sequence[DayTotals], *, budget: Decimal | None, now: datetime, version: str
) -> MetricsData:
    """The OTLP document: one point per series, metric and day."""
    from opentelemetry.sdk.metrics.export import (
        AggregationTemporality,
        Gauge,
        Metric,
        MetricsData,
        NumberDataPoint,
        ResourceMetrics,
        ScopeMetrics,
        Sum,
    )
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.util.instrumentation import InstrumentationScope

    points: dict[str, list[NumberDataPoint]] = {
        name: [] for name in ("cost", "tokens", "requests", "errors", "unpriced", "limit", "utilization")
    }
    for d in days:
        start = _nanos(_midnight(d.month_start))
        at = _nanos(min(_midnight(d.day + timedelta(days=1)), now))

        def point(
            attrs: Mapping[str, Any], value: float | int, start: int = start, at: int = at
        ) -> NumberDataPoint:
            return NumberDataPoint(
                attributes=dict(attrs), start_time_unix_nano=start, time_unix_nano=at, value=value
            )

        for key, t in d.series.items():
            attrs = attributes(key)
            if t.cost_usd is not None:
                points["cost"].append(point(attrs, float(t.cost_usd)))
            points["tokens"].append(point({**attrs, "gen_ai.token.type": "input"}, t.input_tokens))
            points["tokens"].append(point({**attrs, "gen_ai.token.type": "output"}, t.output_tokens))
            points["requests"].append(point(attrs, t.requests))
            points["errors"].append(point(attrs, t.failures))
            points["unpriced"].append(point(attrs, t.unpriced))
        if budget is not None and budget > 0:
            points["limit"].append(point({}, float(budget)))
            points["utilization"].append(point({}, float(d.org_cost() / budget)))

    def total(name: str, unit: str, doc: str, key: str) -> Metric:
        data = Sum(
            data_points=points[key],
            aggregation_temporality=AggregationTemporality.CUMULATIVE,
            is_monotonic=True,
        )
        return Metric(name=name, description=doc, unit=unit, data=data)

    metrics = [
        total("llmcost.cost", "USD", "Estimated LLM spend, month to date (priced requests)", "cost"),
        total("llmcost.tokens", "{token}", "LLM tokens by type, month to date", "tokens"),
        total("llmcost.requests", "{request}", "LLM requests, month to date", "requests"),
        total("llmcost.errors", "{request}", "LLM requests that failed, month to date", "errors"),
        total(
            "llmcost.unpriced_requests", "{request}", "LLM requests with no price, month to date", "unpriced"
        ),
    ]
    if points["limit"]:
        metrics.append(
            Metric(
                name="llmcost.budget.limit",
                description="The org's monthly LLM budget",
                unit="USD",
                data=Gauge(data_points=points["limit"]),
            )
        )
        metrics.append(
            Metric(
                name="llmcost.budget.utilization",
                description="The org's month-to-date LLM spend / its monthly budget",
                unit="1",
                data=Gauge(data_points=points["utilization"]),
            )
        )
    scope = InstrumentationScope("llmcost", version)
    resource = Resource.create({"service.name": "llmcost"})
    return MetricsData(
        resource_metrics=[
            ResourceMetrics(
                resource=resource,
                scope_metrics=[ScopeMetrics(scope=scope, metrics=metrics, schema_url="")],
                schema_url="",
            )
        ]
    )


def count_points(data: MetricsData) -> int:
    return sum(
        len(m.data.data_points) for rm in data.resource_metrics for sm in rm.scope_metrics for m in sm.metrics
    )


class _Attempts(logging.Handler):
    """Hears the exporter's log lines (kept off stderr: llmcost says what happened once)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.last_error: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.last_error = record.getMessage()


@contextmanager
def _hearing(names: Sequence[str]) -> Iterator[_Attempts]:
    heard = _Attempts()
    loggers = [logging.getLogger(n) for n in names]
    saved = [(lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(heard)
        lg.propagate = False  # the exporter's own lines stay out of our stderr: we say it once
        lg.setLevel(logging.DEBUG)
    try:
        yield heard
    finally:
        for lg, (propagate, level) in zip(loggers, saved, strict=True):
            lg.removeHandler(heard)
            lg.propagate = propagate
            lg.setLevel(level)


def shown_url(url: str) -> str:
    """The URL as messages show it: no user, password, query or fragment (they may hold a key)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or '?'}{port}{parts.path}"


def metrics_url(endpoint: str) -> str:
    """The collector's base URL (as OTEL_EXPORTER_OTLP_ENDPOINT) → its metrics URL."""
    base = endpoint.strip().rstrip("/")
    return base if base.endswith(METRICS_PATH) else base + METRICS_PATH


def push(
    data: MetricsData,
    url: str,
    *,
    headers: Mapping[str, str],
    timeout_s: float,
    gzip: bool,
) -> int:
    """Send `data` to `url`; the SDK's exporter retries 429/502/503/504 and connection errors with
    exponential backoff until `timeout_s`. Returns the requests the collector accepted; raises
    CollectorRefused with the attempts that failed."""
    import requests
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.sdk.metrics.export import MetricExportResult

    accepted = 0  # requests the collector took (a backfill goes in batches)
    answers: list[str] = []  # each refusal, "503 Service Unavailable", as the session saw it
    failures: list[str] = []  # each attempt that got no answer: why

    class Recording(requests.Session):
        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            try:
                response = super().send(request, **kwargs)
            except requests.RequestException as e:
                errno = re.search(r"\[Errno -?\d+\] [^'\")]+", str(e))
                failures.append(errno.group(0) if errno else type(e).__name__)
                raise
            nonlocal accepted
            if 200 <= response.status_code < 400:
                accepted += 1
            else:
                answers.append(f"{response.status_code} {response.reason}".strip())
            return response

    session = Recording()
    exporter = OTLPMetricExporter(
        session=session,
        endpoint=url,
        headers=dict(headers),
        timeout=timeout_s,
        compression=Compression.Gzip if gzip else Compression.NoCompression,
        # a long backfill goes as several requests (a collector's body limit is often a few MiB);
        # when one is refused the export fails, and re-running sends the same points again
        max_export_batch_size=BATCH_POINTS,
    )
    with _hearing(["opentelemetry.exporter.otlp.proto.http.metric_exporter"]) as heard:
        try:
            result = exporter.export(data, timeout_millis=timeout_s * 1000)
        finally:
            exporter.shutdown()
            session.close()
    if result != MetricExportResult.SUCCESS:
        attempts = max(len(answers) + len(failures), 1)
        if answers:
            why = f"HTTP {answers[-1]}"
        elif failures:
            why = f"no answer: {failures[-1]}"
        else:
            why = " ".join((heard.last_error or "unknown").split())
        if len(why) > 120:
            why = why[:120]
        raise CollectorRefused(
            f"export otlp: the collector at {shown_url(url)} did not accept the metrics after "
            f"{attempts} attempt(s) ({why})"
        )
    return accepted
