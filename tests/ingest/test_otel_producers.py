"""OpenTelemetry spans as instrumentations write them: dimensions where each producer keeps them,
ancestors in the same export, failed calls without usage, Vercel AI SDK steps, older names.

Span files are written by the real OpenTelemetry SDK (the OTLP/JSON file exporter, or the SDK's
protobuf encoder); only the hostile cases are typed by hand. The producer corpus itself
(fixtures/producers/otel-*) is checked by test_producers.py.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pytest
from opentelemetry.exporter.otlp.json.file import FileSpanExporter
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.trace import Status, StatusCode, Tracer

from llmcost.ingest.formats.otlp import OtlpMapper, Span
from tests.conftest import Cli

COLUMNS = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    "outcome",
    "model",
    "provider",
    "operation",
    "tenant_id",
    "feature",
    "user_id",
    "prompt_version",
)


class Protobuf(SpanExporter):
    """The SDK's own protobuf encoding, length-delimited as the Collector's file exporter writes it."""

    def __init__(self, path: Path) -> None:
        self.out = path.open("wb")

    def export(self, spans: Any) -> SpanExportResult:
        body = encode_spans(spans).SerializeToString()
        self.out.write(struct.pack(">I", len(body)) + body)
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        self.out.close()


@contextmanager
def spans_file(
    path: Path, *, batch: bool = True, proto: bool = False
) -> Iterator[tuple[Tracer, Callable[[], object]]]:
    """A tracer whose spans go to `path`; the callable ends an export (one OTLP line)."""
    exporter: SpanExporter = Protobuf(path) if proto else FileSpanExporter(path)
    provider = TracerProvider(resource=Resource.create({"service.name": "test-app"}))
    processor = (
        BatchSpanProcessor(exporter, schedule_delay_millis=600_000)
        if batch
        else SimpleSpanProcessor(exporter)
    )
    provider.add_span_processor(processor)
    try:
        yield provider.get_tracer("test"), lambda: provider.force_flush()
    finally:
        provider.shutdown()


def chat_attrs(extra: dict[str, Any] | None = None, *, inp: int = 1000, out: int = 100) -> dict[str, Any]:
    return {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4.1-mini",
        "gen_ai.usage.input_tokens": inp,
        "gen_ai.usage.output_tokens": out,
        **(extra or {}),
    }


def rows(cli: Cli) -> list[dict[str, Any]]:
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        cur = con.execute(f"SELECT {', '.join(COLUMNS)} FROM requests ORDER BY ts")
        return [dict(zip(COLUMNS, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def test_dimension_families_are_read_by_key_in_any_case(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "traces.jsonl"
    with spans_file(path) as (tracer, _):
        tracer.start_span(
            "openai.chat",
            attributes=chat_attrs(
                {
                    "traceloop.association.properties.TENANT_ID": "t_upper",
                    "traceloop.association.properties.Feature-Name": "f_dashed",
                    "traceloop.association.properties.userId": "u_camel",
                }
            ),
        ).end()
        tracer.start_span(
            "ai.generateText.doGenerate",
            attributes={
                "ai.operationId": "ai.generateText.doGenerate",
                "ai.model.provider": "openai.chat",
                "ai.model.id": "gpt-4.1-mini",
                "ai.usage.promptTokens": 10,
                "ai.usage.completionTokens": 5,
                "ai.telemetry.metadata.customer_id": "t_customer",
                "ai.telemetry.metadata.feature": "f_vercel",
                "ai.telemetry.metadata.promptVersion": "v7",
            },
        ).end()
        tracer.start_span(
            "ChatCompletion",
            attributes={
                "openinference.span.kind": "LLM",
                "llm.model_name": "gpt-4o",
                "llm.token_count.prompt": 20,
                "llm.token_count.completion": 2,
                "metadata": json.dumps({"Tenant": "t_json", "FEATURE": "f_json", "nested": {"tenant": "no"}}),
                "user.id": "u_named",
            },
        ).end()
        tracer.start_span(
            "generation",
            attributes=chat_attrs(
                {
                    "langfuse.trace.metadata.tenant": "t_langfuse",
                    "langfuse.observation.metadata.useCase": "f_lf",
                }
            ),
        ).end()
        # a named attribute beats a family key on the same span, whatever its case
        tracer.start_span(
            "chat",
            attributes=chat_attrs(
                {"Tenant.Id": "t_named", "traceloop.association.properties.tenant": "t_family"}
            ),
        ).end()
    cli.ingest(path)
    got = [(r["tenant_id"], r["feature"], r["user_id"]) for r in rows(cli)]
    assert got == [
        ("t_upper", "f_dashed", "u_camel"),
        ("t_customer", "f_vercel", None),
        ("t_json", "f_json", "u_named"),
        ("t_langfuse", "f_lf", None),
        ("t_named", None, None),
    ]
    assert rows(cli)[1]["prompt_version"] == "v7"


def test_dimensions_come_from_the_nearest_ancestor_in_the_same_export(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "traces.jsonl"
    far = {"tenant.id": "t_far", "enduser.id": "u_far"}
    near = {"metadata": '{"tenant": "t_near"}'}
    with spans_file(path) as (tracer, flush):
        with (
            tracer.start_as_current_span("POST /reply", attributes=far),
            tracer.start_as_current_span("agent run", attributes=near),
        ):
            tracer.start_span("chat", attributes=chat_attrs({"app.feature": "own"})).end()
        flush()
        # a trace of its own: nothing to inherit
        tracer.start_span("chat", attributes=chat_attrs()).end()
    summary = cli.ingest(path)
    assert summary["files"][0]["loaded"] == 2
    got = [(r["tenant_id"], r["feature"], r["user_id"]) for r in rows(cli)]
    assert got == [("t_near", "own", "u_far"), (None, None, None)]


def test_ancestors_in_another_export_are_not_seen(cli: Cli, tmp_path: Path) -> None:
    """One line per span (SimpleSpanProcessor): a child cannot see its parent, exported after it."""
    path = tmp_path / "traces.jsonl"
    with (
        spans_file(path, batch=False) as (tracer, _),
        tracer.start_as_current_span("POST /reply", attributes={"tenant.id": "t_app"}),
    ):
        tracer.start_span("chat", attributes=chat_attrs()).end()
    cli.ingest(path)
    assert [r["tenant_id"] for r in rows(cli)] == [None]


def test_an_agent_name_is_the_feature_only_when_nothing_names_one(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "traces.jsonl"
    with spans_file(path) as (tracer, flush):
        with tracer.start_as_current_span("invoke_agent", attributes={"metadata": '{"feature": "thanks"}'}):
            tracer.start_span("chat", attributes=chat_attrs({"gen_ai.agent.name": "support_agent"})).end()
        flush()
        tracer.start_span("chat", attributes=chat_attrs({"gen_ai.agent.name": "support_agent"})).end()
    cli.ingest(path)
    assert [r["feature"] for r in rows(cli)] == ["thanks", "support_agent"]


FAILURES = [
    ({"error.type": "RateLimitError"}, None, None, "rate_limited"),
    ({"error.type": "rate_limit_error", "http.response.status_code": 429}, None, None, "rate_limited"),
    ({"http.status_code": 429}, None, None, "rate_limited"),
    ({"error.type": "APITimeoutError"}, None, None, "timeout"),
    ({"error.type": "timeout"}, None, None, "timeout"),
    ({}, "AI_APICallError", "Rate limit reached for gpt-4.1-nano", "rate_limited"),
    ({}, None, "Request timed out.", "timeout"),
    ({"error.type": "InternalServerError", "http.response.status_code": 500}, None, None, "error"),
    ({}, None, None, "error"),
]


@pytest.mark.parametrize(("attrs", "exception", "message", "outcome"), FAILURES)
def test_a_failed_call_without_usage_is_a_request_with_its_outcome(
    cli: Cli,
    tmp_path: Path,
    attrs: dict[str, Any],
    exception: str | None,
    message: str | None,
    outcome: str,
) -> None:
    path = tmp_path / "traces.jsonl"
    with spans_file(path) as (tracer, _):
        span = tracer.start_span(
            "chat",
            attributes={"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4.1-nano", **attrs},
        )
        if exception:
            span.add_event("exception", {"exception.type": exception, "exception.message": message or ""})
        span.set_status(Status(StatusCode.ERROR, None if exception else message))
        span.end()
    cli.ingest(path)
    (row,) = rows(cli)
    assert (row["outcome"], row["model"], row["input_tokens"], row["output_tokens"]) == (
        outcome,
        "gpt-4.1-nano",
        0,
        0,
    )


def test_openllmetry_older_names(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "traces.jsonl"
    with spans_file(path) as (tracer, _):
        tracer.start_span(
            "anthropic.chat",
            attributes={
                "llm.request.type": "chat",
                "gen_ai.system": "Anthropic",
                "gen_ai.request.model": "claude-sonnet-4-20250514",
                "gen_ai.usage.prompt_tokens": 4120,  # uncached 120 + 3,000 read + 1,000 written
                "gen_ai.usage.completion_tokens": 300,
                "gen_ai.usage.cache_read_input_tokens": 3000,
                "gen_ai.usage.cache_creation_input_tokens": 1000,
                "llm.usage.total_tokens": 4420,
            },
        ).end()
        tracer.start_span(
            "openai.embeddings",
            attributes={
                "llm.request.type": "embedding",
                "gen_ai.system": "OpenAI",
                "gen_ai.request.model": "text-embedding-3-small",
                "gen_ai.usage.prompt_tokens": 64,
                "llm.usage.total_tokens": 64,
            },
        ).end()
    cli.ingest(path)
    chat, embedding = rows(cli)
    tokens = ("input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens")
    assert [chat[c] for c in tokens] == [4120, 3000, 1000, 300]
    assert (chat["operation"], embedding["operation"], embedding["input_tokens"]) == ("chat", "embedding", 64)


def test_vercel_steps_count_and_their_parents_do_not(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "traces.jsonl"
    usage = {"ai.usage.inputTokens": 100, "ai.usage.outputTokens": 20}
    with spans_file(path) as (tracer, _):
        with tracer.start_as_current_span(
            "ai.generateText",
            attributes={
                "ai.operationId": "ai.generateText",
                "ai.model.id": "anthropic.claude-sonnet-4",
                **usage,
            },
        ):
            tracer.start_span(
                "ai.generateText.doGenerate",
                attributes={
                    "ai.operationId": "ai.generateText.doGenerate",
                    "ai.model.provider": "amazon-bedrock",
                    "ai.model.id": "anthropic.claude-sonnet-4-20250514-v1:0",
                    **usage,
                    # Bedrock's inputTokens leave the cache out; the counts sit in the provider metadata
                    "ai.response.providerMetadata": json.dumps(
                        {"bedrock": {"usage": {"cacheReadInputTokens": 400, "cacheWriteInputTokens": 50}}}
                    ),
                },
            ).end()
        # an outer span alone (its steps lost) is still never counted
        tracer.start_span(
            "ai.streamText",
            attributes={"ai.operationId": "ai.streamText", "ai.model.id": "gpt-4.1", **usage},
        ).end()
    f = cli.ingest(path)["files"][0]
    assert (f["read"], f["loaded"], f["ignored"]) == (3, 1, 2)
    (row,) = rows(cli)
    assert (row["provider"], row["input_tokens"], row["cached_input_tokens"], row["cache_write_tokens"]) == (
        "amazon-bedrock",
        550,
        400,
        50,
    )


def test_protobuf_batches_read_the_same(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "traces.pb"
    call = {"gen_ai.operation.name": "chat", "gen_ai.request.model": "m"}
    with (
        spans_file(path, proto=True) as (tracer, _),
        tracer.start_as_current_span("POST /reply", attributes={"tenant.id": "t_app"}),
    ):
        span = tracer.start_span("chat", attributes=call)
        span.add_event("exception", {"exception.type": "openai.RateLimitError"})
        span.set_status(Status(StatusCode.ERROR))
        span.end()
    f = cli.ingest(path)["files"][0]
    assert (f["format"], f["loaded"]) == ("otlp-proto", 1)
    (row,) = rows(cli)
    assert (row["tenant_id"], row["outcome"]) == ("t_app", "rate_limited")


def test_a_parent_cycle_ends(cli: Cli, tmp_path: Path) -> None:
    """Hostile ids: spans naming each other (or themselves) as parents."""
    trace = "0af7651916cd43dd8448eb211c80319c"

    def span(span_id: str, parent: str, attrs: dict[str, Any]) -> dict[str, Any]:
        kvs = [
            {"key": k, "value": {"intValue": str(v)} if isinstance(v, int) else {"stringValue": v}}
            for k, v in attrs.items()
        ]
        return {
            "traceId": trace,
            "spanId": span_id,
            "parentSpanId": parent,
            "name": "chat",
            "startTimeUnixNano": "1790000000000000000",
            "endTimeUnixNano": "1790000000123456789",
            "attributes": kvs,
        }

    spans = [
        span("00f067aa0ba902b7", "00f067aa0ba902b8", chat_attrs()),
        span("00f067aa0ba902b8", "00f067aa0ba902b7", {"http.route": "/x"}),
        span("00f067aa0ba902b9", "00f067aa0ba902b9", chat_attrs()),
    ]
    line = {"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"spans": spans}]}]}
    path = tmp_path / "cycle.jsonl"
    path.write_text(json.dumps(line) + "\n")
    f = cli.ingest(path)["files"][0]
    assert (f["read"], f["loaded"], f["ignored"]) == (3, 2, 1)


def test_latency_is_the_spans_real_duration_with_its_fraction() -> None:
    record = OtlpMapper().record(
        Span(
            "ab" * 16,
            "cd" * 8,
            "chat",
            1_790_000_000_000_000_000,
            1_790_000_000_007_687_123,
            chat_attrs(),
            False,
        ),
        {},
        None,
    )
    assert record["latency_ms"] == pytest.approx(7.687123)


def test_explain_names_the_attribute_and_the_span_behind_each_column(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "traces.jsonl"
    call = chat_attrs({"traceloop.association.properties.Tenant": "t_1"})
    with (
        spans_file(path) as (tracer, _),
        tracer.start_as_current_span("POST /reply", attributes={"enduser.id": "u_1"}),
        tracer.start_as_current_span("invoke_agent", attributes={"gen_ai.operation.name": "invoke_agent"}),
    ):
        tracer.start_span("chat", attributes=call).end()
    code, out, _ = cli("ingest", "--explain", str(path), db=False)
    assert code == 0, out
    # one row per column: its name, the attribute (and span) it came from, its value
    assert re.search(r"(?m)^tenant_id +span traceloop\.association\.properties\.Tenant +t_1$", out)
    assert re.search(r"(?m)^user_id +ancestor span 'POST /reply' enduser\.id +u_1$", out)
    # the line's verdict wraps within the terminal's width
    assert "gen_ai.operation.name 'invoke_agent' is not a model call" in " ".join(out.split())
