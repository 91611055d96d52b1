"""Provider SDK response objects that apps log whole (issue 14 item 2): the names each SDK uses,
read with default settings wherever the app put the object (`response`, `result`, `completion`,
`output`, or merged at the root).

The objects are the SDKs' own types built from the provider's wire JSON (model_validate, as the
SDK does on a response), dumped as apps dump them, and written by python-json-logger. The whole
files made by driving the clients live in fixtures/producers/sdk-*/ (test_producers.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from llmcost.ingest.formats.shapes import shape_of
from tests.conftest import Cli
from tests.ingest.applog import log_json, request_rows

PRODUCERS = Path(__file__).resolve().parents[2] / "fixtures" / "producers"


def _log(path: Path, records: list[dict[str, Any]]) -> Path:
    return log_json(path, [("llm.request", extra) for extra in records])


def _genai(prompt: int, cached: int | None, candidates: int, thoughts: int | None) -> dict[str, Any]:
    from google.genai import types

    usage: dict[str, Any] = {"promptTokenCount": prompt, "candidatesTokenCount": candidates}
    if cached is not None:
        usage["cachedContentTokenCount"] = cached
    if thoughts is not None:
        usage["thoughtsTokenCount"] = thoughts
    wire = {
        "candidates": [{"content": {"parts": [{"text": "ok"}], "role": "model"}, "finishReason": "STOP"}],
        "usageMetadata": usage,
        "modelVersion": "gemini-2.5-flash",
        "responseId": f"gem-{prompt}",
    }
    return types.GenerateContentResponse.model_validate(wire).model_dump()


def test_google_genai_snake_case_usage_is_read_under_each_default_container(cli: Cli, tmp_path: Path) -> None:
    f = _log(
        tmp_path / "app.log",
        [
            {"tenant_id": "acme", "response": _genai(5000, 4096, 400, 1200)},
            {"tenant_id": "acme", "result": _genai(900, None, 100, None)},
            {"tenant_id": "acme", "completion": _genai(700, 512, 50, 0)},
            {"tenant_id": "acme", "output": _genai(300, None, 30, 20)},
        ],
    )
    assert cli.ingest(f)["totals"]["loaded_requests"] == 4
    cols = "request_id, model, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens"
    assert request_rows(cli.db, cols) == [
        # candidates exclude thinking: output = 400 + 1200
        ("gem-5000", "gemini-2.5-flash", 5000, 4096, 1600, 1200),
        ("gem-900", "gemini-2.5-flash", 900, 0, 100, 0),
        ("gem-700", "gemini-2.5-flash", 700, 512, 50, 0),
        ("gem-300", "gemini-2.5-flash", 300, 0, 50, 20),
    ]


def test_langchain_llm_result_from_chat_anthropic_counts_uncached_input_and_the_1h_writes(
    cli: Cli, tmp_path: Path
) -> None:
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, LLMResult

    usage = {
        "input_tokens": 50,
        "output_tokens": 200,
        "cache_read_input_tokens": 1000,
        "cache_creation_input_tokens": 3000,
        "cache_creation": {"ephemeral_5m_input_tokens": 1000, "ephemeral_1h_input_tokens": 2000},
    }
    result = LLMResult(
        generations=[[ChatGeneration(message=AIMessage(content="ok"))]],
        llm_output={"id": "msg_01X", "model": "claude-sonnet-4-5-20250929", "usage": usage},
    )
    f = _log(tmp_path / "app.log", [{"feature": "review", "response": result.model_dump()}])
    assert cli.ingest(f)["totals"]["loaded_requests"] == 1
    cols = "request_id, model, input_tokens, cached_input_tokens, cache_write_tokens, cache_write_1h_tokens"
    assert request_rows(cli.db, cols) == [("msg_01X", "claude-sonnet-4-5-20250929", 4050, 1000, 3000, 2000)]


def test_langchain_llm_result_from_chat_openai_names_its_provider(cli: Cli, tmp_path: Path) -> None:
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, LLMResult

    token_usage = {
        "prompt_tokens": 2000,
        "completion_tokens": 1800,
        "prompt_tokens_details": {"cached_tokens": 512},
        "completion_tokens_details": {"reasoning_tokens": 1200},
    }
    result = LLMResult(
        generations=[[ChatGeneration(message=AIMessage(content="ok"))]],
        llm_output={
            "token_usage": token_usage,
            "model_name": "o4-mini-2025-04-16",
            "model_provider": "openai",
            "id": "chatcmpl-9",
        },
    )
    f = _log(tmp_path / "app.log", [{"response": result.model_dump()}])
    assert cli.ingest(f)["totals"]["loaded_requests"] == 1
    cols = "request_id, provider, model, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens"
    assert request_rows(cli.db, cols) == [
        ("chatcmpl-9", "openai", "o4-mini-2025-04-16", 2000, 512, 1800, 1200)
    ]


def test_a_langchain_ai_message_reads_the_providers_usage_before_langchains_total(
    cli: Cli, tmp_path: Path
) -> None:
    from langchain_core.messages import AIMessage

    anthropic_usage = {
        "input_tokens": 50,
        "output_tokens": 200,
        "cache_read_input_tokens": 1000,
        "cache_creation_input_tokens": 3000,
        "cache_creation": {"ephemeral_5m_input_tokens": 1000, "ephemeral_1h_input_tokens": 2000},
    }
    from_anthropic = AIMessage(
        content="ok",
        id="lc_run--1",
        response_metadata={
            "id": "msg_01A",
            "model_name": "claude-sonnet-4-5-20250929",
            "model_provider": "anthropic",
            "usage": anthropic_usage,
        },
        # LangChain's own view: a total input, and the TTL-split writes moved out of cache_creation
        usage_metadata={
            "input_tokens": 4050,
            "output_tokens": 200,
            "total_tokens": 4250,
            "input_token_details": {
                "cache_read": 1000,
                "cache_creation": 0,
                "ephemeral_5m_input_tokens": 1000,
                "ephemeral_1h_input_tokens": 2000,
            },
        },
    )
    # a chat model whose usage is only in LangChain's usage_metadata (totals, details inside)
    from_gemini = AIMessage(
        content="ok",
        id="lc_run--2",
        response_metadata={"model_name": "gemini-2.5-flash", "model_provider": "google_genai"},
        usage_metadata={
            "input_tokens": 1000,
            "output_tokens": 300,
            "total_tokens": 1300,
            "input_token_details": {"cache_read": 200, "cache_creation": 100},
            "output_token_details": {"reasoning": 50},
        },
    )
    f = _log(
        tmp_path / "app.log",
        [{"response": from_anthropic.model_dump()}, {"result": from_gemini.model_dump()}],
    )
    assert cli.ingest(f)["totals"]["loaded_requests"] == 2
    cols = (
        "request_id, provider, input_tokens, cached_input_tokens, cache_write_tokens, "
        "cache_write_1h_tokens, output_tokens, reasoning_tokens"
    )
    assert request_rows(cli.db, cols) == [
        ("msg_01A", "anthropic", 4050, 1000, 3000, 2000, 200, 0),
        ("lc_run--2", "google_genai", 1000, 200, 100, 0, 300, 50),
    ]


def _converse(request_id: str, usage: dict[str, Any]) -> dict[str, Any]:
    return {
        "ResponseMetadata": {
            "RequestId": request_id,
            "HTTPStatusCode": 200,
            "HTTPHeaders": {},
            "RetryAttempts": 0,
        },
        "output": {"message": {"role": "assistant", "content": [{"text": "ok"}]}},
        "stopReason": "end_turn",
        "usage": usage,
        "metrics": {"latencyMs": 1834},
    }


def test_bedrock_converse_output_gives_request_id_latency_status_and_anthropic_style_input(
    cli: Cli, tmp_path: Path
) -> None:
    model = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
    cached = {
        "inputTokens": 90,
        "outputTokens": 250,
        "cacheReadInputTokens": 2000,
        "cacheWriteInputTokens": 30,
    }
    f = _log(
        tmp_path / "app.log",
        [
            {"modelId": model, "response": _converse("rid-1", {**cached, "totalTokens": 2370})},
            {"modelId": model, "response": _converse("rid-2", {"inputTokens": 900, "outputTokens": 150})},
        ],
    )
    assert cli.ingest(f)["totals"]["loaded_requests"] == 2
    cols = "request_id, model, input_tokens, cached_input_tokens, cache_write_tokens, latency_ms, outcome"
    assert request_rows(cli.db, cols) == [
        # inputTokens excludes the cache: 90 + 2000 + 30
        ("rid-1", model, 2120, 2000, 30, 1834, "success"),
        ("rid-2", model, 900, 0, 0, 1834, "success"),
    ]


def test_the_apps_own_request_id_wins_over_the_objects_id(cli: Cli, tmp_path: Path) -> None:
    from openai.types.chat import ChatCompletion

    wire = {
        "id": "chatcmpl-obj",
        "object": "chat.completion",
        "created": 1795510800,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12},
    }
    obj = ChatCompletion.model_validate(wire).model_dump()
    f = _log(
        tmp_path / "app.log",
        [{"request_id": "req-app-1", "response": obj}, {"completion": obj | {"id": "c2"}}],
    )
    assert cli.ingest(f)["totals"]["loaded_requests"] == 2
    assert request_rows(cli.db, "request_id") == [("req-app-1",), ("c2",)]


def _responses(inp: int, cached: int, written: int, out: int) -> dict[str, Any]:
    from openai.types.responses import Response

    wire = {
        "id": f"resp_{inp}",
        "object": "response",
        "created_at": 1795597200,
        "status": "completed",
        "model": "gpt-5-2025-08-07",
        "output": [],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": inp,
            "input_tokens_details": {"cached_tokens": cached, "cache_write_tokens": written},
            "output_tokens": out,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": inp + out,
        },
    }
    return Response.model_validate(wire).model_dump()


def test_openai_cache_writes_count_inside_input_and_cannot_exceed_it(cli: Cli, tmp_path: Path) -> None:
    f = _log(
        tmp_path / "app.log",
        [
            {"response": _responses(3000, 1024, 512, 100)},
            # reads + writes larger than the input they are part of: a count is wrong, say so
            {"response": _responses(1000, 800, 400, 100)},
        ],
    )
    summary = cli.ingest(f)
    assert (summary["totals"]["loaded_requests"], summary["files"][0]["rejected"]) == (1, 1)
    cols = "input_tokens, cached_input_tokens, cache_write_tokens, outcome"
    assert request_rows(cli.db, cols) == [(3000, 1024, 512, "success")]
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        ((line, reason),) = con.execute("SELECT line_no, reason FROM rejects").fetchall()
    finally:
        con.close()
    assert line == 2 and "cache-write" in reason and "input_tokens" in reason


def test_an_object_merged_at_the_root_reads_too_even_with_a_list_named_output(
    cli: Cli, tmp_path: Path
) -> None:
    # structlog's log.info("llm.request", **resp.model_dump()): the Response's own `output` (a
    # LIST of items) sits at the root where the `output` container is looked for
    path = tmp_path / "app.jsonl"
    record = {"event": "llm.request", "timestamp": "2026-11-25T09:00:00Z", **_responses(3000, 2048, 0, 400)}
    record["output"] = [{"type": "message", "role": "assistant", "content": []}]
    path.write_text(json.dumps(record) + "\n")
    assert cli.ingest(path)["totals"]["loaded_requests"] == 1
    cols = "request_id, input_tokens, cached_input_tokens, output_tokens, outcome"
    assert request_rows(cli.db, cols) == [("resp_3000", 3000, 2048, 400, "success")]


def test_a_broken_count_in_a_relayed_object_is_rejected_naming_the_field_and_line(
    cli: Cli, tmp_path: Path
) -> None:
    good = {"response": _responses(100, 0, 0, 10)}
    bad = {"response": _responses(200, 0, 0, 10)}
    bad["response"]["usage"]["input_tokens"] = -1
    f = _log(tmp_path / "app.log", [good, bad])
    summary = cli.ingest(f)
    assert (summary["files"][0]["loaded"], summary["files"][0]["rejected"]) == (1, 1)
    con = duckdb.connect(str(cli.db), read_only=True)
    try:
        rejects = con.execute("SELECT path, line_no, reason, detail FROM rejects").fetchall()
    finally:
        con.close()
    assert rejects == [(str(f), 2, "invalid input_tokens", "-1")]


SHAPES = {
    "sdk-openai-chat": ["OpenAI ChatCompletion under `response`", "OpenAI ChatCompletion under `completion`"],
    "sdk-openai-responses": [
        "OpenAI Responses object under `response`",
        "OpenAI Responses object under `output`",
    ],
    "sdk-anthropic-message": ["Anthropic Message under `response`", "Anthropic Message under `result`"],
    "sdk-bedrock-converse": ["boto3 Bedrock converse() output under `response`"],
    "sdk-gemini-sdk": ["google-genai GenerateContentResponse under `result`"],
    "sdk-gemini-rest": ["Gemini GenerateContentResponse (REST) under `response`"],
    "sdk-langchain-openai": ["LangChain LLMResult under `response`"],
    "sdk-langchain-anthropic": ["LangChain LLMResult under `response`"],
    "sdk-langchain-aimessage": ["LangChain AIMessage under `response`", "LangChain AIMessage under `result`"],
}


@pytest.mark.parametrize("folder", sorted(SHAPES))
def test_explain_names_each_sdk_object_by_keys_only_it_has(folder: str) -> None:
    lines = (PRODUCERS / folder / "app.jsonl").read_text().splitlines()
    seen = {shape_of(json.loads(line)) for line in lines if '"llm.request"' in line}
    assert seen == set(SHAPES[folder])


def test_an_sdk_object_at_the_root_is_named_and_plain_usage_keeps_its_old_name() -> None:
    assert shape_of({"usage_metadata": {"prompt_token_count": 1}}) == "google-genai GenerateContentResponse"
    assert shape_of({"llm_output": {}, "generations": []}) == "LangChain LLMResult"
    assert shape_of({"usage": {"prompt_tokens": 1}}) == "OpenAI Chat usage"
    assert shape_of({"usageMetadata": {"promptTokenCount": 1}}) == "Gemini usageMetadata"
