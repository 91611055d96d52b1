"""Batch API results: OpenAI Batch output files and Anthropic Message Batches results.

OpenAI writes one line per request: `{"id": "batch_req_…", "custom_id", "response": {"status_code",
"request_id", "body": <the endpoint's response: a chat completion, a Responses object, an embedding
list>}, "error": null}`; a request that failed has `error` set (`batch_expired`, …) or a 4xx/5xx
`status_code` whose body holds `{"error": …}`. Anthropic writes `{"custom_id", "result": {"type":
"succeeded", "message": <a Message>}}`, or a result of type `errored` (with `error`), `canceled` or
`expired`. Failed and unprocessed requests are loaded as requests with 0 tokens and an error outcome
(`cancelled` for canceled ones), so error rates count them; neither API bills them.

Neither file has a time per line. A chat completion carries its `created` (the body's own time);
otherwise the latest body time seen earlier in the file stands in (the batch ran then), else the
file's modification time. Such rows carry `ts_approximate` (what the time was taken from), and
`ingest --explain` shows it. Every row has `service_tier` "batch": batch prices apply.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

BATCH_TIER = "batch"


def _obj(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def is_openai_batch_line(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and "custom_id" in obj
        and "response" in obj
        and "error" in obj
        and (obj["response"] is None or isinstance(obj["response"], dict))
    )


def is_anthropic_batch_line(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and "custom_id" in obj
        and isinstance(obj.get("result"), dict)
        and obj["result"].get("type") in ("succeeded", "errored", "canceled", "expired")
    )


def file_time(name: str) -> str | None:
    """The modification time of the file `name`, as ISO text, if it is a file here."""
    try:
        return _iso(os.stat(name).st_mtime)
    except (OSError, ValueError, OverflowError):
        return None


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


class _Clock:
    """The time of an untimed line: the latest body time seen so far in this file, else the file's."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.seen: str | None = None
        self._file: str | bool | None = False  # False: not looked up yet

    def saw(self, epoch: Any) -> str | None:
        if isinstance(epoch, int | float) and not isinstance(epoch, bool) and epoch > 0:
            ts = _iso(epoch)
            if self.seen is None or ts > self.seen:
                self.seen = ts
            return ts
        return None

    def fallback(self) -> tuple[str | None, str]:
        if self.seen is not None:
            return self.seen, "batch (latest response time earlier in the file)"
        if self._file is False:
            self._file = file_time(self.name)
        return (self._file if isinstance(self._file, str) else None), "file modification time"


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _dig(obj: Any, *path: str) -> Any:
    for p in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(p)
    return obj


def _clean(rec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rec.items() if v is not None}


def _failed_outcome(status: Any, code: Any) -> str:
    """rate_limited / timeout / error, from an HTTP status or an error code."""
    if status == 429 or code in ("rate_limit_exceeded", "rate_limit_error"):
        return "rate_limited"
    if status in (408, 504) or code == "timeout":
        return "timeout"
    return "error"  # an expired batch request too: it was never run


# -- OpenAI -----------------------------------------------------------------------------------
def openai_expander(name: str) -> Callable[[Any], list[dict[str, Any]] | None]:
    clock = _Clock(name)

    def expand(obj: Any) -> list[dict[str, Any]] | None:
        if not is_openai_batch_line(obj):
            return None
        return [_openai_line(obj, clock)]

    return expand


