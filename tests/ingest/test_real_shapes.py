"""The staging mechanisms real producers need (issue 14): measured durations, failed calls without
usage, keys in any case, objects held as JSON text, SDK response objects under a container, and a
file that loads nothing saying which setting would take it.

Lines are written by the real logging library (python-json-logger), as apps write them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.ingest.applog import log_json, request_rows


def test_a_fractional_duration_is_a_measurement_and_loads_rounded(cli: Cli, tmp_path: Path) -> None:
    f = log_json(
        tmp_path / "app.log",
        [
            (
                "llm.request",
                {"model": "gpt-4o-mini", "input_tokens": 100, "output_tokens": 10, "latency_ms": 7.687},
            ),
            (
                "llm.request",
                {"model": "gpt-4o-mini", "input_tokens": 100, "output_tokens": 10, "latency_ms": 0.4},
            ),
            (
                "llm.request",
                {"model": "gpt-4o-mini", "input_tokens": 100, "output_tokens": 10, "latency_ms": 2e3},
            ),
        ],
    )
    summary = cli.ingest(f)
    assert summary["totals"]["loaded_requests"] == 3
    assert [r[0] for r in request_rows(cli.db, "latency_ms")] == [8, 0, 2000]


def test_a_negative_duration_is_rejected_naming_the_duration_not_a_token_field(
    cli: Cli, tmp_path: Path
) -> None:
    f = log_json(
        tmp_path / "app.log",
        [
            (
                "llm.request",
                {"model": "gpt-4o-mini", "input_tokens": 100, "output_tokens": 10, "latency_ms": -3},
            )
        ],
    )
    assert cli.ingest(f)["totals"]["rejected"] == 1
    code, out, _ = cli("status", "--rejects")
    assert code == 0
    assert "invalid latency_ms" in out and "app.log:1" in out
    assert "token" not in out.split("invalid latency_ms")[0].splitlines()[-1]


def test_failed_calls_without_usage_load_as_requests_with_zero_tokens(cli: Cli, tmp_path: Path) -> None:
    f = log_json(
        tmp_path / "app.log",
        [
            # the middleware's own line for a call that never got an answer
            ("llm.request", {"model": "gpt-4o", "tenant_id": "t1", "outcome": "rate_limited"}),
            ("llm.request", {"model": "gpt-4o", "tenant_id": "t1", "status": "timeout"}),
            # a gateway-style row: no event name, usage fields present but null, HTTP 429
            (
                "",
                {"model": "claude-sonnet-4", "prompt_tokens": None, "completion_tokens": None, "status": 429},
            ),
            (
                "",
                {
                    "model": "claude-sonnet-4",
                    "prompt_tokens": None,
                    "completion_tokens": None,
                    "status": "503",
                },
            ),
            # not a model call: a model name and an error, but nothing about usage
            ("db.error", {"model": "User", "status": "error"}),
            # a successful call still needs its usage
            ("llm.request", {"model": "gpt-4o", "outcome": "success"}),
        ],
    )
    summary = cli.ingest(f)
    assert summary["totals"]["loaded_requests"] == 4
    assert summary["totals"]["ignored"] == 1
    assert summary["totals"]["rejected"] == 1
    rows = request_rows(cli.db, "model, outcome, input_tokens, output_tokens, cost_usd")
    assert rows == [
        ("gpt-4o", "rate_limited", 0, 0, 0),
        ("gpt-4o", "timeout", 0, 0, 0),
        ("claude-sonnet-4", "rate_limited", 0, 0, 0),
        ("claude-sonnet-4", "error", 0, 0, 0),
    ]


def test_keys_match_their_aliases_in_any_case_even_mixed_in_one_batch(cli: Cli, tmp_path: Path) -> None:
    f = log_json(
        tmp_path / "app.log",
        [
            (
                "llm.request",
                {"Model": "gpt-4o-mini", "Tenant": "acme", "InputTokens": 100, "OutputTokens": 5},
            ),
            (
                "llm.request",
                {"model": "gpt-4o-mini", "tenant": "beta", "inputTokens": 200, "outputTokens": 6},
            ),
            (
                "llm.request",
                {"MODEL": "gpt-4o-mini", "TENANT_ID": "gamma", "INPUT_TOKENS": 300, "OUTPUT_TOKENS": 7},
            ),
        ],
    )
    assert cli.ingest(f)["totals"]["loaded_requests"] == 3
    assert request_rows(cli.db, "model, tenant_id, input_tokens, output_tokens") == [
        ("gpt-4o-mini", "acme", 100, 5),
        ("gpt-4o-mini", "beta", 200, 6),
        ("gpt-4o-mini", "gamma", 300, 7),
    ]


def test_a_container_held_as_json_text_is_read(cli: Cli, tmp_path: Path) -> None:
    metadata = json.dumps({"tenant_id": "acme", "feature": "copilot", "user_id": "u_9"})
    f = log_json(
        tmp_path / "app.log",
        [
            (
                "llm.request",
                {"model": "gpt-4o-mini", "prompt_tokens": 10, "completion_tokens": 2, "metadata": metadata},
            )
        ],
    )
    assert cli.ingest(f)["totals"]["loaded_requests"] == 1
    assert request_rows(cli.db, "tenant_id, feature, user_id") == [("acme", "copilot", "u_9")]


def test_an_sdk_response_logged_whole_is_read_and_user_containers_add_to_the_defaults(
    cli: Cli, tmp_path: Path
) -> None:
    usage = {"prompt_tokens": 1000, "completion_tokens": 50, "prompt_tokens_details": {"cached_tokens": 400}}
    f = log_json(
        tmp_path / "app.log",
        [
            (
                "llm.request",
                {
                    "tenant_id": "acme",
                    "response": {"id": "chatcmpl-1", "model": "gpt-4o-mini", "usage": usage},
                },
            ),
            (
                "llm.request",
                {"result": "success", "model": "gpt-4o-mini", "input_tokens": 10, "output_tokens": 1},
            ),
            (
                "llm.request",
                {
                    "payload": {
                        "tenant_id": "beta",
                        "model": "gpt-4o-mini",
                        "input_tokens": 7,
                        "output_tokens": 2,
                    }
                },
            ),
        ],
    )
    (tmp_path / "llmcost.toml").write_text('[ingest]\ncontainers = ["payload"]\n')
    assert cli.ingest(f)["totals"]["loaded_requests"] == 3
    rows = request_rows(
        cli.db, "request_id, tenant_id, input_tokens, cached_input_tokens, output_tokens, outcome"
    )
    assert rows[0] == ("chatcmpl-1", "acme", 1000, 400, 50, "unknown")
    assert [r[1:] for r in rows[1:]] == [(None, 10, 0, 1, "success"), ("beta", 7, 0, 2, "unknown")]


def test_a_file_that_loads_nothing_says_what_it_saw_and_the_pasted_setting_takes_it(
    cli: Cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = log_json(
        tmp_path / "app.log",
        [
            (
                "gen.done",
                {"llm": {"engine": "gpt-4o-mini", "stats": {"promptTokens": 100, "completionTokens": 9}}},
            ),
            (
                "gen.done",
                {"llm": {"engine": "gpt-4o-mini", "stats": {"promptTokens": 200, "completionTokens": 8}}},
            ),
        ],
    )
    summary = cli.ingest(f)
    (file,) = summary["files"]
    assert file["loaded"] == 0 and file["ignored"] == 2
    hint = file["hint"]
    assert "llm.stats.promptTokens" in hint
    toml = hint.split("add to llmcost.toml:\n", 1)[1]
    assert toml.startswith("[ingest.aliases]")
    (tmp_path / "llmcost.toml").write_text(toml + "\n")
    fresh = Cli(tmp_path / "fresh" / "warehouse.duckdb", capsys)
    assert fresh.ingest(f)["totals"]["loaded_requests"] == 2
    code, out, err = fresh("ingest", "--explain", str(f), db=False)
    assert code == 0, err
    assert re.search(r"(?m)^input_tokens +llm\.stats\.promptTokens +100$", out)


def test_explain_says_why_a_line_was_ignored_with_the_setting_to_paste(cli: Cli, tmp_path: Path) -> None:
    f = log_json(
        tmp_path / "app.log", [("gen.done", {"payload": {"model": "gpt-4o", "usage": {"prompt_tokens": 5}}})]
    )
    code, out, err = cli("ingest", "--explain", str(f), db=False)
    assert code == 0, err
    assert "ignored" in out and "is not a request event" in out
    assert '    containers = ["payload"]' in out.splitlines()


def test_token_counts_without_a_model_name_are_named_as_the_missing_piece(cli: Cli, tmp_path: Path) -> None:
    f = log_json(
        tmp_path / "app.log", [("chat.done", {"engine_ref": 7, "prompt_tokens": 10, "completion_tokens": 2})]
    )
    (file,) = cli.ingest(f)["files"]
    assert file["loaded"] == 0
    assert "no field naming the model was found" in file["hint"]
    assert file["hint"].endswith('model = ["<the field that names the model>"]')


def test_a_failed_call_with_an_empty_usage_object_is_a_request(cli: Cli, tmp_path: Path) -> None:
    f = log_json(
        tmp_path / "app.log",
        [
            ("", {"type": "GENERATION", "model": "gpt-4o", "level": "ERROR", "usageDetails": {}}),
            ("", {"model": "gpt-4o", "status": "error", "extra": {"path": "/v1"}}),  # no usage: not a call
        ],
    )
    summary = cli.ingest(f)
    assert summary["totals"]["loaded_requests"] == 1
    assert summary["totals"]["ignored"] == 1
    assert request_rows(cli.db, "outcome, input_tokens") == [("error", 0)]


@pytest.mark.parametrize(("data", "lines"), [(b"\x00\n{}\n{}\n", 3), (b"\x00\r\n\r\n{}\n\n", 4)])
def test_text_that_only_starts_like_a_protobuf_length_is_read_as_lines(
    data: bytes, lines: int, cli: Cli, tmp_path: Path
) -> None:
    """Found by the fuzz test: four bytes of text passed for an OTLP message length and tag, and
    the file waited forever as "no complete line yet"."""
    f = tmp_path / "odd.log"
    f.write_bytes(data)
    (file,) = cli.ingest(f)["files"]
    assert file["format"] == "jsonl"
    assert file["read"] == lines and file["pending_bytes"] == 0