def _openai_line(obj: dict[str, Any], clock: _Clock) -> dict[str, Any]:
    response = _obj(obj.get("response"))
    status = response.get("status_code")
    body = _obj(response.get("body"))
    error = obj.get("error") or body.get("error")
    rec: dict[str, Any] = {
        "event": "llm.request",
        "source_format": "openai-batch",
        "request_id": obj.get("id") or response.get("request_id"),
        "custom_id": obj.get("custom_id"),
        "openai_request_id": response.get("request_id"),
        "response_id": body.get("id"),
        "provider": "openai",
        "model": body.get("model"),
        "service_tier": BATCH_TIER,
        "http_status": status,
    }
    ts = clock.saw(body.get("created") if "created" in body else body.get("created_at"))
    if ts is None:
        ts, why = clock.fallback()
        rec["ts_approximate"] = why
    rec["ts"] = ts
    failed = bool(obj.get("error")) or (isinstance(status, int) and status >= 400) or "error" in body
    if failed:
        code = (error.get("code") or error.get("type")) if isinstance(error, dict) else None
        rec["outcome"] = _failed_outcome(status, code)
        rec["error_code"] = code
        message = error.get("message") if isinstance(error, dict) else error
        rec["error_message"] = str(message)[:300] if message else None
        rec["model"] = rec["model"] or "unknown"  # the output file does not say which model was asked for
        rec.update(input_tokens=0, output_tokens=0)
        return _clean(rec)
    rec["outcome"] = "success"
    rec["operation"] = {
        "chat.completion": "chat",
        "response": "chat",
        "text_completion": "completion",
        "list": "embedding",
    }.get(str(body.get("object")))
    usage = _obj(body.get("usage"))
    if "prompt_tokens" in usage:  # Chat Completions, completions, embeddings
        rec["input_tokens"] = usage.get("prompt_tokens")
        rec["cached_input_tokens"] = _dig(usage, "prompt_tokens_details", "cached_tokens")
        rec["output_tokens"] = usage.get("completion_tokens", 0)
        rec["reasoning_tokens"] = _dig(usage, "completion_tokens_details", "reasoning_tokens")
    else:  # Responses
        rec["input_tokens"] = usage.get("input_tokens")
        rec["cached_input_tokens"] = _dig(usage, "input_tokens_details", "cached_tokens")
        rec["output_tokens"] = usage.get("output_tokens")
        rec["reasoning_tokens"] = _dig(usage, "output_tokens_details", "reasoning_tokens")
    return _clean(rec)


# -- Anthropic --------------------------------------------------------------------------------
def anthropic_expander(name: str) -> Callable[[Any], list[dict[str, Any]] | None]:
    clock = _Clock(name)

    def expand(obj: Any) -> list[dict[str, Any]] | None:
        if not is_anthropic_batch_line(obj):
            return None
        return [_anthropic_line(obj, clock)]

    return expand


def _anthropic_line(obj: dict[str, Any], clock: _Clock) -> dict[str, Any]:
    result = obj["result"]
    kind = result.get("type")
    message = _obj(result.get("message"))
    ts, why = clock.fallback()  # a Message has no time of its own
    rec: dict[str, Any] = {
        "event": "llm.request",
        "source_format": "anthropic-batch",
        # custom_id is unique within its batch only: the message id where there is one, else
        # the line's own hash (which includes the file's time) identifies the row
        "request_id": message.get("id"),
        "custom_id": obj.get("custom_id"),
        "ts": ts,
        "ts_approximate": why,
        "provider": "anthropic",
        "model": message.get("model"),
        "operation": "chat",
        "service_tier": BATCH_TIER,
        "batch_result": kind,
    }
    if kind != "succeeded":
        error = _dig(result, "error", "error") or result.get("error")
        code = error.get("type") if isinstance(error, dict) else None
        rec["outcome"] = "cancelled" if kind == "canceled" else _failed_outcome(None, code or kind)
        rec["error_code"] = code or kind
        if isinstance(error, dict) and error.get("message"):
            rec["error_message"] = str(error["message"])[:300]
        rec["model"] = rec["model"] or "unknown"  # the results file does not say which model was asked for
        rec.update(input_tokens=0, output_tokens=0)
        return _clean(rec)
    usage = _obj(message.get("usage"))
    uncached = _int(usage.get("input_tokens")) or 0
    read = _int(usage.get("cache_read_input_tokens")) or 0
    write = _int(usage.get("cache_creation_input_tokens")) or 0
    rec["outcome"] = "success"
    rec["stop_reason"] = message.get("stop_reason")
    # Anthropic's input_tokens is the uncached part only: ours includes reads and writes
    rec["input_tokens"] = uncached + read + write if usage.get("input_tokens") is not None else None
    rec["cached_input_tokens"] = read
    rec["cache_write_tokens"] = write
    rec["cache_write_1h_tokens"] = _dig(usage, "cache_creation", "ephemeral_1h_input_tokens")
    rec["output_tokens"] = usage.get("output_tokens")
    return _clean(rec)
